/**
 * Who follows a job and what the bot says to them: the types the store, the tracker and the bot
 * layer share. No botbuilder types: a conversation reference is opaque JSON owned by the bot layer.
 */
import type { BackupJob, JobKey, VaultId } from './job';
import type { WatchEvent } from './watch';
import type { VaultDigest } from './digest';
import type { EtaBasis } from './durations';

export type JsonObject = { [key: string]: unknown };

/** How Teams names a channel's threads: `<channel id>;messageid=<root message id>`. */
export const THREAD_MARK = ';messageid=';

/**
 * The conversation a thread belongs to (the channel), or the id itself outside a channel thread.
 * A channel's settings (its language) are kept under this id, so that every thread of it shares them.
 */
export function conversationRoot(conversationId: string): string {
  const at = conversationId.indexOf(THREAD_MARK);
  return at < 0 ? conversationId : conversationId.slice(0, at);
}

/** The person and conversation that asked to follow a job. */
export interface SubscriberInput {
  /** Teams conversation id (a channel thread `19:…;messageid=…`, a chat, or a personal chat). */
  readonly conversationId: string;
  /** Serialised Bot Framework ConversationReference, stored verbatim for proactive messages. */
  readonly conversationRef: JsonObject;
  readonly requester: { readonly id: string; readonly name: string };
  /** BCP-47 locale of the request (activity.locale), for the message catalog. */
  readonly locale?: string;
  /** IANA time zone from the clientInfo entity, for absolute times on cards. */
  readonly timeZone?: string;
  /**
   * Teams team the conversation belongs to (channelData.team.id), absent outside a team. The bot
   * removed from a team or the team deleted names only the team, while its channels' ids are
   * unrelated to the team id: the store finds their subscriptions by this (`dropTeam`).
   */
  readonly teamId?: string;
}

export interface Subscriber extends SubscriberInput {
  readonly jobKey: string;
  readonly createdAt: number;
  /** Activity id of the progress card in this conversation, once posted. */
  readonly cardActivityId?: string;
  /** `visibleDigest` (tracker/visible.ts) of what that card last showed: the tracker sends no card update with the same digest. */
  readonly cardDigest?: string;
}

/** Why a job stopped being tracked, other than the user untracking it. */
/** `unconfirmed`: tracked while Azure could not be read, and Azure never confirmed the job within the pending time. */
export type EndReason = 'terminal' | 'notFound' | 'forbidden' | 'expired' | 'unconfirmed';

/** Informational notices the tracker sends besides cards. */
export type NoticeKind = 'notFound' | 'forbidden' | 'stillTrying' | 'recovered' | 'expired' | 'unconfirmed';

/** One message for one conversation. The Notifier renders it (cards/catalog) and sends it. */
export type OutboundMessage =
  | {
      /** Replace the progress card in place (or post it when there is none yet). */
      readonly kind: 'card';
      readonly subscriber: Subscriber;
      readonly job: BackupJob;
      readonly key: JobKey;
      /** What the expected end is estimated from (the item's past runs); absent: no estimate. */
      readonly eta?: EtaBasis;
      /** The step of estimated progress this card shows (part of the card's digest). */
      readonly etaStep?: number;
    }
  | {
      /** The completion notice: a new message in the thread that @mentions the requester. */
      readonly kind: 'final';
      readonly subscriber: Subscriber;
      readonly job: BackupJob;
      readonly key: JobKey;
      readonly eta?: EtaBasis;
    }
  | {
      readonly kind: 'notice';
      readonly notice: NoticeKind;
      readonly subscriber: Subscriber;
      readonly key: JobKey;
      /** e.g. the role the bot's identity lacks, or how long Azure has been unreachable. */
      readonly detail?: string;
    };

/** What a watch sends (watcher → outbox → Notifier), beside the tracker's OutboundMessage. */
export type WatchMessage =
  | {
      /**
       * A watched vault's job started or ended. The subscriber is the watch (requester: who set it).
       * An `ended` replaces the `started` card in place when there was one (`cardActivityId`).
       */
      readonly kind: 'watchJob';
      readonly event: WatchEvent;
      readonly subscriber: Subscriber;
      readonly job: BackupJob;
      readonly key: JobKey;
    }
  | {
      /** Too many of a watched vault's jobs ended (or started) in one sweep for a card each: one card lists them. */
      readonly kind: 'watchRollup';
      readonly event: WatchEvent;
      readonly subscriber: Subscriber;
      readonly vault: VaultId;
      readonly jobs: readonly WatchRollupEntry[];
      /** Matching jobs beyond those listed. */
      readonly more: number;
    };

/** A daily digest (or `digest now`'s card, sent in the turn instead): the subscriber is the digest's conversation. */
export interface DigestMessage {
  readonly kind: 'digest';
  readonly subscriber: Subscriber;
  readonly vaults: readonly VaultDigest[];
  /** When it covers up to (epoch ms). */
  readonly asOf: number;
}

/** Everything the outbox holds and the Notifier delivers. */
export type AnyOutbound = OutboundMessage | WatchMessage | DigestMessage;

/** One line of a roll-up card. */
export interface WatchRollupEntry {
  readonly jobId: string;
  readonly entity: string;
  readonly operation: string;
  readonly status: string;
  readonly errorCode?: string;
  readonly endTime?: string;
}

/** Result of one delivery attempt, classified by the Notifier from the connector's answer. */
export type DeliveryResult =
  | { readonly ok: true; readonly activityId?: string }
  /** 429 or 5xx or network: try again after `retryAfterMs` (or own backoff when absent). */
  | { readonly ok: false; readonly retry: true; readonly retryAfterMs?: number; readonly reason: string }
  /** 403 (bot removed or blocked) or 404 (conversation gone): drop the conversation's subscriptions. */
  | { readonly ok: false; readonly retry: false; readonly conversationGone: boolean; readonly reason: string };
