/**
 * From an incoming Teams activity to what the tracker stores: the conversation (a channel thread
 * `…;messageid=…`, a chat or a personal chat), its reference for proactive messages, the
 * requester, locale, time zone and team. Everything here comes from the client: each value is
 * checked for length and form (zod) before it is used or kept, and a bad one falls back to the
 * default instead of reaching a cache or the store (a 1 MB "time zone" once cost 240 MiB).
 */
import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import { z } from 'zod';
import { GUID_PATTERN } from '../azure/id-rules';
import { BoundedMemo } from '../core/memo';
import { THREAD_MARK, type JsonObject, type SubscriberInput } from '../domain/subscriber';

/** Longest id kept (conversation, user, team, activity): Teams' are under 200 characters. */
export const MAX_ID_LENGTH = 512;
/** Display names are shown on cards, so they are cut, not refused. */
export const MAX_NAME_LENGTH = 128;

// IANA names: Area/Location[/Sub], or Etc/GMT+5, UTC. Checked by Intl afterwards, then canonicalised.
const TIME_ZONE = z
  .string()
  .max(64)
  .regex(/^[A-Z][\w+-]*(?:\/[\w+-]+){0,2}$/i);
// BCP-47 as Teams sends it: language[-Script][-REGION], `_` tolerated (de_DE).
const LOCALE = z
  .string()
  .max(35)
  .regex(/^[A-Z]{2,3}(?:[-_][A-Z]{4})?(?:[-_](?:[A-Z]{2}|\d{3}))?$/i);
// Ids may hold almost anything printable (`19:…@thread.tacv2`, `a:1…`, `29:…`), never control characters.
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
const CONTROLS = new RegExp(CONTROL.source, 'g');
const ID = z
  .string()
  .min(1)
  .max(MAX_ID_LENGTH)
  .refine((id) => !CONTROL.test(id));
const GUID = z.string().regex(GUID_PATTERN);

/** `schema`'s output for `value`, or undefined when it does not pass. */
function valid<T>(schema: z.ZodType<T, string>, value: unknown): T | undefined {
  // Every schema here is a string's; an absent field (most activities lack some) needs no error object built.
  if (typeof value !== 'string') return undefined;
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
}

/** A bounded id, or undefined. */
export function boundedId(value: unknown): string | undefined {
  return valid(ID, value);
}

/** A display name cut to MAX_NAME_LENGTH, with control characters removed; '' when not a string. */
export function boundedName(value: unknown): string {
  if (typeof value !== 'string') return '';
  return value
    .slice(0, MAX_NAME_LENGTH * 2)
    .replace(CONTROLS, ' ')
    .trim()
    .slice(0, MAX_NAME_LENGTH);
}

/** An Entra object id (GUID), lower case, or undefined. */
export function objectId(value: unknown): string | undefined {
  return valid(GUID, value)?.toLowerCase();
}

// Canonical forms of checked values only (so keys are short): every message asks, Intl is slow to answer.
const canonicalZones = new BoundedMemo<string | undefined>(256, 64);
const canonicalLocales = new BoundedMemo<string | undefined>(256, 35);

/** The canonical IANA name when Intl knows the zone, else undefined. */
export function cleanTimeZone(value: unknown): string | undefined {
  const zone = valid(TIME_ZONE, value);
  if (zone === undefined) return undefined;
  return canonicalZones.get(zone, () => {
    try {
      // Canonical spelling, so `EUROPE/berlin` and `Europe/Berlin` are one value downstream.
      return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
    } catch {
      return undefined;
    }
  });
}

/** The canonical BCP-47 tag when it is well formed, else undefined. */
export function cleanLocale(value: unknown): string | undefined {
  const locale = valid(LOCALE, value);
  if (locale === undefined) return undefined;
  return canonicalLocales.get(locale, () => {
    try {
      return Intl.getCanonicalLocales(locale.replace(/_/g, '-'))[0];
    } catch {
      return undefined;
    }
  });
}

function conversationOf(activity: Partial<Activity>): { id: string; type: unknown } {
  const conversation: unknown = activity.conversation;
  if (typeof conversation !== 'object' || conversation === null) return { id: '', type: undefined };
  const c = conversation as { id?: unknown; conversationType?: unknown };
  return { id: boundedId(c.id) ?? '', type: c.conversationType };
}

/**
 * In a channel the bot answers in the thread of the message that mentioned it. Teams puts the
 * thread in the conversation id; when a client leaves it out, the message itself starts the thread.
 */
export function threadConversationId(activity: Partial<Activity>): string {
  const { id, type } = conversationOf(activity);
  if (type !== 'channel' || id.includes(THREAD_MARK)) return id;
  const root = boundedId(activity.replyToId) ?? boundedId(activity.id);
  return root ? `${id}${THREAD_MARK}${root}` : id;
}

interface ClientInfo {
  readonly type: 'clientInfo';
  readonly locale?: unknown;
  readonly timezone?: unknown;
}

function clientInfo(activity: Partial<Activity>): ClientInfo | undefined {
  const entities: unknown = activity.entities;
  if (!Array.isArray(entities)) return undefined;
  return entities.find((e): e is ClientInfo => typeof e === 'object' && e !== null && (e as { type?: unknown }).type === 'clientInfo');
}

export function activityLocale(activity: Partial<Activity>): string | undefined {
  return cleanLocale(activity.locale) ?? cleanLocale(clientInfo(activity)?.locale);
}

export function activityTimeZone(activity: Partial<Activity>): string | undefined {
  return cleanTimeZone(clientInfo(activity)?.timezone);
}

/**
 * The reference stored for proactive messages, pointing at the thread. Rebuilt from bounded
 * fields only: the stored reference is what the client sent, so nothing unbounded goes in.
 */
export function conversationReferenceOf(activity: Partial<Activity>): Partial<ConversationReference> {
  const ref = TurnContext.getConversationReference(activity);
  const id = threadConversationId(activity);
  const user = ref.user as { id?: unknown; name?: unknown; aadObjectId?: unknown } | undefined;
  const bot = ref.bot as { id?: unknown; name?: unknown } | undefined;
  const conversation = ref.conversation as { conversationType?: unknown; isGroup?: unknown; tenantId?: unknown } | undefined;
  const userObjectId = objectId(user?.aadObjectId);
  const tenantId = boundedId(conversation?.tenantId);
  const locale = cleanLocale(ref.locale);
  return {
    ...(boundedId(ref.activityId) === undefined ? {} : { activityId: ref.activityId }),
    ...(user === undefined
      ? {}
      : { user: { id: boundedId(user.id) ?? '', name: boundedName(user.name), ...(userObjectId ? { aadObjectId: userObjectId } : {}) } }),
    ...(bot === undefined ? {} : { bot: { id: boundedId(bot.id) ?? '', name: boundedName(bot.name) } }),
    conversation: {
      id,
      isGroup: conversation?.isGroup === true,
      conversationType: typeof conversation?.conversationType === 'string' ? conversation.conversationType.slice(0, 32) : '',
      name: '',
      ...(tenantId === undefined ? {} : { tenantId }),
    },
    channelId: boundedId(ref.channelId) ?? '',
    serviceUrl: typeof ref.serviceUrl === 'string' ? ref.serviceUrl.slice(0, 2048) : '',
    ...(locale === undefined ? {} : { locale }),
  };
}

/**
 * The Teams team the activity comes from (channelData.team.id), or undefined outside a team. A
 * channel's conversation id says nothing about its team (only the General channel's id equals the
 * team id), so this is what ties a channel's subscriptions to the removal of the bot from its team.
 */
export function activityTeamId(activity: Partial<Activity>): string | undefined {
  const channelData: unknown = activity.channelData;
  if (typeof channelData !== 'object' || channelData === null) return undefined;
  const team: unknown = (channelData as { team?: unknown }).team;
  if (typeof team !== 'object' || team === null) return undefined;
  return boundedId((team as { id?: unknown }).id);
}

export function subscriberFromActivity(activity: Partial<Activity>): SubscriberInput {
  const locale = activityLocale(activity);
  const timeZone = activityTimeZone(activity);
  const teamId = activityTeamId(activity);
  return {
    conversationId: threadConversationId(activity),
    conversationRef: JSON.parse(JSON.stringify(conversationReferenceOf(activity))) as JsonObject,
    requester: { id: boundedId(activity.from?.id) ?? '', name: boundedName(activity.from?.name) },
    ...(locale === undefined ? {} : { locale }),
    ...(timeZone === undefined ? {} : { timeZone }),
    ...(teamId === undefined ? {} : { teamId }),
  };
}
