/**
 * The Teams activity handler: messages and card buttons go to the command layer; installation
 * and removal events welcome or forget the conversation.
 */
import { TeamsActivityHandler, type ChannelInfo, type CloudAdapter, type TeamInfo, type TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { BackupJobsApi } from '../azure/types';
import { buildWelcomeCard } from '../cards/static-cards';
import { parseCardAction } from '../cards/card-actions';
import { parseCommand } from '../commands/parse';
import { HELP_LINES } from '../commands/registry';
import { runCardAction, runCommand } from '../commands/run';
import type { CommandContext, VaultAllowList } from '../commands/types';
import type { Clock } from '../core/clock';
import type { TrackerService } from '../tracker/ports';
import type { BackgroundTasks } from './background';
import { activityLocale, activityTeamId, conversationReferenceOf, subscriberFromActivity } from './conversation';
import { ProactiveReply, sendCard, TurnReply } from './reply';

export interface BotDeps {
  readonly adapter: CloudAdapter;
  /** Empty in local mode. */
  readonly appId: string;
  readonly tracker: TrackerService;
  readonly api: BackupJobsApi;
  readonly allowList: VaultAllowList;
  readonly portalUrl: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly background: BackgroundTasks;
}

export class BackupJobsBot extends TeamsActivityHandler {
  private readonly log: Logger;

  constructor(private readonly deps: BotDeps) {
    super();
    this.log = deps.logger.child({ component: 'bot' });

    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      await sendCard(context, buildWelcomeCard(activityLocale(context.activity), HELP_LINES));
      await next();
    });
    this.onInstallationUpdateRemove(async (context, next) => {
      await this.forget(context, 'app uninstalled');
      await next();
    });
    this.onMembersRemoved(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if (context.activity.membersRemoved?.some((m) => m.id === botId)) await this.forget(context, 'bot removed');
      await next();
    });
    this.onTeamsTeamDeletedEvent(async (_team: TeamInfo, context, next) => {
      await this.forget(context, 'team deleted');
      await next();
    });
    // The event's conversation is the General channel; the deleted channel is in channelData.
    this.onTeamsChannelDeletedEvent(async (channel: ChannelInfo, _team: TeamInfo, _context, next) => {
      const dropped = channel.id ? await this.deps.tracker.dropConversation(channel.id) : 0;
      this.log.info({ conversationId: channel.id, why: 'channel deleted', dropped }, 'conversation forgotten');
      await next();
    });
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const ctx = this.commandContext(context);
    const hasText = typeof activity.text === 'string' && activity.text.trim() !== '';
    if (!hasText && activity.value !== undefined) {
      const action = parseCardAction(activity.value);
      // Someone else's card, or a form we do not know: ignored by rule.
      if (!action) {
        this.log.info({ conversationId: ctx.subscriber.conversationId }, 'ignored a submit that is not one of our buttons');
        return;
      }
      await runCardAction(action, ctx);
      return;
    }
    await runCommand(parseCommand(activity.text ?? ''), ctx);
  }

  private commandContext(context: TurnContext): CommandContext {
    const { deps } = this;
    const activity = context.activity;
    const subscriber = subscriberFromActivity(activity);
    return {
      tracker: deps.tracker,
      api: deps.api,
      allowList: deps.allowList,
      portalUrl: deps.portalUrl,
      subscriber,
      locale: subscriber.locale,
      timeZone: subscriber.timeZone,
      reply: new TurnReply(context),
      later: new ProactiveReply(deps.adapter, deps.appId, conversationReferenceOf(activity)),
      background: (name, task) => deps.background.run(name, task),
      clock: deps.clock,
      logger: this.log.child({ conversationId: subscriber.conversationId }),
      ...(activity.replyToId === undefined ? {} : { replyToId: activity.replyToId }),
    };
  }

  /**
   * The conversation is gone for the bot: drop every subscription it had. In a team the event names
   * the team and its General channel only, so the team's other channels are dropped by team id;
   * the conversation itself is dropped too (with its threads), which also covers subscriptions
   * stored before the team id was.
   */
  private async forget(context: TurnContext, why: string): Promise<void> {
    const conversationId = context.activity.conversation?.id ?? '';
    const teamId = activityTeamId(context.activity);
    let dropped = conversationId === '' ? 0 : await this.deps.tracker.dropConversation(conversationId);
    if (teamId !== undefined) dropped += await this.deps.tracker.dropTeam(teamId);
    this.log.info({ conversationId, teamId, why, dropped }, 'conversation forgotten');
  }
}
