/**
 * The CloudAdapter: Bot Framework auth from Config (an empty app id is local mode without auth,
 * which the Agents Playground needs) and the one turn error handler.
 */
import {
  CallerIdConstants,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
// botbuilder's own dependency (same version): the type of an authenticated request, the cloud constants.
import { AuthenticationConstants, type AuthenticateRequestResult } from 'botframework-connector';
import type { Logger } from 'pino';
import { t } from '../cards/i18n';
import type { Config } from '../config/config';
import { activityLocale } from './conversation';
import { withoutSdkConsole } from './sdk-console';

/** Signs the bot's calls to the Bot Connector; replaced in tests to send a known token to the recording connector. */
export type ConnectorCredentialsFactory = NonNullable<ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1]>;

/** Any failure to authenticate an inbound request: the SDK throws AuthenticationError, but also jsonwebtoken's errors (a bad signature). */
export class InboundAuthError extends Error {
  constructor(readonly reason: unknown) {
    super('inbound request not authenticated');
    this.name = 'InboundAuthError';
  }
}

/**
 * CloudAdapter with authentication and the turn callable apart: `process()` writes every failure
 * with console.error (a forged token per request is a line on stderr per request, past our logger
 * and its scrubbing), so processor.ts does the HTTP part itself and calls these two.
 */
export class BotAdapter extends CloudAdapter {
  /** Validates `authHeader` for `activity`; throws InboundAuthError, with the SDK's console writes dropped (sdk-console.ts). */
  async authenticate(authHeader: string, activity: Activity): Promise<AuthenticateRequestResult> {
    try {
      return await withoutSdkConsole(() => this.botFrameworkAuthentication.authenticateRequest(activity, authHeader));
    } catch (err) {
      throw new InboundAuthError(err);
    }
  }

  /** Runs the turn of an authenticated request (what process() does after authenticating); returns the invoke response, if any. */
  run(
    auth: AuthenticateRequestResult,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(auth, activity, logic);
  }
}

/**
 * `openIdMetadataUrl` replaces where the Bot Framework signing keys are read (tests: keys served on
 * 127.0.0.1, so a token with a real issuer and key id but a bad signature can be sent).
 */
export function createAdapter(
  bot: Config['bot'],
  logger: Logger,
  credentials?: ConnectorCredentialsFactory,
  openIdMetadataUrl?: string,
  /** The token service of the SSO connection (SSO_TOKEN_SERVICE_URL), when not the public one. */
  oauthUrl?: string,
): BotAdapter {
  const defaultOAuth = oauthUrl === undefined || oauthUrl === AuthenticationConstants.OAuthUrl;
  const auth = new ConfigurationBotFrameworkAuthentication(
    {
      MicrosoftAppId: bot.appId,
      MicrosoftAppPassword: bot.appPassword,
      MicrosoftAppType: bot.appType,
      MicrosoftAppTenantId: bot.tenantId,
      // The SDK takes one custom endpoint only with all the others: these are its public-cloud defaults.
      ...(openIdMetadataUrl === undefined && defaultOAuth
        ? {}
        : {
            ToBotFromChannelOpenIdMetadataUrl: openIdMetadataUrl ?? AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl,
            ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
            ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
            ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
            OAuthUrl: oauthUrl ?? AuthenticationConstants.OAuthUrl,
            ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
            CallerId: CallerIdConstants.PublicAzureChannel,
          }),
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
