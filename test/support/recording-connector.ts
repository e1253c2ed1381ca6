/**
 * A Bot Connector on 127.0.0.1 that records what the bot sends, for integration tests, the e2e
 * helpers and the inbound benchmark. It answers the routes a bot uses to talk to Teams:
 *   POST /v3/conversations/{conversationId}/activities               (new message)
 *   POST /v3/conversations/{conversationId}/activities/{replyToId}   (reply in the thread)
 *   PUT  /v3/conversations/{conversationId}/activities/{activityId}  (update in place)
 * Failures can be programmed per conversation (429 with Retry-After, 500, 403, 404, …).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ConnectorOp = 'send' | 'reply' | 'update';

export interface RecordedActivity {
  /** 1-based arrival order across all conversations. */
  readonly seq: number;
  readonly op: ConnectorOp;
  readonly conversationId: string;
  /** The activity id this call created (send/reply) or updated (update). */
  readonly activityId: string;
  readonly replyToId?: string;
  /** The request body as the bot sent it. */
  readonly activity: ConnectorActivity;
  readonly authorization?: string;
  /** Epoch ms of arrival (wall clock, for rate checks only). */
  readonly at: number;
}

/** The parts of an outgoing activity the tests look at. */
export interface ConnectorActivity {
  readonly type?: string;
  readonly text?: string;
  readonly replyToId?: string;
  readonly attachments?: ReadonlyArray<{ readonly contentType: string; readonly content: Record<string, unknown> }>;
  readonly entities?: ReadonlyArray<Record<string, unknown>>;
  readonly conversation?: { readonly id: string };
  readonly [key: string]: unknown;
}

export interface Failure {
  readonly status: number;
  /** Seconds, sent as the Retry-After header. */
  readonly retryAfterSeconds?: number;
  /** Only fail these operations (default: all). */
  readonly ops?: readonly ConnectorOp[];
  /** Put the request's headers (Authorization included) and body into the error answer, as a careless proxy would. */
  readonly echoRequest?: boolean;
}

interface ProgrammedFailure extends Failure {
  remaining: number;
}

export interface RejectedCall {
  readonly op: ConnectorOp;
  readonly conversationId: string;
  readonly status: number;
  readonly at: number;
}

type Listener = () => void;

export class RecordingConnector {
  readonly activities: RecordedActivity[] = [];
  readonly rejected: RejectedCall[] = [];
  private readonly server: http.Server;
  private readonly failures = new Map<string, ProgrammedFailure[]>();
  private readonly listeners = new Set<Listener>();
  private nextId = 1;
  private seq = 0;
  private port = 0;

  private constructor() {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch(() => {
        res.statusCode = 500;
        res.end();
      });
    });
  }

  static async start(): Promise<RecordingConnector> {
    const c = new RecordingConnector();
    await new Promise<void>((resolve, reject) => {
      c.server.once('error', reject);
      c.server.listen(0, '127.0.0.1', () => resolve());
    });
    c.port = (c.server.address() as AddressInfo).port;
    return c;
  }

  /** The value to put in `activity.serviceUrl`. */
  get serviceUrl(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  /**
   * The next `times` calls for this conversation (exact id, or its thread root when the id has
   * `;messageid=`) answer `status` instead of succeeding.
   */
  fail(conversationId: string, failure: Failure, times = 1): void {
    const list = this.failures.get(conversationId) ?? [];
    list.push({ ...failure, remaining: times });
    this.failures.set(conversationId, list);
  }

  clearFailures(): void {
    this.failures.clear();
  }

  /** Activities for a conversation; a channel root id also matches its threads. */
  for(conversationId: string): RecordedActivity[] {
    return this.activities.filter((a) => a.conversationId === conversationId || rootOf(a.conversationId) === conversationId);
  }

  /** Posted messages that carry an Adaptive Card. */
  cards(conversationId?: string): RecordedActivity[] {
    const list = conversationId === undefined ? this.activities : this.for(conversationId);
    return list.filter((a) => cardOf(a) !== undefined);
  }

  /** Every call that created or updated the given activity id, in order. */
  history(activityId: string): RecordedActivity[] {
    return this.activities.filter((a) => a.activityId === activityId);
  }

  /** Resolves when `predicate` holds, re-checked on every recorded call; rejects after `timeoutMs`. */
  async waitFor<T>(predicate: () => T | undefined | false, timeoutMs = 15_000, what = 'connector condition'): Promise<T> {
    const now = predicate();
    if (now) return now;
    return new Promise<T>((resolve, reject) => {
      const listener = (): void => {
        const value = predicate();
        if (value) {
          cleanup();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what}; recorded: ${this.describe()}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
    });
  }

  /** A compact summary for failure messages. */
  describe(): string {
    return JSON.stringify(
      this.activities.map((a) => ({
        op: a.op,
        conv: a.conversationId,
        id: a.activityId,
        text: a.activity.text?.slice(0, 80),
        card: cardOf(a) !== undefined,
      })),
    );
  }

  reset(): void {
    this.activities.length = 0;
    this.rejected.length = 0;
    this.failures.clear();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/.exec(url.pathname);
    const op: ConnectorOp | undefined = !m
      ? undefined
      : req.method === 'PUT' && m[2]
        ? 'update'
        : req.method === 'POST'
          ? m[2]
            ? 'reply'
            : 'send'
          : undefined;
    if (!m || !op) {
      send(res, 404, { error: { code: 'NotFound', message: `no route ${req.method} ${url.pathname}` } });
      return;
    }
    const conversationId = decodeURIComponent(m[1]);
    const pathActivityId = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
    const failure = this.takeFailure(conversationId, op);
    if (failure) {
      this.rejected.push({ op, conversationId, status: failure.status, at: Date.now() });
      const headers: Record<string, string> =
        failure.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(failure.retryAfterSeconds) };
      const echo = failure.echoRequest ? ` ${JSON.stringify({ headers: req.headers, body })}` : '';
      send(
        res,
        failure.status,
        {
          error: { code: `Status${failure.status}`, message: `programmed failure${echo}` },
          ...(failure.echoRequest ? { request: req.headers } : {}),
        },
        headers,
      );
      this.notify();
      return;
    }
    let activity: ConnectorActivity;
    try {
      activity = JSON.parse(body) as ConnectorActivity;
    } catch {
      send(res, 400, { error: { code: 'BadArgument', message: 'body is not JSON' } });
      return;
    }
    const activityId = op === 'update' ? pathActivityId! : `activity-${this.nextId++}`;
    this.activities.push({
      seq: ++this.seq,
      op,
      conversationId,
      activityId,
      ...(op === 'reply' ? { replyToId: pathActivityId } : {}),
      activity,
      ...(typeof req.headers.authorization === 'string' ? { authorization: req.headers.authorization } : {}),
      at: Date.now(),
    });
    send(res, op === 'update' ? 200 : 201, { id: activityId });
    this.notify();
  }

  private takeFailure(conversationId: string, op: ConnectorOp): ProgrammedFailure | undefined {
    for (const id of [conversationId, rootOf(conversationId)]) {
      const list = this.failures.get(id);
      const hit = list?.find((f) => f.remaining > 0 && (!f.ops || f.ops.includes(op)));
      if (hit) {
        hit.remaining--;
        return hit;
      }
    }
    return undefined;
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }
}

/** The Adaptive Card content of a recorded activity, when it has one. */
export function cardOf(a: RecordedActivity): Record<string, unknown> | undefined {
  return a.activity.attachments?.find((x) => x.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}

/** `19:abc@thread;messageid=123` → `19:abc@thread`. */
export function rootOf(conversationId: string): string {
  const at = conversationId.indexOf(';messageid=');
  return at < 0 ? conversationId : conversationId.slice(0, at);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
