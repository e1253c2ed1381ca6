/**
 * The default strategy ("vault sweep"). Jobs of one vault are polled on the same aligned ticks, so
 * they are claimed together; one BackupJobs_List (status InProgress, a start-time window) tells
 * which of them still run. A job still listed needs no GET unless its task detail is due (a
 * cadence that backs off while nothing changes); a job missing from the list ended or vanished
 * and gets one GET at once, so every end is noticed within one interval.
 */
import type { VaultId } from '../domain/job';
import { vaultKeyString } from '../azure/ids';
import type { SharedVaultLists } from './shared-list';
import { getEach, type DueJob, type PollStrategy, type StrategyContext, type StrategyObservation } from './strategy';

export interface SweepOptions {
  readonly pollIntervalMs: number;
  /** The list's window starts this long before the earliest tracked start (clock skew). */
  readonly windowMarginMs: number;
  /** List only when it spares at least this many GETs; below that, GETs cost no more. */
  readonly minJobsToList: number;
  /**
   * Task-detail reads only spend tokens above this share of the bucket: when the read budget runs
   * short, end checks (the list, and the GET of a job that left it) keep it and progress waits.
   */
  readonly detailReserveShare?: number;
  /**
   * Lists only spend tokens above this (smaller) share: a job that left the list is confirmed by
   * a GET, and that GET, which brings the completion notice, always finds a token first.
   */
  readonly listReserveShare?: number;
  /** A watched vault's list comes from the watcher's sweep (one list for both; shared-list.ts). */
  readonly lists?: SharedVaultLists;
}

export class SweepStrategy implements PollStrategy {
  readonly name = 'default' as const;
  private readonly phases = new Map<string, number>();

  constructor(private readonly options: SweepOptions) {}

  async observe(vault: VaultId, jobs: readonly DueJob[], ctx: StrategyContext): Promise<Map<string, StrategyObservation>> {
    const out = new Map<string, StrategyObservation>();
    // A detail read "due" a little after this tick is taken now rather than a whole interval late.
    const detailHorizon = ctx.now + ctx.pollIntervalMs / 4;
    const listable: Array<{ due: DueJob; start: number }> = [];
    const toGet: DueJob[] = [];
    for (const due of jobs) {
      const last = due.record.lastJob;
      const start = last?.startTime ? Date.parse(last.startTime) : NaN;
      if (last?.status === 'InProgress' && Number.isFinite(start)) listable.push({ due, start });
      else toGet.push(due);
    }
    const budget = ctx.gate.budget;
    const reserve = Math.ceil(budget.options.capacity * (this.options.detailReserveShare ?? 0.2));
    const available = budget.available(vault.subscriptionId, ctx.now);
    const listReserve = Math.ceil(budget.options.capacity * (this.options.listReserveShare ?? 0.1));
    let detailQuota = Math.max(0, Math.floor(available - reserve));
    const detailDue = listable.filter((l) => l.due.schedule.nextDetailAt <= detailHorizon).length;
    const spared = listable.length - Math.min(detailDue, detailQuota);
    if (spared < this.options.minJobsToList) {
      toGet.push(...listable.map((l) => l.due));
    } else if (available < listReserve) {
      const until = ctx.now + Math.ceil(((listReserve - available) * 1000) / budget.options.refillPerSec);
      for (const { due } of listable) out.set(due.record.jobKey, { kind: 'deferred', until });
    } else {
      const earliest = Math.min(...listable.map((l) => l.start));
      const filter = {
        status: 'InProgress' as const,
        startTime: new Date(earliest - this.options.windowMarginMs).toISOString(),
        endTime: new Date(ctx.now).toISOString(),
      };
      const read = this.options.lists
        ? await this.options.lists.listJobs(ctx.gate, vault, filter, ctx.signal)
        : await ctx.gate.listJobs(vault, filter, ctx.signal);
      if (read.kind === 'ok') {
        const running = new Set(read.value.filter((j) => j.status === 'InProgress').map((j) => j.jobId.toLowerCase()));
        for (const { due } of listable) {
          const stillRunning = running.has(due.record.jobId.toLowerCase());
          const wantsDetail = due.schedule.nextDetailAt <= detailHorizon;
          if (!stillRunning) toGet.push(due);
          else if (wantsDetail && detailQuota > 0) {
            detailQuota--;
            toGet.push(due);
          } else {
            // Still running; a detail read that is due but unaffordable stays due for a later tick.
            out.set(due.record.jobKey, { kind: 'running' });
          }
        }
      } else if (read.kind === 'deferred') {
        for (const { due } of listable) out.set(due.record.jobKey, read);
      } else if (read.failure.kind === 'transient' || read.failure.kind === 'unauthorized' || read.failure.kind === 'malformed') {
        // Azure itself is unwell: GETs would fail the same way, so spare them.
        for (const { due } of listable) out.set(due.record.jobKey, read);
      } else {
        // The list is refused (role, filter) but single jobs may still be readable.
        toGet.push(...listable.map((l) => l.due));
      }
    }
    await getEach(toGet, ctx, out);
    return out;
  }

  /**
   * The vault's next aligned tick at least P/2 after `now`: a job polled off-phase (after a
   * failure, or just tracked) joins its vault's cohort without being polled twice in a row.
   */
  nextTick(vault: VaultId, now: number): number {
    const p = this.options.pollIntervalMs;
    const delta = (((this.phase(vault) - now) % p) + p) % p;
    return now + (delta < p / 2 ? delta + p : delta);
  }

  /** A stable offset in [0, P) per vault, so vaults' sweeps spread over the interval. */
  private phase(vault: VaultId): number {
    const key = vaultKeyString(vault);
    let phase = this.phases.get(key);
    if (phase === undefined) {
      let h = 2166136261;
      for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619) >>> 0;
      phase = h % this.options.pollIntervalMs;
      this.phases.set(key, phase);
    }
    return phase;
  }
}
