/**
 * Watches: a conversation (in a team, the channel) told about jobs of a whole vault as they end
 * (or start), without anyone naming a job. The types the store, the watcher and the bot share.
 */
import type { JobStatus, VaultId } from './job';
import type { JsonObject } from './subscriber';

/** `failures`: jobs that end Failed, CompletedWithWarnings or Cancelled. `all`: every start and every end. */
export type WatchMode = 'failures' | 'all';

/** What `failures` announces. */
export const FAILURE_STATUSES: ReadonlySet<JobStatus> = new Set<JobStatus>(['Failed', 'CompletedWithWarnings', 'Cancelled']);

export interface WatchInput {
  /** The conversation that watches: a channel's id without a thread (`;messageid=`), a chat, a personal chat. */
  readonly conversationId: string;
  readonly vault: VaultId;
  readonly mode: WatchMode;
  /** Serialised ConversationReference to the conversation itself (in a channel: a new post, not a thread reply). */
  readonly conversationRef: JsonObject;
  /** Who set it (any allowed member may change it; the last one is kept). */
  readonly setBy: { readonly id: string; readonly name: string };
  readonly locale?: string;
  readonly timeZone?: string;
  readonly teamId?: string;
}

export interface WatchRecord extends WatchInput {
  /** Lower-case `subscriptionId/resourceGroup/vaultName`. */
  readonly vaultKey: string;
  /** When the watch was first set: jobs that ended before it are never announced. */
  readonly createdAt: number;
}

/** What is announced of one job in one watching conversation, at most once each. */
export type WatchEvent = 'started' | 'ended';

/** The outbox queue of a vault's watch notices in a conversation (OutboxRecord.jobKey). */
export function watchQueueKey(vaultKey: string): string {
  return `watch:${vaultKey}`;
}

export function isWatchQueueKey(jobKey: string): boolean {
  return jobKey.startsWith('watch:');
}

/** The outbox queue of a conversation's digests (OutboxRecord.jobKey). */
export const DIGEST_QUEUE_KEY = 'digest:';

/** Per-conversation bounds on what watching makes the bot hold and send. */
export interface WatchLimits {
  /** Vaults one conversation watches at once. */
  readonly watchesPerConversation: number;
  /** More matching jobs than this ending in one sweep of a vault: one roll-up card instead of a card each. */
  readonly rollupAbove: number;
  /** Jobs listed on a roll-up card (the rest counted). */
  readonly rollupListMax: number;
}

export const DEFAULT_WATCH_LIMITS: WatchLimits = { watchesPerConversation: 10, rollupAbove: 5, rollupListMax: 25 };
