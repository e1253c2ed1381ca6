/** How the engine reads the due jobs of one vault. Selected by config `strategy`. */
import type { VaultId } from '../domain/job';
import type { TrackedJobRecord } from '../store/types';
import type { ArmGate } from './arm-gate';
import type { Observation, ScheduleState } from './schedule';

export type StrategyName = 'default' | 'naive';

export interface DueJob {
  readonly record: TrackedJobRecord;
  readonly schedule: ScheduleState;
}

/** What the strategy learnt about one job, or that it could not read it yet (no budget). */
export type StrategyObservation = Observation | { readonly kind: 'deferred'; readonly until: number };

export interface StrategyContext {
  readonly now: number;
  readonly pollIntervalMs: number;
  readonly gate: ArmGate;
  readonly signal?: AbortSignal;
}

export interface PollStrategy {
  readonly name: StrategyName;
  /** One observation per job of `jobs` (all in `vault`), keyed by jobKey. */
  observe(vault: VaultId, jobs: readonly DueJob[], ctx: StrategyContext): Promise<Map<string, StrategyObservation>>;
  /** The next regular poll time after `now` for a job of `vault`. */
  nextTick(vault: VaultId, now: number): number;
}

/** GETs each job; used by both strategies for the jobs they cannot sweep. */
export async function getEach(jobs: readonly DueJob[], ctx: StrategyContext, out: Map<string, StrategyObservation>): Promise<void> {
  await Promise.all(
    jobs.map(async ({ record }) => {
      const read = await ctx.gate.getJob({ vault: record.vault, jobId: record.jobId }, ctx.signal);
      out.set(
        record.jobKey,
        read.kind === 'ok' ? { kind: 'job', job: read.value } : read.kind === 'failed' ? { kind: 'failed', failure: read.failure } : read,
      );
    }),
  );
}
