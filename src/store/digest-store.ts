/** The daily-digest interface of the store (see types.ts for the whole StateStore). */
import type { DigestInput, DigestRecord } from '../domain/digest';
import type { DigestMessage } from '../domain/subscriber';

/**
 * Daily digests: one per conversation, claimed under a lease when due, committed with the card in
 * one transaction that records the local day it covers: a digest goes out at most once per day and
 * conversation, whichever instance sends it. Its card goes through the outbox in the queue
 * `digest:<conversationId>`; the subscriber a claimed digest message carries is the digest.
 */
export interface DigestStore {
  /** Sets or replaces the conversation's digest (time, zone, vaults), due next at `nextAt`. */
  setDigest(input: DigestInput, now: number, nextAt: number): Promise<'created' | 'updated'>;
  /** Removes it and its undelivered card; false when there was none. */
  removeDigest(conversationId: string): Promise<boolean>;
  getDigest(conversationId: string): Promise<DigestRecord | undefined>;
  /** Claims up to `limit` digests due at `now` (nextAt <= now) whose lease is free or expired, earliest first. */
  claimDueDigests(owner: string, now: number, leaseMs: number, limit: number, only?: string): Promise<DigestRecord[]>;
  /**
   * Moves the digest to `nextAt`, releases the lease and, with a message, enqueues it unless a
   * digest for `day` (or a later day) was already enqueued. False, changing nothing, when `owner`
   * no longer holds the lease.
   */
  commitDigest(
    owner: string,
    conversationId: string,
    result: { readonly day: string; readonly nextAt: number; readonly message?: Omit<DigestMessage, 'subscriber'> },
  ): Promise<boolean>;
  /** Earliest nextAt of all digests, for the scheduler's sleep. */
  nextDigestAt(): Promise<number | undefined>;
}
