/**
 * The default Pool's size decides how many reads reach Azure at once: the tracker lets 64 reads a
 * user waits on run together, and a smaller Pool would queue them again behind its sockets.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { ArmClient, DEFAULT_CONNECTIONS } from '../../../src/azure/arm-client';
import type { JobKey } from '../../../src/domain/job';
import { example } from './scripted-server';

const SUB = '00000000-0000-0000-0000-000000000000';
const jobBody = example('Common/GetJobDetails.json').responses['200'].body;
const KEY: JobKey = { vault: { subscriptionId: SUB, resourceGroup: 'SwaggerTestRg', vaultName: 'NetSDKTestRsVault' }, jobId: SUB };

/** Holds every request until `holdUntil` of them are waiting at once, then answers them all. */
class CountingServer {
  holdUntil = 1;
  maxWaiting = 0;
  readonly sockets = new Set<Socket>();
  private waiting: ServerResponse[] = [];
  private readonly server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    this.sockets.add(req.socket);
    this.waiting.push(res);
    this.maxWaiting = Math.max(this.maxWaiting, this.waiting.length);
    // No answer before `holdUntil` wait together, however late a connection comes on a loaded
    // machine: a pool that never gets there fails the test on its timeout.
    if (this.waiting.length >= this.holdUntil) this.release();
  });

  private release(): void {
    const batch = this.waiting;
    this.waiting = [];
    // Not chained: restify, loaded by other test files in the same jest worker, patches
    // http.ServerResponse.prototype.writeHead to return nothing.
    for (const r of batch) {
      r.writeHead(200, { 'content-type': 'application/json' });
      r.end(JSON.stringify(jobBody));
    }
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(holdUntil: number): void {
    this.release();
    this.holdUntil = holdUntil;
    this.maxWaiting = 0;
    this.sockets.clear();
  }

  async stop(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const server = new CountingServer();
let endpoint: string;
const clients: ArmClient[] = [];

function client(connections?: number): ArmClient {
  const c = new ArmClient({ endpoint, credential: 'none', ...(connections === undefined ? {} : { connections }) });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  endpoint = await server.start();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.stop();
});

describe('ArmClient connection pool', () => {
  it(`lets ${DEFAULT_CONNECTIONS} reads be at Azure at once by default`, async () => {
    expect(DEFAULT_CONNECTIONS).toBe(64);
    // Answered only once 64 wait together: a smaller Pool would never get there.
    server.reset(64);
    const c = client();
    const results = await Promise.all(Array.from({ length: 64 }, () => c.getJob(KEY)));
    expect(results.every((r) => r.value.jobId === SUB)).toBe(true);
    expect(server.maxWaiting).toBe(64);
    expect(server.sockets.size).toBe(64);
  });

  it('opens no more sockets than `connections`; the other reads wait for one', async () => {
    server.reset(3);
    const c = client(3);
    const results = await Promise.all(Array.from({ length: 9 }, () => c.getJob(KEY)));
    expect(results).toHaveLength(9);
    expect(server.maxWaiting).toBe(3);
    expect(server.sockets.size).toBe(3);
  });

  it('refuses a pool size that is not a positive integer', () => {
    expect(() => new ArmClient({ endpoint, credential: 'none', connections: 0 })).toThrow(/connections must be a positive integer/);
    expect(() => new ArmClient({ endpoint, credential: 'none', connections: 2.5 })).toThrow(/connections must be a positive integer/);
  });
});
