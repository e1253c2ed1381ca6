/**
 * Durable state of the bot behind one interface. Every backend (SQLite now, Redis later) passes
 * the conformance suite in test/conformance/store-conformance.ts.
 *
 * Exactly-once notices use a transactional outbox: the poll that sees a job end commits the
 * job's new state and one outbox message per subscriber in the same transaction; a dispatcher
 * claims messages with a lease, delivers them, and marks them sent. A crash between the
 * connector's 2xx and `completeMessage` is the only window in which a notice can be sent twice.
 */
import type { BackupJob, VaultId } from '../azure/types';
import type { EndReason, OutboundMessage, Subscriber, SubscriberInput } from '../tracker/ports';

export interface TrackedJobRecord {
  /** Canonical key: lower-case `subscriptionId/resourceGroup/vaultName/jobId`. */
  readonly jobKey: string;
  readonly vault: VaultId;
  readonly jobId: string;
  readonly createdAt: number;
  readonly state: 'active' | 'ended';
  readonly endReason?: EndReason;
  /** Last job snapshot read from Azure. */
  readonly lastJob?: BackupJob;
  /** Epoch ms when the next poll is due (active jobs only). */
  readonly nextPollAt: number;
  /** Tracker-private scheduling state (backoff step, failure streak, …), opaque to the store. */
  readonly schedule: Readonly<Record<string, unknown>>;
  readonly leaseOwner?: string;
  readonly leaseUntil?: number;
}

export interface JobUpdate {
  readonly jobKey: string;
  readonly lastJob?: BackupJob;
  readonly nextPollAt: number;
  readonly schedule: Readonly<Record<string, unknown>>;
  /** Set to end tracking (no more polls). */
  readonly end?: EndReason;
}

/** Messages to enqueue. `kind: 'card'` replaces any pending card message of the same subscriber (coalescing). */
export type OutboxInput = Omit<OutboundMessage, 'subscriber'> & { readonly conversationId: string };

export interface OutboxRecord {
  readonly id: number;
  readonly jobKey: string;
  readonly conversationId: string;
  readonly message: OutboundMessage;
  readonly attempts: number;
  readonly notBefore: number;
}

export interface StateStore {
  /** Creates or migrates the schema. Idempotent. */
  init(): Promise<void>;
  /** Idempotent; every later call rejects. */
  close(): Promise<void>;

  /**
   * Adds the subscriber to the job, creating the job (active, due at `nextPollAt`) when new.
   * Re-subscribing the same conversation updates its reference and requester, keeps its card.
   * An ended job is re-activated.
   */
  subscribe(
    job: { jobKey: string; vault: VaultId; jobId: string; lastJob?: BackupJob; nextPollAt: number },
    sub: SubscriberInput,
    now: number,
  ): Promise<{ jobCreated: boolean; subscriptionCreated: boolean }>;
  /** Removes one subscription (and its pending messages). Returns remaining subscriber count, or -1 when it did not exist. */
  unsubscribe(jobKey: string, conversationId: string): Promise<number>;
  /** Removes every subscription of a conversation (and its pending messages); returns how many. */
  dropConversation(conversationId: string): Promise<number>;

  getJob(jobKey: string): Promise<TrackedJobRecord | undefined>;
  getSubscribers(jobKey: string): Promise<Subscriber[]>;
  listByConversation(conversationId: string): Promise<Array<{ job: TrackedJobRecord; subscriber: Subscriber }>>;
  /** Records the card posted or updated in a conversation. */
  setCard(jobKey: string, conversationId: string, activityId: string, digest: string): Promise<void>;
  /** Counts, for health and benchmarks. */
  stats(): Promise<{ activeJobs: number; subscriptions: number; pendingMessages: number }>;

  /**
   * Claims up to `limit` active jobs with subscribers, due at `now` (nextPollAt <= now), whose lease
   * is free or expired, earliest first; sets leaseOwner/leaseUntil = now + leaseMs.
   */
  claimDueJobs(owner: string, now: number, leaseMs: number, limit: number): Promise<TrackedJobRecord[]>;
  /** Earliest nextPollAt among active jobs (ignoring leases), for the scheduler's sleep. */
  nextDueAt(): Promise<number | undefined>;
  /**
   * Atomically applies the update, releases the lease, and enqueues `messages` (resolved against the
   * job's current subscribers; a message for a conversation no longer subscribed is dropped).
   * Returns false, changing nothing, when `owner` no longer holds the lease.
   */
  commitPoll(owner: string, update: JobUpdate, messages: readonly OutboxInput[]): Promise<boolean>;
  /** Releases a lease without other change (e.g. on shutdown), keeping nextPollAt. */
  releaseJob(owner: string, jobKey: string, nextPollAt?: number): Promise<void>;

  /** Claims up to `limit` pending messages with notBefore <= now and a free lease, oldest first. */
  claimMessages(owner: string, now: number, leaseMs: number, limit: number): Promise<OutboxRecord[]>;
  /** Marks a message delivered. For a card message, records activityId/digest on the subscription. */
  completeMessage(owner: string, id: number, result: { activityId?: string; digest?: string }): Promise<void>;
  /** Releases a message for another attempt at `notBefore`. */
  retryMessage(owner: string, id: number, notBefore: number, error: string): Promise<void>;
  /** Gives up on a message (permanent failure); it is kept as failed, not delivered. */
  failMessage(owner: string, id: number, error: string): Promise<void>;
  /** Earliest notBefore among pending messages. */
  nextMessageAt(): Promise<number | undefined>;
}
