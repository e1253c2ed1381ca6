/**
 * Contracts of the Azure layer that the tracker, the commands and the cards rely on.
 * Implementations live beside this file (ids.ts, models.ts, errors.ts, arm-client.ts); the job
 * model itself is in domain/job.ts.
 */
import type { BackupJob, JobKey, JobStatus, OperationRef, OperationStatus, VaultId } from '../domain/job';

export interface JobListFilter {
  readonly status?: Exclude<JobStatus, 'Unknown'>;
  readonly operation?: string;
  readonly backupManagementType?: string;
  /** ISO timestamps; ARM requires both when either is given. */
  readonly startTime?: string;
  readonly endTime?: string;
}

/** Metadata of every ARM answer the tracker uses to pace itself. */
export interface ArmMeta {
  /** `x-ms-ratelimit-remaining-subscription-reads`, when present. */
  readonly remainingReads?: number;
  /** Number of HTTP attempts spent (1 when the first succeeded). */
  readonly attempts: number;
  /** listJobs only: true when paging stopped at `maxPages` with more pages left. */
  readonly truncated?: boolean;
  /** getOperationStatus only: the wait Azure asked for (Retry-After) before the next read of a running operation. */
  readonly retryAfterMs?: number;
}

export interface ArmResult<T> {
  readonly value: T;
  readonly meta: ArmMeta;
}

/** Options that every call accepts. */
export interface CallOptions {
  readonly signal?: AbortSignal;
}

/**
 * The Backup jobs API as the rest of the bot sees it. Implemented over undici by ArmClient;
 * every method throws `ArmError` (see errors.ts) on failure, after its retries.
 */
export interface BackupJobsApi {
  getJob(key: JobKey, opts?: CallOptions): Promise<ArmResult<BackupJob>>;
  /** Follows nextLink to the end (bounded by `maxPages`, default 50). */
  listJobs(vault: VaultId, filter?: JobListFilter, opts?: CallOptions & { maxPages?: number }): Promise<ArmResult<BackupJob[]>>;
  /** A guid ref is resolved in `vault` (backupOperations/{id}); a url ref uses its own vault, which must equal `vault`. */
  getOperationStatus(vault: VaultId, op: OperationRef, opts?: CallOptions): Promise<ArmResult<OperationStatus>>;
  /** POST cancel, then polls the Location until done. Resolves when Azure accepted the cancellation. */
  cancelJob(key: JobKey, opts?: CallOptions): Promise<ArmResult<{ readonly accepted: true }>>;
}
