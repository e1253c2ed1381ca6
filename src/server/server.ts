/**
 * The HTTP surface: POST /api/messages (handed to the bot layer), GET /healthz (liveness) and
 * GET /readyz (readiness, readiness.ts). The only file that knows restify. No restify body plugin is used (see json-body.ts for why): a request is
 * refused on its headers before a byte of its body is read, and the body is read under a hard cap.
 */
import restify from 'restify';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import { RepeatLimiter } from '../core/repeat-limiter';
import { hasBearer, readJsonBody, refuseByHeaders, type Refusal } from './json-body';
import { checkReadiness, type Readiness, type ReadinessCheck } from './readiness';

export type { Readiness } from './readiness';

export interface ServerOptions {
  /** Processes one Bot Framework request (CloudAdapter.process); must answer `res`. */
  readonly onMessages: (req: restify.Request, res: restify.Response) => Promise<void>;
  readonly readiness: () => Readiness;
  /** What `/readyz` checks besides `readiness()` (the store, Redis); each is bounded, see readiness.ts. */
  readonly readinessChecks?: Readonly<Record<string, ReadinessCheck>>;
  readonly logger: Logger;
  /**
   * Largest accepted body in bytes (default 1 MiB), counted on what arrives. Teams activities are
   * well under 100 KB (a message is capped at ~28 KB of text plus its envelope); 1 MiB leaves room
   * for card submits and channel data without letting a caller make the process hold much.
   */
  readonly maxBodyBytes?: number;
  /**
   * Inbound authentication is on (MicrosoftAppId set): a POST without `Authorization: Bearer …`
   * gets 401 before its body is read. The token itself is still validated by CloudAdapter.
   */
  readonly requireBearer?: boolean;
  /** Slow-client limits; each defaults to DEFAULT_LIMITS. */
  readonly limits?: Partial<ServerLimits>;
  /** Paces the "connections dropped" warning (RepeatLimiter); default the system clock. */
  readonly clock?: Pick<Clock, 'now'>;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * What one client may hold. Teams and the Bot Framework send small bodies at once, so the bounds
 * are tight: a client trickling bytes (slowloris) or opening sockets it never uses keeps a
 * connection for seconds, not forever, and never more than `maxConnections` at a time.
 */
export interface ServerLimits {
  /** Time to receive the request headers (node's headersTimeout, at most requestTimeoutMs). */
  readonly headersTimeoutMs: number;
  /** Time to receive the whole request, headers and body (node's requestTimeout; 408, connection closed). */
  readonly requestTimeoutMs: number;
  /** Time from the start of reading the body to its last byte (408, connection closed); checked exactly, unlike node's, which looks every `checkIntervalMs`. */
  readonly bodyTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  readonly keepAliveTimeoutMs: number;
  /** Open connections at once; more are closed as soon as they are accepted (logged, bounded). */
  readonly maxConnections: number;
  /** How often node checks headersTimeout and requestTimeout (its default is 30 s). */
  readonly checkIntervalMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = Object.freeze({
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  bodyTimeoutMs: 10_000,
  keepAliveTimeoutMs: 10_000,
  maxConnections: 1024,
  checkIntervalMs: 1_000,
});

export interface HttpServer {
  /** Resolves with the bound address (port 0 picks a free port). */
  listen(port: number, host: string): Promise<{ port: number; url: string }>;
  /** Stops accepting, ends keep-alive connections. Idempotent. */
  close(): Promise<void>;
}

export function createServer(o: ServerOptions): HttpServer {
  const log = o.logger.child({ component: 'server' });
  const maxBytes = o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  // noWriteContinue: a client that sends `Expect: 100-continue` is told to send its body only once the headers passed.
  const server = restify.createServer({ name: 'backup-jobs', handleUncaughtExceptions: false, noWriteContinue: true });
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...o.limits };
  applyLimits(server.server, limits);
  const dropped = new RepeatLimiter(o.clock ?? { now: () => Date.now() });
  // Node closes a connection over maxConnections right after accepting it; a flood of them is one line per interval.
  server.server.on('drop', () => {
    const report = dropped.fail();
    if (report) log.warn({ maxConnections: limits.maxConnections, ...report }, 'connection refused: too many open connections');
  });

  const refuse = (req: restify.Request, res: restify.Response, refusal: Refusal, bytesRead: number): void => {
    // Debug only: the volume of these lines is the caller's choice.
    log.debug({ status: refusal.status, reason: refusal.reason, bytesRead }, 'request refused');
    if (res.headersSent) return;
    const text = JSON.stringify({ error: refusal.reason });
    // With Connection: close node ends and destroys the socket once the answer is written, so the
    // unread rest of the body is never pulled off the wire.
    res.writeHead(refusal.status, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
      ...(refusal.unread ? { Connection: 'close' } : {}),
      ...(refusal.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {}),
    });
    res.end(text);
    if (refusal.unread) req.pause();
  };

  server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
    try {
      if (o.requireBearer && !hasBearer(req.headers)) {
        refuse(req, res, { status: 401, reason: 'a Bot Framework Bearer token is required', unread: true }, 0);
        return;
      }
      const early = refuseByHeaders(req.headers, maxBytes);
      if (early) {
        refuse(req, res, early, 0);
        return;
      }
      if (/^100-continue$/i.test(req.headers.expect ?? '')) res.writeContinue();
      const read = await readJsonBody(req, maxBytes, limits.bodyTimeoutMs);
      if (!read.ok) {
        refuse(req, res, read.refusal, read.bytesRead);
        return;
      }
      // What CloudAdapter.process reads: req.body as a parsed object (it refuses anything else with 400).
      req.body = read.body;
      await o.onMessages(req, res);
    } catch (err) {
      log.error({ err }, 'request failed');
      if (!res.headersSent) res.send(500);
    }
  });

  // restify 11 wants async handlers to be real async functions (it checks the constructor).
  // eslint-disable-next-line @typescript-eslint/require-await -- async by restify's contract, nothing to await
  server.get('/healthz', async (_req: restify.Request, res: restify.Response) => {
    const state = o.readiness();
    res.send(state === 'ready' ? 200 : 503, { status: state === 'ready' ? 'ok' : state });
  });

  server.get('/readyz', async (_req: restify.Request, res: restify.Response) => {
    const report = await checkReadiness(o.readiness(), o.readinessChecks ?? {}, log);
    res.send(report.ready ? 200 : 503, { status: report.ready ? 'ready' : 'not ready', checks: report.checks });
  });

  let closed: Promise<void> | undefined;
  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.server.once('error', reject);
        server.listen(port, host, () => {
          server.server.off('error', reject);
          const address = server.server.address() as AddressInfo;
          const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
          resolve({ port: address.port, url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${address.port}` });
        });
      });
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        if (!server.server.listening) {
          resolve();
          return;
        }
        server.server.closeIdleConnections();
        server.close(() => resolve());
        // In-flight requests had their chance during shutdown; do not hang on a slow client.
        setTimeout(() => server.server.closeAllConnections(), 2_000).unref();
      });
      return closed;
    },
  };
}

/** Sets the slow-client limits on node's server; must run before listen (node reads the check interval then). */
function applyLimits(server: http.Server, limits: ServerLimits): void {
  server.requestTimeout = limits.requestTimeoutMs;
  // Node refuses a headersTimeout above requestTimeout at construction; keep that invariant here too.
  server.headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  // Typed only as a createServer option (restify builds the server itself); node reads the property when listening starts.
  (server as http.Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = limits.checkIntervalMs;
}
