/**
 * The estimated progress of a running task between task-detail reads (pure). A task that reports
 * its progress (IaaS VM jobs) is read only at a few points of its expected span (eta-schedule.ts),
 * so between reads its card would stand still at the last read figure; instead the card shows
 * where the task should be by now, marked as estimated, from the last read alone: p0 at t0, and
 * the task's expected end from its item's past runs. A fresh read replaces it with Azure's figure.
 */
import type { EtaBasis } from '../domain/durations';
import type { BackupJob, JobTask } from '../domain/job';
import { estimate } from './estimate';

/** The estimate never says a task is (nearly) done: only a read does. */
export const TASK_ESTIMATE_CAP = 95;

/**
 * p0 + (100 − p0) × (now − t0) / (expectedEnd − t0), floored, capped at `cap` and never below p0;
 * undefined once the expected end is reached (the task overruns: the card stops advancing and
 * shows the last read) or when the read was not before the expected end.
 */
export function estimateTaskProgress(
  p0: number,
  t0: number,
  expectedEndAt: number,
  now: number,
  cap = TASK_ESTIMATE_CAP,
): number | undefined {
  if (![p0, t0, expectedEndAt, now].every(Number.isFinite)) return undefined;
  if (expectedEndAt <= t0 || now >= expectedEndAt) return undefined;
  const p = p0 + ((100 - p0) * Math.max(0, now - t0)) / (expectedEndAt - t0);
  return Math.max(p0, Math.min(cap, Math.floor(p)));
}

export interface TaskEstimate {
  /** Position of the task in `job.tasks`. */
  readonly index: number;
  /** Whole percent, above the task's read progress. */
  readonly percent: number;
}

/**
 * When the task's progress was read: a start plus the elapsed duration Azure gave with it, the
 * job's or the task's, the later of the two (neither can pass the read; Azure's examples show a
 * running task with a duration of PT0S, which would date the read too early).
 */
function readAt(job: BackupJob, task: JobTask): number | undefined {
  const at = (start: string | undefined, durationMs: number | undefined): number => {
    const t = start ? Date.parse(start) : NaN;
    return Number.isFinite(t) && durationMs !== undefined ? t + durationMs : NaN;
  };
  const t0 = Math.max(...[at(job.startTime, job.durationMs), at(task.startTime, task.durationMs)].filter(Number.isFinite));
  return Number.isFinite(t0) ? t0 : undefined;
}

/**
 * The estimated progress of the job's running task that reports progress, or undefined: no basis,
 * the job overruns its past runs, the runs do not know the task, the task overruns its expected
 * end, or the estimate is not above the read figure. The last task ends with the job's median end.
 */
export function taskEstimateOf(job: BackupJob, eta: EtaBasis | undefined, now: number): TaskEstimate | undefined {
  if (!eta) return undefined;
  const start = job.startTime ? Date.parse(job.startTime) : NaN;
  if (!Number.isFinite(start)) return undefined;
  const index = job.tasks.findIndex((t) => t.status === 'InProgress' && t.progressPercentage !== undefined);
  if (index < 0) return undefined;
  const task = job.tasks[index];
  const e = estimate(eta, start, now);
  if (e.overrun) return undefined;
  const end = index === job.tasks.length - 1 ? e.expectedEndAt : e.tasks.find((t) => t.name === task.name)?.expectedEndAt;
  const t0 = readAt(job, task);
  const p0 = task.progressPercentage ?? 0;
  if (end === undefined || t0 === undefined) return undefined;
  const percent = estimateTaskProgress(p0, t0, end, now);
  return percent !== undefined && percent > p0 ? { index, percent } : undefined;
}
