import type { BackupJob } from '../../../src/domain/job';
import {
  decide,
  defaultScheduleOptions,
  INITIAL_SCHEDULE,
  isExpired,
  parseSchedule,
  scheduleToJson,
  type DecideInput,
  type Observation,
  type ScheduleState,
} from '../../../src/tracker/schedule';
import { jobGuid, snapshot, vault } from './fakes';

const P = 30_000;
const T0 = Date.UTC(2026, 0, 1);
const options = defaultScheduleOptions(P);
const plan = { key: { vault: vault(), jobId: jobGuid(1) }, startAt: T0 - 60_000, durationMs: 3_600_000, withProgress: true };

function job(now: number, patch: Partial<BackupJob> = {}): BackupJob {
  return { ...snapshot(plan, now), ...patch } as BackupJob;
}

function input(observation: Observation, over: Partial<DecideInput> = {}): DecideInput {
  return {
    now: T0,
    schedule: INITIAL_SCHEDULE,
    observation,
    options,
    nextTick: (t) => t + P,
    random: () => 0.5,
    ...over,
  };
}

describe('decide', () => {
  it('sends a card only when the visible state changed: 41→43 % no, 41→46 % yes', () => {
    const at41 = job(T0, { progressPercentage: 41 });
    const first = decide(input({ kind: 'job', job: at41 }));
    const s = first.schedule;
    const same = decide(input({ kind: 'job', job: job(T0, { progressPercentage: 43 }) }, { lastJob: at41, schedule: s }));
    expect(same.effects).toEqual([]);
    const moved = decide(input({ kind: 'job', job: job(T0, { progressPercentage: 46 }) }, { lastJob: at41, schedule: s }));
    expect(moved.effects.map((e) => e.kind)).toEqual(['card']);
  });

  it('compares with the stored snapshot when the schedule has no digest yet (just tracked)', () => {
    const j = job(T0);
    expect(decide(input({ kind: 'job', job: j }, { lastJob: j })).effects).toEqual([]);
  });

  it('backs the detail cadence off while nothing changes, up to 8 P, and snaps back on a status change', () => {
    let s: ScheduleState = INITIAL_SCHEDULE;
    const j = job(T0, { progressPercentage: 10 });
    const gaps: number[] = [];
    let now = T0;
    for (let i = 0; i < 6; i++) {
      const d = decide(input({ kind: 'job', job: j }, { now, lastJob: j, schedule: s }));
      gaps.push((d.schedule.nextDetailAt - now) / P);
      s = d.schedule;
      now = d.schedule.nextDetailAt;
    }
    expect(gaps).toEqual([2, 4, 8, 8, 8, 8]);
    const tasks = j.tasks.map((t, i) => (i === 0 ? { ...t, status: 'Completed' } : t));
    const changed = decide(input({ kind: 'job', job: { ...j, tasks } }, { now, lastJob: j, schedule: s }));
    expect(changed.schedule.detailStep).toBe(0);
    expect(changed.schedule.nextDetailAt).toBe(now + P);
    expect(changed.effects.map((e) => e.kind)).toEqual(['card']);
  });

  it("with detailResetOn 'any', a progress step also snaps the cadence back", () => {
    const j = job(T0, { progressPercentage: 10 });
    const s = { ...INITIAL_SCHEDULE, detailStep: 3 };
    const d = decide(
      input(
        { kind: 'job', job: { ...j, progressPercentage: 20 } },
        { lastJob: j, schedule: s, options: { ...options, detailResetOn: 'any' } },
      ),
    );
    expect(d.schedule.detailStep).toBe(0);
    const major = decide(input({ kind: 'job', job: { ...j, progressPercentage: 20 } }, { lastJob: j, schedule: s }));
    expect(major.schedule.detailStep).toBe(3);
  });

  it('can pull a detail read forward to the predicted end', () => {
    const j = job(T0, { estimatedRemainingMs: 3 * P });
    const s = { ...INITIAL_SCHEDULE, detailStep: 3 };
    const near = decide(input({ kind: 'job', job: j }, { lastJob: j, schedule: s, options: { ...options, detailNearPredictedEnd: true } }));
    expect(near.schedule.nextDetailAt).toBe(T0 + 3 * P);
    const off = decide(input({ kind: 'job', job: j }, { lastJob: j, schedule: s }));
    expect(off.schedule.nextDetailAt).toBe(T0 + 8 * P);
  });

  it.each(['Completed', 'CompletedWithWarnings', 'Failed', 'Cancelled'] as const)(
    'ends on %s with a final card and a completion notice',
    (status) => {
      const j = job(T0, { status, rawStatus: status });
      const d = decide(input({ kind: 'job', job: j }, { lastJob: job(T0) }));
      expect(d.end).toBe('terminal');
      expect(d.effects.map((e) => e.kind)).toEqual(['card', 'final']);
      expect(d.lastJob).toBe(j);
    },
  );

  it('keeps polling through Cancelling (not terminal)', () => {
    const d = decide(input({ kind: 'job', job: job(T0, { status: 'Cancelling', rawStatus: 'Cancelling' }) }, { lastJob: job(T0) }));
    expect(d.end).toBeUndefined();
    expect(d.effects.map((e) => e.kind)).toEqual(['card']);
    expect(d.nextPollAt).toBe(T0 + P);
  });

  it('ends on notFound and on forbidden (naming the role) with one notice', () => {
    const nf = decide(input({ kind: 'failed', failure: { kind: 'notFound', message: 'gone' } }));
    expect(nf.end).toBe('notFound');
    expect(nf.effects).toEqual([{ kind: 'notice', notice: 'notFound' }]);
    const fb = decide(input({ kind: 'failed', failure: { kind: 'forbidden', message: 'no', requiredRole: 'Backup Operator' } }));
    expect(fb.end).toBe('forbidden');
    expect(fb.effects).toEqual([{ kind: 'notice', notice: 'forbidden', detail: 'Backup Operator' }]);
    const fbDefault = decide(input({ kind: 'failed', failure: { kind: 'forbidden', message: 'no' } }));
    expect(fbDefault.effects).toEqual([{ kind: 'notice', notice: 'forbidden', detail: 'Backup Reader' }]);
  });

  it('backs off with jitter on transient failures, honours Retry-After, and says "still trying" once after 10 min', () => {
    let s: ScheduleState = INITIAL_SCHEDULE;
    let now = T0;
    const notices: string[] = [];
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      const d = decide(
        input({ kind: 'failed', failure: { kind: 'transient', message: '503' } }, { now, schedule: s, random: () => 0.999 }),
      );
      expect(d.end).toBeUndefined();
      for (const e of d.effects) if (e.kind === 'notice') notices.push(`${e.notice}@${(now - T0) / 60_000}`);
      delays.push(d.nextPollAt - now);
      s = d.schedule;
      now = d.nextPollAt;
    }
    // Full jitter near its ceiling: P, 2P, 4P, … capped at 5 min.
    expect(delays.slice(0, 5).map((x) => Math.round(x / 1000))).toEqual([30, 60, 120, 240, 300]);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^stillTrying@1[0-5]/);
    const honoured = decide(
      input({ kind: 'failed', failure: { kind: 'transient', message: '503', retryAfterMs: 90_000 } }, { random: () => 0 }),
    );
    expect(honoured.nextPollAt).toBe(T0 + 90_000);
    const back = decide(input({ kind: 'job', job: job(now) }, { now, schedule: s, lastJob: job(now) }));
    expect(back.effects).toEqual([{ kind: 'notice', notice: 'recovered' }]);
    expect(back.schedule.failures).toBe(0);
    expect(back.schedule.stillTrying).toBe(false);
  });

  it('a list confirming the job still runs keeps the state and ends a failure streak', () => {
    const s = { ...INITIAL_SCHEDULE, digest: 'x', nextDetailAt: T0 + 4 * P, failures: 2, failingSince: T0 - 60_000 };
    const d = decide(input({ kind: 'running' }, { schedule: s }));
    expect(d.effects).toEqual([]);
    expect(d.schedule).toEqual({ ...INITIAL_SCHEDULE, digest: 'x', nextDetailAt: T0 + 4 * P });
    expect(d.nextPollAt).toBe(T0 + P);
  });

  it('expires after 7 days with one notice', () => {
    expect(isExpired(T0, T0 + 7 * 86_400_000 - 1, options)).toBe(false);
    expect(isExpired(T0, T0 + 7 * 86_400_000, options)).toBe(true);
    const d = decide(input({ kind: 'expired' }));
    expect(d.end).toBe('expired');
    expect(d.effects).toEqual([{ kind: 'notice', notice: 'expired', detail: '7' }]);
  });

  it('round-trips through JSON and tolerates damaged state', () => {
    const s: ScheduleState = { digest: 'd', detailStep: 2, nextDetailAt: 5, failures: 1, failingSince: 3, stillTrying: true };
    expect(parseSchedule(JSON.parse(JSON.stringify(scheduleToJson(s))) as Record<string, unknown>)).toEqual(s);
    expect(parseSchedule({ detailStep: 'x', failures: -4, nextDetailAt: null })).toEqual(INITIAL_SCHEDULE);
    expect(parseSchedule(undefined)).toEqual(INITIAL_SCHEDULE);
  });
});
