/**
 * The commands' own ARM reads (`jobs`, the `track operation` follower) spend from the same
 * per-subscription read budget as the tracker's polls, track and Refresh: a decorator of
 * BackupJobsApi that app.ts puts in front of the API the commands receive, so the command files
 * keep calling `ctx.api` as before.
 *
 * A read takes a token, or reserves the next one when it is due within `maxWaitMs` (a user is
 * waiting: a short wait beats an error). A read that would wait longer is not sent: it fails as
 * ArmError `throttled` with the wait, which every command already answers with "wait N s and try
 * again", and the follower treats as "poll later". Cancels (writes) pass through.
 */
import { ArmError } from '../azure/errors';
import type { ArmResult, BackupJobsApi } from '../azure/types';
import type { Clock } from '../core/clock';
import type { VaultId } from '../domain/job';
import type { ReadBudget } from './budget';
import { ReadBudgetExhausted, ReadGuardApi } from './read-guard';
import { METRICS, telemetry } from '../core/telemetry';

export interface BudgetedApiOptions {
  /** Longest wait for a reserved token before the read is refused (default 0: refuse at once). */
  readonly maxWaitMs?: number;
}

export class BudgetedApi extends ReadGuardApi {
  /** Reads refused for want of budget (never sent); for tests and metrics. */
  refused = 0;

  constructor(
    inner: BackupJobsApi,
    private readonly budget: ReadBudget,
    private readonly clock: Clock,
    private readonly options: BudgetedApiOptions = {},
  ) {
    super(inner);
  }

  private refuse(sub: string): never {
    this.refused++;
    const now = this.clock.now();
    throw new ReadBudgetExhausted(Math.max(1, this.budget.nextAvailableAt(sub, now) - now));
  }

  protected async read<T>(vault: VaultId, signal: AbortSignal | undefined, fn: () => Promise<ArmResult<T>>): Promise<ArmResult<T>> {
    const sub = vault.subscriptionId;
    const now = this.clock.now();
    if (!this.budget.tryTake(sub, now)) {
      const at = this.budget.reserve(sub, now, this.options.maxWaitMs ?? 0);
      if (at === undefined) this.refuse(sub);
      // Aborted while waiting: the reserved token stays spent, which only delays later reads a little.
      if (at > now) {
        telemetry()
          .histogram(METRICS.budgetWait, 'Time a read waited for the read budget', 'ms')
          .record(at - now);
        await this.clock.sleep(at - now, signal);
      }
      // A 429 seen meanwhile paused the subscription: the reservation is void.
      if (this.budget.isPaused(sub, this.clock.now())) this.refuse(sub);
    }
    try {
      const result = await fn();
      const after = this.clock.now();
      // Extra pages and the client's own retries were requests too.
      this.budget.charge(sub, Math.max(1, result.meta.attempts) - 1, after);
      if (result.meta.remainingReads !== undefined) this.budget.onRemaining(sub, result.meta.remainingReads, after);
      return result;
    } catch (error) {
      if (error instanceof ArmError && error.kind === 'throttled') this.budget.onThrottled(sub, error.retryAfterMs, this.clock.now());
      throw error;
    }
  }
}
