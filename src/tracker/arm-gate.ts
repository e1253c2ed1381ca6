/**
 * Every ARM read of the tracker goes through here: the subscription's read budget first (no
 * token → the read is deferred, or, in a lane that may wait, waits for a reserved token), then the
 * lane's concurrency bound. Background polls and reads a user is waiting on (track, Refresh) are
 * separate lanes over one budget (see `lane`): both count against ARM's per-subscription limit,
 * but a user's read never queues behind polls.
 */
import type { BackupJobsApi, JobListFilter, ArmResult } from '../azure/types';
import type { BackupJob, JobKey, VaultId } from '../domain/job';
import type { Clock } from '../core/clock';
import type { ReadBudget } from './budget';
import { toArmFailure } from '../azure/arm-failure';
import type { PollFailure } from './schedule';
import type { Semaphore } from './semaphore';
import { METRICS, telemetry } from '../core/telemetry';

export type Read<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'failed'; readonly failure: PollFailure }
  /** No read budget (or a 429 paused the subscription) until `until`. */
  | { readonly kind: 'deferred'; readonly until: number };

export interface ReadEvent {
  readonly op: 'get' | 'list';
  readonly subscriptionId: string;
  /** HTTP requests spent (pages and retries). */
  readonly requests: number;
  readonly outcome: 'ok' | 'failed' | 'throttled';
}

export interface LaneOptions {
  /**
   * Without a token, wait up to this long for a reserved one (ReadBudget.reserve: first come,
   * first served) instead of being deferred at once. For reads a user is waiting on.
   */
  readonly maxBudgetWaitMs?: number;
}

export class ArmGate {
  /** ARM requests this lane issued; for TickStats and the benchmark. */
  reads = 0;

  constructor(
    private readonly api: BackupJobsApi,
    readonly budget: ReadBudget,
    readonly semaphore: Semaphore,
    private readonly clock: Clock,
    private readonly onRead?: (e: ReadEvent) => void,
    private readonly options: LaneOptions = {},
  ) {}

  /**
   * A sibling gate over the same API, read budget, clock and read events, bounded by its own
   * semaphore: reads in it spend the same per-subscription tokens but wait for no read of this one.
   */
  lane(semaphore: Semaphore, options: LaneOptions = {}): ArmGate {
    return new ArmGate(this.api, this.budget, semaphore, this.clock, this.onRead, options);
  }

  getJob(key: JobKey, signal?: AbortSignal): Promise<Read<BackupJob>> {
    return this.call('get', key.vault, () => this.api.getJob(key, signal ? { signal } : undefined), signal);
  }

  /** `maxPages` bounds a list that may be long (a vault's history); the default follows ARM's paging to its end. */
  listJobs(vault: VaultId, filter: JobListFilter, signal?: AbortSignal, maxPages?: number): Promise<Read<BackupJob[]>> {
    const opts = { ...(signal ? { signal } : {}), ...(maxPages !== undefined ? { maxPages } : {}) };
    return this.call('list', vault, () => this.api.listJobs(vault, filter, Object.keys(opts).length > 0 ? opts : undefined), signal);
  }

  /** True once a reserved token is due; false when none is near enough, or a 429 paused the subscription meanwhile. */
  private async waitForReservation(sub: string, signal: AbortSignal | undefined): Promise<boolean> {
    const { maxBudgetWaitMs } = this.options;
    if (maxBudgetWaitMs === undefined) return false;
    const now = this.clock.now();
    const at = this.budget.reserve(sub, now, maxBudgetWaitMs);
    if (at === undefined) return false;
    try {
      if (at > now) {
        telemetry()
          .histogram(METRICS.budgetWait, 'Time a read waited for the read budget', 'ms')
          .record(at - now);
        await this.clock.sleep(at - now, signal);
      }
    } catch {
      // Aborted: the reserved token stays spent, which only delays later reads a little.
      return false;
    }
    return !this.budget.isPaused(sub, this.clock.now());
  }

  private async call<T>(op: 'get' | 'list', vault: VaultId, fn: () => Promise<ArmResult<T>>, signal?: AbortSignal): Promise<Read<T>> {
    const sub = vault.subscriptionId;
    if (!this.budget.tryTake(sub, this.clock.now()) && !(await this.waitForReservation(sub, signal))) {
      return { kind: 'deferred', until: this.budget.nextAvailableAt(sub, this.clock.now()) };
    }
    return this.semaphore.run(async () => {
      try {
        const result = await fn();
        const requests = Math.max(1, result.meta.attempts);
        this.reads += requests;
        const now = this.clock.now();
        this.budget.charge(sub, requests - 1, now);
        if (result.meta.remainingReads !== undefined) this.budget.onRemaining(sub, result.meta.remainingReads, now);
        this.onRead?.({ op, subscriptionId: sub, requests, outcome: 'ok' });
        return { kind: 'ok', value: result.value };
      } catch (error) {
        this.reads += 1;
        const failure = toArmFailure(error);
        const now = this.clock.now();
        if (failure.kind === 'throttled') {
          this.budget.onThrottled(sub, failure.retryAfterMs, now);
          this.onRead?.({ op, subscriptionId: sub, requests: 1, outcome: 'throttled' });
          return { kind: 'deferred', until: this.budget.nextAvailableAt(sub, now) };
        }
        this.onRead?.({ op, subscriptionId: sub, requests: 1, outcome: 'failed' });
        return { kind: 'failed', failure };
      }
    });
  }
}
