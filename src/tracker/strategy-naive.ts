/** The baseline: GET every tracked job every base interval. */
import type { VaultId } from '../domain/job';
import { getEach, type DueJob, type PollStrategy, type StrategyContext, type StrategyObservation } from './strategy';

export class NaiveStrategy implements PollStrategy {
  readonly name = 'naive' as const;

  constructor(private readonly pollIntervalMs: number) {}

  async observe(_vault: VaultId, jobs: readonly DueJob[], ctx: StrategyContext): Promise<Map<string, StrategyObservation>> {
    const out = new Map<string, StrategyObservation>();
    await getEach(jobs, ctx, out);
    return out;
  }

  nextTick(_vault: VaultId, now: number): number {
    return now + this.pollIntervalMs;
  }
}
