/**
 * What a user would notice on a job's card. Only a change of this triggers a card update, so a
 * job whose progress creeps from 41 % to 43 % costs no Teams message.
 */
import type { BackupJob } from '../domain/job';

export interface VisibleTask {
  readonly name: string;
  readonly status: string;
  /** Floored to 5 % steps. */
  readonly progress?: number;
}

export interface VisibleState {
  /** The status as Azure spelled it, so an unknown status change is still noticed. */
  readonly status: string;
  /** Floored to 5 % steps. */
  readonly progress?: number;
  /** Whole minutes, rounded up (a job 30 s from its end still shows "1 min"). */
  readonly remainingMin?: number;
  readonly tasks: readonly VisibleTask[];
}

export function floorToStep(percent: number, step = 5): number {
  const clamped = Math.min(100, Math.max(0, percent));
  return Math.floor(clamped / step) * step;
}

export function visibleState(job: BackupJob): VisibleState {
  return {
    status: job.rawStatus || job.status,
    ...(job.progressPercentage !== undefined ? { progress: floorToStep(job.progressPercentage) } : {}),
    ...(job.estimatedRemainingMs !== undefined ? { remainingMin: Math.ceil(Math.max(0, job.estimatedRemainingMs) / 60_000) } : {}),
    tasks: job.tasks.map((t) => ({
      name: t.name,
      status: t.status,
      ...(t.progressPercentage !== undefined ? { progress: floorToStep(t.progressPercentage) } : {}),
    })),
  };
}

/** A compact, stable string of `visibleState`; equal digests mean an unchanged card. */
export function visibleDigest(job: BackupJob): string {
  const v = visibleState(job);
  const tasks = v.tasks.map((t) => `${t.name}=${t.status}@${t.progress ?? '-'}`).join(',');
  return `v1|${v.status}|${v.progress ?? '-'}|${v.remainingMin ?? '-'}|${tasks}`;
}

/**
 * The digest of a card as shown: the job's visible state, and the step of its estimated progress
 * (eta-schedule.ts `etaStep`) when the card shows one, so that a card whose estimate moved is sent again.
 */
export function shownDigest(job: BackupJob, etaStep?: number): string {
  const d = visibleDigest(job);
  return etaStep === undefined ? d : `${d}|e${etaStep}`;
}

/**
 * A change in status or in a task's status (as opposed to progress or remaining time only).
 * Such changes snap the detail cadence back to the base interval; progress-only changes do not,
 * because on IaaS jobs the remaining minutes change at nearly every read.
 */
export function isMajorChange(before: BackupJob | undefined, after: BackupJob): boolean {
  if (!before) return true;
  if ((before.rawStatus || before.status) !== (after.rawStatus || after.status)) return true;
  if (before.tasks.length !== after.tasks.length) return true;
  return before.tasks.some((t, i) => t.name !== after.tasks[i]?.name || t.status !== after.tasks[i]?.status);
}
