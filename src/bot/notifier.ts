/**
 * Sends the tracker's outbox messages into Teams: the progress card updated in place, the
 * completion notice as a new message that @mentions the requester, informational notices as
 * text. One attempt per call; connector failures are classified, never thrown.
 */
import { CardFactory, type Activity, type CloudAdapter, type ConversationReference, type TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { finalSummary } from '../cards/job-card';
import { noticeText } from '../cards/messages';
import { vaultLabel } from '../commands/resolve';
import type { JobActions } from '../commands/job-actions';
import { jobCard } from '../commands/views';
import type { Clock } from '../core/clock';
import type { Notifier } from '../tracker/ports';
import { conversationRoot, type AnyOutbound, type DeliveryResult, type Subscriber } from '../domain/subscriber';
import type { ConversationSettingsStore } from '../store/types';
import { buildWatchRollupCard, watchJobText } from '../cards/watch-cards';
import { buildDigestCard } from '../cards/digest-card';
import { classifyConnectorError } from './connector-errors';
import { postNew, sendCard, updateCard } from './reply';

export interface NotifierOptions {
  readonly adapter: CloudAdapter;
  readonly appId: string;
  readonly portalUrl: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The action buttons of each card and who acted (ACTIONS); absent: none. */
  readonly actions?: Pick<JobActions, 'view'>;
  /** The conversation's language, which wins over the requester's (the `language` command). */
  readonly settings: Pick<ConversationSettingsStore, 'getLanguage'>;
}

/** `<at>` text must not carry markup of its own. */
function mentionName(name: string): string {
  return name.replace(/[<>&]/g, '').trim() || 'there';
}

export function mentionActivity(subscriber: Subscriber, text: string): Partial<Activity> {
  const { id, name } = subscriber.requester;
  const at = `<at>${mentionName(name)}</at>`;
  return {
    type: 'message',
    text: `${at} ${text}`,
    entities: [{ type: 'mention', text: at, mentioned: { id, name: mentionName(name) } }],
  };
}

export class ProactiveNotifier implements Notifier {
  private readonly log: Logger;

  constructor(private readonly o: NotifierOptions) {
    this.log = o.logger.child({ component: 'notifier' });
  }

  async deliver(message: AnyOutbound): Promise<DeliveryResult> {
    const ref = message.subscriber.conversationRef as Partial<ConversationReference>;
    let activityId: string | undefined;
    // Errors inside the turn logic would reach the adapter's onTurnError and be swallowed there;
    // they are caught here instead so the dispatcher learns what the connector said.
    let failure: { error: unknown } | undefined;
    const locale = await this.localeOf(message.subscriber);
    try {
      await this.o.adapter.continueConversationAsync(this.o.appId, ref, async (context) => {
        try {
          activityId = await this.send(context, message, locale);
        } catch (error) {
          failure = { error };
        }
      });
    } catch (error) {
      failure = { error };
    }
    if (failure) {
      const result = classifyConnectorError(failure.error, this.o.clock.now());
      this.log.info({ conversationId: message.subscriber.conversationId, kind: message.kind, reason: result.reason }, 'delivery failed');
      return result;
    }
    return activityId === undefined ? { ok: true } : { ok: true, activityId };
  }

  /**
   * The conversation's language when it set one, else the requester's: a notice in a channel is
   * read by many, and the channel chose for them. A store that cannot answer costs the notice
   * nothing but its language.
   */
  private async localeOf(subscriber: Subscriber): Promise<string | undefined> {
    try {
      return (await this.o.settings.getLanguage(conversationRoot(subscriber.conversationId))) ?? subscriber.locale;
    } catch (error) {
      this.log.warn(
        { conversationId: subscriber.conversationId, err: error },
        'conversation language unreadable; using the requester language',
      );
      return subscriber.locale;
    }
  }

  private async send(context: TurnContext, message: AnyOutbound, locale: string | undefined): Promise<string | undefined> {
    const { subscriber } = message;
    // Action buttons on the tracked job's cards only; a watch's or digest's cards carry none.
    const actions =
      message.kind === 'card' || message.kind === 'final'
        ? await this.o.actions?.view(message.job, message.key, subscriber.conversationId)
        : undefined;
    const cardOptions = {
      locale,
      timeZone: subscriber.timeZone,
      now: this.o.clock.now(),
      portalUrl: this.o.portalUrl,
      ...(actions ? { actions } : {}),
    };
    switch (message.kind) {
      case 'card': {
        const card = jobCard(message.job, message.key, { ...cardOptions, tracking: true, ...(message.eta ? { eta: message.eta } : {}) });
        if (subscriber.cardActivityId !== undefined) {
          await updateCard(context, subscriber.cardActivityId, card);
          return subscriber.cardActivityId;
        }
        return sendCard(context, card);
      }
      case 'final': {
        const card = jobCard(message.job, message.key, { ...cardOptions, tracking: false });
        const response = await context.sendActivity({
          ...mentionActivity(subscriber, finalSummary(message.job, locale)),
          attachments: [CardFactory.adaptiveCard(card)],
        });
        return response?.id;
      }
      case 'watchJob': {
        // A watch posts into the conversation itself (in a channel, a new post), mentioning nobody.
        const card = jobCard(message.job, message.key, { ...cardOptions, tracking: false });
        if (message.event === 'ended' && subscriber.cardActivityId !== undefined) {
          await updateCard(context, subscriber.cardActivityId, card);
          return subscriber.cardActivityId;
        }
        if (message.event === 'started') return postNew(context, { attachments: [CardFactory.adaptiveCard(card)] });
        return postNew(context, {
          text: watchJobText(message.job, message.event, vaultLabel(message.key.vault), locale),
          attachments: [CardFactory.adaptiveCard(card)],
        });
      }
      case 'watchRollup': {
        const card = buildWatchRollupCard(message.jobs, message.more, message.event, {
          locale,
          timeZone: subscriber.timeZone,
          now: this.o.clock.now(),
          vaultLabel: vaultLabel(message.vault),
        });
        return postNew(context, { attachments: [CardFactory.adaptiveCard(card)] });
      }
      case 'digest': {
        const card = buildDigestCard(message.vaults, { locale, timeZone: subscriber.timeZone, now: message.asOf });
        return postNew(context, { attachments: [CardFactory.adaptiveCard(card)] });
      }
      case 'notice': {
        const text = noticeText(
          message.notice,
          {
            jobId: message.key.jobId,
            vault: vaultLabel(message.key.vault),
            ...(message.detail === undefined ? {} : { detail: message.detail }),
          },
          locale,
        );
        const response = await context.sendActivity({ type: 'message', text });
        return response?.id;
      }
    }
  }
}
