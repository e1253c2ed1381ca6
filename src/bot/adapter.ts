/**
 * The CloudAdapter: Bot Framework auth from Config (an empty app id is local mode without auth,
 * which the Agents Playground needs) and the one turn error handler.
 */
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { t } from '../cards/i18n';
import type { Config } from '../config/config';
import { activityLocale } from './conversation';

export function createAdapter(bot: Config['bot'], logger: Logger): CloudAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: bot.appId,
    MicrosoftAppPassword: bot.appPassword,
    MicrosoftAppType: bot.appType,
    MicrosoftAppTenantId: bot.tenantId,
  });
  const adapter = new CloudAdapter(auth);
  const log = logger.child({ component: 'adapter' });
  adapter.onTurnError = async (context: TurnContext, error: Error): Promise<void> => {
    const activity = context.activity;
    log.error({ err: error, conversationId: activity.conversation?.id, activityType: activity.type }, 'turn failed');
    // Only messages get an apology; answering an update or an invoke with text makes no sense.
    if (activity.type !== 'message') return;
    try {
      await context.sendActivity({ type: 'message', text: t(activityLocale(activity), 'error.internal') });
    } catch (sendError) {
      log.warn({ err: sendError, conversationId: activity.conversation?.id }, 'could not send the apology');
    }
  };
  return adapter;
}
