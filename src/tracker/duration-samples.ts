/**
 * Which past runs say how long a job will take, and the sample each ended job gives.
 *
 * The item key is vault + job type (and workload) + operation + entity friendly name:
 * - the entity's friendly name is what stays the same from one night to the next (job ids do not,
 *   and a job names no protected item id);
 * - the operation, because a restore of a VM takes nothing like its backup, and a SQL log backup
 *   nothing like a full one ('Backup' vs 'Backup (Log)' where Azure says so);
 * - the job type and workload, because one name may be both a VM and a database or share on it;
 * - the vault, because the same name in two vaults is two items.
 */
import { vaultKeyString } from '../azure/ids';
import type { BackupJob, VaultId } from '../domain/job';
import type { DurationSample, TaskEndSample } from '../domain/durations';

export function durationItemKey(vault: VaultId, job: BackupJob): string {
  const type = job.jobType === 'Unknown' ? job.rawJobType : job.jobType;
  const parts = [type, job.workloadType ?? '', job.operation?.trim() ?? '', job.entityFriendlyName?.trim() ?? ''];
  return [vaultKeyString(vault), ...parts].join('\n').toLowerCase();
}

/**
 * Only runs that did the whole work count: Completed and CompletedWithWarnings (a few files
 * skipped, the transfer done). A failed run stops early or at a timeout, and a cancelled one
 * whenever someone pressed Cancel: their durations say nothing of how long the work takes.
 */
export function isSampleStatus(job: BackupJob): boolean {
  return job.status === 'Completed' || job.status === 'CompletedWithWarnings';
}

function time(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
}

/** The sample an ended job gives, or undefined (not a sample status, no item name, times missing). */
export function sampleOf(vault: VaultId, job: BackupJob): DurationSample | undefined {
  if (!isSampleStatus(job) || !job.entityFriendlyName?.trim()) return undefined;
  const start = time(job.startTime);
  const end = time(job.endTime);
  const total = job.durationMs ?? (start !== undefined && end !== undefined ? end - start : undefined);
  if (start === undefined || end === undefined || total === undefined || !(total >= 0)) return undefined;
  const tasks: TaskEndSample[] = [];
  // Tasks run one after another: a task's end is its own endTime, else the running sum of durations.
  let sum: number | undefined = 0;
  for (const t of job.tasks) {
    const taskEnd = time(t.endTime);
    sum = sum !== undefined && t.durationMs !== undefined ? sum + t.durationMs : undefined;
    const endMs = taskEnd !== undefined ? taskEnd - start : sum;
    if (endMs !== undefined && endMs >= 0 && endMs <= total + 60_000 && t.name) tasks.push({ name: t.name, endMs: Math.min(endMs, total) });
  }
  return {
    itemKey: durationItemKey(vault, job),
    vaultKey: vaultKeyString(vault),
    jobId: job.jobId.toLowerCase(),
    endedAt: end,
    totalMs: total,
    tasks,
  };
}

/** The samples of a list of jobs (a sweep, a history read). */
export function samplesOf(vault: VaultId, jobs: readonly BackupJob[]): DurationSample[] {
  return jobs.flatMap((j) => sampleOf(vault, j) ?? []);
}
