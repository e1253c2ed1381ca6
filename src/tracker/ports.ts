/**
 * What the tracker needs from the outside (the Notifier, implemented in src/bot/) and what it
 * offers to the commands (TrackerService). No botbuilder types here: a conversation reference
 * is opaque JSON owned by the bot layer.
 */
import type { ArmErrorKind, BackupJob, JobKey } from '../domain/job';
import type { EtaBasis } from '../domain/durations';
import type { CapKind } from '../domain/limits';
import type { WatchInput, WatchLimits, WatchRecord } from '../domain/watch';
import type { DigestInput, DigestRecord } from '../domain/digest';
import type { AnyOutbound, DeliveryResult, SubscriberInput, Subscriber } from '../domain/subscriber';

export interface Notifier {
  /** One attempt; never throws for connector errors (classifies them instead). */
  deliver(message: AnyOutbound): Promise<DeliveryResult>;
}

/** The outcome of reading a job for a user (track, Refresh). */
export type ReadOutcome =
  | {
      readonly ok: true;
      readonly job: BackupJob;
      readonly alreadyTracked: boolean;
      readonly finished: boolean;
      /** What the expected end is estimated from (the item's past runs), for a running job; absent: no estimate. */
      readonly eta?: EtaBasis;
    }
  | {
      readonly ok: false;
      readonly error: ArmErrorKind;
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

/** `track` also answers `capped` when a limit (src/domain/limits.ts) refuses a new subscription. */
export type TrackOutcome =
  | ReadOutcome
  | {
      readonly ok: false;
      readonly error: 'capped';
      readonly cap: CapKind;
      readonly limit: number;
      /** For logs, in English; users get the catalog's `cap.<cap>` text. */
      readonly message: string;
    };

/** A running `track operation` follower holds one; `release` when it stops (idempotent). */
export type FollowerAdmission =
  { readonly ok: true; release(): void } | { readonly ok: false; readonly cap: CapKind; readonly limit: number };

export interface TrackedEntry {
  readonly key: JobKey;
  readonly jobKey: string;
  readonly lastJob?: BackupJob;
  readonly subscriber: Subscriber;
}

export interface TrackOptions {
  readonly after?: Promise<unknown>;
}

/** What the commands use. */
export interface TrackerService {
  /**
   * Polls the job once, and if it is still running subscribes the conversation to it.
   * The caller posts the first card and reports its activity id with `recordCard`.
   * A job already finished is not tracked: the caller shows its final card.
   * When Azure is unreachable or throttling, the conversation is subscribed without a first
   * state (`subscribed: true` on the failure): the tracker posts the card once it reads the job,
   * or drops the subscription with a notice when Azure has not confirmed it within the pending time.
   * A new subscription beyond a limit is refused (`error: 'capped'`), before any read when possible.
   * `after`: the subscribe waits for it (the read does not), so jobs tracked together take the
   * caps' free places in the order the user wrote them, however fast each read comes back.
   */
  track(key: JobKey, subscriber: SubscriberInput, opts?: TrackOptions): Promise<TrackOutcome>;
  recordCard(jobKey: string, conversationId: string, activityId: string, digest: string): Promise<void>;
  /** Removes only this conversation's subscription; returns false when it did not exist. */
  untrack(key: JobKey, conversationId: string): Promise<boolean>;
  listForConversation(conversationId: string): Promise<TrackedEntry[]>;
  /** Bot removed, team deleted, or connector said 403/404. Returns how many subscriptions were dropped. */
  dropConversation(conversationId: string): Promise<number>;
  /** Bot removed from a team, or the team deleted: drops the subscriptions of all its channels. Returns how many. */
  dropTeam(teamId: string): Promise<number>;
  /** Polls now (Refresh button), within the read budget. */
  refresh(key: JobKey, conversationId: string): Promise<ReadOutcome>;
  /** A slot for one `track operation` follower in this conversation, or the limit that refuses it. */
  admitFollower(conversationId: string): FollowerAdmission;
}

/** What the watch commands use. */
export interface WatchService {
  readonly limits: WatchLimits;
  /** Sets or changes the watch; 'capped' when the conversation already watches `limits.watchesPerConversation` vaults. */
  set(input: WatchInput): Promise<'created' | 'updated' | 'capped'>;
  /** Removes the watch of the vault with its pending notices; false when there was none. */
  remove(conversationId: string, vault: JobKey['vault']): Promise<boolean>;
  list(conversationId: string): Promise<WatchRecord[]>;
}

/** What the digest command uses. */
export interface DigestService {
  /** Sets or replaces the conversation's daily digest; says when the next one is due. */
  set(input: DigestInput): Promise<{ readonly result: 'created' | 'updated'; readonly nextAt: number }>;
  remove(conversationId: string): Promise<boolean>;
  get(conversationId: string): Promise<DigestRecord | undefined>;
}
