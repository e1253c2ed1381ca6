import type { BackupJobsApi, CallOptions, JobListFilter } from '../../src/azure/types';
import type { JobKey, OperationRef, VaultId } from '../../src/domain/job';
import { flushMicrotasks } from '../../src/core/clock';

/**
 * The real ARM client, with a count of the calls in flight, so the benchmark's virtual clock never
 * moves while one is: an ARM call takes no virtual time, however long the simulator process takes
 * to answer in real time. (In one process, the few event-loop turns the clock yields per step were
 * enough for a loopback answer; across processes they are not, and read counts would drift.)
 */
export class InFlightApi implements BackupJobsApi {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly inner: BackupJobsApi) {}

  getJob(key: JobKey, opts?: CallOptions): ReturnType<BackupJobsApi['getJob']> {
    return this.track(this.inner.getJob(key, opts));
  }

  listJobs(vault: VaultId, filter?: JobListFilter, opts?: CallOptions & { maxPages?: number }): ReturnType<BackupJobsApi['listJobs']> {
    return this.track(this.inner.listJobs(vault, filter, opts));
  }

  getOperationStatus(vault: VaultId, op: OperationRef, opts?: CallOptions): ReturnType<BackupJobsApi['getOperationStatus']> {
    return this.track(this.inner.getOperationStatus(vault, op, opts));
  }

  cancelJob(key: JobKey, opts?: CallOptions): ReturnType<BackupJobsApi['cancelJob']> {
    return this.track(this.inner.cancelJob(key, opts));
  }

  /** Resolves once no call is in flight, including calls started by the code the last ones resumed. */
  async settle(): Promise<void> {
    // The clock has just flushed queued callbacks: with nothing in flight there is nothing to wait for.
    while (this.pending.size > 0) {
      await Promise.allSettled(this.pending);
      await flushMicrotasks();
    }
  }

  private track<T>(call: Promise<T>): Promise<T> {
    this.pending.add(call);
    const done = (): void => {
      this.pending.delete(call);
    };
    call.then(done, done);
    return call;
  }
}
