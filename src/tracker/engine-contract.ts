/**
 * The polling engine's contract: what it is given (TrackerOptions, the store it needs), what it
 * reports (TrackerEvent) and what one round did (TickStats). Kept apart from the engine so the
 * composition root, the scale-out queue and tests can name them without the implementation.
 */
import type { BackupJobsApi } from '../azure/types';
import type { BackupJob } from '../domain/job';
import type { EndReason } from '../domain/subscriber';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { JobStore, SubscriptionStore } from '../store/types';
import type { ReadEvent } from './arm-gate';
import type { BudgetOptions, ReadBudget } from './budget';
import type { Observation, ScheduleOptions } from './schedule';
import type { SharedVaultLists } from './shared-list';
import type { StrategyName } from './strategy';

export type TrackerEvent =
  | ({ readonly type: 'read'; readonly at: number } & ReadEvent)
  | { readonly type: 'poll'; readonly at: number; readonly jobKey: string; readonly observation: Observation['kind'] | 'deferred' }
  | { readonly type: 'ended'; readonly at: number; readonly jobKey: string; readonly reason: EndReason; readonly job?: BackupJob }
  | {
      readonly type: 'message';
      readonly at: number;
      readonly jobKey: string;
      readonly conversationId: string;
      readonly kind: 'card' | 'final' | 'notice';
    };

/** What the tracker needs of the store: leased polls, and the subscribers a decision's messages go to. */
export type TrackerStore = JobStore & Pick<SubscriptionStore, 'getSubscribers'>;

export interface TrackerOptions {
  readonly store: TrackerStore;
  readonly api: BackupJobsApi;
  readonly clock: Clock;
  readonly logger: Logger;
  /** This process's id, written on leases. */
  readonly owner: string;
  readonly pollIntervalMs: number;
  readonly strategy?: StrategyName;
  /** Lists of vaults also watched come from the watcher's sweep (the default strategy). */
  readonly sharedLists?: SharedVaultLists;
  /** Concurrent ARM requests (default 8). */
  readonly concurrency?: number;
  /** Lease on claimed jobs (default max(60 s, 4 P)). */
  readonly leaseMs?: number;
  /** Jobs claimed per round (default 500). */
  readonly claimLimit?: number;
  /** A shared budget (so the track command spends from the same bucket), or options for a new one. */
  readonly budget?: ReadBudget | Partial<BudgetOptions>;
  readonly maxTrackingMs?: number;
  /** How long a job tracked without a first snapshot may stay unconfirmed (default 10 min). */
  readonly pendingTtlMs?: number;
  readonly unreachableNoticeAfterMs?: number;
  /** Fine-tuning of the schedule (benchmarks). */
  readonly schedule?: Partial<Omit<ScheduleOptions, 'pollIntervalMs'>>;
  readonly random?: () => number;
  readonly onEvent?: (event: TrackerEvent) => void;
}

export interface TickStats {
  readonly claimed: number;
  readonly committed: number;
  readonly deferred: number;
  readonly ended: number;
  readonly messages: number;
  /** ARM requests spent in this round. */
  readonly reads: number;
}
