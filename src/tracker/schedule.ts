/**
 * The per-job schedule state machine: given what one poll observed, decide what to tell the
 * subscribers, when to poll next, and whether tracking ends. Pure: no clock, no timers, no I/O;
 * randomness (jitter) is injected. The state is plain JSON stored in TrackedJobRecord.schedule.
 */
import { isTerminal, type ArmFailure, type BackupJob } from '../domain/job';
import type { EndReason, NoticeKind } from '../domain/subscriber';
import { retryDelay, type BackoffOptions } from '../core/backoff';
import { isMajorChange, visibleDigest } from './visible';
import { DEFAULT_TRACKING_LIMITS } from '../domain/limits';
import type { EtaBasis } from '../domain/durations';
import { etaStep, nextDetailFromEstimate, parseEtaBasis } from './eta-schedule';

export interface ScheduleState {
  /** Visible digest of the last snapshot the subscribers were told about. */
  readonly digest?: string;
  /** Detail cadence exponent: the next detail read is P·factor^step away (capped). */
  readonly detailStep: number;
  /** When the next full GET (task detail) is due; the vault sweep skips GETs before it. */
  readonly nextDetailAt: number;
  /** Consecutive failed polls. */
  readonly failures: number;
  readonly failingSince?: number;
  /** The 'stillTrying' notice was sent for the current failure streak. */
  readonly stillTrying: boolean;
  /**
   * When the job first became due while its reads are deferred for lack of budget: jobs that have
   * waited longest read first, so a busy subscription cannot starve some of its jobs.
   */
  readonly dueSince?: number;
  /** What the job's estimate is made from (its item's past runs); absent: no estimate. */
  readonly eta?: EtaBasis;
  /** When the store was last asked for `eta` (it is asked again later while there is none). */
  readonly etaCheckedAt?: number;
  /** The step of the estimated progress the subscribers were last shown (eta-schedule.ts). */
  readonly etaStep?: number;
}

export const INITIAL_SCHEDULE: ScheduleState = { detailStep: 0, nextDetailAt: 0, failures: 0, stillTrying: false };

export interface ScheduleOptions {
  /** Base interval P. */
  readonly pollIntervalMs: number;
  /** Detail cadence grows by this factor per read without change… */
  readonly detailFactor: number;
  /** …up to this many P. */
  readonly detailMaxFactor: number;
  /**
   * Which change snaps the detail cadence back to P: 'major' (status or a task's status) or
   * 'any' visible change (including progress steps and remaining minutes).
   */
  readonly detailResetOn: 'major' | 'any';
  /** Pull a detail read forward to the end predicted by estimatedRemainingDuration. */
  readonly detailNearPredictedEnd: boolean;
  readonly failureBackoff: BackoffOptions;
  /** Failing this long → one 'stillTrying' notice. */
  readonly unreachableNoticeAfterMs: number;
  /** Tracking this long → one 'expired' notice, stop. */
  readonly maxTrackingMs: number;
  /**
   * A job tracked while Azure could not be read (no snapshot yet) and still unconfirmed this long
   * after it was tracked → one 'unconfirmed' notice, stop: ids Azure never confirmed do not pile up.
   */
  readonly pendingTtlMs: number;
  /** Tell the subscribers when Azure answers again after a 'stillTrying' notice. */
  readonly recoveredNotice: boolean;
  /** With an estimate, read task detail when a task should have changed (eta-schedule.ts) rather than on the cadence. */
  readonly estimateDriven: boolean;
  /**
   * With an estimate, still read task detail at least every this many P (a bound on how stale the
   * tasks and Azure's progress on the card get); absent: no bound, the estimate decides.
   */
  readonly estimateMaxGapFactor?: number;
  /**
   * With an estimate, a task that reports its progress is also read at these fractions of its
   * expected span (default [0.5]: a check on the estimate) and, if set, at least every
   * estimateProgressGapFactor × P (absent: the estimate's points alone; 8 = the cadence's ceiling).
   */
  readonly estimateCheckpoints?: readonly number[];
  readonly estimateProgressGapFactor?: number;
}

export function defaultScheduleOptions(pollIntervalMs: number): ScheduleOptions {
  return {
    pollIntervalMs,
    detailFactor: 2,
    detailMaxFactor: 8,
    detailResetOn: 'major',
    detailNearPredictedEnd: false,
    failureBackoff: { baseMs: pollIntervalMs, capMs: Math.max(pollIntervalMs, 5 * 60_000), minMs: Math.min(pollIntervalMs, 1_000) },
    unreachableNoticeAfterMs: 10 * 60_000,
    maxTrackingMs: 7 * 24 * 3_600_000,
    pendingTtlMs: DEFAULT_TRACKING_LIMITS.pendingTtlMs,
    recoveredNotice: true,
    estimateDriven: true,
  };
}

/** A failed read as the schedule sees it (classified by azure/arm-failure.ts). */
export type PollFailure = ArmFailure;

export type Observation =
  /** A full GET. */
  | { readonly kind: 'job'; readonly job: BackupJob }
  /** A vault list showed the job still InProgress; no detail was read. */
  | { readonly kind: 'running' }
  | { readonly kind: 'failed'; readonly failure: PollFailure }
  | { readonly kind: 'expired' }
  /** Still no snapshot, `pendingTtlMs` after it was tracked (see isUnconfirmed). */
  | { readonly kind: 'unconfirmed' };

export type Effect =
  /** `etaStep`: the card shows estimated progress at this step (a card update between detail reads when it moves). */
  | { readonly kind: 'card'; readonly job: BackupJob; readonly etaStep?: number }
  | { readonly kind: 'final'; readonly job: BackupJob }
  | { readonly kind: 'notice'; readonly notice: NoticeKind; readonly detail?: string };

export interface Decision {
  readonly nextPollAt: number;
  readonly schedule: ScheduleState;
  /** The snapshot to store; absent keeps the previous one. */
  readonly lastJob?: BackupJob;
  readonly end?: EndReason;
  readonly effects: readonly Effect[];
}

export interface DecideInput {
  readonly now: number;
  readonly lastJob?: BackupJob;
  readonly schedule: ScheduleState;
  readonly observation: Observation;
  readonly options: ScheduleOptions;
  /** The strategy's next regular poll time after `now` (fixed interval, or the vault's aligned tick). */
  readonly nextTick: (now: number) => number;
  readonly random: () => number;
}

export const DEFAULT_REQUIRED_ROLE = 'Backup Reader';

export function isExpired(createdAt: number, now: number, options: ScheduleOptions): boolean {
  return now - createdAt >= options.maxTrackingMs;
}

/** Tracked without a first snapshot (Azure throttled or unreachable) and never confirmed since. */
export function isUnconfirmed(createdAt: number, lastJob: BackupJob | undefined, now: number, options: ScheduleOptions): boolean {
  return lastJob === undefined && now - createdAt >= options.pendingTtlMs;
}

export function decide(input: DecideInput): Decision {
  const { dueSince: _waited, ...s } = input.schedule;
  return decideRead({ ...input, schedule: s });
}

/** The job's reads are deferred (no budget) until `until`: keep its place in the queue. */
export function deferred(s: ScheduleState, dueAt: number): ScheduleState {
  return s.dueSince !== undefined ? s : { ...s, dueSince: dueAt };
}

function decideRead(input: DecideInput): Decision {
  const { now, schedule: s, observation: obs, options: o } = input;
  switch (obs.kind) {
    case 'expired':
      return ended(s, now, 'expired', [{ kind: 'notice', notice: 'expired', detail: String(Math.round(o.maxTrackingMs / 86_400_000)) }]);
    case 'unconfirmed':
      return ended(s, now, 'unconfirmed', [{ kind: 'notice', notice: 'unconfirmed', detail: String(o.pendingTtlMs) }]);
    case 'running':
      return decideRunning(input);
    case 'job':
      return decideJob(input, obs.job);
    case 'failed':
      return decideFailure(input, obs.failure);
  }
}

/** Still running, no detail read: the card moves only when its estimated progress reaches another step. */
function decideRunning(input: DecideInput): Decision {
  const { now, schedule: s, options: o, lastJob } = input;
  const effects = recoveredEffects(s, o);
  const step = lastJob ? etaStep(lastJob, s.eta, now) : undefined;
  if (!lastJob || step === undefined || step === s.etaStep) return { nextPollAt: input.nextTick(now), schedule: recovered(s), effects };
  return {
    nextPollAt: input.nextTick(now),
    schedule: { ...recovered(s), etaStep: step },
    effects: [...effects, { kind: 'card', job: lastJob, etaStep: step }],
  };
}

function decideJob(input: DecideInput, job: BackupJob): Decision {
  const { now, schedule: s, options: o } = input;
  const digest = visibleDigest(job);
  const baseline = s.digest ?? (input.lastJob ? visibleDigest(input.lastJob) : undefined);
  const changed = digest !== baseline;
  const effects: Effect[] = [...recoveredEffects(s, o)];
  if (isTerminal(job.status)) {
    effects.push({ kind: 'card', job }, { kind: 'final', job });
    return { ...ended({ ...recovered(s), digest }, now, 'terminal', effects), lastJob: job };
  }
  const step = etaStep(job, s.eta, now);
  if (changed || step !== s.etaStep) effects.push({ kind: 'card', job, ...(step !== undefined ? { etaStep: step } : {}) });
  const reset = o.detailResetOn === 'any' ? changed : isMajorChange(input.lastJob, job);
  const maxStep = Math.max(0, Math.ceil(Math.log(o.detailMaxFactor) / Math.log(o.detailFactor)));
  const detailStep = reset ? 0 : Math.min(maxStep, s.detailStep + 1);
  const factor = Math.min(o.detailMaxFactor, o.detailFactor ** detailStep);
  let nextDetailAt = now + factor * o.pollIntervalMs;
  if (o.detailNearPredictedEnd && job.estimatedRemainingMs !== undefined) {
    const predictedEnd = now + job.estimatedRemainingMs;
    if (predictedEnd < nextDetailAt) nextDetailAt = Math.max(now + o.pollIntervalMs, predictedEnd);
  }
  const byEstimate = s.eta ? detailAtFromEstimate(job, s.eta, now, o) : undefined;
  if (byEstimate !== undefined) nextDetailAt = byEstimate;
  const { etaStep: _shown, ...rest } = recovered(s);
  const schedule: ScheduleState = { ...rest, digest, detailStep, nextDetailAt, ...(step !== undefined ? { etaStep: step } : {}) };
  return { nextPollAt: input.nextTick(now), schedule, lastJob: job, effects };
}

/**
 * When the estimate says to read the job's task detail next, or undefined (estimates off, overrun:
 * the cadence decides). Tasks change visibly when they end, which the estimate times; a task that
 * reports its progress is also read at its checkpoints (and within estimateProgressGapFactor × P, if set).
 */
export function detailAtFromEstimate(job: BackupJob, eta: EtaBasis, now: number, o: ScheduleOptions): number | undefined {
  const progress = reportsProgress(job);
  const points = progress ? (o.estimateCheckpoints ?? DEFAULT_CHECKPOINTS) : [];
  const at = o.estimateDriven ? nextDetailFromEstimate(job, eta, now, o.pollIntervalMs, points) : undefined;
  if (at === undefined) return undefined;
  const gap = progress ? o.estimateProgressGapFactor : o.estimateMaxGapFactor;
  return Math.min(at, gap !== undefined ? now + gap * o.pollIntervalMs : Infinity);
}

const DEFAULT_CHECKPOINTS: readonly number[] = [0.5];

/** The running task reports its own progress (IaaS VM jobs): the card shows it in 5 % steps. */
function reportsProgress(job: BackupJob): boolean {
  return job.tasks.some((t) => t.status === 'InProgress' && t.progressPercentage !== undefined);
}

function decideFailure(input: DecideInput, f: PollFailure): Decision {
  const { now, schedule: s, options: o } = input;
  if (f.kind === 'notFound') return ended(s, now, 'notFound', [{ kind: 'notice', notice: 'notFound' }]);
  if (f.kind === 'forbidden') {
    return ended(s, now, 'forbidden', [{ kind: 'notice', notice: 'forbidden', detail: f.requiredRole ?? DEFAULT_REQUIRED_ROLE }]);
  }
  // Everything else may heal (network, 5xx, throttling, a token problem): keep trying with backoff.
  const failures = s.failures + 1;
  const failingSince = s.failingSince ?? now;
  const delay = retryDelay(failures, o.failureBackoff, input.random, f.retryAfterMs);
  const effects: Effect[] = [];
  let stillTrying = s.stillTrying;
  if (!stillTrying && now - failingSince >= o.unreachableNoticeAfterMs) {
    stillTrying = true;
    effects.push({ kind: 'notice', notice: 'stillTrying', detail: String(Math.floor((now - failingSince) / 60_000)) });
  }
  return { nextPollAt: now + delay, schedule: { ...s, failures, failingSince, stillTrying }, effects };
}

function ended(s: ScheduleState, now: number, end: EndReason, effects: readonly Effect[]): Decision {
  return { nextPollAt: now, schedule: s, end, effects };
}

function recovered(s: ScheduleState): ScheduleState {
  if (s.failures === 0 && !s.stillTrying && s.failingSince === undefined) return s;
  const { failingSince: _f, ...rest } = s;
  return { ...rest, failures: 0, stillTrying: false };
}

function recoveredEffects(s: ScheduleState, o: ScheduleOptions): Effect[] {
  return s.stillTrying && o.recoveredNotice ? [{ kind: 'notice', notice: 'recovered' }] : [];
}

/** Reads the stored JSON back, tolerating absent or damaged fields (an old or foreign record). */
export function parseSchedule(raw: Readonly<Record<string, unknown>> | undefined): ScheduleState {
  const r = raw ?? {};
  const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  return {
    ...(typeof r.digest === 'string' ? { digest: r.digest } : {}),
    detailStep: Math.max(0, Math.floor(num(r.detailStep, 0))),
    nextDetailAt: num(r.nextDetailAt, 0),
    failures: Math.max(0, Math.floor(num(r.failures, 0))),
    ...(typeof r.failingSince === 'number' && Number.isFinite(r.failingSince) ? { failingSince: r.failingSince } : {}),
    stillTrying: r.stillTrying === true,
    ...(typeof r.dueSince === 'number' && Number.isFinite(r.dueSince) ? { dueSince: r.dueSince } : {}),
    ...withEta(r),
  };
}

function withEta(r: Readonly<Record<string, unknown>>): Pick<ScheduleState, 'eta' | 'etaCheckedAt' | 'etaStep'> {
  const eta = parseEtaBasis(r.eta);
  const checked = typeof r.etaCheckedAt === 'number' && Number.isFinite(r.etaCheckedAt) ? r.etaCheckedAt : undefined;
  const step = typeof r.etaStep === 'number' && Number.isInteger(r.etaStep) ? r.etaStep : undefined;
  return {
    ...(eta ? { eta } : {}),
    ...(checked !== undefined ? { etaCheckedAt: checked } : {}),
    ...(step !== undefined ? { etaStep: step } : {}),
  };
}

export function scheduleToJson(s: ScheduleState): Record<string, unknown> {
  return { ...s };
}
