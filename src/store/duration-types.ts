/** The per-item duration statistics the ETA is made from (issue 11, section 4). */
import type { DurationSample } from '../domain/durations';

/**
 * Durations of past runs, bounded: per item the newest `DURATION_LIMITS.samplesPerItem` samples
 * (by end time), per vault the `DURATION_LIMITS.itemsPerVault` items that ended most recently;
 * older ones are evicted as new ones arrive. A sample is kept once per (item, job), whoever
 * records it (the tracker's commit, the watcher's sweep, a history read).
 */
export interface DurationStatsStore {
  recordDurations(samples: readonly DurationSample[]): Promise<void>;
  /** Each item's samples, newest first (end time, then job id, descending); an unknown item maps to []. */
  durationStats(itemKeys: readonly string[]): Promise<Map<string, DurationSample[]>>;
  /**
   * True, and noted at `now`, when the vault's history was not read since `now - everyMs`; false
   * otherwise. Atomic across instances: one of them reads the history per period.
   */
  claimHistoryRead(vaultKey: string, now: number, everyMs: number): Promise<boolean>;
}
