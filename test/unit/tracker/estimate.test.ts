import { VirtualClock } from '../../../src/core/clock';
import type { DurationSample } from '../../../src/domain/durations';
import type { BackupJob } from '../../../src/domain/job';
import { durationItemKey, sampleOf, samplesOf } from '../../../src/tracker/duration-samples';
import { estimate, etaBasis, MIN_RUNS } from '../../../src/tracker/estimate';
import { jobGuid, snapshot, vault } from './fakes';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 23, 21, 0, 0);

function run(totalMin: number, i: number, tasks: Array<[string, number]> = []): DurationSample {
  return {
    itemKey: 'item',
    vaultKey: 'v',
    jobId: `job-${i}`,
    endedAt: T0 - i * 24 * 60 * MIN,
    totalMs: totalMin * MIN,
    tasks: tasks.map(([name, endMin]) => ({ name, endMs: endMin * MIN })),
  };
}

describe('etaBasis and estimate', () => {
  it('gives no estimate without runs, nor from a single run', () => {
    expect(MIN_RUNS).toBe(2);
    expect(etaBasis([])).toBeUndefined();
    expect(etaBasis([run(25, 0)])).toBeUndefined();
  });

  it('uses min–max and the median below 4 runs', () => {
    const basis = etaBasis([run(30, 0), run(25, 1), run(32, 2)]);
    expect(basis).toMatchObject({ runs: 3, lowMs: 25 * MIN, highMs: 32 * MIN, medianMs: 30 * MIN, maxMs: 32 * MIN });
  });

  it('uses the 25th–75th percentile from 4 runs on, so an outlier does not widen the usual range', () => {
    const totals = [25, 26, 27, 28, 29, 30, 31, 32, 240];
    const basis = etaBasis(totals.map((m, i) => run(m, i)))!;
    expect(basis.lowMs).toBe(27 * MIN);
    expect(basis.highMs).toBe(31 * MIN);
    expect(basis.medianMs).toBe(29 * MIN);
    // The outlier still counts as the longest run: beyond it, "longer than usual".
    expect(basis.maxMs).toBe(240 * MIN);
  });

  it('expects the end at start + median and each task at its median end, on the virtual clock', async () => {
    const clock = new VirtualClock(T0);
    const samples = [
      run(30, 0, [
        ['Take Snapshot', 5],
        ['Transfer data to vault', 30],
      ]),
      run(26, 1, [
        ['Take Snapshot', 3],
        ['Transfer data to vault', 26],
      ]),
      run(28, 2, [['Take Snapshot', 4]]),
    ];
    const basis = etaBasis(samples)!;
    expect(basis.tasks).toEqual([
      { name: 'Take Snapshot', endMs: 4 * MIN },
      { name: 'Transfer data to vault', endMs: 28 * MIN },
    ]);
    const start = clock.now();
    await clock.advance(7 * MIN);
    const e = estimate(basis, start, clock.now());
    expect(e.expectedEndAt).toBe(start + 28 * MIN);
    expect(e.overrun).toBe(false);
    expect(e.progress).toBe(25);
    expect(e.tasks).toEqual([
      { name: 'Take Snapshot', expectedEndAt: start + 4 * MIN },
      { name: 'Transfer data to vault', expectedEndAt: start + 28 * MIN },
    ]);
    // Past the median but within the runs: still an estimate, never 100 % while running.
    await clock.advance(23 * MIN);
    expect(estimate(basis, start, clock.now())).toMatchObject({ overrun: false, progress: 99 });
  });

  it('says "longer than usual" once the job runs longer than every past run', () => {
    const basis = etaBasis([run(25, 0), run(32, 1)])!;
    expect(estimate(basis, T0, T0 + 32 * MIN).overrun).toBe(false);
    const late = estimate(basis, T0, T0 + 32 * MIN + 1);
    expect(late.overrun).toBe(true);
    expect(late.progress).toBeUndefined();
  });
});

describe('duration samples of ended jobs', () => {
  const v = vault();
  const plan = { key: { vault: v, jobId: jobGuid(7) }, startAt: T0, durationMs: 20 * MIN };

  it('keys an item by vault, job type, workload, operation and entity, case-insensitively', () => {
    const job = snapshot(plan, T0 + 30 * MIN);
    const restore: BackupJob = { ...job, operation: 'Restore' };
    const upper: BackupJob = { ...job, entityFriendlyName: job.entityFriendlyName!.toUpperCase() };
    expect(durationItemKey(v, upper)).toBe(durationItemKey(v, job));
    expect(durationItemKey(v, restore)).not.toBe(durationItemKey(v, job));
    expect(durationItemKey(vault('other'), job)).not.toBe(durationItemKey(v, job));
    expect(durationItemKey(v, { ...job, workloadType: 'SQLDataBase' })).not.toBe(durationItemKey(v, job));
  });

  it('samples Completed and CompletedWithWarnings only, with task ends from their times or durations', () => {
    const done = snapshot(plan, T0 + 30 * MIN);
    const withTasks: BackupJob = {
      ...done,
      tasks: [
        {
          name: 'Take Snapshot',
          status: 'Completed',
          startTime: new Date(T0).toISOString(),
          endTime: new Date(T0 + 3 * MIN).toISOString(),
        },
        { name: 'Transfer data to vault', status: 'Completed', durationMs: 17 * MIN },
      ],
    };
    const s = sampleOf(v, withTasks)!;
    expect(s).toMatchObject({ jobId: jobGuid(7), totalMs: 20 * MIN, endedAt: T0 + 20 * MIN });
    // The transfer's end: no endTime, and the snapshot gave no duration, so no running sum either.
    expect(s.tasks).toEqual([{ name: 'Take Snapshot', endMs: 3 * MIN }]);
    const summed: BackupJob = {
      ...withTasks,
      tasks: [
        { name: 'Take Snapshot', status: 'Completed', durationMs: 3 * MIN },
        { name: 'Transfer data to vault', status: 'Completed', durationMs: 17 * MIN },
      ],
    };
    expect(sampleOf(v, summed)!.tasks).toEqual([
      { name: 'Take Snapshot', endMs: 3 * MIN },
      { name: 'Transfer data to vault', endMs: 20 * MIN },
    ]);
    expect(sampleOf(v, { ...done, status: 'CompletedWithWarnings' })).toBeDefined();
    for (const status of ['Failed', 'Cancelled', 'InProgress'] as const) expect(sampleOf(v, { ...done, status })).toBeUndefined();
    expect(samplesOf(v, [done, snapshot(plan, T0 + MIN)])).toHaveLength(1);
  });
});
