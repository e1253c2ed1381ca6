/**
 * Card staleness: how long a job's card lags behind the job's true task state.
 *
 * A task's state is ranked on one increasing scale: NotStarted 0; InProgress 1 + its progress
 * floored to 5 % steps / 5 (1..21; 1 throughout for job types whose tasks report no progress);
 * ended (Completed, Failed, ...) 22. The card floors progress to the same 5 % steps
 * (tracker/visible.ts), so a step is the smallest change a card can show.
 *
 * A transition is an instant t strictly inside the job's life (after its start, before its end)
 * at which a task's true rank rises, as the simulated vault scripts it. Its staleness is the time
 * from t until the card the channel last received shows that task at that rank or later (a card of
 * the ended job shows everything): 0 when the card it holds at t already does (an estimate that ran
 * ahead, which the lead below counts), else the time to the first card delivered after t that does.
 * The 'delivered' rule (the only one before estimates of task progress) counts only cards delivered
 * at or after t, so a card that showed the step early does not count; the two agree when cards
 * never run ahead of the truth (reads only). The job's start is time-to-first-card and its end is
 * the completion notice's latency, both measured elsewhere. A transition no card ever showed
 * counts as `runEnd - t`, a lower bound.
 *
 * What a card shows is what it renders: the tasks as read, and the job's progress as read or, when
 * the card shows an estimate from past runs, the estimated "~N% (estimated)" (cards/estimate-view.ts,
 * the same function). A one-task job's progress is its task's, so an estimate that reaches a step
 * shows that step of the task. A running task that reports progress shows, between reads, its
 * estimated progress (`shownTaskEstimate`, the card's function), which counts as that task's step.
 * An estimate can also run ahead: the lead of a card is how far its shown progress is ahead of the
 * truth when delivered (percentage points): the estimated task's progress against the task's true
 * progress when the card shows a task estimate, else the job's progress against the job's.
 */
import { shownEstimate, shownTaskEstimate } from '../../src/cards/estimate-view';
import type { EtaBasis } from '../../src/domain/durations';
import { isTerminal, type BackupJob } from '../../src/domain/job';
import { createRecord, statusAt, tasksAt, type JobRecord } from '../../tools/simulator/job-state';
import type { SimJobSpec } from '../../tools/simulator/spec';

export const ENDED_RANK = 22;

/** One task's rank; `progress` only where the job type reports per-task progress. */
export function taskRank(status: string, progress: number | undefined): number {
  if (status === 'NotStarted') return 0;
  if (status === 'InProgress') return 1 + (progress === undefined ? 0 : Math.floor(Math.min(100, Math.max(0, progress)) / 5));
  return ENDED_RANK;
}

export interface Transition {
  readonly at: number;
  readonly task: number;
  readonly rank: number;
  /** The task's status changed (it started or ended), not only its progress. */
  readonly status: boolean;
}

/** What one delivered card showed: each task's rank by position (the estimate included), or the job as ended. */
export interface CardShown {
  readonly at: number;
  readonly ended: boolean;
  readonly ranks: readonly number[];
  /** The job progress the card shows (read, or estimated), 0–100; absent: none shown (or ended). */
  readonly progress?: number;
  /** `progress` is the card's estimate from past runs, not Azure's figure. */
  readonly estimated?: boolean;
  /** `progress` is this task's estimated progress (the task row's "~N% (estimated)"), not the job's. */
  readonly task?: number;
}

/** Only the IaaS VM jobs' tasks carry `progressPercentage` (the spec; tools/simulator/job-body.ts). */
function reportsTaskProgress(spec: SimJobSpec): boolean {
  return spec.jobType === 'AzureIaaSVMJob' || spec.jobType === 'AzureIaaSVMJobV2';
}

function ranksAt(rec: JobRecord, now: number, withProgress: boolean): number[] {
  return tasksAt(rec, now, statusAt(rec, now)).map((t) => taskRank(t.status, withProgress ? t.progress : undefined));
}

/**
 * The job's true transitions, exactly as the simulated vault would answer (its own state
 * functions): each rank rise found by bisection on whole milliseconds. A job whose extendedInfo
 * has no task list (vault jobs) has none.
 */
export function truthTransitions(spec: SimJobSpec): Transition[] {
  if (spec.jobType === 'VaultJob') return [];
  const rec = createRecord(spec);
  const withProgress = reportsTaskProgress(spec);
  const first = rec.startAt + 1;
  const last = (rec.cancel ? rec.cancel.endsAt : rec.naturalEnd) - 1;
  if (last < first) return [];
  const out: Transition[] = [];
  const initial = ranksAt(rec, rec.startAt, withProgress);
  const final = ranksAt(rec, last, withProgress);
  for (let task = 0; task < initial.length; task++) {
    const rankAt = (t: number): number => ranksAt(rec, t, withProgress)[task];
    let seen = initial[task];
    while (seen < final[task]) {
      // The first instant in [first, last] at which this task's rank exceeds `seen` (ranks never fall).
      let lo = first;
      let hi = last;
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        if (rankAt(mid) > seen) hi = mid;
        else lo = mid + 1;
      }
      const rank = rankAt(lo);
      out.push({ at: lo, task, rank, status: seen === 0 || rank === ENDED_RANK });
      seen = rank;
    }
  }
  return out.sort((a, b) => a.at - b.at || a.task - b.task);
}

/** Each transition's staleness (ms), in the order given; `cards` in delivery order (see above for the rules). */
export function stalenessOf(
  transitions: readonly Transition[],
  cards: readonly CardShown[],
  runEnd: number,
  rule: 'shown' | 'delivered' = 'shown',
): number[] {
  const shows = (c: CardShown, tr: Transition): boolean => c.ended || (c.ranks[tr.task] ?? 0) >= tr.rank;
  return transitions.map((tr) => {
    if (rule === 'shown') {
      let held: CardShown | undefined;
      for (const c of cards) if (c.at <= tr.at) held = c;
      if (held && shows(held, tr)) return 0;
    }
    const shown = cards.find((c) => (rule === 'shown' ? c.at > tr.at : c.at >= tr.at) && shows(c, tr));
    return shown ? shown.at - tr.at : Math.max(0, runEnd - tr.at);
  });
}

/**
 * What a delivered card (or completion notice) for `job` shows at `at`, rendered with the estimate
 * basis the message carries. Azure's job progress wins over the estimate, as on the card.
 */
export function cardShown(at: number, job: BackupJob, eta?: EtaBasis): CardShown {
  const ended = isTerminal(job.status);
  const ranks = job.tasks.map((t) => taskRank(t.status, t.progressPercentage));
  if (ended) return { at, ended, ranks };
  const ctx = { now: at, final: false, ...(eta ? { eta } : {}) };
  const task = shownTaskEstimate(job, ctx);
  if (task) {
    const byTask = ranks.map((r, i) => (i === task.index ? Math.max(r, taskRank('InProgress', task.percent)) : r));
    return { at, ended, ranks: byTask, progress: task.percent, estimated: true, task: task.index };
  }
  if (job.progressPercentage !== undefined) return { at, ended, ranks, progress: job.progressPercentage };
  const estimated = shownEstimate(job, ctx)?.progress;
  if (estimated === undefined) return { at, ended, ranks };
  const [only] = job.tasks;
  const byEstimate =
    job.tasks.length === 1 && only.status === 'InProgress' ? ranks.map((r) => Math.max(r, taskRank('InProgress', estimated))) : ranks;
  return { at, ended, ranks: byEstimate, progress: estimated, estimated: true };
}

/**
 * Each card's lead (percentage points): its shown progress minus the true progress when delivered,
 * the task's for a card showing a task estimate (`trueTaskProgressAt`), else the job's. Positive:
 * the card claims more than is done (an estimate running ahead); negative: it lags. Cards that show
 * no progress (or the ended job) have none.
 */
export function leadOf(
  cards: readonly CardShown[],
  trueProgressAt: (t: number) => number,
  trueTaskProgressAt?: (t: number, task: number) => number,
): number[] {
  return cards
    .filter((c) => !c.ended && c.progress !== undefined)
    .map((c) => {
      const truth = c.task !== undefined && trueTaskProgressAt ? trueTaskProgressAt(c.at, c.task) : trueProgressAt(c.at);
      return (c.progress ?? 0) - truth;
    });
}
