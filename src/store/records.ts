/**
 * Pieces shared by the store backends, so that every backend stores and returns exactly the
 * same shapes (the conformance suite compares them deeply).
 */
import {
  THREAD_MARK,
  type AnyOutbound,
  type JsonObject,
  type DigestMessage,
  type Subscriber,
  type SubscriberInput,
  type WatchMessage,
} from '../domain/subscriber';
import type { DistributiveOmit, OutboxInput } from './types';

/** Message payload as stored: the input without its routing key; the subscriber is joined in on claim. */
export type StoredPayload =
  Omit<OutboxInput, 'conversationId'> | DistributiveOmit<WatchMessage, 'subscriber'> | Omit<DigestMessage, 'subscriber'>;

export function payloadOf(input: OutboxInput): StoredPayload {
  const { conversationId: _conversationId, ...payload } = input;
  return payload;
}

/** The subscriber fields a backend keeps per (job, conversation), flat and without undefined. */
export interface SubscriberFields {
  readonly jobKey: string;
  readonly conversationId: string;
  readonly conversationRef: SubscriberInput['conversationRef'];
  readonly requesterId: string;
  readonly requesterName: string;
  readonly locale?: string | null;
  readonly timeZone?: string | null;
  readonly teamId?: string | null;
  readonly createdAt: number;
  readonly cardActivityId?: string | null;
  readonly cardDigest?: string | null;
}

export function toSubscriber(f: SubscriberFields): Subscriber {
  return {
    jobKey: f.jobKey,
    conversationId: f.conversationId,
    conversationRef: f.conversationRef,
    requester: { id: f.requesterId, name: f.requesterName },
    ...(f.locale != null ? { locale: f.locale } : {}),
    ...(f.timeZone != null ? { timeZone: f.timeZone } : {}),
    ...(f.teamId != null && f.teamId !== '' ? { teamId: f.teamId } : {}),
    createdAt: f.createdAt,
    ...(f.cardActivityId != null ? { cardActivityId: f.cardActivityId } : {}),
    ...(f.cardDigest != null ? { cardDigest: f.cardDigest } : {}),
  };
}

/** What a watch or a digest was set with, as far as the subscriber of its notices goes. */
export interface SetBySetting {
  readonly conversationRef: JsonObject;
  readonly setBy: { readonly id: string; readonly name: string };
  readonly locale?: string;
  readonly timeZone?: string;
}

/** The subscriber a watch notice or a digest card carries: the setting (requester: who set it) and what the backend keeps beside it. */
export function settingSubscriber(
  jobKey: string,
  conversationId: string,
  s: SetBySetting,
  stored: Pick<SubscriberFields, 'createdAt' | 'teamId' | 'cardActivityId'>,
): Subscriber {
  return toSubscriber({
    jobKey,
    conversationId,
    conversationRef: s.conversationRef,
    requesterId: s.setBy.id,
    requesterName: s.setBy.name,
    locale: s.locale ?? null,
    timeZone: s.timeZone ?? null,
    ...stored,
  });
}

/** A subscriber from the input it was subscribed with and what the backend keeps beside it. */
export function subscriberFromInput(
  jobKey: string,
  i: SubscriberInput,
  stored: Pick<SubscriberFields, 'createdAt' | 'teamId' | 'cardActivityId' | 'cardDigest'>,
): Subscriber {
  return toSubscriber({
    jobKey,
    conversationId: i.conversationId,
    conversationRef: i.conversationRef,
    requesterId: i.requester.id,
    requesterName: i.requester.name,
    locale: i.locale,
    timeZone: i.timeZone,
    ...stored,
  });
}

export function toMessage(payload: StoredPayload, subscriber: Subscriber): AnyOutbound {
  return { ...payload, subscriber } as AnyOutbound;
}

/** The team id a subscription, watch or digest is stored with: none when absent or empty (backends store '' as none). */
export function teamOf(sub: Pick<SubscriberInput, 'teamId'>): string | undefined {
  return typeof sub.teamId === 'string' && sub.teamId !== '' ? sub.teamId : undefined;
}

/** A conversation's threads are the ids that start with its id and THREAD_MARK (src/domain/subscriber.ts). */
export { THREAD_MARK };

/**
 * The ids of `conversationId`'s threads as a half-open range [from, to) in byte order of their
 * UTF-8 form (SQLite's BINARY collation, Redis lexicographic ranges): every id that starts with
 * `from`, and nothing else, because `to` is `from` with its last byte ('=') raised by one ('>').
 * Range bounds need no escaping, unlike a LIKE or glob pattern built from the id.
 */
export function threadRange(conversationId: string): { from: string; to: string } {
  return { from: conversationId + THREAD_MARK, to: conversationId + THREAD_MARK.slice(0, -1) + '>' };
}

/** Rejection for every call after `close()`. */
export function closedError(backend: string): Error {
  return new Error(`${backend} state store is closed`);
}
