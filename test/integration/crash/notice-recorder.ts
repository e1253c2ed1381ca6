/**
 * The crash test's stand-in for the Bot Connector: records every notice it accepts, with the
 * moment its 2xx left (the start of the one window in which a crash may cause a duplicate).
 * A seeded share of calls answers 503 first, so deliveries are also retried across crashes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isNoticeBody, type NoticeBody } from './protocol';

export interface AcceptedNotice extends NoticeBody {
  readonly activityId: string;
  /** Real epoch ms the request was read. */
  readonly receivedAt: number;
  /** Real epoch ms the 2xx was handed to the socket; undefined when the socket died first. */
  sentAt?: number;
}

export class NoticeRecorder {
  readonly accepted: AcceptedNotice[] = [];
  rejected = 0;
  /** Called as each 2xx leaves, before the child can have read it (the window kills use it). */
  onSent?: (notice: AcceptedNotice) => void;
  private readonly server: http.Server;
  private nextId = 1;
  private origin = '';

  constructor(
    private readonly random: () => number,
    private readonly failureRate = 0,
  ) {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch(() => {
        res.statusCode = 500;
        res.end();
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.origin;
  }

  get url(): string {
    return this.origin;
  }

  finals(): AcceptedNotice[] {
    return this.accepted.filter((n) => n.kind === 'final');
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      body = undefined;
    }
    if (req.method !== 'POST' || req.url !== '/notices' || !isNoticeBody(body)) {
      res.writeHead(400);
      res.end();
      return;
    }
    if (this.random() < this.failureRate) {
      this.rejected++;
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{"error":"try again"}');
      return;
    }
    // A card keeps its activity id when updated in place; a new message gets a new one.
    const activityId = body.kind === 'card' && body.cardActivityId ? body.cardActivityId : `act-${this.nextId++}`;
    const record: AcceptedNotice = { ...body, activityId, receivedAt: Date.now() };
    this.accepted.push(record);
    res.on('finish', () => {
      record.sentAt = Date.now();
      this.onSent?.(record);
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: activityId }));
  }
}
