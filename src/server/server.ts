/**
 * The HTTP surface: POST /api/messages (handed to the bot layer) and GET /healthz. The only file
 * that knows restify. No restify body plugin is used (see json-body.ts for why): a request is
 * refused on its headers before a byte of its body is read, and the body is read under a hard cap.
 */
import restify from 'restify';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { hasBearer, readJsonBody, refuseByHeaders, type Refusal } from './json-body';

export type Readiness = 'starting' | 'ready' | 'stopping';

export interface ServerOptions {
  /** Processes one Bot Framework request (CloudAdapter.process); must answer `res`. */
  readonly onMessages: (req: restify.Request, res: restify.Response) => Promise<void>;
  readonly readiness: () => Readiness;
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
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

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
      const read = await readJsonBody(req, maxBytes);
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
  server.get('/healthz', async (_req: restify.Request, res: restify.Response) => {
    const state = o.readiness();
    res.send(state === 'ready' ? 200 : 503, { status: state === 'ready' ? 'ok' : state });
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
