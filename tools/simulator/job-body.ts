import type { VaultId } from '../../src/domain/job';
import { formatDuration, formatTimestamp, type DurationFormat } from './format';
import { endOf, isEnded, progressAt, statusAt, tasksAt, type JobRecord, type SimStatus, type TaskState } from './job-state';
import { jobContainerName } from './item-names';
import { hash32 } from './random';
import type { SimErrorSpec } from './spec';

/** Plain JSON value, so bodies stay typed without `any`. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Canonical id, as a user would paste it. */
export function canonicalVaultPath(v: VaultId): string {
  return `/subscriptions/${v.subscriptionId}/resourceGroups/${v.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${v.vaultName}`;
}

/**
 * The id as the service writes it. Jobs that answer in the real-response style (TimeSpan durations)
 * also get the docs' casing (`microsoft.recoveryservices`); the others the examples' (`/Subscriptions/`),
 * so clients meet both.
 */
export function bodyJobId(rec: JobRecord): string {
  const v = rec.spec.vault;
  if (rec.spec.durationFormat === 'timespan') {
    return `/subscriptions/${v.subscriptionId}/resourceGroups/${v.resourceGroup}/providers/microsoft.recoveryservices/vaults/${v.vaultName}/backupJobs/${rec.jobId}`;
  }
  return `/Subscriptions/${v.subscriptionId}/resourceGroups/${v.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${v.vaultName}/backupJobs/${rec.jobId}`;
}

/**
 * JobResource body at `now`. `detail` adds `extendedInfo` (tasks, property bag, progress): the GET
 * answer has it, list items do not (as in the ListJobs example).
 */
export function renderJob(rec: JobRecord, now: number, detail: boolean): JsonObject {
  const spec = rec.spec;
  const status = statusAt(rec, now);
  const ended = isEnded(status);
  const fmt: DurationFormat = spec.durationFormat ?? 'iso';
  const endAt = endOf(rec);
  const props: JsonObject = {
    jobType: spec.jobType,
    duration: formatDuration((ended ? endAt : now) - rec.startAt, fmt),
    // Real responses write the action as a number; cancellable while running and not yet cancelling.
    // A backup that failed (or left warnings) can be retried: Retriable, 2.
    actionsInfo: status === 'InProgress' && spec.jobType !== 'VaultJob' ? [1] : retriable(spec, status) ? [2] : [],
  };
  Object.assign(props, typeSpecific(rec));
  if (detail) props['extendedInfo'] = extendedInfo(rec, now, status, fmt);
  props['entityFriendlyName'] = spec.entityFriendlyName;
  props['backupManagementType'] = spec.backupManagementType;
  props['operation'] = spec.operation;
  props['status'] = status;
  props['startTime'] = formatTimestamp(rec.startAt);
  if (ended) props['endTime'] = formatTimestamp(endAt);
  props['activityId'] = rec.activityId;
  if (ended && (status === 'Failed' || status === 'CompletedWithWarnings') && spec.errorDetails?.length) {
    props['errorDetails'] = spec.errorDetails.map((e) => errorInfo(rec, e));
  }
  return { id: bodyJobId(rec), name: rec.jobId, type: 'Microsoft.RecoveryServices/vaults/backupJobs', properties: props };
}

function retriable(spec: JobRecord['spec'], status: SimStatus): boolean {
  return spec.operation === 'Backup' && spec.jobType !== 'VaultJob' && (status === 'Failed' || status === 'CompletedWithWarnings');
}

function typeSpecific(rec: JobRecord): JsonObject {
  const spec = rec.spec;
  const workloadType = spec.workloadType ?? 'Invalid';
  switch (spec.jobType) {
    case 'AzureIaaSVMJob':
    case 'AzureIaaSVMJobV2':
      // The spec's containerName leads a Back up again to the protected item; the real payload in
      // the docs (the TimeSpan style) has none, so clients must also cope without it.
      return spec.durationFormat === 'timespan'
        ? { virtualMachineVersion: 'Compute' }
        : { virtualMachineVersion: 'Compute', containerName: jobContainerName(spec) };
    case 'AzureStorageJob':
      return {
        storageAccountName: spec.propertyBag?.['Storage Account Name'] ?? `st${hash32(spec.entityFriendlyName).toString(36)}`,
        storageAccountVersion: 'Storage',
      };
    case 'AzureWorkloadJob':
      return { workloadType };
    case 'DpmJob': {
      const server = spec.entityFriendlyName.split('\\')[0] ?? spec.entityFriendlyName;
      return { dpmServerName: 'DPM01', containerName: server, containerType: 'DPMContainer', workloadType };
    }
    case 'MabJob':
      return { mabServerName: spec.entityFriendlyName, mabServerType: 'Windows', workloadType };
    case 'VaultJob':
      return {};
  }
}

function extendedInfo(rec: JobRecord, now: number, status: SimStatus, fmt: DurationFormat): JsonObject {
  const spec = rec.spec;
  const bag: Record<string, string> = { ...spec.propertyBag };
  if (status === 'Completed' || status === 'CompletedWithWarnings') Object.assign(bag, spec.finalPropertyBag);
  if (spec.jobType === 'VaultJob') return { propertyBag: bag };

  const tasks = tasksAt(rec, now, status);
  const info: JsonObject = { tasksList: tasks.map((t) => taskDetails(rec, t, fmt)), propertyBag: bag };
  const iaas = spec.jobType === 'AzureIaaSVMJob' || spec.jobType === 'AzureIaaSVMJobV2';
  if (iaas && status === 'InProgress') {
    // The spec: "Null if it has not started or completed" — only a running job reports progress.
    info['progressPercentage'] = progressAt(rec, now);
    info['estimatedRemainingDuration'] = formatDuration(Math.max(0, rec.naturalEnd - now), fmt);
  }
  if (status === 'Failed' && spec.errorDetails?.length) info['dynamicErrorMessage'] = spec.errorDetails[0].message;
  return info;
}

function taskDetails(rec: JobRecord, t: TaskState, fmt: DurationFormat): JsonObject {
  switch (rec.spec.jobType) {
    case 'AzureStorageJob':
    case 'AzureWorkloadJob':
      return { taskId: t.name, status: t.status };
    case 'DpmJob':
    case 'MabJob':
      return { taskId: t.name, ...times(t), duration: formatDuration(t.elapsedMs, fmt), status: t.status };
    default:
      return { taskId: t.name, ...times(t), duration: formatDuration(t.elapsedMs, fmt), status: t.status, progressPercentage: t.progress };
  }
}

function times(t: TaskState): JsonObject {
  const out: JsonObject = {};
  if (t.startAt !== undefined) out['startTime'] = formatTimestamp(t.startAt);
  if (t.endAt !== undefined) out['endTime'] = formatTimestamp(t.endAt);
  return out;
}

/** `errorDetails` items, shaped per job type exactly as the spec's *ErrorInfo definitions. */
function errorInfo(rec: JobRecord, e: SimErrorSpec): JsonObject {
  const errorCode = e.errorCode ?? 100_000 + (hash32(e.code) % 900_000);
  const recommendations = [...e.recommendations];
  switch (rec.spec.jobType) {
    case 'AzureIaaSVMJob':
    case 'AzureIaaSVMJobV2':
      return { errorCode, errorTitle: e.code, errorString: e.message, recommendations };
    case 'AzureWorkloadJob':
      return { errorCode, errorString: e.message, errorTitle: e.code, recommendations, additionalDetails: `Error code: ${e.code}` };
    case 'AzureStorageJob':
    case 'VaultJob':
      return { errorCode, errorString: e.message, recommendations };
    case 'DpmJob':
    case 'MabJob':
      return { errorString: e.message, recommendations };
  }
}
