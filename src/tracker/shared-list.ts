/**
 * One BackupJobs_List per interval for a vault both tracked and watched. The tracker's sweep asks
 * here for the vault's jobs since the earliest tracked start; when the vault is watched, the
 * watcher sweeps it right then (all statuses, over its own window, which reaches back to every job
 * running at its last sweep and so covers the tracked ones) and that one list answers both: the watch notices are committed as usual, and the tracker reads
 * the running jobs from it, so every end is still seen within the tracker's interval. The sweep
 * marks the vault as driven by the tracker (in the sweep state, shared by all instances), and the
 * watcher's own loop leaves it alone until the tracker stops polling it (2.5 intervals without).
 */
import type { JobListFilter } from '../azure/types';
import { vaultKeyString } from '../azure/ids';
import type { BackupJob, VaultId } from '../domain/job';
import type { ArmGate, Read } from './arm-gate';

/** The watcher's side (Watcher.sweepForTracker). */
export interface TrackerDrivenSweep {
  /**
   * Sweeps the vault now if it is watched and its window reaches back to `needFrom`; the jobs
   * listed, or undefined when it is not watched or could not serve now (leased elsewhere, swept
   * less than an interval ago, a tracked job older than its window, the read failed); then the
   * caller lists for itself.
   */
  sweepForTracker(vaultKey: string, needFrom: number): Promise<BackupJob[] | undefined>;
}

export class SharedVaultLists {
  private sweeper?: TrackerDrivenSweep;

  /** The watcher exists after the tracker: it is attached once built. */
  attach(sweeper: TrackerDrivenSweep): void {
    this.sweeper = sweeper;
  }

  /** The tracker sweep's list: the watcher's when the vault is watched, else its own (unchanged). */
  async listJobs(gate: ArmGate, vault: VaultId, filter: JobListFilter, signal?: AbortSignal): Promise<Read<BackupJob[]>> {
    const from = filter.startTime === undefined ? NaN : Date.parse(filter.startTime);
    if (this.sweeper && Number.isFinite(from)) {
      const jobs = await this.sweeper.sweepForTracker(vaultKeyString(vault), from);
      if (jobs) return { kind: 'ok', value: jobs };
    }
    return gate.listJobs(vault, filter, signal);
  }
}
