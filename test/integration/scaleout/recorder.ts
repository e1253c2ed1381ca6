/**
 * The connector stand-in for the multi-instance test: records which instance delivered which
 * message. A 2xx answer is the connector accepting the message. An instance can be put on hold:
 * its requests are recorded as held and never answered (the instance is about to be killed).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivery {
  readonly instance: string;
  readonly kind: string;
  readonly jobKey: string;
  readonly conversationId: string;
}

export class Recorder {
  readonly accepted: Delivery[] = [];
  readonly held: Delivery[] = [];
  private readonly holding = new Set<string>();
  private readonly open = new Set<http.ServerResponse>();
  private server?: http.Server;
  private seq = 0;

  async start(): Promise<string> {
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => this.onDelivery(body, res));
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  hold(instance: string): void {
    this.holding.add(instance);
  }

  /** Accepted (2xx) messages of one kind, counted per job and conversation. */
  countsOf(kind: string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const d of this.accepted) {
      if (d.kind !== kind) continue;
      const pair = `${d.jobKey} ${d.conversationId}`;
      counts.set(pair, (counts.get(pair) ?? 0) + 1);
    }
    return counts;
  }

  async stop(): Promise<void> {
    for (const res of this.open) res.destroy();
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private onDelivery(body: string, res: http.ServerResponse): void {
    const d = JSON.parse(body) as Delivery;
    if (this.holding.has(d.instance)) {
      this.held.push(d);
      this.open.add(res);
      return;
    }
    this.accepted.push(d);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ activityId: `1:${++this.seq}` }));
  }
}
