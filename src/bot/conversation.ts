/**
 * From an incoming Teams activity to what the tracker stores: the conversation (a channel thread
 * `…;messageid=…`, a chat or a personal chat), its reference for proactive messages, the
 * requester, locale, time zone and team.
 */
import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import { isValidTimeZone } from '../cards/format';
import type { JsonObject, SubscriberInput } from '../domain/subscriber';

const THREAD_MARK = ';messageid=';

/**
 * In a channel the bot answers in the thread of the message that mentioned it. Teams puts the
 * thread in the conversation id; when a client leaves it out, the message itself starts the thread.
 */
export function threadConversationId(activity: Partial<Activity>): string {
  const id = activity.conversation?.id ?? '';
  if (activity.conversation?.conversationType !== 'channel' || id.includes(THREAD_MARK)) return id;
  const root = activity.replyToId ?? activity.id;
  return root ? `${id}${THREAD_MARK}${root}` : id;
}

interface ClientInfo {
  readonly type: 'clientInfo';
  readonly locale?: string;
  readonly timezone?: string;
}

function clientInfo(activity: Partial<Activity>): ClientInfo | undefined {
  return activity.entities?.find((e): e is ClientInfo & typeof e => e.type === 'clientInfo') as ClientInfo | undefined;
}

export function activityLocale(activity: Partial<Activity>): string | undefined {
  const locale = activity.locale ?? clientInfo(activity)?.locale;
  return typeof locale === 'string' && locale.length <= 35 ? locale : undefined;
}

export function activityTimeZone(activity: Partial<Activity>): string | undefined {
  const zone = clientInfo(activity)?.timezone;
  return isValidTimeZone(zone) ? zone : undefined;
}

/** The reference stored for proactive messages, pointing at the thread. */
export function conversationReferenceOf(activity: Partial<Activity>): Partial<ConversationReference> {
  const ref = TurnContext.getConversationReference(activity);
  const id = threadConversationId(activity);
  return { ...ref, conversation: { ...ref.conversation!, id } };
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
  const id: unknown = (team as { id?: unknown }).id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

export function subscriberFromActivity(activity: Partial<Activity>): SubscriberInput {
  const locale = activityLocale(activity);
  const timeZone = activityTimeZone(activity);
  const teamId = activityTeamId(activity);
  return {
    conversationId: threadConversationId(activity),
    conversationRef: JSON.parse(JSON.stringify(conversationReferenceOf(activity))) as JsonObject,
    requester: { id: activity.from?.id ?? '', name: activity.from?.name ?? '' },
    ...(locale === undefined ? {} : { locale }),
    ...(timeZone === undefined ? {} : { timeZone }),
    ...(teamId === undefined ? {} : { teamId }),
  };
}
