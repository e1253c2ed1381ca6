/**
 * The Teams activity handler: every activity passes the access gate first (tenant, then the
 * conversation's vaults); messages and card buttons go to the command layer; installation and
 * removal events welcome or forget the conversation.
 */
import {
  TeamsActivityHandler,
  type ChannelInfo,
  type CloudAdapter,
  type InvokeResponse,
  type TeamInfo,
  type TurnContext,
} from 'botbuilder';
import type { Logger } from 'pino';
import type { BackupJobsApi } from '../azure/types';
import { buildWelcomeCard } from '../cards/static-cards';
import { parseCardAction } from '../cards/card-actions';
import { parseCommand } from '../commands/parse';
import { HELP_LINES } from '../commands/registry';
import { runCardAction, runCommand } from '../commands/run';
import type { CommandContext, ConversationScope } from '../commands/types';
import type { Clock } from '../core/clock';
import type { DigestService, TrackerService, WatchService } from '../tracker/ports';
import type { ConversationSettingsStore } from '../store/types';
import { conversationRoot } from '../domain/subscriber';
import { t } from '../cards/i18n';
import type { AccessGate, TenantVerdict } from './access';
import type { BackgroundTasks } from './background';
import type { JobActions } from '../commands/job-actions';
import { handleExecute, messageResponse, type SignInSettings } from './execute';
import type { SubscriberInput } from '../domain/subscriber';
import {
  activityLocale,
  activityTeamId,
  activityTimeZone,
  conversationReferenceOf,
  subscriberFromActivity,
  threadConversationId,
} from './conversation';
import { ProactiveReply, sendCard, TurnReply } from './reply';
import { telemetry } from '../core/telemetry';

export interface BotDeps {
  readonly adapter: CloudAdapter;
  /** Empty in local mode. */
  readonly appId: string;
  readonly tracker: TrackerService;
  readonly watches: WatchService;
  readonly digests: DigestService;
  readonly api: BackupJobsApi;
  /** Tenant check and the conversation's vaults (ALLOWED_TENANT_IDS, ACCESS_POLICY). */
  readonly access: AccessGate;
  readonly portalUrl: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly background: BackgroundTasks;
  /** Cancel / Back up again with the user's rights (ACTIONS); absent or mode off: no buttons, presses refused. */
  readonly actions?: JobActions;
  readonly signIn?: SignInSettings;
  /** Each conversation's own settings (its language), from the store. */
  readonly settings: ConversationSettingsStore;
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

  /**
   * The gate, before any handler runs: an activity from a tenant that is not allowed (or with
   * tenant ids that disagree, or ids out of bounds) reaches no command, store or ARM call.
   */
  override run(context: TurnContext): Promise<void> {
    // One span per incoming activity: the command, its ARM calls and the reply are its children.
    const type = typeof context.activity.type === 'string' ? context.activity.type.slice(0, 40) : 'unknown';
    return telemetry().span(`activity ${type}`, { 'activity.type': type }, async () => {
      const verdict = this.deps.access.check(context.activity);
      if (verdict.ok) {
        await super.run(context);
        return;
      }
      await this.refuse(context, verdict);
    });
  }

  /**
   * A log line; at most one short line to a message, rate-limited; an invoke gets a bare 403, but an
   * Action.Execute press the fixed reason in its own answer (Teams shows it to the presser; no call is made).
   */
  private async refuse(context: TurnContext, verdict: Exclude<TenantVerdict, { ok: true }>): Promise<void> {
    const activity = context.activity;
    const conversationId = typeof activity.conversation?.id === 'string' ? activity.conversation.id.slice(0, 200) : '';
    const type = typeof activity.type === 'string' ? activity.type.slice(0, 40) : '';
    const replies = type === 'message' && verdict.why !== 'malformed ids' && this.deps.access.mayReply(conversationId);
    this.log.warn(
      { why: verdict.why, tenantId: verdict.tenantId, conversationId, activityType: type, replied: replies },
      'activity refused',
    );
    if (type === 'invoke') {
      const execute = activity.name === 'adaptiveCard/action' && verdict.why !== 'malformed ids';
      await context.sendActivity({
        type: 'invokeResponse',
        value: execute ? messageResponse(t(activityLocale(activity), 'access.foreignTenant')) : { status: 403 },
      });
      return;
    }
    if (replies) await context.sendActivity({ type: 'message', text: t(activityLocale(activity), 'access.foreignTenant') });
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const ctx = await this.commandContext(context);
    const hasText = typeof activity.text === 'string' && activity.text.trim() !== '';
    if (!hasText && activity.value !== undefined) {
      const action = parseCardAction(activity.value);
      // Someone else's card, or a form we do not know: ignored by rule.
      if (!action) {
        this.log.info({ conversationId: ctx.conversationId }, 'ignored a submit that is not one of our buttons');
        return;
      }
      await runCardAction(action, ctx);
      return;
    }
    await runCommand(parseCommand(activity.text ?? ''), ctx);
  }

  private async commandContext(context: TurnContext): Promise<CommandContext> {
    const { deps } = this;
    const activity = context.activity;
    const conversationId = threadConversationId(activity);
    // Only tracking commands store a subscriber or send later: built on first use, not for every message.
    // So are the vaults (the policy's audience takes several id checks) and the child logger, which
    // `help`, `tracking` and most answers never use.
    let subscriber: SubscriberInput | undefined;
    let later: ProactiveReply | undefined;
    let allowList: CommandContext['allowList'] | undefined;
    let logger: Logger | undefined;
    const log = this.log;
    // Everyone in a channel reads the answer: the channel's language, when it set one, wins.
    const language = await deps.settings.getLanguage(conversationRoot(conversationId));
    return {
      tracker: deps.tracker,
      watches: deps.watches,
      digests: deps.digests,
      api: deps.api,
      get allowList() {
        return (allowList ??= { vaults: deps.access.vaultsFor(activity), scope: scopeOf(activity.conversation?.conversationType) });
      },
      portalUrl: deps.portalUrl,
      conversationId,
      get subscriber() {
        return (subscriber ??= subscriberFromActivity(activity));
      },
      locale: language ?? activityLocale(activity),
      settings: deps.settings,
      timeZone: activityTimeZone(activity),
      reply: new TurnReply(context),
      get later() {
        return (later ??= new ProactiveReply(deps.adapter, deps.appId, conversationReferenceOf(activity)));
      },
      background: (name, task) => deps.background.run(name, task),
      clock: deps.clock,
      get logger() {
        return (logger ??= log.child({ conversationId }));
      },
      ...(deps.actions ? { actions: deps.actions } : {}),
      ...(activity.replyToId === undefined ? {} : { replyToId: activity.replyToId }),
    };
  }

  /** Action.Execute presses (Universal Actions); every other invoke as the SDK handles it. */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name !== 'adaptiveCard/action') return super.onInvokeActivity(context);
    return handleExecute(context, this.deps.actions, this.deps.signIn, () => this.commandContext(context), this.log);
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

function scopeOf(conversationType: unknown): ConversationScope {
  return conversationType === 'channel' ? 'team' : conversationType === 'groupChat' ? 'groupChat' : 'personal';
}
