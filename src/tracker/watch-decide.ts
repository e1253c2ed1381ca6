/**
 * The watch decisions, pure: which window one vault sweep lists, which listed jobs each watching
 * conversation should hear about, and how they are sent (a card each, or one roll-up for a burst).
 * The watcher (watcher.ts) does the I/O around them; tests drive these on plain values.
 */
import { isTerminal, type BackupJob, type VaultId } from '../domain/job';
import type { WatchRollupEntry } from '../domain/subscriber';
import { FAILURE_STATUSES, type WatchEvent, type WatchLimits, type WatchRecord } from '../domain/watch';
import type { WatchNoticeInput } from '../store/types';

const HOUR = 3_600_000;

export interface WatchTiming {
  readonly pollIntervalMs: number;
  /** Jobs that ended while the bot was away are announced on start up to this long after their end (24 h). */
  readonly catchUpMs: number;
  /** Clock skew between Azure's times and ours, allowed for at the window's and cursor's edges. */
  readonly marginMs: number;
  /** The list's window never reaches further back than this (bounds the pages one sweep reads). */
  readonly maxLookbackMs: number;
}

export const DEFAULT_WATCH_TIMING: Omit<WatchTiming, 'pollIntervalMs'> = {
  catchUpMs: 24 * HOUR,
  marginMs: 2 * 60_000,
  maxLookbackMs: 48 * HOUR,
};

/** What the watcher keeps of a vault between sweeps (opaque JSON in the store). */
export interface SweepState {
  /** When the last sweep listed the vault. */
  readonly cursor?: number;
  /** Jobs that were running then, by id, with their start: the next window reaches back to the earliest. */
  readonly open?: Readonly<Record<string, number>>;
  /** The tracker's sweep lists this vault for both until then (shared-list.ts): the watcher's own loop leaves it. */
  readonly drivenUntil?: number;
}

/** The stored state, taken only as far as it has the expected shape (it is ours, but a bad row must not stop watching). */
export function parseSweepState(raw: Readonly<Record<string, unknown>>): SweepState {
  const cursor = typeof raw['cursor'] === 'number' && Number.isFinite(raw['cursor']) ? raw['cursor'] : undefined;
  const open: Record<string, number> = {};
  const rawOpen = raw['open'];
  if (rawOpen && typeof rawOpen === 'object') {
    for (const [id, start] of Object.entries(rawOpen as Record<string, unknown>)) if (typeof start === 'number') open[id] = start;
  }
  const drivenUntil = typeof raw['drivenUntil'] === 'number' && Number.isFinite(raw['drivenUntil']) ? raw['drivenUntil'] : undefined;
  return { ...(cursor !== undefined ? { cursor } : {}), open, ...(drivenUntil !== undefined ? { drivenUntil } : {}) };
}

/** A sweep is due when the last one is at least (almost) an interval old: several instances sweep a vault once per interval. */
export function sweepDue(state: SweepState, now: number, t: WatchTiming): boolean {
  return state.cursor === undefined || now - state.cursor >= t.pollIntervalMs * 0.9;
}

/**
 * Start of the list's time window: back to the earliest job still running at the last sweep, or
 * the last sweep, whichever is earlier (a job that ended since started after one of them); the
 * first sweep reaches back the catch-up time. Never beyond maxLookbackMs.
 */
export function windowStart(state: SweepState, now: number, t: WatchTiming): number {
  const floor = now - t.maxLookbackMs;
  if (state.cursor === undefined) return Math.max(floor, now - t.catchUpMs);
  let from = state.cursor - t.marginMs;
  for (const start of Object.values(state.open ?? {})) from = Math.min(from, start - t.marginMs);
  return Math.max(floor, from);
}

export interface Candidate {
  readonly conversationId: string;
  readonly jobId: string;
  readonly event: WatchEvent;
  readonly job: BackupJob;
}

function timeOf(iso: string | undefined, fallback: number): number {
  const t = iso === undefined ? NaN : Date.parse(iso);
  return Number.isFinite(t) ? t : fallback;
}

/**
 * What each watch should hear of the listed jobs: ends (failures only, or all) since the last
 * sweep, never before the watch existed nor more than catchUpMs ago; with `all`, starts likewise.
 * Whether it was already announced is the store's to say (WatchStore.unannounced).
 */
export function candidates(
  jobs: readonly BackupJob[],
  watches: readonly WatchRecord[],
  state: SweepState,
  now: number,
  t: WatchTiming,
): Candidate[] {
  const since = state.cursor === undefined ? -Infinity : state.cursor - t.marginMs;
  const out: Candidate[] = [];
  for (const w of watches) {
    const notBefore = Math.max(w.createdAt, now - t.catchUpMs);
    for (const job of jobs) {
      const jobId = job.jobId.toLowerCase();
      if (isTerminal(job.status)) {
        const end = timeOf(job.endTime, now);
        if (end < notBefore || end <= since) continue;
        if (w.mode === 'failures' && !FAILURE_STATUSES.has(job.status)) continue;
        out.push({ conversationId: w.conversationId, jobId, event: 'ended', job });
      } else if (w.mode === 'all' && (job.status === 'InProgress' || job.status === 'Cancelling')) {
        const start = timeOf(job.startTime, now);
        if (start < notBefore) continue;
        out.push({ conversationId: w.conversationId, jobId, event: 'started', job });
      }
    }
  }
  return out;
}

function rollupEntry(job: BackupJob): WatchRollupEntry {
  const code = job.errors[0]?.code;
  return {
    jobId: job.jobId.toLowerCase(),
    entity: job.entityFriendlyName ?? job.jobId,
    operation: job.operation ?? '',
    status: job.rawStatus,
    ...(code !== undefined ? { errorCode: code } : {}),
    ...(job.endTime !== undefined ? { endTime: job.endTime } : {}),
  };
}

/**
 * The notices of one sweep from the candidates not yet announced: a card each, unless more than
 * `rollupAbove` of one event reach one conversation in this sweep; then one roll-up card lists
 * them (at most `rollupListMax`, the rest counted) and announces them all. Oldest end first.
 */
export function planNotices(fresh: readonly Candidate[], vault: VaultId, limits: WatchLimits): WatchNoticeInput[] {
  const groups = new Map<string, Candidate[]>();
  for (const c of fresh) {
    const key = `${c.conversationId}\n${c.event}`;
    const list = groups.get(key);
    if (list) list.push(c);
    else groups.set(key, [c]);
  }
  const out: WatchNoticeInput[] = [];
  for (const list of groups.values()) {
    const sorted = [...list].sort(
      (a, b) => timeOf(a.job.endTime ?? a.job.startTime, 0) - timeOf(b.job.endTime ?? b.job.startTime, 0) || (a.jobId < b.jobId ? -1 : 1),
    );
    const { conversationId, event } = sorted[0];
    if (sorted.length > limits.rollupAbove) {
      const listed = sorted.slice(0, limits.rollupListMax);
      out.push({
        conversationId,
        message: { kind: 'watchRollup', event, vault, jobs: listed.map((c) => rollupEntry(c.job)), more: sorted.length - listed.length },
        announces: sorted.map((c) => ({ jobId: c.jobId, event })),
      });
      continue;
    }
    for (const c of sorted) {
      out.push({
        conversationId,
        message: { kind: 'watchJob', event, job: c.job, key: { vault, jobId: c.jobId } },
        announces: [{ jobId: c.jobId, event }],
      });
    }
  }
  return out;
}

/** The state after a sweep at `now` that listed `jobs`: the running ones (bounded) and the cursor. */
export function nextSweepState(jobs: readonly BackupJob[], now: number, maxOpen = 2_000): SweepState {
  const open: Record<string, number> = {};
  let n = 0;
  for (const job of jobs) {
    if (isTerminal(job.status) || n >= maxOpen) continue;
    const start = timeOf(job.startTime, NaN);
    if (!Number.isFinite(start)) continue;
    open[job.jobId.toLowerCase()] = start;
    n++;
  }
  return { cursor: now, open };
}
