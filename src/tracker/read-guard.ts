/**
 * The shape both read budgets share (the in-process one in budgeted-api.ts, the Redis one in
 * scaleout/shared-budget.ts): a BackupJobsApi decorator that puts every read through `read()` and
 * lets cancels (writes) pass, and the error a read the budget refuses fails with.
 */
import { ArmError } from '../azure/errors';
import type { ArmResult, BackupJobsApi, CallOptions, JobListFilter } from '../azure/types';
import type { BackupJob, JobKey, OperationRef, OperationStatus, VaultId } from '../domain/job';

/**
 * Thrown instead of sending a read the budget cannot cover soon; `retryAfterMs` is the wait. An
 * ArmError of kind `throttled`, as a 429 would be: the ArmGate defers the poll, and a command tells
 * the user when to try again instead of reporting an unexpected error.
 */
export class ReadBudgetExhausted extends ArmError {
  override readonly name = 'ReadBudgetExhausted';
  declare readonly retryAfterMs: number;
  constructor(retryAfterMs: number) {
    super('throttled', `Azure's read limit for this subscription is reached; next read in ${Math.ceil(retryAfterMs / 1000)} s.`, {
      retryAfterMs,
    });
  }
}

export abstract class ReadGuardApi implements BackupJobsApi {
  constructor(protected readonly inner: BackupJobsApi) {}

  /** Runs one read (`fn`) for `vault`'s subscription, or refuses it with ReadBudgetExhausted. */
  protected abstract read<T>(vault: VaultId, signal: AbortSignal | undefined, fn: () => Promise<ArmResult<T>>): Promise<ArmResult<T>>;

  getJob(key: JobKey, opts?: CallOptions): Promise<ArmResult<BackupJob>> {
    return this.read(key.vault, opts?.signal, () => this.inner.getJob(key, opts));
  }

  listJobs(vault: VaultId, filter?: JobListFilter, opts?: CallOptions & { maxPages?: number }): Promise<ArmResult<BackupJob[]>> {
    return this.read(vault, opts?.signal, () => this.inner.listJobs(vault, filter, opts));
  }

  getOperationStatus(vault: VaultId, op: OperationRef, opts?: CallOptions): Promise<ArmResult<OperationStatus>> {
    return this.read(vault, opts?.signal, () => this.inner.getOperationStatus(vault, op, opts));
  }

  cancelJob(key: JobKey, opts?: CallOptions): Promise<ArmResult<{ readonly accepted: true }>> {
    return this.inner.cancelJob(key, opts);
  }
}
