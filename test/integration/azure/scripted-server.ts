import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { VirtualClock, type Clock } from '../../../src/core/clock';

export const SHARED = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'azure-backup-api');
type Example = { responses: Record<string, { body?: unknown; headers?: Record<string, unknown> }> };
export const example = (rel: string): Example => JSON.parse(fs.readFileSync(path.join(SHARED, 'examples', rel), 'utf8')) as Example;

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly authorization?: string;
}

/** A loopback HTTP server that answers each request with the next scripted handler. */
export class ScriptedServer {
  readonly seen: Seen[] = [];
  private handlers: Handler[] = [];
  private readonly server = http.createServer((req, res) => {
    this.seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    const next = this.handlers.shift();
    if (next) next(req, res);
    else json(599, { error: { code: 'Unscripted', message: `no handler for ${req.method} ${req.url}` } })(req, res);
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  script(...handlers: Handler[]): void {
    this.handlers = handlers;
    this.seen.length = 0;
  }

  remaining(): number {
    return this.handlers.length;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function json(status: number, body?: unknown, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(text);
  };
}

/** Sends headers and half a body, then kills the socket. */
export const dropMidResponse: Handler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
  res.write('{"id": "/subscri');
  setImmediate(() => res.socket?.destroy());
};

/** Closes the connection without any answer. */
export const dropBeforeResponse: Handler = (req) => req.socket.destroy();

/** Never answers (the server's stop() closes the socket). */
export const hang: Handler = () => undefined;

/**
 * A VirtualClock whose sleeps move virtual time forward at once and are recorded, so tests check
 * the waits the client asked for without waiting.
 */
export class RecordingClock implements Clock {
  readonly inner: VirtualClock;
  readonly sleeps: number[] = [];
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.inner = new VirtualClock(start);
  }
  now(): number {
    return this.inner.now();
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(Math.round(ms));
    const done = this.inner.sleep(ms, signal);
    // An aborted sleep rejects at once; mark it handled until it is returned below.
    done.catch(() => undefined);
    await this.inner.advance(ms);
    return done;
  }
}

/** A TokenCredential that hands out numbered tokens valid for `lifetimeMs` of the given clock. */
export class FakeCredential implements TokenCredential {
  calls = 0;
  failWith?: Error;
  constructor(
    private readonly clock: Clock,
    private readonly lifetimeMs = 60 * 60_000,
  ) {}
  async getToken(): Promise<AccessToken> {
    if (this.failWith) throw this.failWith;
    this.calls++;
    return { token: `secret-token-${this.calls}`, expiresOnTimestamp: this.clock.now() + this.lifetimeMs };
  }
}
