import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';
import { isGuid } from '../../src/azure/id-rules';
import type { Clock } from '../../src/core/clock';
import type { Logger } from '../../src/core/logger';
import { silentLogger } from '../../src/core/logger';
import { faultAnswer, FaultBook, type FaultRule } from './faults';
import { canonicalVaultPath } from './job-body';
import { endOf, isEnded, releaseRecord, statusAt } from './job-state';
import { seededRandom } from './random';
import { ItemRoutes } from './item-routes';
import { ReadObservers } from './read-observers';
import { RoleBook, type RoleOptions, type SimAction } from './roles';
import { parseRoute, type Route } from './routes';
import type { SimJobSpec } from './spec';
import { TokenBucket } from './token-bucket';
import { armError, SimVault, type Reply } from './vault';

export type { FaultRule } from './faults';
export type { SimRead } from './read-observers';
export type { SimRole } from './roles';

export interface SimulatorServerOptions {
  clock: Clock;
  jobs?: SimJobSpec[];
  /** Seeded source for fault rates; default a fixed seed, so runs replay. */
  random?: () => number;
  logger?: Logger;
  /** ARM's throttling model (capacity 250, refill 25/s per subscription): when set, an empty bucket answers 429. */
  armThrottle?: { capacity: number; refillPerSecond: number };
  /** Real milliseconds added before every answer (the inbound benchmark's slow Azure). */
  latencyMs?: number;
  /** BackupJobs_List page size; default 50. */
  pageSize?: number;
  /** Simulator time a cancelled job spends in Cancelling; default 20 s. */
  cancelDelayMs?: number;
  /** Simulator time until a cancel's operation result says 204; default 2 s. */
  cancelAcceptMs?: number;
  /** Azure RBAC per principal per vault (roles.ts); off by default: every request is allowed. */
  roles?: RoleOptions;
  /** Simulator time from a Backups_Trigger to its job; default 5 s. */
  triggerDelayMs?: number;
  /**
   * Called first for every request, before the clock is read: the tracker benchmark runs the
   * simulator in its own process and sets that process's clock from a header the bot side stamps.
   */
  onRequest?: (req: http.IncomingMessage) => void;
}

const COUNT_KINDS = [
  'getJob',
  'listJobs',
  'operationStatus',
  'cancel',
  'trigger',
  'listItems',
  'getItem',
  'operationResult',
  'notFound',
  'badRequest',
  'throttled',
  'faults',
  'total',
];
const KIND_OF_ROUTE: Record<Route['kind'], string | undefined> = {
  getJob: 'getJob',
  listJobs: 'listJobs',
  operationStatus: 'operationStatus',
  cancel: 'cancel',
  trigger: 'trigger',
  listItems: 'listItems',
  getItem: 'getItem',
  jobOperationResult: 'operationResult',
  operationResult: 'operationResult',
  unknown: undefined,
  badPath: undefined,
};
const API_VERSION = /^\d{4}-\d{2}-\d{2}(?:-preview)?$/;
/** When throttling is off the header still counts down and refills like ARM's default bucket. */
const DEFAULT_BUCKET = { capacity: 250, refillPerSecond: 25 };

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
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private tally: Record<string, number> = {};
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
    for (const spec of opts.jobs ?? []) this.addJob(spec);
    this.resetCounts();
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
      for (const t of this.timers) clearTimeout(t);
      this.timers.clear();
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
    return { ...this.tally };
  }

  resetCounts(): void {
    this.tally = Object.fromEntries(COUNT_KINDS.map((k) => [k, 0]));
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
      if (!res.headersSent) this.send(res, armError(500, 'InternalServerError', 'The simulator failed to answer.'), 0, 0);
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.opts.onRequest?.(req);
    req.resume(); // bodies (cancel, trigger) carry nothing the simulator needs
    this.bump('total');
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    const method = req.method ?? 'GET';
    const route = parseRoute(method, path);
    const kind = KIND_OF_ROUTE[route.kind];
    if (kind) this.bump(kind);

    const now = this.clock.now();
    const bucket = this.bucketFor('vault' in route ? route.vault.subscriptionId : '');
    if (method === 'GET' && !bucket.take(now) && this.opts.armThrottle) {
      this.bump('throttled');
      const wait = bucket.secondsUntilToken(now);
      this.send(
        res,
        armError(
          429,
          'SubscriptionRequestsThrottled',
          `Number of read requests for subscription exceeded the limit. Retry after ${wait} seconds.`,
          { 'retry-after': String(wait) },
        ),
        0,
        0,
      );
      return;
    }
    const remaining = bucket.remaining(now);

    const apiVersion = query.get('api-version');
    if (apiVersion === null || apiVersion === '') {
      this.send(
        res,
        armError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.'),
        remaining,
        0,
      );
      return;
    }
    if (!API_VERSION.test(apiVersion)) {
      this.send(res, armError(400, 'InvalidApiVersionParameter', `The api-version '${apiVersion}' is invalid.`), remaining, 0);
      return;
    }
    if ('vault' in route && !isGuid(route.vault.subscriptionId)) {
      this.send(
        res,
        armError(
          400,
          'InvalidSubscriptionId',
          `The provided subscription identifier '${route.vault.subscriptionId}' is malformed or invalid.`,
        ),
        remaining,
        0,
      );
      return;
    }

    const denied = this.roles && 'vault' in route ? this.roles.check(req.headers.authorization, route.vault, actionOf(route)) : undefined;
    if (denied) {
      this.send(res, denied, remaining, 0);
      return;
    }

    const fault = this.faults.draw('jobId' in route ? route.jobId.toLowerCase() : undefined);
    if (fault && fault.kind !== 'slow') {
      this.bump('faults');
      this.injectFault(fault, req, res, remaining, () => this.answer(route, query, path));
      return;
    }
    if (fault) this.bump('faults');
    const reply = this.answer(route, query, path);
    this.send(res, reply, remaining, fault ? (fault.delayMs ?? 1000) : 0);
    this.reads.notify(route, query, reply);
  }

  private answer(route: Route, query: URLSearchParams, path: string): Reply {
    switch (route.kind) {
      case 'getJob':
        return this.vault.getJob(route);
      case 'listJobs':
        return this.vault.listJobs(route, query, this.origin);
      case 'cancel':
        return this.vault.cancel(route, this.origin);
      case 'trigger':
        return this.itemRoutes.trigger(route, this.origin);
      case 'listItems':
        return this.itemRoutes.list(route, query);
      case 'getItem':
        return this.itemRoutes.get(route);
      case 'jobOperationResult':
        return this.vault.jobOperationResult(route, this.origin);
      case 'operationStatus':
        return this.vault.operationStatus(route);
      case 'operationResult':
        return this.vault.operationResult(route, this.origin, path);
      case 'badPath':
        return armError(400, 'InvalidRequestUri', 'The request URI is not valid.');
      case 'unknown':
        return armError(404, 'NotFound', `No route for '${path}' in the simulated vault.`);
    }
  }

  private injectFault(fault: FaultRule, req: http.IncomingMessage, res: http.ServerResponse, remaining: number, real: () => Reply): void {
    if (this.logger.isLevelEnabled('debug')) this.logger.debug({ fault: fault.kind, path: req.url }, 'injecting fault');
    const answer = faultAnswer(fault, real);
    if (answer === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault.kind === 'throttle') this.bump('throttled');
    this.send(res, answer.reply, remaining, 0, answer.raw);
  }

  private send(res: http.ServerResponse, reply: Reply, remaining: number, extraDelayMs: number, rawBody?: string): void {
    const write = (): void => {
      if (res.destroyed || res.writableEnded) return;
      if (reply.status === 404) this.bump('notFound');
      if (reply.status === 400) this.bump('badRequest');
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
    const delay = (this.opts.latencyMs ?? 0) + extraDelayMs;
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

  private bucketFor(subscriptionId: string): TokenBucket {
    let bucket = this.buckets.get(subscriptionId);
    if (!bucket) {
      const cfg = this.opts.armThrottle ?? DEFAULT_BUCKET;
      bucket = new TokenBucket(cfg.capacity, cfg.refillPerSecond, this.clock.now());
      this.buckets.set(subscriptionId, bucket);
    }
    return bucket;
  }

  private bump(kind: string): void {
    this.tally[kind] = (this.tally[kind] ?? 0) + 1;
  }
}

function actionOf(route: Route): SimAction {
  return route.kind === 'cancel' ? 'cancel' : route.kind === 'trigger' ? 'backup' : 'read';
}
