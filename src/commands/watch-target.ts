/**
 * Where a watch posts: in a channel the channel itself, not the thread the command was written in
 * (the watch belongs to the channel); elsewhere the conversation.
 */
import type { JsonObject, SubscriberInput } from '../domain/subscriber';
import { THREAD_MARK } from '../store/records';

export function watchTarget(sub: SubscriberInput): { conversationId: string; conversationRef: JsonObject } {
  const cut = sub.conversationId.indexOf(THREAD_MARK);
  if (cut < 0) return { conversationId: sub.conversationId, conversationRef: sub.conversationRef };
  const conversationId = sub.conversationId.slice(0, cut);
  const { activityId: _thread, ...ref } = sub.conversationRef;
  const conversation = ref['conversation'];
  const conv = conversation && typeof conversation === 'object' ? (conversation as JsonObject) : {};
  return { conversationId, conversationRef: { ...ref, conversation: { ...conv, id: conversationId } } };
}
