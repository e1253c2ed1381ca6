import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { RequestTally } from './request-tally';
import type { Reply } from './vault';

/** Writes replies with ARM's headers, after the configured latency; its timers are cleared on stop. */
export class ReplyWriter {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly tally: RequestTally,
    private readonly latencyMs: number,
  ) {}

  send(res: http.ServerResponse, reply: Reply, remaining: number, extraDelayMs: number, rawBody?: string): void {
    const write = (): void => {
      if (res.destroyed || res.writableEnded) return;
      if (reply.status === 404) this.tally.bump('notFound');
      if (reply.status === 400) this.tally.bump('badRequest');
      const payload = rawBody ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
      const headers: Record<string, string | number> = {
        'x-ms-request-id': randomUUID(),
        'x-ms-ratelimit-remaining-subscription-reads': remaining,
        'content-length': Buffer.byteLength(payload),
        ...reply.headers,
      };
      if (payload) headers['content-type'] = 'application/json; charset=utf-8';
      res.writeHead(reply.status, headers);
      res.end(payload);
    };
    const delay = this.latencyMs + extraDelayMs;
    if (delay <= 0) {
      write();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      write();
    }, delay);
    this.timers.add(timer);
  }

  /** Drops every delayed answer not yet written (the server is stopping). */
  cancelPending(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
