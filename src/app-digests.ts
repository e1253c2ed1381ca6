/**
 * Composition of the daily digests: with SQLite the Digester's own loop schedules them from the
 * store; with Redis each digest is a BullMQ job scheduler (scaleout/digest-queue.ts), sent once
 * across instances. Beside app.ts, which stays the one composition root.
 */
import type { ConnectionOptions } from 'bullmq';
import type { Clock } from './core/clock';
import type { Logger } from './core/logger';
import type { DigestStore } from './store/types';
import type { ArmGate } from './tracker/arm-gate';
import { Digester } from './tracker/digester';
import { DigestServiceImpl } from './tracker/digest-service';

export interface DigestParts {
  readonly digester: Digester;
  readonly digests: DigestServiceImpl;
  /** Starts the scheduling: its first round sends a digest missed while the bot was away (< 6 h late) or skips it. */
  start(): Promise<void>;
  stop(timeoutMs: number): Promise<void>;
}

export async function buildDigests(o: {
  store: DigestStore;
  gate: ArmGate;
  clock: Clock;
  logger: Logger;
  owner: string;
  onSent: () => void;
  /** Redis: BullMQ's connection and prefix. */
  queue?: { connection: ConnectionOptions; prefix: string };
}): Promise<DigestParts> {
  if (!o.queue) {
    const digester = new Digester(o);
    return {
      digester,
      digests: new DigestServiceImpl({ store: o.store, clock: o.clock, wake: () => digester.wake() }),
      start: () => Promise.resolve(digester.start()),
      stop: (ms) => digester.stop(ms),
    };
  }
  const { DigestQueue } = await import('./scaleout/digest-queue');
  // Each other's: the digester gives a digest its catch-up round claimed a scheduler (one set before
  // this queue existed, or whose upsert failed); the queue's jobs run the digester.
  const digester: Digester = new Digester({ ...o, onClaimed: (d) => queue.schedule(d) });
  const queue = new DigestQueue({ digester, clock: o.clock, logger: o.logger, ...o.queue });
  return {
    digester,
    digests: new DigestServiceImpl({ store: o.store, clock: o.clock, schedule: queue }),
    start: () => queue.start(),
    stop: (ms) => queue.stop(ms),
  };
}
