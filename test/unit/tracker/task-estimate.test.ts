/** The estimated progress of a running task between detail reads, on the virtual clock: exact values by construction. */
import { VirtualClock } from '../../../src/core/clock';
import type { EtaBasis } from '../../../src/domain/durations';
import type { BackupJob, JobTask } from '../../../src/domain/job';
import { etaStep } from '../../../src/tracker/eta-schedule';
import { decide, defaultScheduleOptions, INITIAL_SCHEDULE } from '../../../src/tracker/schedule';
import { shownDigest } from '../../../src/tracker/visible';
import { estimateTaskProgress, taskEstimateOf, TASK_ESTIMATE_CAP } from '../../../src/tracker/task-estimate';

const SEC = 1_000;
const MIN = 60 * SEC;
const T = Date.UTC(2026, 10, 23, 21, 0, 0);
const iso = (t: number): string => new Date(t).toISOString();

describe('estimateTaskProgress', () => {
  it('moves from the read figure to 100 % at the expected end, linearly, floored', async () => {
    // Read 20 % at T; expected end T + 80 s: 1 point a second.
    const clock = new VirtualClock(T);
    const at = (): number | undefined => estimateTaskProgress(20, T, T + 80 * SEC, clock.now());
    expect(at()).toBe(20);
    await clock.advance(10 * SEC);
    expect(at()).toBe(30);
    await clock.advance(500);
    expect(at()).toBe(30); // 30.5, floored
    await clock.advance(39_500);
    expect(at()).toBe(70);
  });

  it('stops at the cap, never goes below the read figure, and stops advancing once the expected end is reached', () => {
    expect(TASK_ESTIMATE_CAP).toBe(95);
    expect(estimateTaskProgress(20, T, T + 80 * SEC, T + 76 * SEC)).toBe(95); // 96 capped
    expect(estimateTaskProgress(20, T, T + 80 * SEC, T + 79_999)).toBe(95);
    expect(estimateTaskProgress(20, T, T + 80 * SEC, T + 80 * SEC)).toBeUndefined(); // overrun: the last read shows
    expect(estimateTaskProgress(97, T, T + 80 * SEC, T + 40 * SEC)).toBe(97); // above the cap already: the read figure
    expect(estimateTaskProgress(20, T, T + 80 * SEC, T - 5 * SEC)).toBe(20); // a clock before the read: the read figure
    expect(estimateTaskProgress(20, T, T, T)).toBeUndefined(); // read at (or after) the expected end
    expect(estimateTaskProgress(20, T, T + 80 * SEC, T + 8 * SEC, 50)).toBe(28);
    expect(estimateTaskProgress(Number.NaN, T, T + 80 * SEC, T)).toBeUndefined();
  });
});

describe('taskEstimateOf', () => {
  // Past runs: the snapshot ends at 5 min, the transfer (the last task) with the job at its median, 25 min.
  const eta: EtaBasis = {
    runs: 8,
    lowMs: 22 * MIN,
    highMs: 28 * MIN,
    medianMs: 25 * MIN,
    maxMs: 40 * MIN,
    tasks: [
      { name: 'Take Snapshot', endMs: 5 * MIN },
      { name: 'Transfer data to vault', endMs: 25 * MIN },
    ],
  };
  const task = (name: string, status: string, more: Partial<JobTask> = {}): JobTask => ({ name, status, ...more });
  // The transfer started at 5 min and was read at 9 min (4 min into it) at 20 %.
  const transfer = task('Transfer data to vault', 'InProgress', {
    startTime: iso(T + 5 * MIN),
    durationMs: 4 * MIN,
    progressPercentage: 20,
  });
  const job = (tasks: JobTask[], more: Partial<BackupJob> = {}): BackupJob =>
    ({
      id: '/subscriptions/x/backupJobs/j',
      jobId: 'j',
      jobType: 'AzureIaaSVMJob',
      status: 'InProgress',
      rawStatus: 'InProgress',
      startTime: iso(T),
      durationMs: 9 * MIN,
      progressPercentage: 36,
      estimatedRemainingMs: 16 * MIN,
      actionsInfo: [],
      isCancellable: false,
      tasks,
      propertyBag: {},
      errors: [],
      extra: {},
      ...more,
    }) as BackupJob;
  const vm = job([task('Take Snapshot', 'Completed', { progressPercentage: 100 }), transfer]);

  it('estimates the running task from its last read (p0 at its start + duration) to its expected end', () => {
    // Read at 9 min, 20 %; expected end 25 min: 80 points in 16 min, 5 a minute.
    expect(taskEstimateOf(vm, eta, T + 9 * MIN)).toBeUndefined(); // at the read: nothing above the read figure
    expect(taskEstimateOf(vm, eta, T + 10 * MIN)).toEqual({ index: 1, percent: 25 });
    expect(taskEstimateOf(vm, eta, T + 17 * MIN)).toEqual({ index: 1, percent: 60 });
    expect(taskEstimateOf(vm, eta, T + 24 * MIN)).toEqual({ index: 1, percent: 95 });
    expect(taskEstimateOf(vm, eta, T + 25 * MIN)).toBeUndefined(); // overruns its expected end
    // Without the task's own times, the job's start + duration places the read.
    const bare = job([task('Take Snapshot', 'Completed'), task('Transfer data to vault', 'InProgress', { progressPercentage: 20 })]);
    expect(taskEstimateOf(bare, eta, T + 10 * MIN)).toEqual({ index: 1, percent: 25 });
    // A running task reported with a duration of PT0S (as in Azure's examples) does not date the read at its start.
    const zero = job([task('Take Snapshot', 'Completed'), { ...transfer, durationMs: 0 }]);
    expect(taskEstimateOf(zero, eta, T + 10 * MIN)).toEqual({ index: 1, percent: 25 });
    // Neither the job's nor the task's elapsed time: the read cannot be placed, no estimate.
    const { durationMs: _d, ...undated } = bare;
    expect(taskEstimateOf(undated as BackupJob, eta, T + 10 * MIN)).toBeUndefined();
  });

  it("uses a task's own expected end when it is not the last, and gives none without a basis, progress or known task", () => {
    // Snapshot read at 1 min at 10 %; its expected end 5 min: 90 points in 4 min.
    const snap = job(
      [
        task('Take Snapshot', 'InProgress', { startTime: iso(T), durationMs: MIN, progressPercentage: 10 }),
        task('Transfer data to vault', 'NotStarted'),
      ],
      {
        durationMs: MIN,
      },
    );
    expect(taskEstimateOf(snap, eta, T + 3 * MIN)).toEqual({ index: 0, percent: 55 });
    expect(taskEstimateOf(snap, undefined, T + 3 * MIN)).toBeUndefined();
    expect(taskEstimateOf(snap, { ...eta, tasks: [] }, T + 3 * MIN)).toBeUndefined();
    const noProgress = job([task('Take Snapshot', 'InProgress', { startTime: iso(T), durationMs: MIN })], { durationMs: MIN });
    expect(taskEstimateOf(noProgress, eta, T + 3 * MIN)).toBeUndefined();
    // The job runs longer than every past run: no estimate at all.
    expect(taskEstimateOf(vm, { ...eta, maxMs: 9 * MIN }, T + 10 * MIN)).toBeUndefined();
  });

  it("gives the card's 5 % step (etaStep) only once the estimate is a step above the read figure", () => {
    // Read 20 % at 9 min, 5 points a minute: 24 % at 9.8 min is still the read's step.
    expect(etaStep(vm, eta, T + 9.8 * MIN)).toBeUndefined();
    expect(etaStep(vm, eta, T + 10 * MIN)).toBe(25);
    expect(etaStep(vm, eta, T + 11.5 * MIN)).toBe(30); // 32.5 → 32 % → the 30 % step
    expect(etaStep(vm, eta, T + 25 * MIN)).toBeUndefined();
    expect(etaStep(vm, undefined, T + 10 * MIN)).toBeUndefined();
  });

  it('sends a card update (no read) at each 5 % step of the estimate between reads, none once the task overruns, and a fresh read replaces it', async () => {
    const P = 30 * SEC;
    const options = defaultScheduleOptions(P);
    const clock = new VirtualClock(T + 9 * MIN);
    const step = (observation: { kind: 'running' } | { kind: 'job'; job: BackupJob }, schedule: typeof INITIAL_SCHEDULE) =>
      decide({ now: clock.now(), schedule, lastJob: vm, observation, options, nextTick: (t) => t + P, random: () => 0.5 });
    // The read at 9 min: nothing estimated yet.
    const read = step({ kind: 'job', job: vm }, { ...INITIAL_SCHEDULE, eta });
    expect(read.schedule.etaStep).toBeUndefined();
    let s = read.schedule;
    const steps: Array<number | undefined> = [];
    const digests: string[] = [];
    while (clock.now() < T + 27 * MIN) {
      await clock.advance(P);
      const d = step({ kind: 'running' }, s);
      for (const e of d.effects) {
        if (e.kind !== 'card') continue;
        steps.push(e.etaStep);
        digests.push(shownDigest(e.job, e.etaStep));
      }
      s = d.schedule;
    }
    // 5 points a minute from 20 % at 9 min: a step a minute up to the 95 % cap at 24 min, then back to the read (undefined) at 25.
    expect(steps).toEqual([25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95, undefined]);
    expect(new Set(digests).size).toBe(digests.length);
    // A fresh read at 27 min (52 %, 2 min past the expected end): Azure's figure, nothing estimated.
    const fresh = {
      ...vm,
      durationMs: 27 * MIN,
      tasks: [vm.tasks[0], { ...transfer, durationMs: 22 * MIN, progressPercentage: 52 }],
    } as BackupJob;
    const after = step({ kind: 'job', job: fresh }, s);
    expect(after.effects).toEqual([{ kind: 'card', job: fresh }]);
    expect(after.schedule.etaStep).toBeUndefined();
  });
});
