/**
 * The polling engine: claims due jobs with a lease, reads them through the vault strategy within
 * the read budget, decides with the pure schedule, and commits each job's new state together with
 * its outbox messages. `tick()` is one round (tests and the benchmark drive it on a VirtualClock);
 * `start()` runs rounds in the background until `stop()`.
 */
import type { BackupJob, VaultId } from '../domain/job';
import { vaultKeyString } from '../azure/ids';
import type { Logger } from '../core/logger';
import type { TrackedJobRecord } from '../store/types';
import { ArmGate, type ReadEvent } from './arm-gate';
import { ReadBudget } from './budget';
import { toOutbox } from './messages';
import {
  decide,
  defaultScheduleOptions,
  deferred,
  isExpired,
  isUnconfirmed,
  parseSchedule,
  scheduleToJson,
  type Observation,
  type ScheduleOptions,
} from './schedule';
import { DeferSpreader } from './defer-spread';
import { Semaphore } from './semaphore';
import type { DueJob, PollStrategy, StrategyObservation } from './strategy';
import { NaiveStrategy } from './strategy-naive';
import { SweepStrategy } from './strategy-sweep';
import { BackgroundLoop } from './loop';
import type { TickStats, TrackerEvent, TrackerOptions } from './engine-contract';
import { METRICS, telemetry } from '../core/telemetry';
import { durationsOf, EtaSource } from './eta-source';

/** BackupJobs_List page size (ARM's): the reads a deferred vault sweep will need. */
export class Tracker {
  readonly gate: ArmGate;
  readonly strategy: PollStrategy;
  readonly scheduleOptions: ScheduleOptions;
  private readonly o: TrackerOptions;
  private readonly leaseMs: number;
  private readonly claimLimit: number;
  private readonly random: () => number;
  private readonly log: Logger;
  private readonly loop: BackgroundLoop;
  /** Claimed and not yet committed, so stop() can release them. */
  private readonly inFlight = new Set<string>();
  private abort = new AbortController();
  private readonly deferSpread: DeferSpreader;
  /** Estimates from past runs, when the store keeps durations. */
  private readonly eta?: EtaSource;

  constructor(options: TrackerOptions) {
    this.o = options;
    const p = options.pollIntervalMs;
    if (!(p > 0)) throw new RangeError(`pollIntervalMs must be positive, got ${p}`);
    this.leaseMs = options.leaseMs ?? Math.max(60_000, 4 * p);
    this.claimLimit = options.claimLimit ?? 500;
    this.random = options.random ?? Math.random;
    this.log = options.logger.child({ component: 'tracker' });
    const budget = options.budget instanceof ReadBudget ? options.budget : new ReadBudget(options.budget);
    const onRead = options.onEvent ? (e: ReadEvent) => options.onEvent?.({ type: 'read', at: options.clock.now(), ...e }) : undefined;
    this.gate = new ArmGate(options.api, budget, new Semaphore(options.concurrency ?? 8), options.clock, onRead);
    this.scheduleOptions = {
      ...defaultScheduleOptions(p),
      ...options.schedule,
      ...(options.maxTrackingMs !== undefined ? { maxTrackingMs: options.maxTrackingMs } : {}),
      ...(options.pendingTtlMs !== undefined ? { pendingTtlMs: options.pendingTtlMs } : {}),
      ...(options.unreachableNoticeAfterMs !== undefined ? { unreachableNoticeAfterMs: options.unreachableNoticeAfterMs } : {}),
    };
    this.strategy =
      (options.strategy ?? 'default') === 'naive'
        ? new NaiveStrategy(p)
        : new SweepStrategy({
            pollIntervalMs: p,
            windowMarginMs: 60_000,
            minJobsToList: 2,
            ...(options.sharedLists ? { lists: options.sharedLists } : {}),
          });
    this.deferSpread = new DeferSpreader(this.strategy.name === 'naive', () => budget.options.refillPerSec, p);
    const durations = durationsOf(options.store);
    if (durations) this.eta = new EtaSource(durations, this.log);
    this.loop = new BackgroundLoop({
      clock: options.clock,
      logger: this.log,
      round: async () => (await this.tick()).claimed >= this.claimLimit,
      nextAt: () => options.store.nextDueAt(),
      idleMs: p,
    });
  }

  /** When a newly tracked job of `vault` should first be polled (its vault's next tick). */
  firstPollAt(vault: VaultId, now: number): number {
    return this.strategy.nextTick(vault, now);
  }

  /** Runs rounds in the background until stop(). Never throws. */
  start(): void {
    this.abort = new AbortController();
    this.loop.start();
  }

  /** Poll now instead of sleeping (e.g. a job was just tracked). */
  wake(): void {
    this.loop.wake();
  }

  /** Stops scheduling, lets in-flight work finish up to `timeoutMs`, then aborts it and releases its leases. */
  async stop(timeoutMs = 10_000): Promise<void> {
    const finished = await this.loop.stop(timeoutMs);
    if (finished) return;
    this.abort.abort(new Error('tracker stopping'));
    const keys = [...this.inFlight];
    this.inFlight.clear();
    await Promise.all(
      keys.map((k) =>
        this.o.store.releaseJob(this.o.owner, k).catch((e: unknown) => this.log.warn({ err: e, jobKey: k }, 'release failed')),
      ),
    );
  }

  /** One round: claim what is due now, poll it, commit it. Resolves when all of it is done. One span. */
  tick(): Promise<TickStats> {
    return telemetry().span('poll round', {}, async (span) => {
      const stats = await this.round();
      span.setAttributes({ 'poll.claimed': stats.claimed, 'poll.reads': stats.reads, 'poll.ended': stats.ended });
      return stats;
    });
  }

  private async round(): Promise<TickStats> {
    const { store, clock, owner } = this.o;
    const readsBefore = this.gate.reads;
    const claimed = await store.claimDueJobs(owner, clock.now(), this.leaseMs, this.claimLimit);
    for (const r of claimed) this.inFlight.add(r.jobKey);
    // Reads take budget tokens in this order: the jobs that have waited longest first.
    const due = claimed.map((record) => ({ record, schedule: parseSchedule(record.schedule) }));
    const waitedSince = (j: DueJob): number => j.schedule.dueSince ?? j.record.nextPollAt;
    due.sort((a, b) => waitedSince(a) - waitedSince(b));
    const groups = new Map<string, { vault: VaultId; jobs: DueJob[] }>();
    for (const j of due) {
      const k = vaultKeyString(j.record.vault);
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { vault: j.record.vault, jobs: [] }));
      g.jobs.push(j);
    }
    const totals = { committed: 0, deferred: 0, ended: 0, messages: 0 };
    await Promise.all(
      [...groups.values()].map(async (g) => {
        try {
          await this.pollVault(g.vault, g.jobs, totals);
        } catch (error) {
          // A store failure: leave the leases to expire, the jobs are polled again then.
          this.log.error({ err: error, vault: vaultKeyString(g.vault) }, 'poll round failed for vault');
        } finally {
          for (const j of g.jobs) this.inFlight.delete(j.record.jobKey);
        }
      }),
    );
    return { claimed: claimed.length, ...totals, reads: this.gate.reads - readsBefore };
  }

  private async pollVault(
    vault: VaultId,
    jobs: DueJob[],
    totals: { committed: number; deferred: number; ended: number; messages: number },
  ): Promise<void> {
    const now = this.o.clock.now();
    const eta = this.eta;
    if (eta) {
      jobs = await Promise.all(
        jobs.map(async (j) => ({ ...j, schedule: await eta.prepare(vault, j.record.lastJob, j.schedule, now, this.scheduleOptions) })),
      );
    }
    const live: DueJob[] = [];
    const observations = new Map<string, StrategyObservation>();
    for (const j of jobs) {
      if (isExpired(j.record.createdAt, now, this.scheduleOptions)) observations.set(j.record.jobKey, { kind: 'expired' });
      else if (isUnconfirmed(j.record.createdAt, j.record.lastJob, now, this.scheduleOptions))
        observations.set(j.record.jobKey, { kind: 'unconfirmed' });
      else live.push(j);
    }
    if (live.length > 0) {
      const seen = await this.strategy.observe(vault, live, {
        now,
        pollIntervalMs: this.o.pollIntervalMs,
        gate: this.gate,
        signal: this.abort.signal,
      });
      for (const [k, v] of seen) observations.set(k, v);
    }
    this.deferSpread.spread(vault, jobs, observations, now);
    for (const j of jobs) {
      const obs = observations.get(j.record.jobKey) ?? { kind: 'deferred' as const, until: now + this.o.pollIntervalMs };
      if (this.abort.signal.aborted) {
        await this.o.store.releaseJob(this.o.owner, j.record.jobKey);
        continue;
      }
      this.emit({ type: 'poll', at: this.o.clock.now(), jobKey: j.record.jobKey, observation: obs.kind });
      if (obs.kind === 'deferred') {
        totals.deferred++;
        const schedule = scheduleToJson(deferred(j.schedule, j.record.nextPollAt));
        const nextPollAt = this.notAfterPendingExpiry(j.record, undefined, obs.until, now);
        await this.o.store.commitPoll(this.o.owner, { jobKey: j.record.jobKey, nextPollAt, schedule }, []);
        continue;
      }
      await this.commit(j.record, j, obs, totals);
    }
  }

  private async commit(
    record: TrackedJobRecord,
    due: DueJob,
    observation: Observation,
    totals: { committed: number; ended: number; messages: number },
  ): Promise<void> {
    const now = this.o.clock.now();
    const d = decide({
      now,
      lastJob: record.lastJob,
      schedule: due.schedule,
      observation,
      options: this.scheduleOptions,
      nextTick: (t) => this.strategy.nextTick(record.vault, t),
      random: this.random,
    });
    const key = { vault: record.vault, jobId: record.jobId };
    const subscribers = d.effects.length > 0 ? await this.o.store.getSubscribers(record.jobKey) : [];
    const messages = toOutbox(d.effects, key, subscribers, d.schedule.eta);
    const update = {
      jobKey: record.jobKey,
      nextPollAt: d.end ? d.nextPollAt : this.notAfterPendingExpiry(record, d.lastJob, d.nextPollAt, now),
      schedule: scheduleToJson(d.schedule),
      ...(d.lastJob ? { lastJob: d.lastJob } : {}),
      ...(d.end ? { end: d.end } : {}),
    };
    const ok = await telemetry().span('commit', { 'job.messages': messages.length }, () =>
      this.o.store.commitPoll(this.o.owner, update, messages),
    );
    if (!ok) {
      this.log.debug({ jobKey: record.jobKey }, 'lease lost or job untracked before commit; result discarded');
      return;
    }
    totals.committed++;
    totals.messages += messages.length;
    const at = this.o.clock.now();
    // Due → done: how late this poll's result landed against when the job was due (a deferred job counts from its first due time).
    telemetry()
      .histogram(METRICS.pollLag, 'Poll lag: from a job being due to its poll committed', 'ms')
      .record(Math.max(0, at - (due.schedule.dueSince ?? record.nextPollAt)));
    for (const m of messages) this.emit({ type: 'message', at, jobKey: record.jobKey, conversationId: m.conversationId, kind: m.kind });
    if (d.end === 'terminal' && d.lastJob) await this.eta?.record(record.vault, [d.lastJob]);
    if (d.end) {
      totals.ended++;
      this.log.info({ jobKey: record.jobKey, reason: d.end }, 'tracking ended');
      this.emit({ type: 'ended', at, jobKey: record.jobKey, reason: d.end, ...(d.lastJob ? { job: d.lastJob } : {}) });
    } else if (observation.kind === 'failed') {
      this.log.warn(
        { jobKey: record.jobKey, kind: observation.failure.kind, failures: d.schedule.failures },
        'poll failed; retrying later',
      );
    }
  }

  /**
   * A job still without a snapshot is looked at again when its pending time is over, however far
   * a 429 or the backoff pushed its next poll: an unconfirmed id is dropped on time.
   */
  private notAfterPendingExpiry(record: TrackedJobRecord, lastJob: BackupJob | undefined, at: number, now: number): number {
    if (record.lastJob !== undefined || lastJob !== undefined) return at;
    return Math.min(at, Math.max(now, record.createdAt + this.scheduleOptions.pendingTtlMs));
  }

  private emit(event: TrackerEvent): void {
    if (!this.o.onEvent) return;
    try {
      this.o.onEvent(event);
    } catch (error) {
      this.log.warn({ err: error }, 'onEvent listener threw');
    }
  }
}
