/**
 * The job model every layer speaks: vaults, job keys, what the user typed for them, a job as
 * Azure reports it (normalised), operation states and the kinds of ARM failure. No imports: the
 * lowest layer.
 */

/** A Recovery Services vault, segments validated. `subscriptionId` is a lower-case GUID. */
export interface VaultId {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly vaultName: string;
}

/** One backup job in one vault. `jobId` is a lower-case GUID. */
export interface JobKey {
  readonly vault: VaultId;
  readonly jobId: string;
}

/** What the user typed for a job: a bare GUID needs a vault from context; a full id brings its own. */
export type JobRef = { readonly kind: 'guid'; readonly jobId: string } | { readonly kind: 'resourceId'; readonly key: JobKey };

/** What the user typed for a vault. */
export type VaultRef =
  | { readonly kind: 'name'; readonly vaultName: string }
  | { readonly kind: 'groupAndName'; readonly resourceGroup: string; readonly vaultName: string }
  | { readonly kind: 'resourceId'; readonly vault: VaultId };

/** An operation to follow: a bare GUID (vault-level backupOperations/{id}) or a header URL's path. */
export type OperationRef =
  | { readonly kind: 'guid'; readonly operationId: string }
  | {
      readonly kind: 'url';
      readonly operationId: string;
      /** Vault the URL points into. */
      readonly vault: VaultId;
      /** Validated, canonical path below the vault (e.g. `backupJobs/{id}/operationResults/{op}`), no query. */
      readonly pathBelowVault: string;
      readonly style: 'operationsStatus' | 'backupOperations' | 'operationResults';
    };

export const JOB_TYPES = [
  'AzureIaaSVMJob',
  'AzureIaaSVMJobV2',
  'AzureStorageJob',
  'AzureWorkloadJob',
  'DpmJob',
  'MabJob',
  'VaultJob',
] as const;
export type KnownJobType = (typeof JOB_TYPES)[number];

export type JobStatus =
  'InProgress' | 'Cancelling' | 'Completed' | 'CompletedWithWarnings' | 'Failed' | 'Cancelled' | 'Invalid' | 'Unknown';

export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set<JobStatus>(['Completed', 'CompletedWithWarnings', 'Failed', 'Cancelled']);

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

// Any other status Azure sends is kept as it came; `string & {}` (rather than `string`) keeps the
// known ones from being absorbed, so editors still offer them.
export type TaskStatus =
  'NotStarted' | 'InProgress' | 'Completed' | 'CompletedWithWarnings' | 'Failed' | 'Cancelled' | 'Unknown' | (string & {});

export interface JobTask {
  readonly name: string;
  readonly status: TaskStatus;
  readonly startTime?: string;
  readonly endTime?: string;
  readonly durationMs?: number;
  readonly progressPercentage?: number;
  readonly instanceId?: string;
}

export interface JobErrorDetail {
  readonly code?: string;
  readonly title?: string;
  readonly message?: string;
  readonly recommendations: readonly string[];
}

interface JobCommon {
  /** ARM resource id exactly as Azure returned it. */
  readonly id: string;
  /** The job GUID (lower case). */
  readonly jobId: string;
  readonly entityFriendlyName?: string;
  readonly operation?: string;
  readonly status: JobStatus;
  /** Status string as received, for display when it is not one we know. */
  readonly rawStatus: string;
  readonly startTime?: string;
  /** Absent while running (the `0001-01-01` sentinel is mapped to absent). */
  readonly endTime?: string;
  readonly durationMs?: number;
  readonly backupManagementType?: string;
  readonly workloadType?: string;
  readonly activityId?: string;
  /** Normalised to names: `[1]` and `["Cancellable"]` both become `["Cancellable"]`. */
  readonly actionsInfo: readonly string[];
  readonly isCancellable: boolean;
  /** Overall progress 0–100 when Azure reports it (IaaS VM jobs). */
  readonly progressPercentage?: number;
  readonly estimatedRemainingMs?: number;
  readonly tasks: readonly JobTask[];
  readonly propertyBag: Readonly<Record<string, string>>;
  readonly errors: readonly JobErrorDetail[];
  /** Type-specific fields not normalised above (e.g. virtualMachineVersion, dpmServerName). */
  readonly extra: Readonly<Record<string, string | number | boolean>>;
}

export type AzureIaaSVMJob = JobCommon & { readonly jobType: 'AzureIaaSVMJob' };
export type AzureIaaSVMJobV2 = JobCommon & { readonly jobType: 'AzureIaaSVMJobV2' };
export type AzureStorageJob = JobCommon & { readonly jobType: 'AzureStorageJob' };
export type AzureWorkloadJob = JobCommon & { readonly jobType: 'AzureWorkloadJob' };
export type DpmJob = JobCommon & { readonly jobType: 'DpmJob' };
export type MabJob = JobCommon & { readonly jobType: 'MabJob' };
export type VaultJob = JobCommon & { readonly jobType: 'VaultJob' };
/** Tolerant fallback: a jobType this build does not know. */
export type UnknownJob = JobCommon & { readonly jobType: 'Unknown'; readonly rawJobType: string };

export type BackupJob = AzureIaaSVMJob | AzureIaaSVMJobV2 | AzureStorageJob | AzureWorkloadJob | DpmJob | MabJob | VaultJob | UnknownJob;

export type OperationState = 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled';

export interface OperationStatus {
  readonly operationId: string;
  readonly state: OperationState;
  /** Job ids yielded by the operation once it succeeded (`properties.jobId` / `properties.jobIds`). */
  readonly jobIds: readonly string[];
  readonly error?: { readonly code?: string; readonly message?: string };
}

export type ArmErrorKind = 'throttled' | 'transient' | 'notFound' | 'forbidden' | 'unauthorized' | 'malformed' | 'badRequest';

/** Trying again later can help (a 429, a 5xx, no answer); every other kind fails the same way again. */
export function isRetryableKind(kind: ArmErrorKind): boolean {
  return kind === 'throttled' || kind === 'transient';
}

/** What callers act on of a failed Azure call (azure/arm-failure.ts classifies thrown values into it). */
export interface ArmFailure {
  readonly kind: ArmErrorKind;
  readonly message: string;
  readonly retryAfterMs?: number;
  readonly requiredRole?: string;
}
