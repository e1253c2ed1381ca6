/** The command layer's ReplyPort over botbuilder: in the turn, or proactively afterwards. */
import { CardFactory, TurnContext, type Activity, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { AdaptiveCardJson } from '../cards/render';
import type { ReplyPort } from '../commands/types';
import { telemetry } from '../core/telemetry';
import { THREAD_MARK } from '../domain/subscriber';

export async function sendCard(context: TurnContext, card: AdaptiveCardJson, text?: string): Promise<string | undefined> {
  const response = await context.sendActivity({
    type: 'message',
    attachments: [CardFactory.adaptiveCard(card)],
    ...(text === undefined ? {} : { text }),
  });
  return response?.id;
}

/**
 * A new message in the conversation, not a reply: in a channel, a new post. TurnContext.sendActivity
 * would make it a reply to the proactive turn's own (made-up) activity id.
 */
export async function postNew(context: TurnContext, activity: Partial<Activity>): Promise<string | undefined> {
  const ref = { ...TurnContext.getConversationReference(context.activity), activityId: undefined };
  const full = TurnContext.applyConversationReference({ type: 'message', ...activity }, ref);
  const [response] = await context.adapter.sendActivities(context, [full]);
  return response?.id;
}

/** Sends `activity` as a new post at the top of the turn's conversation: in a channel thread, into the channel itself. */
export async function postTopLevel(context: TurnContext, activity: Partial<Activity>): Promise<string | undefined> {
  const ref = TurnContext.getConversationReference(context.activity);
  const id = ref.conversation?.id ?? '';
  const cut = id.indexOf(THREAD_MARK);
  const conversation = { ...ref.conversation!, id: cut < 0 ? id : id.slice(0, cut) };
  const full = TurnContext.applyConversationReference({ type: 'message', ...activity }, { ...ref, activityId: undefined, conversation });
  const [response] = await context.adapter.sendActivities(context, [full]);
  return response?.id;
}

export async function updateCard(context: TurnContext, activityId: string, card: AdaptiveCardJson): Promise<void> {
  await context.updateActivity({ type: 'message', id: activityId, attachments: [CardFactory.adaptiveCard(card)] });
}

/** Replies inside the turn (the connector threads them under the user's message). */
export class TurnReply implements ReplyPort {
  constructor(private readonly context: TurnContext) {}
  async text(text: string): Promise<void> {
    await telemetry().span('reply', { 'reply.kind': 'text' }, () => this.context.sendActivity({ type: 'message', text }));
  }
  card(card: AdaptiveCardJson, text?: string): Promise<string | undefined> {
    return telemetry().span('reply', { 'reply.kind': 'card' }, () => sendCard(this.context, card, text));
  }
  updateCard(activityId: string, card: AdaptiveCardJson): Promise<void> {
    return updateCard(this.context, activityId, card);
  }
  async announce(text: string): Promise<void> {
    await telemetry().span('reply', { 'reply.kind': 'announce' }, () => postTopLevel(this.context, { text }));
  }
}

/**
 * Sends after the turn ended, through the stored conversation reference. Errors are rethrown to
 * the caller rather than left to the adapter's onTurnError.
 */
export class ProactiveReply implements ReplyPort {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly ref: Partial<ConversationReference>,
  ) {}

  private async run<T>(logic: (ctx: TurnContext) => Promise<T>): Promise<T | undefined> {
    let result: T | undefined;
    let failure: { error: unknown } | undefined;
    await this.adapter.continueConversationAsync(this.appId, this.ref, async (ctx) => {
      try {
        result = await logic(ctx);
      } catch (error) {
        failure = { error };
      }
    });
    if (failure) throw failure.error;
    return result;
  }

  async text(text: string): Promise<void> {
    await this.run((ctx) => ctx.sendActivity({ type: 'message', text }));
  }
  card(card: AdaptiveCardJson, text?: string): Promise<string | undefined> {
    return this.run((ctx) => sendCard(ctx, card, text));
  }
  async updateCard(activityId: string, card: AdaptiveCardJson): Promise<void> {
    await this.run((ctx) => updateCard(ctx, activityId, card));
  }
  async announce(text: string): Promise<void> {
    await this.run((ctx) => postTopLevel(ctx, { text }));
  }
}
