/**
 * Daily digests on Redis as BullMQ job schedulers, so that several instances send each one once.
 *
 * - Each conversation's digest is a job scheduler (id from the conversation) with the cron pattern
 *   of its local time and its IANA zone: BullMQ adds the job of the next occurrence, across DST
 *   (the unit test checks its times equal `nextDigestAt`'s). `digest daily` upserts it (a new time
 *   replaces the pattern), `digest off` removes it.
 * - The job runs on one instance's worker, which sends through `Digester.sendDue`: the store's
 *   lease and per-day record stay the exactly-once guard, because a BullMQ job can run twice
 *   (a stalled worker's job is run again elsewhere).
 * - A "catch-up" job scheduler, every few minutes, and one round on start run `Digester.tick`:
 *   a digest missed while no instance ran (< 6 h late: sent once; later: skipped with a log line),
 *   one whose send failed (once its lease expires), or one whose scheduler is missing (set before
 *   this queue existed, or its upsert failed) goes out then and gets its scheduler.
 *
 * BullMQ schedules by the wall clock: run this with the system clock.
 */
import { createHash } from 'node:crypto';
import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { connectionErrorLog } from '../core/repeat-limiter';
import { closeWithin } from './close-worker';
import type { DigestInput } from '../domain/digest';
import type { Digester } from '../tracker/digester';
import { parseTimeOfDay } from '../tracker/digest-time';

export interface DigestQueueOptions {
  readonly digester: Pick<Digester, 'sendDue' | 'tick'>;
  readonly connection: ConnectionOptions;
  readonly clock: Clock;
  readonly logger: Logger;
  /** BullMQ key prefix; instances of one bot share it. */
  readonly prefix: string;
  readonly queueName?: string;
  /** How often the catch-up round runs (default 5 min). */
  readonly catchUpEveryMs?: number;
}

/** The conversation a digest job is for. */
interface DigestJobData {
  readonly conversationId: string;
}

export const DIGEST_QUEUE_NAME = 'digests';
const DIGEST = 'digest';
const CATCH_UP = 'catch-up';
const CATCH_UP_ID = 'bj-digest-catch-up';

/** `HH:MM` → the daily cron pattern BullMQ repeats (minute hour, every day). */
export function digestCron(at: string): { readonly pattern: string } {
  const tod = parseTimeOfDay(at);
  if (!tod) throw new RangeError(`not a time of day: ${at}`);
  return { pattern: `${tod.mm} ${tod.hh} * * *` };
}

/** The scheduler id of a conversation's digest: conversation ids hold `:` and `;`, which BullMQ reads in its own keys. */
export function digestSchedulerId(conversationId: string): string {
  return `digest-${createHash('sha256').update(conversationId).digest('hex').slice(0, 32)}`;
}

export class DigestQueue {
  private readonly log: Logger;
  private queue?: Queue;
  private worker?: Worker;
  private started?: Promise<void>;
  private stopped = false;

  constructor(private readonly o: DigestQueueOptions) {
    this.log = o.logger.child({ component: 'digest-queue' });
  }

  /** Creates the queue and this instance's worker, then runs one catch-up round. Idempotent. */
  start(): Promise<void> {
    this.started ??= this.open();
    return this.started;
  }

  /** Sets or replaces the conversation's scheduler (time or zone changed). */
  async schedule(d: Pick<DigestInput, 'conversationId' | 'at' | 'timeZone'>): Promise<void> {
    const queue = await this.ready();
    await queue.upsertJobScheduler(
      digestSchedulerId(d.conversationId),
      { ...digestCron(d.at), tz: d.timeZone },
      { name: DIGEST, data: { conversationId: d.conversationId } satisfies DigestJobData },
    );
  }

  /** Removes the conversation's scheduler and its next job (`digest off`). */
  async unschedule(conversationId: string): Promise<void> {
    const queue = await this.ready();
    await queue.removeJobScheduler(digestSchedulerId(conversationId));
  }

  /** Stops taking jobs; a digest being sent may finish within `timeoutMs`, else another instance runs it again. Idempotent. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.started?.catch(() => undefined);
    await closeWithin(
      { worker: this.worker, queue: this.queue },
      {
        clock: this.o.clock,
        log: this.log,
        timeoutMs,
        busy: 'digest still being sent at stop; leaving it to another instance',
        what: 'digest',
      },
    );
  }

  private async ready(): Promise<Queue> {
    // Not waiting for the start to end: its catch-up round schedules the digests it claims.
    if (this.queue && !this.stopped) return this.queue;
    await this.start();
    if (!this.queue || this.stopped) throw new Error('the digest queue is stopped');
    return this.queue;
  }

  private async open(): Promise<void> {
    const { connection, prefix } = this.o;
    const name = this.o.queueName ?? DIGEST_QUEUE_NAME;
    this.queue = new Queue(name, {
      connection,
      prefix,
      defaultJobOptions: {
        // No BullMQ retry: a digest whose send failed keeps its store lease for 5 minutes, and the
        // catch-up round after that sends it (within the six hours it stays worth sending).
        attempts: 1,
        removeOnComplete: { age: 7 * 24 * 3600, count: 1000 },
        removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
      },
    });
    const connectionLog = connectionErrorLog({ logger: this.log, clock: this.o.clock, message: 'digest queue connection error' });
    this.queue.on('error', connectionLog.onError);
    this.queue.getBackend().on('ready', connectionLog.onReady);
    await this.queue.upsertJobScheduler(
      CATCH_UP_ID,
      { every: this.o.catchUpEveryMs ?? 5 * 60_000 },
      { name: CATCH_UP, opts: { attempts: 1, removeOnComplete: true, removeOnFail: true } },
    );
    this.worker = new Worker(name, (job: Job) => this.process(job), { connection, prefix, concurrency: 2, maxStalledCount: 10 });
    this.worker.on('error', connectionLog.onError);
    this.worker.getBackend().on('ready', connectionLog.onReady);
    this.worker.on('failed', (job: Job | undefined, err: Error) => this.log.warn({ err, job: job?.id }, 'digest job failed'));
    await this.worker.waitUntilReady();
    this.log.info({ queue: name, prefix }, 'digest queue started');
    // A digest missed while no instance ran goes out (or is skipped) now, not at the next catch-up.
    await this.catchUp();
  }

  private async process(job: Job): Promise<void> {
    if (job.name === CATCH_UP) return this.catchUp();
    const { conversationId } = job.data as DigestJobData;
    // The occurrence the scheduler added this job for (BullMQ's prevMillis); a job added by hand has none.
    const occurrenceAt = job.opts.prevMillis ?? job.timestamp;
    const outcome = await this.o.digester.sendDue(conversationId, occurrenceAt);
    if (outcome === 'gone') await this.unschedule(conversationId);
    this.log.info({ conversationId, job: job.id, outcome }, 'digest job done');
  }

  private async catchUp(): Promise<void> {
    const stats = await this.o.digester.tick().catch((err: unknown) => {
      this.log.warn({ err }, 'digest catch-up round failed');
      return undefined;
    });
    if (stats && stats.claimed > 0) this.log.info(stats, 'digest catch-up round');
  }
}
