import type { BackupJob, JobStatus } from '../../../src/domain/job';
import { DEFAULT_WATCH_LIMITS, type WatchRecord } from '../../../src/domain/watch';
import {
  candidates,
  DEFAULT_WATCH_TIMING,
  nextSweepState,
  parseSweepState,
  planNotices,
  sweepDue,
  windowStart,
  type WatchTiming,
} from '../../../src/tracker/watch-decide';
import { jobGuid, vault } from './fakes';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 2, 1, 2, 0, 0);
const T: WatchTiming = { ...DEFAULT_WATCH_TIMING, pollIntervalMs: 30_000 };
const V = vault('watched');

function job(n: number, status: JobStatus, startAt: number, endAt?: number, code?: string): BackupJob {
  return {
    jobType: 'AzureIaaSVMJob',
    id: `/x/${jobGuid(n)}`,
    jobId: jobGuid(n),
    entityFriendlyName: `vm-${n}`,
    operation: 'Backup',
    status,
    rawStatus: status,
    startTime: new Date(startAt).toISOString(),
    ...(endAt !== undefined ? { endTime: new Date(endAt).toISOString() } : {}),
    actionsInfo: [],
    isCancellable: false,
    tasks: [],
    propertyBag: {},
    errors: code ? [{ code, message: 'broken', recommendations: ['fix it'] }] : [],
    extra: {},
  };
}

function watch(conversationId: string, mode: 'failures' | 'all', createdAt = T0 - 48 * HOUR): WatchRecord {
  return {
    conversationId,
    vault: V,
    vaultKey: 'k',
    mode,
    conversationRef: {},
    setBy: { id: '29:a', name: 'Ada' },
    createdAt,
  };
}

describe('watch decisions', () => {
  const ended = [
    job(1, 'Completed', T0 - HOUR, T0 - 10 * MIN),
    job(2, 'Failed', T0 - HOUR, T0 - 9 * MIN, 'UserErrorGuestAgentStatusUnavailable'),
    job(3, 'CompletedWithWarnings', T0 - HOUR, T0 - 8 * MIN, 'UserErrorVmNotInDesirableState'),
    job(4, 'Cancelled', T0 - HOUR, T0 - 7 * MIN),
  ];
  const running = [job(5, 'InProgress', T0 - 20 * MIN), job(6, 'Cancelling', T0 - 3 * HOUR)];

  it('failures means Failed, CompletedWithWarnings and Cancelled; all adds every end and each start', () => {
    const state = { cursor: T0 - 30 * MIN };
    const f = candidates([...ended, ...running], [watch('c-fail', 'failures')], state, T0, T);
    expect(f.map((c) => `${c.jobId.slice(-1)}:${c.event}`)).toEqual(['2:ended', '3:ended', '4:ended']);
    const a = candidates([...ended, ...running], [watch('c-all', 'all')], state, T0, T);
    expect(a.map((c) => `${c.jobId.slice(-1)}:${c.event}`)).toEqual(['1:ended', '2:ended', '3:ended', '4:ended', '5:started', '6:started']);
  });

  it('announces nothing that ended before the watch was set, nor ends older than the last sweep', () => {
    const fresh = watch('c', 'failures', T0 - 8 * MIN - 1);
    expect(candidates(ended, [fresh], {}, T0, T).map((c) => c.jobId)).toEqual([jobGuid(3), jobGuid(4)]);
    // Jobs that ended before the last sweep (minus the skew margin) were that sweep's to announce.
    expect(candidates(ended, [watch('c', 'failures')], { cursor: T0 - 5 * MIN }, T0, T)).toEqual([]);
    expect(candidates(ended, [watch('c', 'failures')], { cursor: T0 - 5 * MIN + 1 - T.marginMs + 2 * MIN }, T0, T)).toEqual([]);
  });

  it('catches up jobs that ended while the bot was down, up to 24 hours back, once the bot sweeps again', () => {
    const downSince = T0 - 30 * HOUR;
    const jobs = [
      job(7, 'Failed', downSince + HOUR, downSince + 2 * HOUR, 'X'), // 28 h before the sweep: too old
      job(8, 'Failed', T0 - 23 * HOUR, T0 - 23 * HOUR + 30 * MIN, 'Y'), // 22.5 h: announced
      job(9, 'Failed', T0 - 2 * HOUR, T0 - HOUR, 'Z'),
    ];
    const got = candidates(jobs, [watch('c', 'failures', downSince - HOUR)], { cursor: downSince }, T0, T);
    expect(got.map((c) => c.jobId)).toEqual([jobGuid(8), jobGuid(9)]);
  });

  it('lists back to the earliest job still running at the last sweep, bounded', () => {
    expect(windowStart({}, T0, T)).toBe(T0 - 24 * HOUR);
    expect(windowStart({ cursor: T0 - 30_000 }, T0, T)).toBe(T0 - 30_000 - T.marginMs);
    expect(windowStart({ cursor: T0 - 30_000, open: { a: T0 - 5 * HOUR, b: T0 - HOUR } }, T0, T)).toBe(T0 - 5 * HOUR - T.marginMs);
    expect(windowStart({ cursor: T0 - 30_000, open: { a: T0 - 90 * HOUR } }, T0, T)).toBe(T0 - 48 * HOUR);
    expect(windowStart({ cursor: T0 - 100 * HOUR }, T0, T)).toBe(T0 - 48 * HOUR);
  });

  it('keeps the running jobs and the cursor; tolerates a malformed stored state', () => {
    expect(nextSweepState([...ended, ...running], T0)).toEqual({
      cursor: T0,
      open: { [jobGuid(5)]: T0 - 20 * MIN, [jobGuid(6)]: T0 - 3 * HOUR },
    });
    expect(parseSweepState({ cursor: 'x', open: { a: 1, b: 'no' } })).toEqual({ open: { a: 1 } });
    expect(parseSweepState(nextSweepState(running, T0) as Record<string, unknown>)).toEqual(nextSweepState(running, T0));
  });

  it('sweeps once per interval even when several instances tick', () => {
    expect(sweepDue({}, T0, T)).toBe(true);
    expect(sweepDue({ cursor: T0 - 10_000 }, T0, T)).toBe(false);
    expect(sweepDue({ cursor: T0 - 27_000 }, T0, T)).toBe(true);
  });

  it('sends a card each up to the threshold, one roll-up per conversation above it, oldest first', () => {
    const burst = Array.from({ length: 40 }, (_, i) =>
      job(100 + i, 'Failed', T0 - HOUR, T0 - MIN + i, 'UserErrorGuestAgentStatusUnavailable'),
    );
    const w = [watch('team-channel', 'failures'), watch('chat', 'failures')];
    const fresh = candidates(burst, w, { cursor: T0 - 30_000 - T.marginMs }, T0, T).filter((c) => c.conversationId === 'team-channel');
    const few = candidates(burst.slice(0, 5), w, {}, T0, T).filter((c) => c.conversationId === 'chat');
    const notices = planNotices([...fresh.reverse(), ...few], V, { ...DEFAULT_WATCH_LIMITS, rollupAbove: 5, rollupListMax: 25 });
    expect(notices).toHaveLength(1 + 5);
    const [rollup, ...cards] = notices;
    expect(rollup.conversationId).toBe('team-channel');
    expect(rollup.announces).toHaveLength(40);
    if (rollup.message.kind !== 'watchRollup') throw new Error('expected a roll-up');
    expect(rollup.message.jobs).toHaveLength(25);
    expect(rollup.message.more).toBe(15);
    expect(rollup.message.jobs[0]).toEqual({
      jobId: jobGuid(100),
      entity: 'vm-100',
      operation: 'Backup',
      status: 'Failed',
      errorCode: 'UserErrorGuestAgentStatusUnavailable',
      endTime: new Date(T0 - MIN).toISOString(),
    });
    expect(cards.map((c) => [c.conversationId, c.message.kind, c.announces[0].jobId])).toEqual(
      [100, 101, 102, 103, 104].map((n) => ['chat', 'watchJob', jobGuid(n)]),
    );
  });
});
