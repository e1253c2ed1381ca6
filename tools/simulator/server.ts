import http from 'node:http';
import type { Socket } from 'node:net';
import type { Clock } from '../../src/core/clock';
import type { Logger } from '../../src/core/logger';
import { silentLogger } from '../../src/core/logger';
import { answerRoute } from './answer-route';
import { faultAnswer, FaultBook, type FaultRule } from './faults';
import { canonicalVaultPath } from './job-body';
import { endOf, isEnded, releaseRecord, statusAt } from './job-state';
import { seededRandom } from './random';
import { ItemRoutes } from './item-routes';
import { ReadObservers } from './read-observers';
import { ReplyWriter } from './reply-writer';
import { RequestGate } from './request-gate';
import { RequestTally } from './request-tally';
import { RoleBook } from './roles';
import { parseRoute } from './routes';
import type { SimulatorServerOptions } from './server-options';
import type { SimJobSpec } from './spec';
import { armError, SimVault, type Reply } from './vault';

export type { FaultRule } from './faults';
export type { SimRead } from './read-observers';
export type { SimRole } from './roles';
export type { SimulatorServerOptions } from './server-options';

/**
 * The simulated Recovery Services vault over HTTP on 127.0.0.1: ARM paths (any casing), bodies
 * shaped like the official examples, job state computed from the clock at request time.
 */
export class SimulatorServer {
  private readonly vault: SimVault;
  private readonly itemRoutes: ItemRoutes;
  /** Role assignments, when `roles` was given. */
  readonly roles?: RoleBook;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly faults: FaultBook;
  private readonly sockets = new Set<Socket>();
  private readonly tally = new RequestTally();
  private readonly gate: RequestGate;
  private readonly writer: ReplyWriter;
  /** Every answered request, for tests that wait for a poll rather than for time. */
  readonly reads: ReadObservers;
  private server?: http.Server;
  private closing?: Promise<void>;
  private origin = '';

  constructor(private readonly opts: SimulatorServerOptions) {
    this.clock = opts.clock;
    this.logger = opts.logger ?? silentLogger();
    this.reads = new ReadObservers(this.logger);
    this.faults = new FaultBook(opts.random ?? seededRandom(1));
    this.vault = new SimVault({
      clock: opts.clock,
      pageSize: opts.pageSize ?? 50,
      cancelDelayMs: opts.cancelDelayMs ?? 20_000,
      cancelAcceptMs: opts.cancelAcceptMs ?? 2_000,
    });
    this.itemRoutes = new ItemRoutes(this.vault, this.vault.store, opts.clock, opts.triggerDelayMs);
    if (opts.roles) this.roles = new RoleBook(opts.roles);
    this.gate = new RequestGate(opts.clock, this.tally, opts.armThrottle, this.roles);
    this.writer = new ReplyWriter(this.tally, opts.latencyMs ?? 0);
    for (const spec of opts.jobs ?? []) this.addJob(spec);
  }

  /** Listens on 127.0.0.1 (port 0 picks a free one); resolves to the base URL. */
  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    if (host !== '127.0.0.1') throw new Error('the simulator listens on 127.0.0.1 only');
    if (this.server) throw new Error('simulator already started');
    const server = http.createServer((req, res) => this.onRequest(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('simulator has no TCP address');
    this.origin = `http://127.0.0.1:${address.port}`;
    this.logger.info({ url: this.origin }, 'simulated vault listening');
    return this.origin;
  }

  /** Closes the listener and every keep-alive socket. Safe to call twice. */
  stop(): Promise<void> {
    if (!this.server) return Promise.resolve();
    if (!this.closing) {
      const server = this.server;
      this.writer.cancelPending();
      this.closing = new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of this.sockets) s.destroy();
      });
    }
    return this.closing;
  }

  /** With `held`, the job cannot end until `release(jobId)` (see JobRecord.held). */
  addJob(spec: SimJobSpec, options: { held?: boolean } = {}): void {
    const rec = this.vault.store.add(spec);
    if (options.held) rec.held = true;
    this.itemRoutes.items.learnFrom(spec);
  }

  /** The protected items (derived from the jobs, see protected-items.ts); set `next` on one to script its next backup. */
  get items(): ItemRoutes['items'] {
    return this.itemRoutes.items;
  }

  /** Backups triggered over HTTP so far. */
  triggeredBackups(): ItemRoutes['triggered'] {
    return [...this.itemRoutes.triggered];
  }

  /** Keeps a job that has not ended from ending until `release`. Throws for an unknown or ended job (a test's mistake). */
  hold(jobId: string): void {
    const rec = this.vault.store.get(jobId);
    if (!rec || isEnded(statusAt(rec, this.clock.now()))) throw new Error(`simulated job ${jobId} is unknown or has ended`);
    rec.held = true;
  }

  /** Lets a held job end: at once if its scheduled end has passed, else when scheduled. */
  release(jobId: string): void {
    const rec = this.vault.store.get(jobId);
    if (!rec) throw new Error(`no simulated job ${jobId}`);
    releaseRecord(rec, this.clock.now());
  }

  addFault(rule: FaultRule): void {
    this.faults.add(rule);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  counts(): Record<string, number> {
    return this.tally.counts();
  }

  resetCounts(): void {
    this.tally.reset();
  }

  /**
   * Simulates a `POST …/backup` trigger: the job (`spec`, its `startAt` replaced by now + delayMs)
   * appears when the operation succeeds, after `delayMs` of simulator time (default 5 s); with
   * `fail` no job appears and the operation fails. Paths carry their query, as header URLs do.
   */
  triggerOperation(
    spec: SimJobSpec,
    delayMs = 5_000,
    fail?: { code: string; message: string },
  ): { operationId: string; asyncOperationPath: string; locationPath: string } {
    return this.vault.trigger(spec, delayMs, fail);
  }

  jobResourceIds(): string[] {
    return [...this.vault.store.all()].map((rec) => `${canonicalVaultPath(rec.spec.vault)}/backupJobs/${rec.jobId}`);
  }

  /** Ground truth: status now ('NotStarted' before the job appears) and when it ended, if it did. */
  truth(jobId: string): { status: string; endedAt?: number } | undefined {
    const rec = this.vault.store.get(jobId);
    if (!rec) return undefined;
    const status = statusAt(rec, this.clock.now());
    return isEnded(status) ? { status, endedAt: endOf(rec) } : { status };
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    try {
      this.handle(req, res);
    } catch (err) {
      // A bug here must not take the whole simulated vault down with it.
      this.logger.error({ err, path: req.url }, 'simulator failed to answer');
      if (!res.headersSent) this.writer.send(res, armError(500, 'InternalServerError', 'The simulator failed to answer.'), 0, 0);
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.opts.onRequest?.(req);
    req.resume(); // bodies (cancel, trigger) carry nothing the simulator needs
    this.tally.bump('total');
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    const method = req.method ?? 'GET';
    const route = parseRoute(method, path);
    this.tally.bumpRoute(route);

    const { remaining, refusal } = this.gate.check({ method, route, query, authorization: req.headers.authorization });
    if (refusal) {
      this.writer.send(res, refusal, remaining, 0);
      return;
    }

    const answer = (): Reply => answerRoute({ vault: this.vault, itemRoutes: this.itemRoutes, origin: this.origin }, route, query, path);
    const fault = this.faults.draw('jobId' in route ? route.jobId.toLowerCase() : undefined);
    if (fault && fault.kind !== 'slow') {
      this.tally.bump('faults');
      this.injectFault(fault, req, res, remaining, answer);
      return;
    }
    if (fault) this.tally.bump('faults');
    const reply = answer();
    this.writer.send(res, reply, remaining, fault ? (fault.delayMs ?? 1000) : 0);
    this.reads.notify(route, query, reply);
  }

  private injectFault(fault: FaultRule, req: http.IncomingMessage, res: http.ServerResponse, remaining: number, real: () => Reply): void {
    if (this.logger.isLevelEnabled('debug')) this.logger.debug({ fault: fault.kind, path: req.url }, 'injecting fault');
    const answer = faultAnswer(fault, real);
    if (answer === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault.kind === 'throttle') this.tally.bump('throttled');
    this.writer.send(res, answer.reply, remaining, 0, answer.raw);
  }
}
