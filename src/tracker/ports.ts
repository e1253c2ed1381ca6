/**
 * What the tracker needs from the outside (the Notifier, implemented in src/bot/) and what it
 * offers to the commands (TrackerService). No botbuilder types here: a conversation reference
 * is opaque JSON owned by the bot layer.
 */
import type { BackupJob, JobKey } from '../azure/types';

export type JsonObject = { [key: string]: unknown };

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
  /** Digest of what that card last showed (see tracker/digest). */
  readonly cardDigest?: string;
}

/** Why a job stopped being tracked, other than the user untracking it. */
export type EndReason = 'terminal' | 'notFound' | 'forbidden' | 'expired';

/** Informational notices the tracker sends besides cards. */
export type NoticeKind = 'notFound' | 'forbidden' | 'stillTrying' | 'recovered' | 'expired';

/** One message for one conversation. The Notifier renders it (cards/catalog) and sends it. */
export type OutboundMessage =
  | {
      /** Replace the progress card in place (or post it when there is none yet). */
      readonly kind: 'card';
      readonly subscriber: Subscriber;
      readonly job: BackupJob;
      readonly key: JobKey;
    }
  | {
      /** The completion notice: a new message in the thread that @mentions the requester. */
      readonly kind: 'final';
      readonly subscriber: Subscriber;
      readonly job: BackupJob;
      readonly key: JobKey;
    }
  | {
      readonly kind: 'notice';
      readonly notice: NoticeKind;
      readonly subscriber: Subscriber;
      readonly key: JobKey;
      /** e.g. the role the bot's identity lacks, or how long Azure has been unreachable. */
      readonly detail?: string;
    };

/** Result of one delivery attempt, classified by the Notifier from the connector's answer. */
export type DeliveryResult =
  | { readonly ok: true; readonly activityId?: string }
  /** 429 or 5xx or network: try again after `retryAfterMs` (or own backoff when absent). */
  | { readonly ok: false; readonly retry: true; readonly retryAfterMs?: number; readonly reason: string }
  /** 403 (bot removed or blocked) or 404 (conversation gone): drop the conversation's subscriptions. */
  | { readonly ok: false; readonly retry: false; readonly conversationGone: boolean; readonly reason: string };

export interface Notifier {
  /** One attempt; never throws for connector errors (classifies them instead). */
  deliver(message: OutboundMessage): Promise<DeliveryResult>;
}

export type TrackOutcome =
  | { readonly ok: true; readonly job: BackupJob; readonly alreadyTracked: boolean; readonly finished: boolean }
  | {
      readonly ok: false;
      readonly error: import('../azure/types').ArmErrorKind;
      readonly message: string;
      readonly requiredRole?: string;
      /** Throttled: how long until a read is allowed again (the read budget's wait, or Azure's Retry-After). */
      readonly retryAfterMs?: number;
      /**
       * `track` only: Azure could not be read for now (transient or throttled), and the
       * conversation is subscribed anyway. The tracker keeps polling; its first successful read
       * posts the card, and the end of the job is announced as usual.
       */
      readonly subscribed?: boolean;
    };

export interface TrackedEntry {
  readonly key: JobKey;
  readonly jobKey: string;
  readonly lastJob?: BackupJob;
  readonly subscriber: Subscriber;
}

/** What the commands use. */
export interface TrackerService {
  /**
   * Polls the job once, and if it is still running subscribes the conversation to it.
   * The caller posts the first card and reports its activity id with `recordCard`.
   * A job already finished is not tracked: the caller shows its final card.
   * When Azure is unreachable or throttling, the conversation is subscribed without a first
   * state (`subscribed: true` on the failure): the tracker posts the card once it reads the job.
   */
  track(key: JobKey, subscriber: SubscriberInput): Promise<TrackOutcome>;
  recordCard(jobKey: string, conversationId: string, activityId: string, digest: string): Promise<void>;
  /** Removes only this conversation's subscription; returns false when it did not exist. */
  untrack(key: JobKey, conversationId: string): Promise<boolean>;
  listForConversation(conversationId: string): Promise<TrackedEntry[]>;
  /** Bot removed, team deleted, or connector said 403/404. Returns how many subscriptions were dropped. */
  dropConversation(conversationId: string): Promise<number>;
  /** Bot removed from a team, or the team deleted: drops the subscriptions of all its channels. Returns how many. */
  dropTeam(teamId: string): Promise<number>;
  /** Polls now (Refresh button), within the read budget. */
  refresh(key: JobKey, conversationId: string): Promise<TrackOutcome>;
}
