/**
 * One ARM request with retries: exponential backoff with full jitter, Retry-After honoured, a
 * per-attempt timeout, and every failure mapped to a typed ArmError. All waits go through the
 * injected Clock; only the I/O timeout runs on real time (it bounds real sockets).
 */
import type { Dispatcher } from 'undici';
import { backoffCeiling, retryDelay, type BackoffOptions } from '../core/backoff';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { httpOutcome, METRICS, telemetry } from '../core/telemetry';
import { retryAfterMs as readRetryAfter } from '../core/retry-after';
import { ArmError, MalformedResponseError, errorForStatus, type CallPurpose } from './errors';
import type { TokenCache } from './token-cache';

export interface RequestInfo {
  readonly method: string;
  /** Path without query. */
  readonly path: string;
  /** HTTP status, or 0 when no answer arrived. */
  readonly status: number;
  readonly attempt: number;
}

export interface TransportOptions {
  readonly origin: string;
  readonly dispatcher: Dispatcher;
  readonly tokens?: TokenCache;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly maxAttempts: number;
  readonly timeoutMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A server asking for a longer wait than this gets the error back at once, for the caller to schedule. */
  readonly maxRetryAfterMs: number;
  readonly random: () => number;
  readonly onRequest?: (info: RequestInfo) => void;
}

export interface ArmRequest {
  readonly method: 'GET' | 'POST';
  /** Path and query, already validated. */
  readonly path: string;
  /** Human description for messages, e.g. "job 1234… in vault v1". */
  readonly what: string;
  readonly purpose: CallPurpose;
  readonly signal?: AbortSignal;
  /** JSON request body (Backups_Trigger's BackupRequestResource); POSTs without one send none. */
  readonly body?: string;
}

export interface ArmResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
  readonly remainingReads?: number;
  readonly attempts: number;
}

/** ARM bodies are small; anything larger is not a jobs answer. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

async function readBody(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += b.length;
    if (size > MAX_BODY_BYTES) {
      body.destroy();
      throw new MalformedResponseError(`a body larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function headerNumber(headers: ArmResponse['headers'], name: string): number | undefined {
  const v = headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  const n = s === undefined ? NaN : Number(s);
  return Number.isFinite(n) ? n : undefined;
}

export class ArmTransport {
  private readonly backoff: BackoffOptions;

  constructor(private readonly o: TransportOptions) {
    this.backoff = { baseMs: o.baseDelayMs, capMs: o.maxDelayMs, minMs: 0 };
  }

  /** One span per call (all its attempts), a child of the command or poll round that made it. */
  send(req: ArmRequest): Promise<ArmResponse> {
    return telemetry().span(`ARM ${req.method}`, { 'http.request.method': req.method, 'arm.purpose': req.purpose }, async (span) => {
      const res = await this.attempts(req);
      span.setAttributes({ 'http.response.status_code': res.status, 'arm.attempts': res.attempts });
      return res;
    });
  }

  private async attempts(req: ArmRequest): Promise<ArmResponse> {
    for (let attempt = 1; ; attempt++) {
      let error: ArmError;
      try {
        const res = await this.once(req, attempt);
        if (res.status < 400) return res;
        if (res.status === 401) this.o.tokens?.invalidate();
        const retryAfterMs =
          readRetryAfter(res.headers, this.o.clock.now()) ?? (res.status === 429 ? backoffCeiling(attempt, this.backoff) : undefined);
        error = errorForStatus(res.status, res.body, { what: req.what, purpose: req.purpose, retryAfterMs });
      } catch (e) {
        if (req.signal?.aborted) throw req.signal.reason;
        if (!(e instanceof ArmError)) throw e;
        error = e;
      }
      if (!error.retryable || attempt >= this.o.maxAttempts) throw error;
      const wait = retryDelay(attempt, this.backoff, this.o.random, error.retryAfterMs);
      if (wait > this.o.maxRetryAfterMs) throw error;
      this.o.logger.warn({ attempt, waitMs: Math.round(wait), kind: error.kind, status: error.status }, 'ARM request failed, retrying');
      await this.o.clock.sleep(wait, req.signal);
    }
  }

  private async once(req: ArmRequest, attempt: number): Promise<ArmResponse & { status: number }> {
    const path = req.path.split('?')[0];
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'backup-jobs-bot' };
    // The token is fetched per attempt so a refresh near expiry is picked up by retries.
    if (this.o.tokens) headers.authorization = `Bearer ${await this.o.tokens.get()}`;
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    else if (req.method === 'POST') headers['content-length'] = '0';
    const timeout = AbortSignal.timeout(this.o.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    let status = 0;
    try {
      const res = await this.o.dispatcher.request({
        origin: this.o.origin,
        path: req.path,
        method: req.method,
        headers,
        signal,
        ...(req.body === undefined ? {} : { body: req.body }),
      });
      status = res.statusCode;
      const text = await readBody(res.body);
      const resHeaders = res.headers as ArmResponse['headers'];
      let body: unknown;
      if (text.trim() !== '') {
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          if (status < 400) throw new MalformedResponseError(`a body that is not JSON (HTTP ${status}) for ${req.what}`, { status });
        }
      }
      this.o.logger.debug({ method: req.method, path, status, attempt }, 'ARM request');
      return {
        status,
        headers: resHeaders,
        body,
        remainingReads: headerNumber(resHeaders, 'x-ms-ratelimit-remaining-subscription-reads'),
        attempts: attempt,
      };
    } catch (e) {
      if (req.signal?.aborted || e instanceof ArmError) throw e;
      const code = (e as { code?: unknown }).code;
      const detail = timeout.aborted
        ? `did not answer within ${this.o.timeoutMs} ms`
        : `could not be reached (${typeof code === 'string' ? code : (e as Error).name})`;
      this.o.logger.debug({ method: req.method, path, status, attempt, err: detail }, 'ARM request failed');
      throw new ArmError('transient', `Azure ${detail} for ${req.what}; it is worth trying again later.`, { cause: e });
    } finally {
      this.o.onRequest?.({ method: req.method, path, status, attempt });
      telemetry()
        .counter(METRICS.armRequests, 'ARM requests (each attempt) by kind and outcome')
        .add(1, { kind: req.method === 'GET' ? 'read' : 'write', outcome: httpOutcome(status) });
    }
  }
}
