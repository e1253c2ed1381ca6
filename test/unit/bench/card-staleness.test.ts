import type { BackupJob } from '../../../src/domain/job';
import type { SimJobSpec } from '../../../tools/simulator/spec';
import { ENDED_RANK, cardShown, leadOf, stalenessOf, taskRank, truthTransitions, type Transition } from '../../../bench/lib/card-staleness';
import type { EtaBasis } from '../../../src/domain/durations';

const T = Date.UTC(2026, 10, 23, 22, 0, 0);
const VAULT = { subscriptionId: '11111111-2222-4333-8444-555555555555', resourceGroup: 'rg', vaultName: 'v' };

function spec(overrides: Partial<SimJobSpec>): SimJobSpec {
  return {
    vault: VAULT,
    jobId: 'aaaaaaaa-bbbb-4ccc-8ddd-000000000001',
    jobType: 'AzureIaaSVMJob',
    operation: 'Backup',
    entityFriendlyName: 'vm-1',
    backupManagementType: 'AzureIaasVM',
    startAt: T,
    // 10 s each: a 5 % step every 500 ms, and no 100 % before a task ends (rounding to 0.01 % needs 0.5 ms).
    tasks: [
      { name: 'Take Snapshot', durationMs: 10_000 },
      { name: 'Transfer data to vault', durationMs: 10_000 },
    ],
    outcome: 'Completed',
    ...overrides,
  };
}

const steps = (task: number, from: number, ranks: number[]): Transition[] =>
  ranks.map((rank, i) => ({ at: T + from + i * 500, task, rank, status: false }));

describe('taskRank', () => {
  it('orders NotStarted, each 5 % step of progress, then any end', () => {
    expect(taskRank('NotStarted', undefined)).toBe(0);
    expect(taskRank('InProgress', undefined)).toBe(1);
    expect(taskRank('InProgress', 0)).toBe(1);
    expect(taskRank('InProgress', 4.99)).toBe(1);
    expect(taskRank('InProgress', 5)).toBe(2);
    expect(taskRank('InProgress', 99.99)).toBe(20);
    expect(taskRank('InProgress', 100)).toBe(21);
    for (const s of ['Completed', 'CompletedWithWarnings', 'Failed', 'Cancelled']) expect(taskRank(s, undefined)).toBe(ENDED_RANK);
  });
});

describe('truthTransitions', () => {
  it('lists every 5 % step and task change of an IaaS VM job, not its start or end', () => {
    const r = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 2);
    expect(truthTransitions(spec({}))).toEqual([
      ...steps(0, 500, r(19)),
      { at: T + 10_000, task: 0, rank: ENDED_RANK, status: true },
      { at: T + 10_000, task: 1, rank: 1, status: true },
      ...steps(1, 10_500, r(19)),
    ]);
  });

  it('stops at the progress a cancellation froze', () => {
    // Cancelled: Cancelling for the last quarter (5 s), so the transfer stops at 50 %.
    const got = truthTransitions(spec({ outcome: 'Cancelled' }));
    expect(got.filter((t) => t.task === 1)).toEqual([
      { at: T + 10_000, task: 1, rank: 1, status: true },
      ...steps(1, 10_500, [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
    ]);
  });

  it('has only task changes for job types whose tasks report no progress, none for one task or a vault job', () => {
    const dpm = spec({
      jobType: 'DpmJob',
      backupManagementType: 'DPM',
      tasks: [
        { name: 'Consistency check', durationMs: 7_000 },
        { name: 'Transfer data to vault', durationMs: 3_000 },
      ],
    });
    expect(truthTransitions(dpm)).toEqual([
      { at: T + 7_000, task: 0, rank: ENDED_RANK, status: true },
      { at: T + 7_000, task: 1, rank: 1, status: true },
    ]);
    expect(
      truthTransitions(
        spec({
          jobType: 'AzureWorkloadJob',
          backupManagementType: 'AzureWorkload',
          tasks: [{ name: 'Transfer data to vault', durationMs: 60_000 }],
        }),
      ),
    ).toEqual([]);
    expect(truthTransitions(spec({ jobType: 'VaultJob', backupManagementType: 'Invalid' }))).toEqual([]);
  });
});

describe('stalenessOf', () => {
  const tr = (at: number, task: number, rank: number): Transition => ({ at, task, rank, status: false });

  it("'delivered': the time to the first card at or after the change that shows it (or a later state)", () => {
    const transitions = [tr(1000, 0, 2), tr(2000, 0, 3), tr(5000, 1, 1), tr(6000, 1, 5), tr(6500, 1, 9)];
    const cards = [
      { at: 900, ended: false, ranks: [9, 9] }, // before the change: does not count under this rule
      { at: 1500, ended: false, ranks: [2, 0] },
      { at: 4000, ended: false, ranks: [4, 0] },
      { at: 5000, ended: false, ranks: [ENDED_RANK, 1] }, // the same instant: 0
      { at: 6200, ended: false, ranks: [ENDED_RANK, 4] }, // one step short of 5
      { at: 7000, ended: true, ranks: [] }, // the ended job's card shows everything
    ];
    expect(stalenessOf(transitions, cards, 10_000, 'delivered')).toEqual([500, 2000, 0, 1000, 500]);
    // 'shown' (the default): the card held at 1000 (delivered at 900) already shows task 0 at rank 9.
    expect(stalenessOf(transitions, cards, 10_000)).toEqual([0, 2000, 0, 1000, 500]);
  });

  it("'shown': a card that showed the step early counts only while it is the card the channel holds", () => {
    // An estimate at 100 shows rank 5; a read at 200 brings it back to rank 2; a read at 900 shows rank 6.
    const cards = [
      { at: 100, ended: false, ranks: [5], progress: 25, estimated: true, task: 0 },
      { at: 200, ended: false, ranks: [2] },
      { at: 900, ended: false, ranks: [6] },
    ];
    expect(stalenessOf([tr(150, 0, 4), tr(300, 0, 4)], cards, 10_000)).toEqual([0, 600]);
    expect(stalenessOf([tr(150, 0, 4), tr(300, 0, 4)], cards, 10_000, 'delivered')).toEqual([750, 600]);
  });

  it('counts a change no card showed up to the end of the run, and a card without the task as not showing it', () => {
    const cards = [{ at: 3000, ended: false, ranks: [3] }];
    expect(stalenessOf([tr(1000, 1, 1), tr(2000, 0, 3)], cards, 10_000)).toEqual([9000, 1000]);
    expect(stalenessOf([tr(1000, 0, 2)], [], 10_000)).toEqual([9000]);
  });
});

describe('cardShown', () => {
  // A plain object spread over the union type: the fields `more` sets are valid on every job type.
  const job = (status: BackupJob['status'], tasks: BackupJob['tasks'], more: Partial<BackupJob> = {}): BackupJob =>
    ({
      id: `/subscriptions/x/backupJobs/j`,
      jobId: 'j',
      jobType: 'AzureIaaSVMJob',
      status,
      rawStatus: status,
      actionsInfo: [],
      isCancellable: false,
      tasks,
      propertyBag: {},
      errors: [],
      extra: {},
      ...more,
    }) as BackupJob;
  // Past runs of 100 s (median): the card's estimate is elapsed / 100 s, floored, as "~N% (estimated)".
  const eta: EtaBasis = { runs: 4, lowMs: 90_000, highMs: 110_000, medianMs: 100_000, maxMs: 120_000, tasks: [] };
  const start = new Date(T).toISOString();

  it("reads each task's rank from the job the card shows, and an ended job as ended", () => {
    const running = job('InProgress', [
      { name: 'Take Snapshot', status: 'Completed' },
      { name: 'Transfer data to vault', status: 'InProgress', progressPercentage: 42 },
    ]);
    expect(cardShown(5, running)).toEqual({ at: 5, ended: false, ranks: [ENDED_RANK, 9] });
    expect(cardShown(6, job('Failed', [])).ended).toBe(true);
  });

  it("shows Azure's job progress when it gives one, even with an estimate basis (as the card does)", () => {
    const vm = job('InProgress', [{ name: 'Transfer data to vault', status: 'InProgress', progressPercentage: 30 }], {
      startTime: start,
      progressPercentage: 30,
    });
    expect(cardShown(T + 80_000, vm, eta)).toEqual({ at: T + 80_000, ended: false, ranks: [7], progress: 30 });
  });

  it("shows the estimate when Azure gives no progress: the job's, and a lone running task's step", () => {
    const one = job('InProgress', [{ name: 'Transfer data to vault', status: 'InProgress' }], {
      jobType: 'AzureWorkloadJob',
      startTime: start,
    });
    // 37.5 s of 100 s: ~37% (estimated), the task shown at the 35 % step (rank 1 + 7).
    expect(cardShown(T + 37_500, one, eta)).toEqual({ at: T + 37_500, ended: false, ranks: [8], progress: 37, estimated: true });
    // Two tasks: the job's estimate says nothing of either task.
    const two = job(
      'InProgress',
      [
        { name: 'Consistency check', status: 'Completed' },
        { name: 'Transfer data to vault', status: 'InProgress' },
      ],
      { jobType: 'DpmJob', startTime: start },
    );
    expect(cardShown(T + 37_500, two, eta)).toEqual({
      at: T + 37_500,
      ended: false,
      ranks: [ENDED_RANK, 1],
      progress: 37,
      estimated: true,
    });
    // No basis, or Azure's own remaining time: no estimate, no progress.
    expect(cardShown(T + 37_500, one)).toEqual({ at: T + 37_500, ended: false, ranks: [1] });
    expect(cardShown(T + 37_500, { ...one, estimatedRemainingMs: 5_000 }, eta)).toEqual({ at: T + 37_500, ended: false, ranks: [1] });
  });

  it('lets an estimate that reached a step count for that step, and one that lags not', () => {
    const one = job('InProgress', [{ name: 'Transfer data to vault', status: 'InProgress' }], {
      jobType: 'AzureWorkloadJob',
      startTime: start,
    });
    // The task truly reaches its 50 % step (rank 11) at T + 40 s; cards show the estimate at T + 45 s (45 %) and T + 50 s (50 %).
    const cards = [cardShown(T + 45_000, one, eta), cardShown(T + 50_000, one, eta)];
    expect(stalenessOf([{ at: T + 40_000, task: 0, rank: 11, status: false }], cards, T + 100_000)).toEqual([10_000]);
  });
});

describe('cardShown with a task estimate', () => {
  // Past runs: the snapshot ends at 20 s, the transfer (the last task) with the job at 100 s.
  const eta: EtaBasis = {
    runs: 4,
    lowMs: 90_000,
    highMs: 110_000,
    medianMs: 100_000,
    maxMs: 120_000,
    tasks: [
      { name: 'Take Snapshot', endMs: 20_000 },
      { name: 'Transfer data to vault', endMs: 100_000 },
    ],
  };
  // Read at T + 40 s: the transfer (started at 20 s) at 25 %; the card's estimate moves 75 points in 60 s.
  const vm = {
    id: '/subscriptions/x/backupJobs/j',
    jobId: 'j',
    jobType: 'AzureIaaSVMJob',
    status: 'InProgress',
    rawStatus: 'InProgress',
    startTime: new Date(T).toISOString(),
    durationMs: 40_000,
    progressPercentage: 40,
    actionsInfo: [],
    isCancellable: false,
    tasks: [
      { name: 'Take Snapshot', status: 'Completed', progressPercentage: 100 },
      {
        name: 'Transfer data to vault',
        status: 'InProgress',
        startTime: new Date(T + 20_000).toISOString(),
        durationMs: 20_000,
        progressPercentage: 25,
      },
    ],
    propertyBag: {},
    errors: [],
    extra: {},
  } as BackupJob;

  it("counts the estimated progress the task row shows (the card's function) as that task's step, and its lead against the task", () => {
    // At T + 64 s: 25 + 75 × 24/60 = 55 % (estimated): rank 1 + 11.
    expect(cardShown(T + 64_000, vm, eta)).toEqual({
      at: T + 64_000,
      ended: false,
      ranks: [ENDED_RANK, 12],
      progress: 55,
      estimated: true,
      task: 1,
    });
    // At the read (no step above it), without a basis, or past the expected end: Azure's figures as read.
    expect(cardShown(T + 40_000, vm, eta)).toEqual({ at: T + 40_000, ended: false, ranks: [ENDED_RANK, 6], progress: 40 });
    expect(cardShown(T + 64_000, vm)).toEqual({ at: T + 64_000, ended: false, ranks: [ENDED_RANK, 6], progress: 40 });
    expect(cardShown(T + 100_000, vm, eta)).toEqual({ at: T + 100_000, ended: false, ranks: [ENDED_RANK, 6], progress: 40 });
    // The true transfer step at 55 % (T + 50 s) is shown by the estimate card at T + 64 s: 14 s stale.
    const cards = [cardShown(T + 40_000, vm, eta), cardShown(T + 64_000, vm, eta)];
    expect(stalenessOf([{ at: T + 50_000, task: 1, rank: 12, status: false }], cards, T + 200_000)).toEqual([14_000]);
    // Its lead is against the task: truly at 60 % then, so 5 points behind; the read card's against the job.
    expect(
      leadOf(
        cards,
        () => 41,
        (_t, task) => (task === 1 ? 60 : 0),
      ),
    ).toEqual([-1, -5]);
  });
});

describe('leadOf', () => {
  it("is each progress-showing card's shown minus true progress: positive when an estimate runs ahead, negative when it lags", () => {
    // The job truly progresses 1 % a second from 0.
    const truth = (t: number): number => t / 1000;
    const cards = [
      { at: 10_000, ended: false, ranks: [1], progress: 25, estimated: true }, // ahead by 15
      { at: 40_000, ended: false, ranks: [1], progress: 30, estimated: true }, // lags by 10
      { at: 50_000, ended: false, ranks: [1], progress: 50 }, // read: exact
      { at: 60_000, ended: false, ranks: [1] }, // no progress shown: no lead
      { at: 70_000, ended: true, ranks: [], progress: 99 }, // the ended job: none
    ];
    expect(leadOf(cards, truth)).toEqual([15, -10, 0]);
    expect(leadOf([], truth)).toEqual([]);
  });
});
