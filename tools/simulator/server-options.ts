import type http from 'node:http';
import type { Clock } from '../../src/core/clock';
import type { Logger } from '../../src/core/logger';
import type { RoleOptions } from './roles';
import type { SimJobSpec } from './spec';

export interface SimulatorServerOptions {
  clock: Clock;
  jobs?: SimJobSpec[];
  /** Seeded source for fault rates; default a fixed seed, so runs replay. */
  random?: () => number;
  logger?: Logger;
  /** ARM's throttling model (capacity 250, refill 25/s per subscription): when set, an empty bucket answers 429. */
  armThrottle?: { capacity: number; refillPerSecond: number };
  /** Real milliseconds added before every answer (the inbound benchmark's slow Azure). */
  latencyMs?: number;
  /** BackupJobs_List page size; default 50. */
  pageSize?: number;
  /** Simulator time a cancelled job spends in Cancelling; default 20 s. */
  cancelDelayMs?: number;
  /** Simulator time until a cancel's operation result says 204; default 2 s. */
  cancelAcceptMs?: number;
  /** Azure RBAC per principal per vault (roles.ts); off by default: every request is allowed. */
  roles?: RoleOptions;
  /** Simulator time from a Backups_Trigger to its job; default 5 s. */
  triggerDelayMs?: number;
  /**
   * Called first for every request, before the clock is read: the tracker benchmark runs the
   * simulator in its own process and sets that process's clock from a header the bot side stamps.
   */
  onRequest?: (req: http.IncomingMessage) => void;
}
