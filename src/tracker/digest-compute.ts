/**
 * A vault's daily digest from one list of its jobs of the last 48 hours: counts by status and the
 * success rate of the last 24 hours against the 24 before, the failures and warnings with their
 * reason, the longest jobs, what still runs, and items that look overdue. Pure.
 */
import { isTerminal, type BackupJob, type VaultId } from '../domain/job';
import type { DigestJobLine, VaultDigest } from '../domain/digest';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Rows per list on the card; the counts cover everything. */
const MAX_LINES = 10;
/** An item is overdue when its last success is older than this many times its usual interval. */
export const OVERDUE_FACTOR = 1.5;

function time(iso: string | undefined): number | undefined {
  const t = iso === undefined ? NaN : Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
}

function durationOf(job: BackupJob, now: number): number | undefined {
  if (job.durationMs !== undefined) return job.durationMs;
  const start = time(job.startTime);
  const end = time(job.endTime) ?? (isTerminal(job.status) ? undefined : now);
  return start !== undefined && end !== undefined ? end - start : undefined;
}

function line(job: BackupJob, now: number): DigestJobLine {
  const e = job.errors[0];
  const code = e?.title ?? e?.code;
  const reason = e?.message?.split('\n')[0]?.trim();
  const duration = durationOf(job, now);
  return {
    jobId: job.jobId,
    entity: job.entityFriendlyName ?? job.jobId,
    operation: job.operation ?? '',
    status: job.status,
    ...(code ? { errorCode: code } : {}),
    ...(reason ? { reason: reason.length > 140 ? `${reason.slice(0, 137)}...` : reason } : {}),
    ...(duration !== undefined ? { durationMs: duration } : {}),
    ...(job.startTime !== undefined ? { startTime: job.startTime } : {}),
  };
}

/** Completed and CompletedWithWarnings among the jobs that ended, in per cent (one decimal). */
export function successRate(jobs: readonly BackupJob[]): number | undefined {
  const ended = jobs.filter((j) => isTerminal(j.status));
  if (ended.length === 0) return undefined;
  const ok = ended.filter((j) => j.status === 'Completed' || j.status === 'CompletedWithWarnings').length;
  return Math.round((ok / ended.length) * 1000) / 10;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Items backed up at least twice in the window: their usual interval is the median gap between
 * their backups' starts; overdue when the last success is older than OVERDUE_FACTOR × that (or
 * there was none in the window and the first backup is that old).
 */
function overdueItems(jobs: readonly BackupJob[], now: number): VaultDigest['overdue'] {
  const byItem = new Map<string, BackupJob[]>();
  for (const j of jobs) {
    if (j.operation !== 'Backup' || j.entityFriendlyName === undefined) continue;
    const list = byItem.get(j.entityFriendlyName);
    if (list) list.push(j);
    else byItem.set(j.entityFriendlyName, [j]);
  }
  const out: Array<VaultDigest['overdue'][number]> = [];
  for (const [entity, list] of byItem) {
    const starts = list
      .map((j) => time(j.startTime))
      .filter((t): t is number => t !== undefined)
      .sort((a, b) => a - b);
    if (starts.length < 2) continue;
    const interval = median(starts.slice(1).map((t, i) => t - starts[i]));
    if (interval <= 0) continue;
    const successes = list
      .filter((j) => j.status === 'Completed' || j.status === 'CompletedWithWarnings')
      .map((j) => time(j.endTime))
      .filter((t): t is number => t !== undefined);
    const last = successes.length > 0 ? Math.max(...successes) : undefined;
    const since = last ?? starts[0];
    if (now - since > OVERDUE_FACTOR * interval) {
      out.push({ entity, intervalMs: interval, ...(last !== undefined ? { lastSuccess: new Date(last).toISOString() } : {}) });
    }
  }
  return out.sort((a, b) => (a.entity < b.entity ? -1 : 1)).slice(0, MAX_LINES);
}

export function computeVaultDigest(vault: VaultId, jobs: readonly BackupJob[], now: number, truncated = false): VaultDigest {
  const started = (j: BackupJob): number => time(j.startTime) ?? now;
  const day = jobs.filter((j) => started(j) > now - DAY && started(j) <= now);
  const previous = jobs.filter((j) => started(j) > now - 2 * DAY && started(j) <= now - DAY);
  const counts: Record<string, number> = {};
  for (const j of day) {
    const s = j.status === 'Cancelling' ? 'InProgress' : j.status;
    counts[s] = (counts[s] ?? 0) + 1;
  }
  const rate = successRate(day);
  const previousRate = successRate(previous);
  const problems = day
    .filter((j) => j.status === 'Failed' || j.status === 'CompletedWithWarnings')
    .sort((a, b) => started(b) - started(a))
    .map((j) => line(j, now));
  const longest = day
    .filter((j) => isTerminal(j.status))
    .map((j) => line(j, now))
    .filter((l) => l.durationMs !== undefined)
    .sort((a, b) => b.durationMs! - a.durationMs!)
    .slice(0, 5);
  const running = jobs
    .filter((j) => j.status === 'InProgress' || j.status === 'Cancelling')
    .sort((a, b) => started(a) - started(b))
    .map((j) => line(j, now));
  return {
    vault,
    counts,
    ...(rate !== undefined ? { successRate: rate } : {}),
    ...(previousRate !== undefined ? { previousSuccessRate: previousRate } : {}),
    problems: problems.slice(0, MAX_LINES),
    problemCount: problems.length,
    longest,
    running: running.slice(0, MAX_LINES),
    runningCount: running.length,
    overdue: overdueItems(jobs, now),
    ...(truncated ? { truncated } : {}),
  };
}
