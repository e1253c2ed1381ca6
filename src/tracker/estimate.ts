/**
 * The expected end of a running job from the durations of its item's past runs. Pure.
 *
 * The usual range is the 25th–75th percentile of the runs (the middle half, so one odd night does
 * not widen it), or min–max with fewer than 4 runs; the expected end is the start plus the median.
 * Fewer than MIN_RUNS runs give no estimate: one run says nothing of how much runs vary.
 */
import type { DurationSample, EtaBasis } from '../domain/durations';

export const MIN_RUNS = 2;

/** Linear-interpolated percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  const at = (sorted.length - 1) * p;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** What the samples (newest first) say, or undefined below MIN_RUNS. */
export function etaBasis(samples: readonly DurationSample[]): EtaBasis | undefined {
  if (samples.length < MIN_RUNS) return undefined;
  const totals = samples.map((s) => s.totalMs).sort((a, b) => a - b);
  const few = totals.length < 4;
  const names: string[] = [];
  const ends = new Map<string, number[]>();
  for (const s of samples) {
    for (const t of s.tasks) {
      let list = ends.get(t.name);
      if (!list) {
        ends.set(t.name, (list = []));
        names.push(t.name);
      }
      list.push(t.endMs);
    }
  }
  const tasks = names
    .map((name) => ({ name, values: (ends.get(name) ?? []).sort((a, b) => a - b) }))
    .filter((t) => t.values.length >= MIN_RUNS)
    .map((t) => ({ name: t.name, endMs: Math.round(percentile(t.values, 0.5)) }));
  return {
    runs: totals.length,
    lowMs: Math.round(few ? totals[0] : percentile(totals, 0.25)),
    highMs: Math.round(few ? totals[totals.length - 1] : percentile(totals, 0.75)),
    medianMs: Math.round(percentile(totals, 0.5)),
    maxMs: totals[totals.length - 1],
    tasks,
  };
}

export interface JobEstimate {
  readonly runs: number;
  readonly lowMs: number;
  readonly highMs: number;
  /** start + median. */
  readonly expectedEndAt: number;
  /** Running longer than every past run: no expected end, "longer than usual". */
  readonly overrun: boolean;
  /** Elapsed against the median, 0–99 (never 100 while it runs); absent when overrun. */
  readonly progress?: number;
  /** Expected end of each task the runs know, in order. */
  readonly tasks: ReadonlyArray<{ readonly name: string; readonly expectedEndAt: number }>;
}

/** The estimate for a job that started at `startAt`, seen at `now`. */
export function estimate(basis: EtaBasis, startAt: number, now: number): JobEstimate {
  const elapsed = Math.max(0, now - startAt);
  const overrun = elapsed > basis.maxMs;
  const progress = overrun || basis.medianMs <= 0 ? undefined : Math.min(99, Math.floor((elapsed / basis.medianMs) * 100));
  return {
    runs: basis.runs,
    lowMs: basis.lowMs,
    highMs: basis.highMs,
    expectedEndAt: startAt + basis.medianMs,
    overrun,
    ...(progress !== undefined ? { progress } : {}),
    tasks: basis.tasks.map((t) => ({ name: t.name, expectedEndAt: startAt + t.endMs })),
  };
}
