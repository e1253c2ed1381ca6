/**
 * The HTTP surface: POST /api/messages (handed to the bot layer) and GET /healthz. The only file
 * that knows restify.
 */
import restify from 'restify';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';

export type Readiness = 'starting' | 'ready' | 'stopping';

export interface ServerOptions {
  /** Processes one Bot Framework request (CloudAdapter.process); must answer `res`. */
  readonly onMessages: (req: restify.Request, res: restify.Response) => Promise<void>;
  readonly readiness: () => Readiness;
  readonly logger: Logger;
  /** Largest accepted activity; Teams messages are at most ~100 KB. */
  readonly maxBodyBytes?: number;
}

export interface HttpServer {
  /** Resolves with the bound address (port 0 picks a free port). */
  listen(port: number, host: string): Promise<{ port: number; url: string }>;
  /** Stops accepting, ends keep-alive connections. Idempotent. */
  close(): Promise<void>;
}

export function createServer(o: ServerOptions): HttpServer {
  const log = o.logger.child({ component: 'server' });
  const server = restify.createServer({ name: 'backup-jobs', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: o.maxBodyBytes ?? 1024 * 1024, mapParams: false }));

  server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
    try {
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
