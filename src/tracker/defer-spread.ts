/**
 * Slots for reads deferred for want of budget. Each deferred read gets its own future slot at the
 * budget's refill pace (per subscription, kept across rounds) instead of all retrying at the next
 * token: otherwise every round at token granularity would claim and defer the whole backlog
 * again. With the vault sweep a vault's jobs share one slot, so that one list still serves them together.
 */
import type { VaultId } from '../domain/job';
import type { DueJob, StrategyObservation } from './strategy';

const LIST_PAGE_SIZE = 50;

export class DeferSpreader {
  /** Per subscription: the next free slot for a read deferred for want of budget. */
  private readonly cursor = new Map<string, number>();

  constructor(
    /** The naive strategy reads each job on its own; the sweep reads a page of up to LIST_PAGE_SIZE jobs. */
    private readonly perJob: boolean,
    private readonly refillPerSec: () => number,
    private readonly pollIntervalMs: number,
  ) {}

  /** Rewrites each deferred observation of `jobs` (one vault's) to its slot. */
  spread(vault: VaultId, jobs: readonly DueJob[], observations: Map<string, StrategyObservation>, now: number): void {
    const deferredJobs = jobs.filter((j) => observations.get(j.record.jobKey)?.kind === 'deferred');
    let shared: number | undefined;
    for (const j of deferredJobs) {
      const obs = observations.get(j.record.jobKey) as { kind: 'deferred'; until: number };
      const until = this.perJob ? this.slot(vault, 1, obs.until, now) : (shared ??= this.slot(vault, deferredJobs.length, obs.until, now));
      observations.set(j.record.jobKey, { kind: 'deferred', until });
    }
  }

  private slot(vault: VaultId, deferredJobs: number, earliest: number, now: number): number {
    const sub = vault.subscriptionId;
    const reads = this.perJob ? deferredJobs : Math.ceil(deferredJobs / LIST_PAGE_SIZE);
    const msPerRead = 1000 / this.refillPerSec();
    // Never further out than one interval: the job would be due again by then anyway, and a
    // backlog that outgrows the budget must not push the slots (and the jobs) ever later.
    const at = Math.max(earliest, Math.min(this.cursor.get(sub) ?? 0, now + this.pollIntervalMs));
    this.cursor.set(sub, at + reads * msPerRead);
    return Math.ceil(at);
  }
}
