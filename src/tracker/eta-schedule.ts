/**
 * Estimate-driven task-detail reads (pure). With an estimate, nothing visible is expected to change
 * before the running task's expected end, so the next detail read is then (plus a margin), not on
 * the fixed 1, 2, 4, 8 × P cadence. The last task ends with the job, which the vault list notices
 * every interval anyway, so its detail is read once the usual range is over. A task or job that
 * overruns its estimate falls back to the fixed cadence (undefined here). The end check (the list)
 * is not touched: completion notices come as fast as before.
 */
import { z } from 'zod';
import type { EtaBasis } from '../domain/durations';
import type { BackupJob } from '../domain/job';
import { estimate, type JobEstimate } from './estimate';
import { taskEstimateOf } from './task-estimate';
import { floorToStep } from './visible';

const DONE = new Set(['Completed', 'CompletedWithWarnings', 'Failed', 'Cancelled']);

/**
 * When to read task detail next, or undefined for the fixed cadence (overrun, or nothing to go by).
 * `checkpoints` (fractions of the running task's expected span, e.g. 0.5) add reads inside the
 * task: a check that it runs as the estimate says, and fresher progress on the card, for a task
 * that reports its own progress. The last task's span ends at the job's median end.
 */
export function nextDetailFromEstimate(
  job: BackupJob,
  eta: EtaBasis,
  now: number,
  marginMs: number,
  checkpoints: readonly number[] = [],
): number | undefined {
  const start = job.startTime ? Date.parse(job.startTime) : NaN;
  if (!Number.isFinite(start)) return undefined;
  const e = estimate(eta, start, now);
  if (e.overrun) return undefined;
  const index = job.tasks.findIndex((t) => !DONE.has(t.status));
  const last = index < 0 || index === job.tasks.length - 1;
  const taskEnd = index < 0 ? undefined : e.tasks.find((t) => t.name === job.tasks[index].name)?.expectedEndAt;
  const expected = last ? start + eta.highMs : taskEnd;
  if (expected === undefined) return undefined;
  const at = expected + marginMs;
  if (at <= now) return undefined;
  const spanEnd = last ? e.expectedEndAt : expected;
  const spanStart = index < 0 ? start : taskStart(job, index, e, start);
  const inside = checkpoints.map((f) => Math.ceil(spanStart + f * (spanEnd - spanStart))).filter((t) => t > now && t < at);
  return Math.min(at, ...inside);
}

/** When the running task started: Azure's start time, else the previous task's expected end, else the job's start. */
function taskStart(job: BackupJob, index: number, e: JobEstimate, jobStart: number): number {
  const own = job.tasks[index].startTime ? Date.parse(job.tasks[index].startTime ?? '') : NaN;
  if (Number.isFinite(own)) return own;
  const previous = index > 0 ? e.tasks.find((t) => t.name === job.tasks[index - 1].name)?.expectedEndAt : undefined;
  return previous ?? jobStart;
}

/** Steps of the estimated progress a card update is sent for (10 %), so a card moves between detail reads at most 10 times. */
const STEP = 10;

/**
 * The step of the estimated progress the card shows, or undefined when it shows none. A job whose
 * running task reports progress (task-estimate.ts): that task's estimate in 5 % steps, once it is a
 * step above the read figure (the same steps as a read's, so the card moves as often as the task
 * would if read). Otherwise the job's estimate from past runs (0, 10, …, 90; -1 once "longer than
 * usual"), unless Azure reports progress or remaining time itself.
 */
export function etaStep(job: BackupJob, eta: EtaBasis | undefined, now: number): number | undefined {
  if (eta && job.progressPercentage !== undefined) {
    const task = taskEstimateOf(job, eta, now);
    const read = task ? floorToStep(job.tasks[task.index].progressPercentage ?? 0) : 0;
    return task && floorToStep(task.percent) > read ? floorToStep(task.percent) : undefined;
  }
  if (!eta || job.progressPercentage !== undefined || (job.estimatedRemainingMs ?? 0) > 0) return undefined;
  const start = job.startTime ? Date.parse(job.startTime) : NaN;
  if (!Number.isFinite(start)) return undefined;
  const e = estimate(eta, start, now);
  return e.overrun || e.progress === undefined ? -1 : Math.floor(e.progress / STEP) * STEP;
}

const BASIS = z.object({
  runs: z.number().int().positive(),
  lowMs: z.number().finite().nonnegative(),
  highMs: z.number().finite().nonnegative(),
  medianMs: z.number().finite().nonnegative(),
  maxMs: z.number().finite().nonnegative(),
  tasks: z.array(z.object({ name: z.string(), endMs: z.number().finite().nonnegative() })),
});

/** An estimate basis read back from stored JSON (a job's schedule, an outbox message), or undefined when absent or damaged. */
export function parseEtaBasis(raw: unknown): EtaBasis | undefined {
  const parsed = BASIS.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
