/** Estimate-driven task-detail reads, decided by the pure schedule on the virtual clock. */
import { VirtualClock } from '../../../src/core/clock';
import type { EtaBasis } from '../../../src/domain/durations';
import type { BackupJob } from '../../../src/domain/job';
import {
  decide,
  defaultScheduleOptions,
  INITIAL_SCHEDULE,
  parseSchedule,
  scheduleToJson,
  type ScheduleState,
} from '../../../src/tracker/schedule';
import { jobGuid, snapshot, vault } from './fakes';

const P = 30_000;
const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 23, 21, 0, 0);
const options = defaultScheduleOptions(P);
// Past runs: the snapshot ends at 5 min, the whole job takes 25–32 min (median 28, longest 40).
const ETA: EtaBasis = {
  runs: 12,
  lowMs: 25 * MIN,
  highMs: 32 * MIN,
  medianMs: 28 * MIN,
  maxMs: 40 * MIN,
  tasks: [
    { name: 'Take Snapshot', endMs: 5 * MIN },
    { name: 'Transfer data to vault', endMs: 28 * MIN },
  ],
};
// The fake's snapshot task ends at 20 % of the run: 6 min of 30.
const plan = { key: { vault: vault(), jobId: jobGuid(1) }, startAt: T0, durationMs: 30 * MIN };

function read(now: number, s: ScheduleState, lastJob?: BackupJob) {
  return decide({
    now,
    schedule: s,
    ...(lastJob ? { lastJob } : {}),
    observation: { kind: 'job', job: snapshot(plan, now) },
    options,
    nextTick: (t) => t + P,
    random: () => 0.5,
  });
}

describe('estimate-driven detail reads', () => {
  it('reads the detail when the running task should have ended (+ one interval), then once the usual range is over', async () => {
    const clock = new VirtualClock(T0 + MIN);
    const first = read(clock.now(), { ...INITIAL_SCHEDULE, eta: ETA });
    // Snapshot running: its expected end 21:05 plus P, not P later as the fixed cadence would.
    expect(first.schedule.nextDetailAt).toBe(T0 + 5 * MIN + P);
    await clock.advance(first.schedule.nextDetailAt - clock.now());
    // Still snapshotting at 5.5 min (it ends at 6): the task overruns its estimate → the fixed cadence from here.
    const second = read(clock.now(), first.schedule, snapshot(plan, T0 + MIN));
    expect(second.schedule.nextDetailAt).toBe(clock.now() + 2 * P);
    await clock.advance(2 * P);
    // The transfer (the last task) runs: nothing visible changes before the job ends, which the list notices;
    // detail is read again when the usual range is over (32 min), plus P.
    const third = read(clock.now(), second.schedule, snapshot(plan, T0 + 5 * MIN + P));
    expect(third.effects.map((e) => e.kind)).toEqual(['card']);
    expect(third.schedule.nextDetailAt).toBe(T0 + 32 * MIN + P);
  });

  it('reads no later than estimateMaxGapFactor × P when that bound is set', () => {
    const now = T0 + 7 * MIN;
    const d = decide({
      now,
      schedule: { ...INITIAL_SCHEDULE, eta: ETA },
      observation: { kind: 'job', job: snapshot(plan, now) },
      options: { ...options, estimateMaxGapFactor: 16 },
      nextTick: (t) => t + P,
      random: () => 0.5,
    });
    // The transfer runs; the estimate alone would read at 32 min + P.
    expect(d.schedule.nextDetailAt).toBe(now + 16 * P);
  });

  describe('a task that reports its progress', () => {
    const withProgress = (now: number, progress: number, taskStart?: number): BackupJob => {
      const job = snapshot(plan, now);
      return {
        ...job,
        tasks: job.tasks.map((t) =>
          t.status === 'InProgress'
            ? { ...t, progressPercentage: progress, ...(taskStart !== undefined ? { startTime: new Date(taskStart).toISOString() } : {}) }
            : t,
        ),
      };
    };
    const at = (now: number, job: BackupJob, more: Partial<typeof options> = {}, s: ScheduleState = { ...INITIAL_SCHEDULE, eta: ETA }) =>
      decide({
        now,
        schedule: s,
        observation: { kind: 'job', job },
        options: { ...options, ...more },
        nextTick: (t) => t + P,
        random: () => 0.5,
      });

    it('is read halfway through its expected span (a check on the estimate), then at its expected end + P, on the virtual clock', async () => {
      const clock = new VirtualClock(T0 + MIN);
      // The snapshot is expected from the job's start to 5 min: halfway is 2.5 min, not P later as the cadence would.
      const first = at(clock.now(), withProgress(clock.now(), 20));
      expect(first.schedule.nextDetailAt).toBe(T0 + 2.5 * MIN);
      await clock.advance(first.schedule.nextDetailAt - clock.now());
      const second = at(clock.now(), withProgress(clock.now(), 50), {}, first.schedule);
      expect(second.schedule.nextDetailAt).toBe(T0 + 5 * MIN + P);
      // The transfer (last task) with no start time of its own spans the snapshot's expected end (5 min) to the
      // job's median end (28 min): halfway is 16.5 min; then the usual range's end (32 min) + P.
      await clock.advance(T0 + 7 * MIN - clock.now());
      const third = at(clock.now(), withProgress(clock.now(), 4), {}, second.schedule);
      expect(third.schedule.nextDetailAt).toBe(T0 + 16.5 * MIN);
      await clock.advance(third.schedule.nextDetailAt - clock.now());
      const fourth = at(clock.now(), withProgress(clock.now(), 50), {}, third.schedule);
      expect(fourth.schedule.nextDetailAt).toBe(T0 + 32 * MIN + P);
    });

    it("measures its span from Azure's task start when given, at the checkpoints set, and within estimateProgressGapFactor × P if set", () => {
      const now = T0 + 7 * MIN;
      // Started at 6 min: 6–28 min, halfway 17 min.
      expect(at(now, withProgress(now, 4, T0 + 6 * MIN)).schedule.nextDetailAt).toBe(T0 + 17 * MIN);
      // Quarters of 6–28 min: 11.5, 17, 22.5 min; the next after 12 min is 17 min.
      const quarters = { estimateCheckpoints: [0.25, 0.5, 0.75] };
      expect(at(now, withProgress(now, 4, T0 + 6 * MIN), quarters).schedule.nextDetailAt).toBe(T0 + 11.5 * MIN);
      expect(at(T0 + 12 * MIN, withProgress(T0 + 12 * MIN, 20, T0 + 6 * MIN), quarters).schedule.nextDetailAt).toBe(T0 + 17 * MIN);
      // No checkpoints: the usual range's end + P alone; a gap bound of 8 P comes first.
      expect(at(now, withProgress(now, 4), { estimateCheckpoints: [] }).schedule.nextDetailAt).toBe(T0 + 32 * MIN + P);
      expect(at(now, withProgress(now, 4), { estimateProgressGapFactor: 8 }).schedule.nextDetailAt).toBe(now + 8 * P);
    });

    it('without progress of its own the task gets no checkpoints: read at its expected end + P', () => {
      const now = T0 + 7 * MIN;
      expect(at(now, snapshot(plan, now)).schedule.nextDetailAt).toBe(T0 + 32 * MIN + P);
    });
  });

  it('falls back to the fixed cadence once the job runs longer than every past run', () => {
    const now = T0 + 41 * MIN;
    const long = { ...plan, durationMs: 60 * MIN };
    const d = decide({
      now,
      schedule: { ...INITIAL_SCHEDULE, eta: ETA, detailStep: 3 },
      observation: { kind: 'job', job: snapshot(long, now) },
      lastJob: snapshot(long, now - P),
      options,
      nextTick: (t) => t + P,
      random: () => 0.5,
    });
    expect(d.schedule.nextDetailAt).toBe(now + 8 * P);
  });

  it('keeps the fixed cadence without an estimate, or with estimateDriven off', () => {
    const now = T0 + MIN;
    expect(read(now, INITIAL_SCHEDULE).schedule.nextDetailAt).toBe(now + P);
    const off = decide({
      now,
      schedule: { ...INITIAL_SCHEDULE, eta: ETA },
      observation: { kind: 'job', job: snapshot(plan, now) },
      options: { ...options, estimateDriven: false },
      nextTick: (t) => t + P,
      random: () => 0.5,
    });
    expect(off.schedule.nextDetailAt).toBe(now + P);
  });

  it('keeps the basis in the stored schedule, and drops a damaged one', () => {
    const s = read(T0 + MIN, { ...INITIAL_SCHEDULE, eta: ETA, etaCheckedAt: T0 }).schedule;
    const back = parseSchedule(JSON.parse(JSON.stringify(scheduleToJson(s))) as Record<string, unknown>);
    expect(back.eta).toEqual(ETA);
    expect(back.etaCheckedAt).toBe(T0);
    expect(parseSchedule({ ...scheduleToJson(s), eta: { runs: 'many' } }).eta).toBeUndefined();
  });

  it('between detail reads, updates the card when the estimated progress reaches another 10 % step, and once when it overruns', async () => {
    const clock = new VirtualClock(T0 + MIN);
    // A job without Azure progress (a SQL backup): the card shows the estimated one.
    const sql = (now: number): BackupJob => ({ ...snapshot(plan, now), jobType: 'AzureWorkloadJob', tasks: [] });
    const first = decide({
      now: clock.now(),
      schedule: { ...INITIAL_SCHEDULE, eta: ETA },
      observation: { kind: 'job', job: sql(clock.now()) },
      options,
      nextTick: (t) => t + P,
      random: () => 0.5,
    });
    expect(first.effects).toEqual([{ kind: 'card', job: sql(T0 + MIN), etaStep: 0 }]);
    const lastJob = sql(T0 + MIN);
    let s = first.schedule;
    const cards: Array<number | undefined> = [];
    while (clock.now() < T0 + 42 * MIN) {
      await clock.advance(P);
      const d = decide({
        now: clock.now(),
        schedule: s,
        lastJob,
        observation: { kind: 'running' },
        options,
        nextTick: (t) => t + P,
        random: () => 0.5,
      });
      for (const e of d.effects) if (e.kind === 'card') cards.push(e.etaStep);
      s = d.schedule;
    }
    // 28 min median: a step every 2.8 min up to 90 %, then nothing until past the longest run (40 min).
    expect(cards).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, -1]);
  });
});
