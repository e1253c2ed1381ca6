/**
 * The CloudAdapter: Bot Framework auth from Config (an empty app id is local mode without auth,
 * which the Agents Playground needs) and the one turn error handler.
 */
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity, type InvokeResponse, type TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { t } from '../cards/i18n';
import type { Config } from '../config/config';
import { activityLocale } from './conversation';

/** Signs the bot's calls to the Bot Connector; replaced in tests to send a known token to the recording connector. */
export type ConnectorCredentialsFactory = NonNullable<ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1]>;

/**
 * CloudAdapter with its authenticated turn made callable: `process()` also writes every failure with
 * console.error (a forged token per request is a line on stderr per request, past our logger and
 * its scrubbing), so processor.ts does the HTTP part itself and calls this.
 */
export class BotAdapter extends CloudAdapter {
  /** Validates `authHeader` (throws botframework-connector's AuthenticationError), runs the turn, returns an invoke response if any. */
  authenticateAndRun(
    authHeader: string,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}

export function createAdapter(bot: Config['bot'], logger: Logger, credentials?: ConnectorCredentialsFactory): BotAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication(
    {
      MicrosoftAppId: bot.appId,
      MicrosoftAppPassword: bot.appPassword,
      MicrosoftAppType: bot.appType,
      MicrosoftAppTenantId: bot.tenantId,
    },
    credentials,
  );
  const adapter = new BotAdapter(auth);
  const log = logger.child({ component: 'adapter' });
  adapter.onTurnError = async (context: TurnContext, error: Error): Promise<void> => {
    const activity = context.activity;
    // The logger keeps only name, message, code, status and frames of `error`: a connector error carries
    // the request it sent, Authorization header included.
    log.error({ err: error, conversationId: activity.conversation?.id, activityType: activity.type }, 'turn failed');
    // Only messages get an apology, and a fixed one: nothing of `error` reaches the chat.
    // Answering an update or an invoke with text makes no sense.
    if (activity.type !== 'message') return;
    try {
      await context.sendActivity({ type: 'message', text: t(activityLocale(activity), 'error.internal') });
    } catch (sendError) {
      log.warn({ err: sendError, conversationId: activity.conversation?.id }, 'could not send the apology');
    }
  };
  return adapter;
}
