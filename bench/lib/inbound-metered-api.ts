/**
 * The bot's own ArmClient, wrapped to count what the benchmark needs to explain its latencies:
 * how many job reads were in flight at once (the ARM gate's concurrency bound shows here) and how
 * long each took on the wire. It changes nothing about the calls.
 */
import type { ArmResult, BackupJobsApi, CallOptions, JobListFilter } from '../../src/azure/types';
import type { BackupJob, JobKey, OperationRef, OperationStatus, VaultId } from '../../src/domain/job';

export class MeteredApi implements BackupJobsApi {
  private inFlight = 0;
  private peak = 0;
  private durations: number[] = [];

  constructor(private readonly inner: BackupJobsApi) {}

  /** Peak concurrent getJob calls and their wire times since the last reset. */
  take(): { peakInFlight: number; getMs: number[] } {
    const out = { peakInFlight: this.peak, getMs: this.durations };
    this.peak = this.inFlight;
    this.durations = [];
    return out;
  }

  async getJob(key: JobKey, opts?: CallOptions): Promise<ArmResult<BackupJob>> {
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    const t0 = performance.now();
    try {
      return await this.inner.getJob(key, opts);
    } finally {
      this.inFlight--;
      this.durations.push(performance.now() - t0);
    }
  }

  listJobs(vault: VaultId, filter?: JobListFilter, opts?: CallOptions & { maxPages?: number }): Promise<ArmResult<BackupJob[]>> {
    return this.inner.listJobs(vault, filter, opts);
  }

  getOperationStatus(vault: VaultId, op: OperationRef, opts?: CallOptions): Promise<ArmResult<OperationStatus>> {
    return this.inner.getOperationStatus(vault, op, opts);
  }

  cancelJob(key: JobKey, opts?: CallOptions): Promise<ArmResult<{ readonly accepted: true }>> {
    return this.inner.cancelJob(key, opts);
  }
}
