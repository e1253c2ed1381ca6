/**
 * Sweeps the watched vaults: per vault and interval one BackupJobs_List over a time window
 * (watch-decide.ts), through the tracker's read gate and budget, and commits the notices with the
 * vault's new state in one store transaction, under the vault's sweep lease. Several instances run
 * a Watcher each; the lease and the interval check make one of them sweep a vault per interval, and
 * the store's record of what was announced makes each notice go out once whoever sweeps.
 */
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { BackupJob, VaultId } from '../domain/job';
import { DEFAULT_WATCH_LIMITS, type WatchLimits } from '../domain/watch';
import type { WatchStore } from '../store/types';
import type { ArmGate } from './arm-gate';
import { BackgroundLoop } from './loop';
import {
  candidates,
  DEFAULT_WATCH_TIMING,
  nextSweepState,
  parseSweepState,
  planNotices,
  sweepDue,
  windowStart,
  type WatchTiming,
} from './watch-decide';
import { durationsOf, EtaSource } from './eta-source';

export interface WatcherOptions {
  readonly store: WatchStore;
  readonly gate: ArmGate;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly owner: string;
  readonly pollIntervalMs: number;
  readonly limits?: WatchLimits;
  readonly timing?: Partial<Omit<WatchTiming, 'pollIntervalMs'>>;
  /** Notices were enqueued: the dispatcher should deliver now. */
  readonly onNotices?: (count: number) => void;
  /**
   * Sweep lease (default 4 intervals, at least 10 s). Short is safe: a sweep that outlives it
   * loses its commit to the instance that swept after it, and nothing is announced twice.
   */
  readonly leaseMs?: number;
}

export interface WatchTickStats {
  /** Vaults listed this round. */
  readonly swept: number;
  readonly notices: number;
  /** Vaults skipped: swept recently (maybe by another instance), leased by another, or the read deferred/failed. */
  readonly skipped: number;
}

/** Announcements are remembered a little longer than anything can be announced (catch-up 24 h, window 48 h). */
const REMEMBER_MS = 72 * 3_600_000;

export class Watcher {
  private readonly timing: WatchTiming;
  private readonly limits: WatchLimits;
  private readonly leaseMs: number;
  private readonly log: Logger;
  private readonly loop: BackgroundLoop;
  /** The watched vaults as of the last round. */
  private watched = new Set<string>();
  /** The sweep lists ended jobs: their durations feed the estimates, at no extra read. */
  private readonly eta?: EtaSource;

  constructor(private readonly o: WatcherOptions) {
    this.timing = { ...DEFAULT_WATCH_TIMING, ...o.timing, pollIntervalMs: o.pollIntervalMs };
    this.limits = o.limits ?? DEFAULT_WATCH_LIMITS;
    this.leaseMs = o.leaseMs ?? Math.max(10_000, 4 * o.pollIntervalMs);
    this.log = o.logger.child({ component: 'watcher' });
    const durations = durationsOf(o.store);
    if (durations) this.eta = new EtaSource(durations, this.log);
    this.loop = new BackgroundLoop({
      clock: o.clock,
      logger: this.log,
      round: async () => {
        await this.tick();
        return false;
      },
      nextAt: () => Promise.resolve(o.clock.now() + o.pollIntervalMs),
      idleMs: o.pollIntervalMs,
    });
  }

  /** Sweeps in the background until stop(); the first round runs at once (the catch-up after downtime). Never throws. */
  start(): void {
    this.loop.start();
  }

  async stop(timeoutMs = 10_000): Promise<void> {
    await this.loop.stop(timeoutMs);
  }

  /** A watch was set: sweep now rather than at the next interval. */
  wake(): void {
    this.loop.wake();
  }

  /** One round over every watched vault. */
  async tick(): Promise<WatchTickStats> {
    const stats = { swept: 0, notices: 0, skipped: 0 };
    const keys = await this.o.store.watchedVaultKeys();
    this.watched = new Set(keys);
    for (const vaultKey of keys) {
      try {
        const swept = await this.sweep(vaultKey);
        if (swept === undefined) stats.skipped++;
        else {
          stats.swept++;
          stats.notices += swept.notices;
        }
      } catch (err) {
        // A store failure: the lease expires and the next round (here or elsewhere) sweeps again.
        stats.skipped++;
        this.log.error({ err, vaultKey }, 'watch sweep failed');
      }
    }
    if (stats.notices > 0) this.o.onNotices?.(stats.notices);
    return stats;
  }

  /**
   * The tracker's sweep of a watched vault (shared-list.ts): sweeps it now if its window reaches
   * back to `needFrom`, and returns the jobs listed, so one list serves both. Undefined when the vault is
   * not watched or was not swept now. Never throws.
   */
  async sweepForTracker(vaultKey: string, needFrom: number): Promise<BackupJob[] | undefined> {
    // Known from this watcher's last round (at most an interval old): the tracker's other vaults cost no store call.
    if (!this.watched.has(vaultKey)) return undefined;
    try {
      const swept = await this.sweep(vaultKey, { needFrom });
      if (!swept) return undefined;
      if (swept.notices > 0) this.o.onNotices?.(swept.notices);
      return swept.jobs;
    } catch (err) {
      this.log.error({ err, vaultKey }, 'watch sweep for the tracker failed');
      return undefined;
    }
  }

  /** Notices enqueued and the jobs listed, or undefined when the vault was not swept this time. */
  private async sweep(vaultKey: string, forTracker?: { needFrom: number }): Promise<{ notices: number; jobs: BackupJob[] } | undefined> {
    const { store, clock, owner } = this.o;
    const now = clock.now();
    const claim = await store.claimWatchSweep(owner, vaultKey, now, this.leaseMs);
    if (!claim) return undefined;
    const state = parseSweepState(claim.state);
    // The tracker's sweeps of this vault list it for both while it polls jobs there, about once an
    // interval (some ticks it reads its few jobs by GET instead); this loop takes over when they
    // stop for two and a half intervals. Marked even when this sweep is not due, so the loop
    // yields from the next interval on.
    const drivenUntil = forTracker ? now + 2.5 * this.o.pollIntervalMs : state.drivenUntil;
    const mark = drivenUntil !== undefined ? { drivenUntil } : {};
    const watches = forTracker || !(state.drivenUntil !== undefined && now < state.drivenUntil) ? await store.watchesOfVault(vaultKey) : [];
    if (!sweepDue(state, now, this.timing) || watches.length === 0) {
      await store.commitWatchSweep(owner, vaultKey, { ...claim.state, ...mark }, [], now, now - REMEMBER_MS);
      return undefined;
    }
    const vault: VaultId = watches[0].vault;
    const from = windowStart(state, now, this.timing);
    if (forTracker && forTracker.needFrom < from) {
      // A tracked job older than the watch's window (it reaches back to every job running at the
      // last sweep, so this is rare): widening a list of every status that far costs more pages
      // than the tracker's own list of running jobs. The tracker lists for itself this time.
      await store.commitWatchSweep(owner, vaultKey, { ...claim.state }, [], now, now - REMEMBER_MS);
      return undefined;
    }
    const read = await this.o.gate.listJobs(vault, { startTime: new Date(from).toISOString(), endTime: new Date(now).toISOString() });
    if (read.kind !== 'ok') {
      // Keep the old cursor: the next sweep covers this interval too.
      if (read.kind === 'failed') this.log.warn({ vaultKey, failure: read.failure.kind }, 'watched vault could not be listed');
      await store.commitWatchSweep(owner, vaultKey, claim.state, [], now, now - REMEMBER_MS);
      return undefined;
    }
    await this.eta?.record(vault, read.value);
    const cands = candidates(read.value, watches, state, now, this.timing);
    const fresh = await store.unannounced(cands.map(({ conversationId, jobId, event }) => ({ conversationId, jobId, event })));
    const freshKeys = new Set(fresh.map((f) => `${f.conversationId}\n${f.jobId}\n${f.event}`));
    const notices = planNotices(
      cands.filter((c) => freshKeys.has(`${c.conversationId}\n${c.jobId}\n${c.event}`)),
      vault,
      this.limits,
    );
    const next = nextSweepState(read.value, now);
    const ok = await store.commitWatchSweep(owner, vaultKey, { ...next, ...mark }, notices, now, now - REMEMBER_MS);
    if (!ok) {
      this.log.warn({ vaultKey }, 'watch sweep lease lost before commit; another instance sweeps it');
      return undefined;
    }
    if (notices.length > 0) this.log.info({ vaultKey, notices: notices.length, jobs: read.value.length }, 'watch notices enqueued');
    return { notices: notices.length, jobs: read.value };
  }
}
