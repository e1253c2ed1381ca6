import { randomUUID } from 'node:crypto';
import type { VaultId } from '../../src/domain/job';
import type { Clock } from '../../src/core/clock';
import { FilterError, parseFilter, type JobFilter } from './filter';
import { canonicalVaultPath, renderJob, type Json } from './job-body';
import { statusAt, vaultKeyOf } from './job-state';
import { JobStore, type ListCursor } from './job-store';
import { operationState, operationStatusBody, type SimOperation } from './operations';
import { itemNamesOf, protectedItemPath } from './protected-items';
import type { Route } from './routes';
import type { SimJobSpec } from './spec';

/** An answer before it is written to the wire. */
export interface Reply {
  status: number;
  body?: Json;
  headers?: Record<string, string>;
}

/** Header URLs carry older api-versions, as the service's own do; clients must follow them verbatim. */
const LINK_API_VERSION = '2017-07-01';
const ASYNC_API_VERSION = '2016-12-01';

export interface VaultOptions {
  clock: Clock;
  pageSize: number;
  /** Simulator time a cancellation spends in Cancelling. */
  cancelDelayMs: number;
  /** Simulator time until a cancellation's operation result turns from 202 into 204. */
  cancelAcceptMs: number;
}

export function armError(status: number, code: string, message: string, headers?: Record<string, string>): Reply {
  return { status, body: { error: { code, message } }, headers };
}

/** The vaults' behaviour, HTTP-free: jobs, operations and the answers to each route. */
export class SimVault {
  readonly store = new JobStore();
  private readonly operations = new Map<string, SimOperation>();

  constructor(private readonly opts: VaultOptions) {}

  getJob(r: Extract<Route, { kind: 'getJob' }>): Reply {
    const rec = this.store.visible(r.vault, r.jobId, this.opts.clock.now());
    if (!rec) return this.notFound(r.vault, `backupJobs/${r.jobId}`);
    return { status: 200, body: renderJob(rec, this.opts.clock.now(), true) };
  }

  listJobs(r: Extract<Route, { kind: 'listJobs' }>, query: URLSearchParams, origin: string): Reply {
    const key = vaultKeyOf(r.vault);
    if (!this.store.hasVault(key)) return this.notFound(r.vault);
    const filterText = query.get('$filter');
    let filter: JobFilter = {};
    let after: ListCursor | undefined;
    try {
      if (filterText !== null) filter = parseFilter(filterText);
      const token = query.get('$skipToken') ?? query.get('$skiptoken');
      if (token !== null) after = decodeCursor(token);
    } catch (err) {
      if (err instanceof FilterError)
        return armError(400, 'BMSUserErrorInvalidInput', `Input provided for the call is invalid: ${err.message}`);
      throw err;
    }
    const now = this.opts.clock.now();
    const page = this.store.page(key, filter, now, after, this.opts.pageSize);
    const body: { [k: string]: Json } = { value: page.items.map((rec) => renderJob(rec, now, false)) };
    if (page.next) {
      const q = new URLSearchParams({ 'api-version': LINK_API_VERSION });
      if (filterText !== null) q.set('$filter', filterText);
      q.set('$skiptoken', encodeCursor(page.next));
      body['nextLink'] = `${origin}${canonicalVaultPath(page.items[0].spec.vault)}/backupJobs?${q.toString()}`;
    }
    return { status: 200, body };
  }

  cancel(r: Extract<Route, { kind: 'cancel' }>, origin: string): Reply {
    const now = this.opts.clock.now();
    const rec = this.store.visible(r.vault, r.jobId, now);
    if (!rec) return this.notFound(r.vault, `backupJobs/${r.jobId}`);
    const status = statusAt(rec, now);
    if ((status !== 'InProgress' && status !== 'Cancelling') || rec.spec.jobType === 'VaultJob') {
      // The simulator's own code: the service's exact one for this case is not in the reference data.
      return armError(400, 'JobNotCancellable', `Job ${rec.jobId} is ${status} and cannot be cancelled.`);
    }
    if (status === 'InProgress') rec.cancel = { requestedAt: now, endsAt: now + this.opts.cancelDelayMs };
    const op = this.addOperation({ vaultKey: rec.vaultKey, kind: 'cancel', jobId: rec.jobId, doneAt: now + this.opts.cancelAcceptMs });
    return {
      status: 202,
      headers: this.pollHeaders(origin, `${canonicalVaultPath(rec.spec.vault)}/backupJobs/${rec.jobId}/operationResults/${op.id}`),
    };
  }

  jobOperationResult(r: Extract<Route, { kind: 'jobOperationResult' }>, origin: string): Reply {
    const op = this.operations.get(r.operationId.toLowerCase());
    if (!op || op.vaultKey !== vaultKeyOf(r.vault) || op.jobId !== r.jobId.toLowerCase()) {
      return this.notFound(r.vault, `backupJobs/${r.jobId}/operationResults/${r.operationId}`);
    }
    return this.resultReply(op, origin, `${canonicalVaultPath(r.vault)}/backupJobs/${op.jobId}/operationResults/${op.id}`);
  }

  operationStatus(r: Extract<Route, { kind: 'operationStatus' }>): Reply {
    const op = this.findOperation(r.vault, r.operationId);
    if (!op) return this.notFound(r.vault, `operationsStatus/${r.operationId}`);
    return { status: 200, body: operationStatusBody(op, this.opts.clock.now()) };
  }

  operationResult(r: Extract<Route, { kind: 'operationResult' }>, origin: string, path: string): Reply {
    const op = this.findOperation(r.vault, r.operationId);
    if (!op) return this.notFound(r.vault, `operationResults/${r.operationId}`);
    return this.resultReply(op, origin, path);
  }

  /** See SimulatorServer.triggerOperation. */
  trigger(
    spec: SimJobSpec,
    delayMs: number,
    fail?: { code: string; message: string },
  ): { operationId: string; asyncOperationPath: string; locationPath: string; jobId?: string } {
    const now = this.opts.clock.now();
    let jobId: string | undefined;
    if (!fail) {
      // The job exists from the moment the operation reports it.
      jobId = this.store.add({ ...spec, startAt: now + delayMs }).jobId;
    }
    const op = this.addOperation({ vaultKey: vaultKeyOf(spec.vault), kind: 'trigger', jobId, doneAt: now + delayMs, fail });
    const names = itemNamesOf(spec);
    const item = protectedItemPath(spec.vault, names.containerName, names.name);
    return {
      jobId,
      operationId: op.id,
      asyncOperationPath: `${item}/operationsStatus/${op.id}?api-version=${ASYNC_API_VERSION}`,
      locationPath: `${item}/operationResults/${op.id}?api-version=${ASYNC_API_VERSION}`,
    };
  }

  private resultReply(op: SimOperation, origin: string, selfPath: string): Reply {
    const state = operationState(op, this.opts.clock.now());
    if (state === 'InProgress') return { status: 202, headers: this.pollHeaders(origin, selfPath) };
    if (state === 'Failed' && op.fail) return armError(400, op.fail.code, op.fail.message);
    return { status: 204 };
  }

  private pollHeaders(origin: string, path: string): Record<string, string> {
    const url = path.includes('?') ? `${origin}${path}` : `${origin}${path}?api-version=${LINK_API_VERSION}`;
    const retryAfter = Math.max(1, Math.ceil(this.opts.cancelAcceptMs / 1000));
    return { location: url, 'retry-after': String(retryAfter) };
  }

  private findOperation(vault: VaultId, operationId: string): SimOperation | undefined {
    const op = this.operations.get(operationId.toLowerCase());
    return op && op.vaultKey === vaultKeyOf(vault) ? op : undefined;
  }

  private addOperation(o: Omit<SimOperation, 'id' | 'startedAt'>): SimOperation {
    const op: SimOperation = { ...o, id: randomUUID(), startedAt: this.opts.clock.now() };
    this.operations.set(op.id, op);
    return op;
  }

  private notFound(vault: VaultId, below?: string): Reply {
    if (!this.store.hasVault(vaultKeyOf(vault))) {
      return armError(
        404,
        'ResourceNotFound',
        `The Resource 'Microsoft.RecoveryServices/vaults/${vault.vaultName}' under resource group '${vault.resourceGroup}' was not found.`,
      );
    }
    return armError(404, 'ResourceNotFound', `The resource '${below ?? ''}' was not found in vault '${vault.vaultName}'.`);
  }
}

function encodeCursor(c: ListCursor): string {
  return Buffer.from(`${c.startAt}:${c.jobId}`).toString('base64url');
}

function decodeCursor(token: string): ListCursor {
  const text = Buffer.from(token, 'base64url').toString();
  const m = /^(-?\d+):([0-9a-f-]{36})$/.exec(text);
  if (!m) throw new FilterError('$skipToken is not one this server issued');
  return { startAt: Number(m[1]), jobId: m[2] };
}
