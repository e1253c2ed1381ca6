/**
 * Poll rounds as BullMQ jobs, so that several instances share them.
 *
 * The seam is `Tracker.tick()`: one round that claims the due jobs from the store with a lease,
 * polls them through the vault strategy and commits each decision with its outbox messages.
 * BullMQ decides where and when a round runs; the store's leases decide which jobs it polls.
 *
 * - A round is a delayed BullMQ job "tick" due at the store's next due time (the tracker's
 *   decisions), with the due time as its job id, so every instance that schedules the same round
 *   adds the same job and it runs once, on whichever instance's worker takes it. After a round,
 *   its worker schedules the next one.
 * - Rounds due at different times (vaults have different phases) run in parallel on different
 *   instances; a vault's cohort is claimed by one round, so one BackupJobs_List still serves it.
 * - An instance that dies mid-round stops renewing the BullMQ lock: another worker's stalled
 *   check puts the round back and runs it again; the jobs the dead round had claimed come back
 *   when their store leases expire (that round re-schedules itself until they do).
 * - A job scheduler ("heartbeat", every poll interval) adds a round even if a chain of rounds
 *   was lost (a failure between a round and scheduling its successor).
 *
 * BullMQ delays are wall-clock milliseconds: run this with the system clock.
 */
import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { connectionErrorLog } from '../core/repeat-limiter';
import { closeWithin } from './close-worker';
import type { JobStore } from '../store/types';
import type { TickStats } from '../tracker/engine-contract';
import { METRICS, telemetry } from '../core/telemetry';

export interface PollQueueOptions {
  /** One round of the tracker (`Tracker.tick`). */
  readonly tick: () => Promise<TickStats>;
  /** Where the next round's due time comes from. */
  readonly store: Pick<JobStore, 'nextDueAt'>;
  readonly connection: ConnectionOptions;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly pollIntervalMs: number;
  /** BullMQ key prefix (default `bj-bull`); instances of one bot share it. */
  readonly prefix?: string;
  readonly queueName?: string;
  /** How long a round may run without its worker renewing the lock before others take it over (default 30 s). */
  readonly lockDurationMs?: number;
  /** How often workers look for rounds of dead instances (default 15 s). */
  readonly stalledIntervalMs?: number;
  /** After every round on this instance (e.g. wake the local dispatcher when it enqueued messages). */
  readonly afterTick?: (stats: TickStats) => void;
}

const TICK = 'tick';
const HEARTBEAT_ID = 'bj-heartbeat';

export class PollQueue {
  private readonly log: Logger;
  private queue?: Queue;
  private worker?: Worker;
  private started?: Promise<void>;
  private stopped = false;
  private removeInstancesGauge?: () => void;

  constructor(private readonly o: PollQueueOptions) {
    this.log = o.logger.child({ component: 'poll-queue' });
  }

  /** Creates the queue and this instance's worker, and makes sure rounds are scheduled. Idempotent. */
  start(): Promise<void> {
    this.started ??= this.open();
    return this.started;
  }

  /** Something became due (a job was tracked): schedule the round for it. Never throws. */
  wake(): void {
    if (!this.queue || this.stopped) return;
    this.scheduleFromStore().catch((err: unknown) => this.log.warn({ err }, 'could not schedule a poll round'));
  }

  /**
   * Stops taking rounds. A round in progress may finish within `timeoutMs`; after that the worker
   * is closed anyway: the round's BullMQ job stalls and another instance runs it again, and the
   * jobs it had claimed are polled again once their leases expire. Idempotent.
   */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.removeInstancesGauge?.();
    await this.started?.catch(() => undefined);
    await closeWithin(
      { worker: this.worker, queue: this.queue },
      {
        clock: this.o.clock,
        log: this.log,
        timeoutMs,
        busy: 'poll round still running at stop; leaving it to another instance',
        what: 'poll',
      },
    );
  }

  private async open(): Promise<void> {
    const { connection, pollIntervalMs } = this.o;
    const name = this.o.queueName ?? 'polls';
    const prefix = this.o.prefix ?? 'bj-bull';
    this.queue = new Queue(name, {
      connection,
      prefix,
      defaultJobOptions: {
        // Kept a while, so a round already run is not added again by a late scheduler.
        removeOnComplete: { age: Math.max(60, Math.ceil((10 * pollIntervalMs) / 1000)), count: 5000 },
        removeOnFail: { age: 24 * 3600, count: 1000 },
      },
    });
    // One limiter for the queue's and the worker's connections: they fail and recover together with their Redis.
    const connectionLog = connectionErrorLog({ logger: this.log, clock: this.o.clock, message: 'poll queue connection error' });
    this.queue.on('error', connectionLog.onError);
    // Queue and Worker do not re-emit 'ready' after a reconnect; their Redis backend does.
    this.queue.getBackend().on('ready', connectionLog.onReady);
    await this.queue.upsertJobScheduler(
      HEARTBEAT_ID,
      { every: pollIntervalMs },
      { name: TICK, data: { heartbeat: true }, opts: { removeOnComplete: true, removeOnFail: true } },
    );
    this.worker = new Worker(name, (job: Job) => this.process(job), {
      connection,
      prefix,
      concurrency: 1,
      lockDuration: this.o.lockDurationMs ?? 30_000,
      stalledInterval: this.o.stalledIntervalMs ?? 15_000,
      // A round that stalls on several dead instances in a row is still worth running.
      maxStalledCount: 10,
    });
    this.worker.on('error', connectionLog.onError);
    this.worker.getBackend().on('ready', connectionLog.onReady);
    this.worker.on('failed', (job: Job | undefined, err: Error) => this.log.warn({ err, round: job?.id }, 'poll round failed'));
    await this.worker.waitUntilReady();
    await this.scheduleFromStore();
    this.log.info({ queue: name, prefix }, 'poll queue started');
    // Workers BullMQ sees on this queue: the instances sharing the work (each reports the same count; chart the max).
    const queue = this.queue;
    this.removeInstancesGauge = telemetry().gauge(METRICS.instances, 'Bot instances taking poll rounds (BullMQ workers)', async () => [
      [await queue.getWorkersCount()],
    ]);
  }

  private async process(job: Job): Promise<void> {
    let stats: TickStats;
    try {
      stats = await this.o.tick();
    } catch (err) {
      // Even after a failed round: the chain of rounds must go on.
      await this.scheduleFromStore().catch((e: unknown) => this.log.warn({ err: e, round: job.id }, 'could not schedule the next round'));
      throw err;
    }
    await this.scheduleFromStore(stats).catch((err: unknown) => this.log.warn({ err, round: job.id }, 'could not schedule the next round'));
    if (stats.claimed > 0) this.log.debug({ round: job.id, ...stats }, 'poll round done');
    try {
      this.o.afterTick?.(stats);
    } catch (err) {
      this.log.warn({ err }, 'afterTick threw');
    }
  }

  /** Adds the round for the earliest due job; when that is already due, a round right away or soon. */
  private async scheduleFromStore(last?: TickStats): Promise<void> {
    const queue = this.queue;
    if (!queue) return;
    const next = await this.o.store.nextDueAt();
    if (next === undefined) return;
    const now = this.o.clock.now();
    let at = next;
    if (next <= now) {
      // Due now: either more than one round's worth (then go on at once, perhaps on another
      // instance) or claimed by a round elsewhere / by a dead instance (then look again soon,
      // on a grid so that all instances add the same round instead of one each).
      const gap = Math.min(1_000, this.o.pollIntervalMs);
      at = last !== undefined && last.claimed > 0 ? now : Math.ceil((now + gap) / gap) * gap;
    }
    await queue.add(TICK, { at }, { jobId: `tick-${at}`, delay: Math.max(0, at - now) });
  }
}
