/**
 * The tracker engine with its rounds scheduled by BullMQ instead of the in-process loop: the
 * same claims, strategies, pure schedule and commits (everything but `start`/`stop`/`wake` is
 * the Tracker's own), so a bot with `STATE_STORE=redis://…` swaps this in where it would build a
 * `Tracker`, and the TrackerService (which wakes its engine on a new job) needs no change.
 */
import { Tracker } from '../tracker/engine';
import type { TrackerOptions } from '../tracker/engine-contract';
import { PollQueue, type PollQueueOptions } from './poll-queue';

export type QueuedTrackerOptions = TrackerOptions & {
  readonly queue: Omit<PollQueueOptions, 'tick' | 'store' | 'clock' | 'logger' | 'pollIntervalMs'>;
};

export class QueuedTracker extends Tracker {
  readonly queue: PollQueue;
  private readonly queueLog: TrackerOptions['logger'];

  constructor(options: QueuedTrackerOptions) {
    super(options);
    this.queueLog = options.logger;
    this.queue = new PollQueue({
      ...options.queue,
      tick: () => this.tick(),
      store: options.store,
      clock: options.clock,
      logger: options.logger,
      pollIntervalMs: options.pollIntervalMs,
    });
  }

  /** Joins the instances polling through the queue. Never throws (a failed start is logged); see `ready()`. */
  override start(): void {
    this.queue.start().catch((err: unknown) => this.queueLog.error({ err }, 'poll queue failed to start'));
  }

  /** Resolves once this instance's worker is taking rounds; rejects when it could not start. */
  ready(): Promise<void> {
    return this.queue.start();
  }

  override wake(): void {
    this.queue.wake();
  }

  /** Stops taking rounds; a round in progress finishes within `timeoutMs` or is left to the other instances. */
  override async stop(timeoutMs = 10_000): Promise<void> {
    await this.queue.stop(timeoutMs);
  }
}
