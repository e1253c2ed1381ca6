/**
 * What the actions (Cancel, Back up again, `backup`, `cancel job`) must keep beyond one process:
 * the spent tickets, so that a press replayed after a restart or to another instance is refused,
 * and the last action on each job's card ("Cancelled by ‹name›, 21:40"), so that a redrawn card
 * still says who acted. Both are bounded: spent nonces expire with their ticket, notes are capped
 * per channel, age out, and go with their conversation.
 */

/** The last action someone took on a job's card in one conversation. */
export interface StoredActionNote {
  readonly kind: 'cancelled' | 'backupStarted';
  /** Display name of the person who pressed (as Teams sent it, at most 200 characters). */
  readonly name: string;
  /** Epoch ms. */
  readonly at: number;
}

/** Notes kept per channel (or chat) root; the oldest go first. */
export const MAX_NOTES_PER_ROOT = 100;
/** A note older than this is forgotten (the card it annotated has long stopped changing). */
export const NOTE_TTL_MS = 30 * 24 * 60 * 60_000;

export interface ActionStateStore {
  /**
   * Spends a ticket's nonce: true for the first call with this nonce, false for every other one, also
   * concurrently and across instances sharing the store. The nonce is remembered until `expiresAt`
   * (the ticket's own expiry, after which the ticket is refused anyway).
   */
  spendTicket(nonce: string, expiresAt: number, now: number): Promise<boolean>;
  /** Keeps `note` as the last action on `jobKey` in `conversationId`, replacing the one before. */
  recordActionNote(conversationId: string, jobKey: string, note: StoredActionNote): Promise<void>;
  /** The last action on `jobKey` in `conversationId`; undefined when none, or when it aged out. */
  actionNote(conversationId: string, jobKey: string, now: number): Promise<StoredActionNote | undefined>;
}
