import { hash32 } from './random';
import type { SimJobSpec } from './spec';

/** Job status as the simulator knows it; `NotStarted` means the job does not exist yet. */
export type SimStatus = 'NotStarted' | 'InProgress' | 'Cancelling' | SimJobSpec['outcome'];

/**
 * A job as stored by the server: its spec plus everything derived once, so that answering a
 * request costs a few comparisons rather than a walk over the spec.
 */
export interface JobRecord {
  readonly spec: SimJobSpec;
  /** Lower-case job GUID. */
  readonly jobId: string;
  /** Lower-case `sub/rg/vault`. */
  readonly vaultKey: string;
  readonly startAt: number;
  /** Absolute start of each task; `taskEnds[i]` its end (the last one moves when a hold outlasts it). */
  readonly taskStarts: readonly number[];
  readonly taskEnds: number[];
  /** When the job would end if nobody cancelled it. */
  naturalEnd: number;
  /** Cancellation: from `requestedAt` the job is Cancelling, from `endsAt` Cancelled. */
  cancel?: { readonly requestedAt: number; readonly endsAt: number };
  /**
   * Held by a test: the job cannot end (it stays in its last task, or Cancelling) until released,
   * so a scenario's order of events does not depend on how fast the machine runs it.
   */
  held?: boolean;
  readonly activityId: string;
}

/** How long a scripted `Cancelled` outcome spends in Cancelling before it ends. */
const SCRIPTED_CANCELLING_MS = 30_000;

export function vaultKeyOf(v: { subscriptionId: string; resourceGroup: string; vaultName: string }): string {
  return `${v.subscriptionId}/${v.resourceGroup}/${v.vaultName}`.toLowerCase();
}

export function createRecord(spec: SimJobSpec): JobRecord {
  if (spec.tasks.length === 0) throw new RangeError(`simulated job ${spec.jobId} needs at least one task`);
  const taskStarts: number[] = [];
  const taskEnds: number[] = [];
  let t = spec.startAt;
  for (const task of spec.tasks) {
    if (!(task.durationMs >= 0)) throw new RangeError(`task ${task.name} of job ${spec.jobId} has a negative duration`);
    taskStarts.push(t);
    t += task.durationMs;
    taskEnds.push(t);
  }
  const rec: JobRecord = {
    spec,
    jobId: spec.jobId.toLowerCase(),
    vaultKey: vaultKeyOf(spec.vault),
    startAt: spec.startAt,
    taskStarts,
    taskEnds,
    naturalEnd: t,
    activityId: derivedGuid(spec.jobId),
  };
  if (spec.outcome === 'Cancelled') {
    // Someone cancelled it near the end: Cancelling for the last stretch, Cancelled at the end.
    const window = Math.min(SCRIPTED_CANCELLING_MS, (t - spec.startAt) / 4);
    rec.cancel = { requestedAt: t - window, endsAt: t };
  }
  return rec;
}

export function statusAt(rec: JobRecord, now: number): SimStatus {
  if (now < rec.startAt) return 'NotStarted';
  const c = rec.cancel;
  if (now >= endOf(rec) && !rec.held) return c ? 'Cancelled' : rec.spec.outcome;
  if (c && now >= c.requestedAt) return 'Cancelling';
  return 'InProgress';
}

/** When the job ends (or will end, as things stand; a held job not before its release). */
export function endOf(rec: JobRecord): number {
  return rec.cancel ? rec.cancel.endsAt : rec.naturalEnd;
}

/** Ends the hold at `now`: a job whose scheduled end has passed ends now, the others as scheduled. */
export function releaseRecord(rec: JobRecord, now: number): void {
  if (!rec.held) return;
  rec.held = false;
  if (now <= endOf(rec)) return;
  if (rec.cancel) {
    rec.cancel = { requestedAt: rec.cancel.requestedAt, endsAt: now };
  } else {
    rec.naturalEnd = now;
    rec.taskEnds[rec.taskEnds.length - 1] = now;
  }
}

export function isEnded(status: SimStatus): boolean {
  return status !== 'NotStarted' && status !== 'InProgress' && status !== 'Cancelling';
}

export interface TaskState {
  readonly name: string;
  readonly status: string;
  readonly startAt?: number;
  readonly endAt?: number;
  readonly elapsedMs: number;
  readonly progress: number;
}

/** Per-task picture at `now`. Work stops when cancellation is requested: progress freezes there. */
export function tasksAt(rec: JobRecord, now: number, status: SimStatus): TaskState[] {
  const frozen = rec.cancel ? Math.min(now, rec.cancel.requestedAt) : now;
  const last = rec.taskEnds.length - 1;
  const out: TaskState[] = [];
  for (let i = 0; i <= last; i++) {
    const name = rec.spec.tasks[i].name;
    const s = rec.taskStarts[i];
    const e = rec.taskEnds[i];
    // A held job's last task is still running, whatever the clock says.
    const open = rec.held === true && i === last;
    if (frozen < s && !open) {
      out.push({ name, status: 'NotStarted', elapsedMs: 0, progress: 0 });
    } else if (frozen >= e && !open) {
      let taskStatus = 'Completed';
      if (i === last && status === 'Failed') taskStatus = 'Failed';
      if (i === last && status === 'CompletedWithWarnings') taskStatus = 'CompletedWithWarnings';
      out.push({ name, status: taskStatus, startAt: s, endAt: e, elapsedMs: e - s, progress: 100 });
    } else if (status === 'Cancelled') {
      const end = rec.cancel!.endsAt;
      out.push({ name, status: 'Cancelled', startAt: s, endAt: end, elapsedMs: end - s, progress: pct(frozen - s, e - s) });
    } else {
      const progress = open ? Math.min(99, pct(frozen - s, e - s)) : pct(frozen - s, e - s);
      out.push({ name, status: 'InProgress', startAt: s, elapsedMs: Math.max(0, now - s), progress });
    }
  }
  return out;
}

/** Overall progress 0–100 (two decimals), frozen at a cancellation request. */
export function progressAt(rec: JobRecord, now: number): number {
  const frozen = rec.cancel ? Math.min(now, rec.cancel.requestedAt) : now;
  const p = pct(frozen - rec.startAt, rec.naturalEnd - rec.startAt);
  return rec.held ? Math.min(99, p) : p;
}

function pct(done: number, total: number): number {
  if (total <= 0) return 100;
  return Math.round(Math.min(1, Math.max(0, done / total)) * 10_000) / 100;
}

/** A GUID-shaped value stable for a given input (activity ids and the like). */
export function derivedGuid(seed: string): string {
  const h = [hash32(seed), hash32(`a${seed}`), hash32(`b${seed}`), hash32(`c${seed}`)].map((n) => n.toString(16).padStart(8, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
