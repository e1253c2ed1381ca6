/**
 * Turns ARM bodies (JobResource, JobResourceList, OperationStatus) into the normalised model of
 * types.ts. Tolerant where Azure is inconsistent (duration formats, actionsInfo as numbers, status
 * spelling, unknown job types), strict where a wrong answer would mislead (missing ids).
 */
import { MalformedResponseError } from './errors';
import { isGuid } from './id-rules';
import {
  JOB_TYPES,
  type BackupJob,
  type JobErrorDetail,
  type JobStatus,
  type JobTask,
  type OperationState,
  type OperationStatus,
} from '../domain/job';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

const ISO_DURATION = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;
/** .NET TimeSpan `c` format: `[d.]hh:mm:ss[.fffffff]`. */
const TIMESPAN = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/;

/** Milliseconds of an ISO 8601 duration (`PT9.87S`, `P1DT2H`) or a .NET TimeSpan (`1.02:03:04.5`). */
export function parseDuration(s: string | undefined): number | undefined {
  if (typeof s !== 'string') return undefined;
  const t = s.trim();
  const iso = ISO_DURATION.exec(t);
  if (iso && t.length > 1 && !/T$/i.test(t)) {
    const [w, d, h, m, sec] = iso.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
    return Math.round((((w * 7 + d) * 24 + h) * 60 + m) * 60_000 + sec * 1000);
  }
  const ts = TIMESPAN.exec(t);
  if (ts) {
    const [d, h, m, sec] = ts.slice(1, 5).map((x) => (x === undefined ? 0 : Number(x)));
    if (m > 59 || sec > 59 || h > 23) return undefined;
    const frac = ts[5] ? Number(`0.${ts[5]}`) : 0;
    return Math.round((((d * 24 + h) * 60 + m) * 60 + sec + frac) * 1000);
  }
  return undefined;
}

/** Timestamps as received, minus the `0001-01-01` "not yet" sentinel and anything unparseable. */
function time(v: unknown): string | undefined {
  const s = str(v);
  if (!s || s.startsWith('0001-01-01') || !Number.isFinite(Date.parse(s))) return undefined;
  return s;
}

const STATUSES: readonly JobStatus[] = ['InProgress', 'Cancelling', 'Completed', 'CompletedWithWarnings', 'Failed', 'Cancelled', 'Invalid'];

function jobStatus(raw: string): JobStatus {
  const l = raw.toLowerCase();
  if (l === 'canceled') return 'Cancelled';
  if (l === 'canceling') return 'Cancelling';
  return STATUSES.find((s) => s.toLowerCase() === l) ?? 'Unknown';
}

function taskStatus(raw: string | undefined): string {
  if (!raw) return 'Unknown';
  if (raw.toLowerCase() === 'notstarted') return 'NotStarted';
  const s = jobStatus(raw);
  return s === 'Unknown' ? raw : s;
}

/** JobSupportedAction: Invalid = 0, Cancellable = 1, Retriable = 2 (real responses send the numbers). */
const ACTIONS = ['Invalid', 'Cancellable', 'Retriable'] as const;

function actions(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const a of v) {
    const name =
      typeof a === 'number'
        ? (ACTIONS[a] ?? `Unknown(${a})`)
        : typeof a === 'string'
          ? (ACTIONS.find((x) => x.toLowerCase() === a.toLowerCase()) ?? a)
          : undefined;
    if (name && name !== 'Invalid' && !out.includes(name)) out.push(name);
  }
  return out;
}

function tasks(v: unknown): JobTask[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isObj).map((t) => ({
    name: str(t.taskId) ?? 'Task',
    status: taskStatus(str(t.status)),
    startTime: time(t.startTime),
    endTime: time(t.endTime),
    durationMs: parseDuration(str(t.duration)),
    progressPercentage: num(t.progressPercentage),
    instanceId: str(t.instanceId),
  }));
}

/**
 * errorDetails differ per job type (IaaS VM: errorCode/errorTitle/errorString; workload adds
 * additionalDetails; DPM and MAB only errorString); every shape maps onto one JobErrorDetail.
 */
function errors(v: unknown): JobErrorDetail[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isObj).map((e) => {
    const code = num(e.errorCode) ?? str(e.errorCode);
    const message = [str(e.errorString), str(e.additionalDetails)].filter(Boolean).join(' ');
    return {
      code: code === undefined ? undefined : String(code),
      title: str(e.errorTitle),
      message: message || undefined,
      recommendations: Array.isArray(e.recommendations) ? e.recommendations.filter((r): r is string => typeof r === 'string') : [],
    };
  });
}

function propertyBag(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObj(v)) return out;
  for (const [k, val] of Object.entries(v)) {
    if (typeof val === 'string' || typeof val === 'number' || typeof val === 'boolean') out[k] = String(val);
  }
  return out;
}

/** Type-specific scalars kept for display (per the spec definitions of the seven job types). */
const EXTRA_FIELDS = [
  'virtualMachineVersion',
  'containerName',
  'containerType',
  'isUserTriggered',
  'storageAccountName',
  'storageAccountVersion',
  'dpmServerName',
  'mabServerName',
  'mabServerType',
] as const;

/** Parses one JobResource; throws MalformedResponseError when it is not one. */
export function parseJobResource(body: unknown): BackupJob {
  if (!isObj(body) || !isObj(body.properties)) throw new MalformedResponseError('a job resource without properties');
  const p = body.properties;
  const id = str(body.id);
  const name = str(body.name);
  const lastSegment = id?.split('/').pop();
  const jobId = isGuid(name) ? name : isGuid(lastSegment) ? lastSegment : undefined;
  if (!id || !jobId) throw new MalformedResponseError('a job resource without a job id');
  const rawJobType = str(p.jobType);
  if (!rawJobType) throw new MalformedResponseError('a job resource without a jobType');
  const ext = isObj(p.extendedInfo) ? p.extendedInfo : {};
  const rawStatus = str(p.status) ?? '';
  const actionsInfo = actions(p.actionsInfo);
  const errs = errors(p.errorDetails);
  const dynamicError = str(ext.dynamicErrorMessage);
  if (errs.length === 0 && dynamicError) errs.push({ message: dynamicError, recommendations: [] });
  const extra: Record<string, string | number | boolean> = {};
  for (const f of EXTRA_FIELDS) {
    const v = p[f];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') extra[f] = v;
  }
  const common = {
    id,
    jobId: jobId.toLowerCase(),
    entityFriendlyName: str(p.entityFriendlyName),
    operation: str(p.operation),
    status: jobStatus(rawStatus),
    rawStatus,
    startTime: time(p.startTime),
    endTime: time(p.endTime),
    durationMs: parseDuration(str(p.duration)),
    backupManagementType: str(p.backupManagementType),
    workloadType: str(p.workloadType),
    activityId: str(p.activityId),
    actionsInfo,
    isCancellable: actionsInfo.includes('Cancellable'),
    progressPercentage: num(ext.progressPercentage),
    estimatedRemainingMs: parseDuration(str(ext.estimatedRemainingDuration)),
    tasks: tasks(ext.tasksList),
    propertyBag: propertyBag(ext.propertyBag),
    errors: errs,
    extra,
  };
  const known = JOB_TYPES.find((t) => t.toLowerCase() === rawJobType.toLowerCase());
  return known ? { ...common, jobType: known } : { ...common, jobType: 'Unknown', rawJobType };
}

/**
 * Parses a JobResourceList. A single unreadable item is skipped (and counted) rather than hiding
 * every other job of the vault.
 */
export function parseJobList(body: unknown): { jobs: BackupJob[]; nextLink?: string; skipped: number } {
  if (!isObj(body) || (body.value !== undefined && !Array.isArray(body.value))) {
    throw new MalformedResponseError('a job list without a value array');
  }
  const jobs: BackupJob[] = [];
  let skipped = 0;
  for (const item of (body.value as unknown[] | undefined) ?? []) {
    try {
      jobs.push(parseJobResource(item));
    } catch (e) {
      if (!(e instanceof MalformedResponseError)) throw e;
      skipped++;
    }
  }
  const nextLink = str(body.nextLink);
  if (body.nextLink !== undefined && body.nextLink !== null && !nextLink)
    throw new MalformedResponseError('a nextLink that is not a string');
  return nextLink ? { jobs, nextLink, skipped } : { jobs, skipped };
}

const OPERATION_STATES: Record<string, OperationState> = {
  inprogress: 'InProgress',
  succeeded: 'Succeeded',
  failed: 'Failed',
  canceled: 'Canceled',
  cancelled: 'Canceled',
  // 'Invalid' is what Azure reports for an operation it could not run.
  invalid: 'Failed',
};

/** Parses an OperationStatus (`backupOperations/{id}`, `…/operationsStatus/{id}`). */
export function parseOperationStatus(body: unknown, operationId: string): OperationStatus {
  if (!isObj(body)) throw new MalformedResponseError('an operation status that is not an object');
  const raw = str(body.status);
  const state = raw ? OPERATION_STATES[raw.toLowerCase()] : undefined;
  if (!state) throw new MalformedResponseError('an operation status without a known status');
  const props = isObj(body.properties) ? body.properties : {};
  const ids: unknown[] = [props.jobId, ...(Array.isArray(props.jobIds) ? (props.jobIds as unknown[]) : [])].filter(
    (x) => x !== undefined && x !== null,
  );
  const jobIds: string[] = [];
  for (const id of ids) {
    if (!isGuid(id)) throw new MalformedResponseError('an operation status with a job id that is not a GUID');
    if (!jobIds.includes(id.toLowerCase())) jobIds.push(id.toLowerCase());
  }
  const err = isObj(body.error) ? { code: str(body.error.code), message: str(body.error.message) } : undefined;
  return err && (err.code || err.message) ? { operationId, state, jobIds, error: err } : { operationId, state, jobIds };
}
