/**
 * Where the tracker's estimates come from: the store's per-item durations, fed by jobs that end
 * while tracked or watched, and, for an item the store knows nothing of, one bounded read of the
 * vault's recent history (ended jobs of the last 7 days, at most HISTORY_PAGES pages) per vault
 * and day, granted by the store so that several instances read it once. That read costs one or a
 * few ARM requests per vault and day, through the read gate and budget like every other read.
 */
import { vaultKeyString } from '../azure/ids';
import type { Logger } from '../core/logger';
import type { EtaBasis } from '../domain/durations';
import type { BackupJob, VaultId } from '../domain/job';
import type { DurationStatsStore } from '../store/duration-types';
import { isTerminal } from '../domain/job';
import type { ArmGate } from './arm-gate';
import { durationItemKey, samplesOf } from './duration-samples';
import { etaBasis } from './estimate';
import { detailAtFromEstimate, type ScheduleOptions, type ScheduleState } from './schedule';

const DAY = 24 * 3_600_000;
/** How far back a history read looks, and how often a vault's history is read at most. */
export const HISTORY_WINDOW_MS = 7 * DAY;
export const HISTORY_EVERY_MS = DAY;
/** ARM pages of 50 jobs, at most, per history read. */
export const HISTORY_PAGES = 4;
/** A job without an estimate asks the store again this often (a history read or a run may have brought samples). */
export const ETA_RECHECK_MS = 15 * 60_000;

/** The store's durations when it keeps them (every StateStore does; a test's partial store may not). */
export function durationsOf(store: object): DurationStatsStore | undefined {
  const s = store as Partial<DurationStatsStore>;
  return typeof s.recordDurations === 'function' && typeof s.durationStats === 'function' && typeof s.claimHistoryRead === 'function'
    ? (s as DurationStatsStore)
    : undefined;
}

export class EtaSource {
  constructor(
    private readonly store: DurationStatsStore,
    private readonly log: Logger,
  ) {}

  /** Records the samples of these jobs (those that ended Completed or CompletedWithWarnings). Never throws. */
  async record(vault: VaultId, jobs: readonly BackupJob[]): Promise<void> {
    const samples = samplesOf(vault, jobs);
    if (samples.length === 0) return;
    try {
      await this.store.recordDurations(samples);
    } catch (err) {
      this.log.warn({ err, vault: vaultKeyString(vault) }, 'duration samples not recorded');
    }
  }

  /**
   * The basis of an estimate for this running job, or undefined. With `history`, an item with no
   * samples may cost the vault's history read (see above), when the store grants it. Never throws.
   */
  async basisFor(vault: VaultId, job: BackupJob, now: number, history?: ArmGate): Promise<EtaBasis | undefined> {
    if (!job.entityFriendlyName?.trim()) return undefined;
    const key = durationItemKey(vault, job);
    try {
      let samples = (await this.store.durationStats([key])).get(key) ?? [];
      if (samples.length === 0 && history && (await this.store.claimHistoryRead(vaultKeyString(vault), now, HISTORY_EVERY_MS))) {
        await this.readHistory(vault, now, history);
        samples = (await this.store.durationStats([key])).get(key) ?? [];
      }
      return etaBasis(samples);
    } catch (err) {
      this.log.warn({ err, vault: vaultKeyString(vault) }, 'no estimate: durations unreadable');
      return undefined;
    }
  }

  /**
   * The job's schedule with its estimate basis, looked up on its first poll (and again every
   * ETA_RECHECK_MS while it has none). A job whose detail was never read since `track` (which read
   * it) gets its first detail read from the estimate, not at its first poll. Never throws.
   */
  async prepare(vault: VaultId, lastJob: BackupJob | undefined, s: ScheduleState, now: number, o: ScheduleOptions): Promise<ScheduleState> {
    if (s.eta || !lastJob || isTerminal(lastJob.status)) return s;
    if (s.etaCheckedAt !== undefined && now - s.etaCheckedAt < ETA_RECHECK_MS) return s;
    const eta = await this.basisFor(vault, lastJob, now);
    if (!eta) return { ...s, etaCheckedAt: now };
    const first = s.nextDetailAt === 0 && s.digest === undefined ? detailAtFromEstimate(lastJob, eta, now, o) : undefined;
    return { ...s, eta, etaCheckedAt: now, ...(first !== undefined ? { nextDetailAt: first } : {}) };
  }

  private async readHistory(vault: VaultId, now: number, gate: ArmGate): Promise<void> {
    // No status filter: ARM takes one status, and CompletedWithWarnings runs count too; samplesOf keeps the right ones.
    const filter = { startTime: new Date(now - HISTORY_WINDOW_MS).toISOString(), endTime: new Date(now).toISOString() };
    const read = await gate.listJobs(vault, filter, undefined, HISTORY_PAGES);
    if (read.kind !== 'ok') {
      this.log.info({ vault: vaultKeyString(vault), outcome: read.kind }, 'vault history not read; estimates wait for runs to end');
      return;
    }
    await this.record(vault, read.value);
    this.log.info({ vault: vaultKeyString(vault), jobs: read.value.length }, 'vault history read for estimates');
  }
}
