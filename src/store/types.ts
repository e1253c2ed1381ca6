/**
 * Durable state of the bot, as the interfaces its users need: the commands change subscriptions
 * (SubscriptionStore), the tracker claims and commits polls (JobStore), the dispatcher delivers the
 * outbox (OutboxStore), and the composition root opens and closes the store (StoreLifecycle).
 * Every backend (SQLite, Redis) implements all of them as one StateStore and passes the
 * conformance suite in test/conformance/, which has a section per interface.
 *
 * Exactly-once notices use a transactional outbox: the poll that sees a job end commits the
 * job's new state and one outbox message per subscriber in the same transaction; a dispatcher
 * claims messages with a lease, delivers them, and marks them sent. A crash between the
 * connector's 2xx and `completeMessage` is the only window in which a notice can be sent twice.
 */
import type { BackupJob, VaultId } from '../domain/job';
import type { DistributiveOmit } from '../core/distributive-omit';
import type { AnyOutbound, EndReason, OutboundMessage, Subscriber, SubscriberInput } from '../domain/subscriber';
import type { DigestStore } from './digest-store';
import type { ConversationSettingsStore } from './settings-store';
import type { ActionStateStore } from './action-state';
import type { WatchStore } from './watch-store';

// The watch, digest and settings interfaces live in their own modules; re-exported so `store/types` stays the one import.
export type { DistributiveOmit } from '../core/distributive-omit';
export type { DigestStore } from './digest-store';
export type { ConversationSettingsStore } from './settings-store';
export type { WatchNoticeInput, WatchStore, WatchSweepClaim } from './watch-store';
import type { DurationStatsStore } from './duration-types';

export type { DurationStatsStore } from './duration-types';

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
  /** The snapshot just read; absent keeps the previous one (e.g. the poll failed). */
  readonly lastJob?: BackupJob;
  readonly nextPollAt: number;
  readonly schedule: Readonly<Record<string, unknown>>;
  /** Set to end tracking (no more polls). */
  readonly end?: EndReason;
}

/**
 * Messages to enqueue. `kind: 'card'` replaces any pending card message of the same subscriber (coalescing)
 * unless that one is already claimed by a dispatcher; then the newer is queued behind it.
 * The subscriber is resolved when the message is claimed, so it carries the latest card id and reference.
 */
export type OutboxInput = DistributiveOmit<OutboundMessage, 'subscriber'> & { readonly conversationId: string };

export interface OutboxRecord {
  readonly id: number;
  readonly jobKey: string;
  readonly conversationId: string;
  readonly message: AnyOutbound;
  readonly attempts: number;
  /** Epoch ms before which the message is not claimed; 0 for a fresh message (due at once). */
  readonly notBefore: number;
}

/**
 * The caps on tracked jobs that `subscribe` checks in the same atomic step as the insert (one SQLite
 * write transaction, one Redis script), so that concurrent tracks, in one process or across instances
 * sharing the store, never overshoot them and never wait on one another in the bot.
 */
export interface SubscribeCaps {
  /** Active jobs one conversation follows, with or without a snapshot. */
  readonly jobsPerConversation: number;
  /** Active jobs in the whole store. */
  readonly jobsTotal: number;
  /** Active jobs one conversation follows that have no snapshot yet (Azure has not confirmed them). */
  readonly pendingPerConversation: number;
}

/** Which of the SubscribeCaps refused a subscription. */
export type SubscribeCapKind = keyof SubscribeCaps;

export interface SubscribeResult {
  readonly jobCreated: boolean;
  readonly subscriptionCreated: boolean;
  /** Set when a cap refused: nothing was changed, and both flags are false. */
  readonly refused?: SubscribeCapKind;
}

/** Opening and closing a store, and its counts; what the composition root and health checks use. */
export interface StoreLifecycle {
  /** Creates or migrates the schema. Idempotent. */
  init(): Promise<void>;
  /** Idempotent; every later call rejects. */
  close(): Promise<void>;
  /**
   * Resolves when the store answers now (readiness): a round trip to its backend, failing fast when
   * the connection is down rather than queueing. Rejects once closed.
   */
  ping(): Promise<void>;
  /** Counts, for health and benchmarks. `subscriptions` counts those of active jobs; `pendingMessages` includes claimed ones. */
  stats(): Promise<{ activeJobs: number; subscriptions: number; pendingMessages: number }>;
}

/** Who follows which job: what the commands change and read (track, untrack, list, the card they post). */
export interface SubscriptionStore {
  /**
   * Adds the subscriber to the job, creating the job (active, due at `nextPollAt`) when new.
   * Re-subscribing the same conversation updates its reference, requester, locale and time zone, keeps its card;
   * it sets the team id when given and keeps the stored one when not (a conversation never changes team, an
   * activity may just not say).
   * An ended job is re-activated as if new (createdAt = now, schedule reset, `nextPollAt`/`lastJob` taken from `job`).
   * An active job's record is left as it is (its poller owns lastJob and schedule).
   * With `caps`, the subscription is first checked against them (see `refusedBy`) in the same atomic step;
   * a refused one changes nothing and says which cap refused it.
   */
  subscribe(
    job: { jobKey: string; vault: VaultId; jobId: string; lastJob?: BackupJob; nextPollAt: number },
    sub: SubscriberInput,
    now: number,
    caps?: SubscribeCaps,
  ): Promise<SubscribeResult>;
  /**
   * Which cap, if any, would refuse the conversation one more subscription of `jobKey` now, checked in
   * this order: a conversation that already follows the active job always fits; else its active jobs
   * must stay under `jobsPerConversation`; for a job without a snapshot (`pending`), its active jobs
   * without one under `pendingPerConversation`; for a job not active yet, all active jobs under `jobsTotal`.
   * Read-only: a cheap check before spending an ARM read; `subscribe` with caps decides.
   */
  refusedBy(jobKey: string, conversationId: string, pending: boolean, caps: SubscribeCaps): Promise<SubscribeCapKind | undefined>;
  /**
   * Removes one subscription (and its pending messages). Returns remaining subscriber count, or -1 when it did not exist.
   * When no subscriber remains the job is forgotten (getJob → undefined); subscribing again creates it anew.
   */
  unsubscribe(jobKey: string, conversationId: string): Promise<number>;
  /**
   * Removes every subscription of a conversation and of its threads, with their pending messages; returns how many.
   * The threads of `C` are the conversations whose id is `C` + `;messageid=` + anything, as Teams names the threads
   * of a channel (`19:…@thread.tacv2;messageid=1700000000000`): dropping a channel (the bot removed, the team deleted)
   * drops every thread in it, while dropping a thread drops that thread only. Ids are compared literally and
   * case-sensitively (no wildcards); an id that merely starts with `C` without that separator is left alone.
   * A job left without subscribers is forgotten, as by `unsubscribe`.
   */
  dropConversation(conversationId: string): Promise<number>;
  /**
   * Removes every subscription stored with this `teamId` (SubscriberInput.teamId, compared literally), whatever
   * its conversation id, with their pending messages; returns how many. A job left without subscribers is
   * forgotten, as by `unsubscribe`. Subscriptions stored without a team id are never matched.
   */
  dropTeam(teamId: string): Promise<number>;

  getJob(jobKey: string): Promise<TrackedJobRecord | undefined>;
  getSubscribers(jobKey: string): Promise<Subscriber[]>;
  listByConversation(conversationId: string): Promise<Array<{ job: TrackedJobRecord; subscriber: Subscriber }>>;
  /** Records the card posted or updated in a conversation and the `visibleDigest` of what it shows. */
  setCard(jobKey: string, conversationId: string, activityId: string, digest: string): Promise<void>;
}

/** Due polls under leases, so that several pollers (processes, instances) never poll one job at once. */
export interface JobStore {
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
}

/** The outbox that `commitPoll` fills, delivered under leases and in order per (job, conversation). */
export interface OutboxStore {
  /**
   * Claims up to `limit` pending messages with notBefore <= now and a free lease, oldest first.
   * Messages of one (job, conversation) are delivered in order: only the oldest undelivered one is claimable.
   */
  claimMessages(owner: string, now: number, leaseMs: number, limit: number): Promise<OutboxRecord[]>;
  /**
   * Marks a message delivered. For a card message, records activityId/digest on the subscription.
   * Honoured even when the lease expired meanwhile (the delivery did happen); no-op for a message already done or removed.
   */
  completeMessage(owner: string, id: number, result: { activityId?: string; digest?: string }): Promise<void>;
  /** Releases a message for another attempt at `notBefore`. Ignored unless `owner` holds the message. */
  retryMessage(owner: string, id: number, notBefore: number, error: string): Promise<void>;
  /** Gives up on a message (permanent failure); it is kept as failed, not delivered. Ignored unless `owner` holds it. */
  failMessage(owner: string, id: number, error: string): Promise<void>;
  /** Earliest time a pending message becomes claimable (notBefore, or lease expiry when claimed), ignoring ones queued behind another. */
  nextMessageAt(): Promise<number | undefined>;
}

/** The whole store, as one backend implements it; only the composition root (app.ts) and tests hold it. */
export interface StateStore
  extends
    StoreLifecycle,
    SubscriptionStore,
    ConversationSettingsStore,
    JobStore,
    OutboxStore,
    WatchStore,
    DigestStore,
    ActionStateStore,
    DurationStatsStore {}
