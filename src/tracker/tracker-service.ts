/**
 * What the commands call. `track` reads the job once (through the engine's read budget) so the
 * first card shows real status, then subscribes the conversation when the job still runs. A user
 * waits for these reads: they go through a lane of their own (ArmGate.lane), which spends the
 * engine's budget but does not queue behind the engine's background polls.
 */
import { type BackupJobsApi } from '../azure/types';
import { isTerminal, type BackupJob, type JobKey, type VaultId } from '../domain/job';
import { jobKeyString } from '../azure/ids';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { SubscribeCapKind, SubscriptionStore } from '../store/types';
import { ArmGate } from './arm-gate';
import { ReadBudget } from './budget';
import type { Tracker } from './engine';
import type { FollowerAdmission, ReadOutcome, TrackedEntry, TrackerService, TrackOptions, TrackOutcome } from './ports';
import { DEFAULT_TRACKING_LIMITS, type TrackingLimits } from '../domain/limits';
import { FollowerSlots } from './follower-slots';
import type { SubscriberInput } from '../domain/subscriber';
import { DEFAULT_REQUIRED_ROLE } from './schedule';
import { Semaphore } from './semaphore';
import { durationsOf, EtaSource } from './eta-source';

/** How long a read a user waits on (track, Refresh, jobs, track operation) may wait for a budget token. */
export const MAX_WAIT_FOR_BUDGET_MS = 3_000;
/** Reads a user waits on, in flight at once; ArmClient's default Pool has as many connections. */
export const DEFAULT_USER_READ_CONCURRENCY = 64;

export interface TrackerServiceOptions {
  /** Subscriptions; it enforces the caps on tracked jobs as it subscribes. */
  readonly store: SubscriptionStore;
  readonly api: BackupJobsApi;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The running engine: its read budget is shared, its vault ticks align first polls, and it is woken. */
  readonly engine?: Tracker;
  readonly pollIntervalMs: number;
  /** Concurrent reads for track and Refresh (default 64), apart from the engine's bound on polls. */
  readonly userReadConcurrency?: number;
  /** Caps on tracked jobs and operation followers (defaults: DEFAULT_TRACKING_LIMITS). */
  readonly limits?: Partial<TrackingLimits>;
  /**
   * The first card's expected end (default on when the store keeps durations): from the item's past
   * runs, which for a vault the store knows nothing of costs one history read per vault and day (eta-source.ts).
   */
  readonly historyReads?: boolean;
}

type Capped = Extract<TrackOutcome, { error: 'capped' }>;

export class TrackerServiceImpl implements TrackerService {
  private readonly gate: ArmGate;
  private readonly log: Logger;
  readonly limits: TrackingLimits;
  private readonly followers: FollowerSlots;
  private readonly eta?: EtaSource;

  constructor(private readonly o: TrackerServiceOptions) {
    const lane = new Semaphore(o.userReadConcurrency ?? DEFAULT_USER_READ_CONCURRENCY);
    const waits = { maxBudgetWaitMs: MAX_WAIT_FOR_BUDGET_MS };
    this.gate = o.engine ? o.engine.gate.lane(lane, waits) : new ArmGate(o.api, new ReadBudget(), lane, o.clock, undefined, waits);
    this.log = o.logger.child({ component: 'tracker-service' });
    this.limits = { ...DEFAULT_TRACKING_LIMITS, ...o.limits };
    this.followers = new FollowerSlots(this.limits.followersPerConversation, this.limits.followersTotal);
    const durations = o.historyReads === false ? undefined : durationsOf(o.store);
    if (durations) this.eta = new EtaSource(durations, this.log);
  }

  admitFollower(conversationId: string): FollowerAdmission {
    return this.followers.admit(conversationId);
  }

  /** The answer to a user whose track a cap refused. */
  private capped(cap: SubscribeCapKind, jobKey: string, conversationId: string): Capped {
    const limit = this.limits[cap];
    this.log.info({ jobKey, conversationId, cap, limit }, 'track refused by a cap');
    return { ok: false, error: 'capped', cap, limit, message: `${cap} limit of ${limit} reached` };
  }

  /**
   * Subscribes when the caps allow: the store checks them and inserts in one atomic step (a SQLite
   * write transaction, a Redis script), so concurrent tracks, here or in other instances, neither
   * overshoot a cap nor wait for one another. Else says which cap.
   */
  private async subscribeWithin(
    job: { jobKey: string; vault: VaultId; jobId: string; lastJob?: BackupJob; nextPollAt: number },
    subscriber: SubscriberInput,
    now: number,
  ): Promise<Capped | { jobCreated: boolean; subscriptionCreated: boolean }> {
    const result = await this.o.store.subscribe(job, subscriber, now, this.limits);
    return result.refused ? this.capped(result.refused, job.jobKey, subscriber.conversationId) : result;
  }

  async track(key: JobKey, subscriber: SubscriberInput, opts: TrackOptions = {}): Promise<TrackOutcome> {
    const jobKey = jobKeyString(key);
    // A conversation at a cap spends no read; subscribing checks again, atomically.
    const early = await this.o.store.refusedBy(jobKey, subscriber.conversationId, false, this.limits);
    if (early) return this.capped(early, jobKey, subscriber.conversationId);
    const read = await this.read(key);
    if (!read.ok) {
      if (read.error !== 'transient' && read.error !== 'throttled') return read;
      // Azure may heal: subscribe without a first state (pending, within its own small cap); the
      // poller's failure handling applies, its first successful read posts the card, and a job
      // still unconfirmed after the pending time is dropped with a notice.
      await opts.after?.catch(() => undefined); // a failed earlier track must not block this one
      const now = this.o.clock.now();
      const result = await this.subscribeWithin(
        { jobKey, vault: key.vault, jobId: key.jobId.toLowerCase(), nextPollAt: this.firstPollAt(key.vault, now) },
        subscriber,
        now,
      );
      if ('cap' in result) return result;
      this.log.info(
        { jobKey, conversationId: subscriber.conversationId, jobCreated: result.jobCreated, error: read.error },
        'tracking before the first read',
      );
      if (result.jobCreated) this.o.engine?.wake();
      return { ...read, subscribed: true };
    }
    const job = read.job;
    if (isTerminal(job.status)) {
      await this.eta?.record(key.vault, [job]);
      const existing = await this.o.store.getJob(jobKey);
      const subscribed =
        existing?.state === 'active' &&
        (await this.o.store.getSubscribers(jobKey)).some((s) => s.conversationId === subscriber.conversationId);
      return { ok: true, job, alreadyTracked: subscribed, finished: true };
    }
    const eta = await this.eta?.basisFor(key.vault, job, this.o.clock.now(), this.gate);
    await opts.after?.catch(() => undefined); // a failed earlier track must not block this one
    const now = this.o.clock.now();
    const nextPollAt = this.firstPollAt(key.vault, now);
    const result = await this.subscribeWithin(
      { jobKey, vault: key.vault, jobId: key.jobId.toLowerCase(), lastJob: job, nextPollAt },
      subscriber,
      now,
    );
    if ('cap' in result) return result;
    this.log.info({ jobKey, conversationId: subscriber.conversationId, jobCreated: result.jobCreated }, 'tracking');
    if (result.jobCreated) this.o.engine?.wake();
    return { ok: true, job, alreadyTracked: !result.subscriptionCreated, finished: false, ...(eta ? { eta } : {}) };
  }

  recordCard(jobKey: string, conversationId: string, activityId: string, digest: string): Promise<void> {
    return this.o.store.setCard(jobKey, conversationId, activityId, digest);
  }

  async untrack(key: JobKey, conversationId: string): Promise<boolean> {
    const remaining = await this.o.store.unsubscribe(jobKeyString(key), conversationId);
    return remaining >= 0;
  }

  async listForConversation(conversationId: string): Promise<TrackedEntry[]> {
    const rows = await this.o.store.listByConversation(conversationId);
    return rows.map(({ job, subscriber }) => ({
      key: { vault: job.vault, jobId: job.jobId },
      jobKey: job.jobKey,
      ...(job.lastJob ? { lastJob: job.lastJob } : {}),
      subscriber,
    }));
  }

  dropConversation(conversationId: string): Promise<number> {
    return this.o.store.dropConversation(conversationId);
  }

  /**
   * Reads the job now and returns it; the caller updates the card and records it with
   * `recordCard`, after which the poller sends no duplicate of that state.
   */
  async refresh(key: JobKey, conversationId: string): Promise<ReadOutcome> {
    const read = await this.read(key);
    if (!read.ok) return read;
    const jobKey = jobKeyString(key);
    const record = await this.o.store.getJob(jobKey);
    const subscribed =
      record?.state === 'active' && (await this.o.store.getSubscribers(jobKey)).some((s) => s.conversationId === conversationId);
    const finished = isTerminal(read.job.status);
    const eta = finished ? undefined : await this.eta?.basisFor(key.vault, read.job, this.o.clock.now());
    return { ok: true, job: read.job, alreadyTracked: subscribed, finished, ...(eta ? { eta } : {}) };
  }

  private firstPollAt(vault: VaultId, now: number): number {
    return this.o.engine ? this.o.engine.firstPollAt(vault, now) : now + this.o.pollIntervalMs;
  }

  private async read(key: JobKey): Promise<{ ok: true; job: BackupJob } | Extract<ReadOutcome, { ok: false }>> {
    // A user is waiting: a short wait for the budget beats an error. The lane waits for a reserved
    // token itself; a second try covers an answer that paused the subscription only briefly (a 429
    // with a short Retry-After, or the shared budget of several instances).
    let read = await this.gate.getJob(key);
    if (read.kind === 'deferred' && read.until - this.o.clock.now() <= MAX_WAIT_FOR_BUDGET_MS) read = await this.gate.getJob(key);
    if (read.kind === 'ok') return { ok: true, job: read.value };
    if (read.kind === 'deferred') {
      const retryAfterMs = Math.max(1000, read.until - this.o.clock.now());
      const seconds = Math.ceil(retryAfterMs / 1000);
      return { ok: false, error: 'throttled', message: `Azure's read limit is reached; try again in ${seconds} s.`, retryAfterMs };
    }
    const f = read.failure;
    if (f.kind === 'forbidden')
      return { ok: false, error: f.kind, message: f.message, requiredRole: f.requiredRole ?? DEFAULT_REQUIRED_ROLE };
    return { ok: false, error: f.kind, message: f.message };
  }

  /** Bot removed from a team or the team deleted: the subscriptions of all its channels. */
  dropTeam(teamId: string): Promise<number> {
    return this.o.store.dropTeam(teamId);
  }
}
