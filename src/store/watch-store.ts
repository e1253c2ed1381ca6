/** The watch interface of the store (see types.ts for the whole StateStore). */
import type { DistributiveOmit } from '../core/distributive-omit';
import type { WatchMessage } from '../domain/subscriber';
import type { WatchEvent, WatchInput, WatchRecord } from '../domain/watch';

/** A watch notice to enqueue: the message, and the (job, event) pairs it announces in its conversation. */
export interface WatchNoticeInput {
  readonly conversationId: string;
  readonly message: DistributiveOmit<WatchMessage, 'subscriber'>;
  /** Recorded as announced; the message is enqueued only when none of them was announced before. */
  readonly announces: ReadonlyArray<{ readonly jobId: string; readonly event: WatchEvent }>;
}

/** A watched vault's sweep: its lease and the watcher's state between sweeps (opaque to the store). */
export interface WatchSweepClaim {
  readonly vaultKey: string;
  readonly state: Readonly<Record<string, unknown>>;
}

/**
 * Watches and their sweeps. A sweep of a vault is claimed under a lease (several instances: one
 * sweeps, the others skip), and committed with its notices in one transaction, which records each
 * (conversation, job, event) as announced: a job is announced once per conversation, whoever sweeps.
 * Notices go through the outbox (OutboxStore) in the queue `watch:<vaultKey>` of their conversation;
 * the subscriber a claimed watch message carries is the watch (requester: who set it).
 */
export interface WatchStore {
  /**
   * Sets the watch of (conversation, vault), or changes its mode and reference (createdAt kept).
   * A new watch beyond `maxPerConversation` of the conversation is refused: 'capped', nothing stored.
   */
  setWatch(input: WatchInput, now: number, maxPerConversation: number): Promise<'created' | 'updated' | 'capped'>;
  /** Removes the watch and its pending notices; false when there was none. */
  removeWatch(conversationId: string, vaultKey: string): Promise<boolean>;
  /** The conversation's watches, by vault key. */
  listWatches(conversationId: string): Promise<WatchRecord[]>;
  /** Every watch of a vault, by conversation id. */
  watchesOfVault(vaultKey: string): Promise<WatchRecord[]>;
  /** Vault keys with at least one watch, sorted. */
  watchedVaultKeys(): Promise<string[]>;
  /**
   * Claims the vault's sweep until now + leaseMs when its lease is free or expired; undefined when
   * another owner holds it. State is `{}` for a vault never swept.
   */
  claimWatchSweep(owner: string, vaultKey: string, now: number, leaseMs: number): Promise<WatchSweepClaim | undefined>;
  /** Of these (conversation, job, event) triples, those not yet announced, in the given order. */
  unannounced(
    triples: ReadonlyArray<{ readonly conversationId: string; readonly jobId: string; readonly event: WatchEvent }>,
  ): Promise<Array<{ conversationId: string; jobId: string; event: WatchEvent }>>;
  /**
   * Stores the state, records the notices' announcements, enqueues each notice whose conversation
   * still watches the vault and none of whose pairs was announced before, and releases the lease;
   * all or nothing. Announcements older than `forgetBefore` are forgotten (bounded). Returns false,
   * changing nothing, when `owner` no longer holds the lease.
   */
  commitWatchSweep(
    owner: string,
    vaultKey: string,
    state: Readonly<Record<string, unknown>>,
    notices: readonly WatchNoticeInput[],
    now: number,
    forgetBefore: number,
  ): Promise<boolean>;
}
