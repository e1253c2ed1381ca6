/**
 * The Backup jobs API over ARM: get, list (with $filter and nextLink paging), operation status and
 * cancel. Paths come only from urls.ts; links Azure hands back (nextLink, Location) are followed
 * verbatim but only after checking they stay on the same endpoint and inside the same vault.
 */
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { Pool, type Dispatcher } from 'undici';
import { systemClock, type Clock } from '../core/clock';
import { silentLogger, type Logger } from '../core/logger';
import { retryAfterMs } from '../core/retry-after';
import { ArmError, MalformedResponseError } from './errors';
import { IdError } from './id-rules';
import { sameVault } from './ids';
import { parseJobList, parseJobResource, parseOperationStatus } from './models';
import { ArmTransport, type ArmResponse, type RequestInfo } from './arm-transport';
import { TokenCache } from './token-cache';
import { isLoopbackEndpoint } from './loopback';
import type { ArmMeta, ArmResult, BackupJobsApi, CallOptions, JobListFilter } from './types';
import type { BackupJob, JobKey, OperationRef, OperationStatus, VaultId } from '../domain/job';
import { buildFilter, cancelPath, jobPath, jobsPath, operationRefPath, vaultPath } from './urls';

export interface ArmClientOptions {
  /** ARM origin; Azure US Government and China work by changing it. */
  readonly endpoint?: string;
  readonly apiVersion?: string;
  /** 'none' sends no token and is only allowed for a loopback endpoint (the simulator). */
  readonly credential?: TokenCredential | 'none';
  /** Tests pass their own; by default one keep-alive Pool for the endpoint. */
  readonly dispatcher?: Dispatcher;
  /**
   * Sockets of that default Pool (default 64, the tracker's bound on reads a user waits on);
   * requests beyond it wait in the Pool for a free socket, which a user would notice as latency.
   */
  readonly connections?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly maxAttempts?: number;
  readonly timeoutMs?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Longest Retry-After the client waits out itself; longer ones are returned to the caller. */
  readonly maxRetryAfterMs?: number;
  /** Wait between cancel result polls when Azure sends no Retry-After. */
  readonly pollIntervalMs?: number;
  /** Cancel result polls before giving up. */
  readonly maxPolls?: number;
  readonly random?: () => number;
  readonly onRequest?: (info: RequestInfo) => void;
}

export type { RequestInfo } from './arm-transport';

export const DEFAULT_ENDPOINT = 'https://management.azure.com';
export const DEFAULT_API_VERSION = '2026-02-01';
export const DEFAULT_CONNECTIONS = 64;

export { isLoopbackEndpoint } from './loopback';

function checkedOrigin(endpoint: string): string {
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    throw new Error(`The ARM endpoint "${endpoint}" is not a URL; use e.g. ${DEFAULT_ENDPOINT}`);
  }
  if (u.pathname !== '/' || u.search !== '' || u.hash !== '' || u.username !== '' || u.password !== '') {
    throw new Error(`The ARM endpoint must be an origin only (e.g. ${DEFAULT_ENDPOINT}), without path or query`);
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && isLoopbackEndpoint(endpoint))) {
    throw new Error('The ARM endpoint must use https (plain http is allowed only on a loopback address)');
  }
  return u.origin;
}

/** IdErrors from path building become badRequest ArmErrors so callers handle one error type. */
function path<T>(build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof IdError) throw new ArmError('badRequest', e.message, { cause: e });
    throw e;
  }
}

export class ArmClient implements BackupJobsApi {
  readonly origin: string;
  private readonly apiVersion: string;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly transport: ArmTransport;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly pollIntervalMs: number;
  private readonly maxPolls: number;
  private closed = false;

  constructor(opts: ArmClientOptions = {}) {
    this.origin = checkedOrigin(opts.endpoint ?? DEFAULT_ENDPOINT);
    if (opts.credential === 'none' && !isLoopbackEndpoint(this.origin)) {
      throw new Error(
        `Refusing to call ${this.origin} without a token: the 'none' credential is only for a loopback endpoint such as the simulator (127.0.0.1, ::1, localhost).`,
      );
    }
    this.apiVersion = opts.apiVersion ?? DEFAULT_API_VERSION;
    if (!/^\d{4}-\d{2}-\d{2}(?:-preview)?$/.test(this.apiVersion))
      throw new Error(`The api-version "${this.apiVersion}" is not of the form YYYY-MM-DD`);
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger();
    this.ownsDispatcher = opts.dispatcher === undefined;
    const connections = opts.connections ?? DEFAULT_CONNECTIONS;
    if (!Number.isInteger(connections) || connections < 1)
      throw new RangeError(`connections must be a positive integer, got ${connections}`);
    this.dispatcher = opts.dispatcher ?? new Pool(this.origin, { connections, keepAliveTimeout: 30_000 });
    this.pollIntervalMs = opts.pollIntervalMs ?? 10_000;
    this.maxPolls = opts.maxPolls ?? 30;
    const credential = opts.credential;
    const tokens =
      credential === 'none'
        ? undefined
        : new TokenCache(() => credential ?? new DefaultAzureCredential(), `${this.origin}/.default`, this.clock);
    this.transport = new ArmTransport({
      origin: this.origin,
      dispatcher: this.dispatcher,
      tokens,
      clock: this.clock,
      logger: this.logger,
      maxAttempts: Math.max(1, opts.maxAttempts ?? 4),
      timeoutMs: opts.timeoutMs ?? 30_000,
      baseDelayMs: opts.baseDelayMs ?? 500,
      maxDelayMs: opts.maxDelayMs ?? 30_000,
      maxRetryAfterMs: opts.maxRetryAfterMs ?? 120_000,
      random: opts.random ?? Math.random,
      onRequest: opts.onRequest,
    });
  }

  async getJob(key: JobKey, opts: CallOptions = {}): Promise<ArmResult<BackupJob>> {
    const p = path(() => jobPath(key));
    const res = await this.transport.send({
      method: 'GET',
      path: this.withApi(p),
      what: `job ${key.jobId} in vault ${key.vault.vaultName}`,
      purpose: 'read',
      signal: opts.signal,
    });
    const job = parseJobResource(res.body);
    if (job.jobId !== key.jobId.toLowerCase()) throw new MalformedResponseError(`job ${job.jobId} instead of the requested ${key.jobId}`);
    return { value: job, meta: meta(res, res.attempts) };
  }

  async listJobs(
    vault: VaultId,
    filter: JobListFilter = {},
    opts: CallOptions & { maxPages?: number } = {},
  ): Promise<ArmResult<BackupJob[]>> {
    const base = path(() => jobsPath(vault));
    const f = path(() => buildFilter(filter));
    let next: string | undefined = this.withApi(base) + (f ? `&$filter=${encodeURIComponent(f)}` : '');
    const maxPages = opts.maxPages ?? 50;
    const seen = new Set<string>();
    const jobs: BackupJob[] = [];
    let attempts = 0;
    let last: ArmResponse | undefined;
    for (let page = 0; next !== undefined && page < maxPages; page++) {
      seen.add(next);
      last = await this.transport.send({
        method: 'GET',
        path: next,
        what: `the jobs of vault ${vault.vaultName}`,
        purpose: 'read',
        signal: opts.signal,
      });
      attempts += last.attempts;
      const list = parseJobList(last.body);
      if (list.skipped > 0) this.logger.warn({ vault: vault.vaultName, skipped: list.skipped }, 'Skipped unreadable jobs in a job list');
      jobs.push(...list.jobs);
      next = list.nextLink === undefined ? undefined : this.followable(list.nextLink, base, 'exact');
      if (next !== undefined && seen.has(next)) throw new MalformedResponseError('a nextLink that repeats an earlier page');
    }
    if (next !== undefined) this.logger.warn({ vault: vault.vaultName, maxPages }, 'Job list truncated at the page limit');
    return { value: jobs, meta: { ...meta(last, attempts), ...(next !== undefined ? { truncated: true } : {}) } };
  }

  async getOperationStatus(vault: VaultId, op: OperationRef, opts: CallOptions = {}): Promise<ArmResult<OperationStatus>> {
    if (op.kind === 'url' && !sameVault(vault, op.vault)) {
      throw new ArmError('badRequest', `The operation ${op.operationId} belongs to vault ${op.vault.vaultName}, not ${vault.vaultName}.`);
    }
    const p = path(() => operationRefPath(vault, op));
    const res = await this.transport.send({
      method: 'GET',
      path: this.withApi(p),
      what: `operation ${op.operationId} in vault ${vault.vaultName}`,
      purpose: 'read',
      signal: opts.signal,
    });
    const wait = retryAfterMs(res.headers, this.clock.now());
    return { value: operationFrom(res, op), meta: { ...meta(res, res.attempts), ...(wait !== undefined ? { retryAfterMs: wait } : {}) } };
  }

  async cancelJob(key: JobKey, opts: CallOptions = {}): Promise<ArmResult<{ readonly accepted: true }>> {
    const what = `the cancellation of job ${key.jobId} in vault ${key.vault.vaultName}`;
    const vaultBase = path(() => vaultPath(key.vault));
    let res = await this.transport.send({
      method: 'POST',
      path: this.withApi(path(() => cancelPath(key))),
      what,
      purpose: 'cancel',
      signal: opts.signal,
    });
    let attempts = res.attempts;
    for (let poll = 0; res.status === 202; poll++) {
      const location = firstHeader(res.headers, 'location');
      // 202 without a Location: Azure accepted the request and offers nothing to follow.
      if (location === undefined) break;
      if (poll >= this.maxPolls) {
        throw new ArmError(
          'transient',
          `Azure accepted ${what} but had not finished it after ${this.maxPolls} checks; look at the job's status.`,
        );
      }
      const target = this.followable(location, vaultBase, 'below');
      await this.clock.sleep(retryAfterMs(res.headers, this.clock.now()) ?? this.pollIntervalMs, opts.signal);
      res = await this.transport.send({ method: 'GET', path: target, what, purpose: 'cancel', signal: opts.signal });
      attempts += res.attempts;
    }
    return { value: { accepted: true }, meta: meta(res, attempts) };
  }

  /** Idempotent; closes the Pool only if this client created it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private withApi(p: string): string {
    return `${p}?api-version=${this.apiVersion}`;
  }

  /**
   * Checks a link Azure returned (nextLink, Location) before following it verbatim: same origin,
   * no path that URL normalisation would change (no `..`, backslashes, encoded slashes), and either
   * exactly `expectedPath` or below it. Returns the path and query to request.
   */
  private followable(link: string, expectedPath: string, mode: 'exact' | 'below'): string {
    const bad = (why: string): never => {
      throw new MalformedResponseError(`a link to follow that ${why}`);
    };
    if (link.length > 8192 || !/^https?:\/\/[^/?#]+\/[\x21-\x7e]*$/i.test(link) || link.includes('#')) bad('is not a plain URL');
    let u: URL;
    try {
      u = new URL(link);
    } catch {
      return bad('is not a URL');
    }
    if (u.origin !== this.origin) bad(`points to another host than ${this.origin}`);
    const rest = link.slice(link.indexOf('/', link.indexOf('//') + 2));
    const rawPath = rest.split('?')[0];
    if (rawPath !== u.pathname) bad('has a path that is not in normal form');
    let decoded = '';
    try {
      decoded = decodeURIComponent(rawPath);
    } catch {
      bad('has broken percent-encoding');
    }
    const segments = decoded.split('/');
    if (segments.length !== rawPath.split('/').length || segments.some((s) => s === '.' || s === '..')) bad('hides path segments');
    const want = decodeURIComponent(expectedPath).toLowerCase();
    const got = decoded.toLowerCase();
    if (mode === 'exact' ? got !== want : !got.startsWith(`${want}/`)) bad('leaves the vault it belongs to');
    return rest;
  }
}

function firstHeader(headers: ArmResponse['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function meta(res: ArmResponse | undefined, attempts: number): ArmMeta {
  return res?.remainingReads !== undefined ? { remainingReads: res.remainingReads, attempts } : { attempts };
}

/**
 * operationsStatus / backupOperations answer 200 with an OperationStatus body; operationResults
 * answer 202 while running and 200/204 once done (their 200 body is the affected resource).
 */
function operationFrom(res: ArmResponse, op: OperationRef): OperationStatus {
  const statusBody = typeof res.body === 'object' && res.body !== null && 'status' in res.body;
  if (op.kind === 'url' && op.style === 'operationResults' && !statusBody) {
    return { operationId: op.operationId, state: res.status === 202 ? 'InProgress' : 'Succeeded', jobIds: [] };
  }
  if (res.status === 202 && !statusBody) return { operationId: op.operationId, state: 'InProgress', jobIds: [] };
  return parseOperationStatus(res.body, op.operationId);
}
