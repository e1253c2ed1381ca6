/**
 * The Bot Framework token service of the SSO connection, as the bot uses it: a sign-in link for
 * the loginRequest, and the magic code of a sign-in redeemed for the user's token. In a turn the
 * SDK's UserTokenClient serves (authenticated as the bot); in local mode (no MicrosoftAppId) the
 * SDK makes one without an app id, which it then refuses to use, so the bot makes its own for the
 * SSO app, unauthenticated, as a local token service expects.
 */
import type { Activity, TurnContext } from 'botbuilder';
import { MicrosoftAppCredentials, TokenApiClient, UserTokenClient } from 'botframework-connector';
import { z } from 'zod';

// What is read of the token service's answers; anything else in them is dropped.
const SIGN_IN_RESOURCE = z.object({
  signInLink: z.string().max(4000).optional(),
  tokenExchangeResource: z.object({ id: z.string().optional(), uri: z.string().optional(), providerId: z.string().optional() }).optional(),
});
const TOKEN = z.object({ token: z.string().max(16_000).optional() });

export interface TokenService {
  getSignInResource(
    connectionName: string,
    activity: Activity,
    finalRedirect: string,
  ): Promise<{ signInLink?: string; tokenExchangeResource?: { id?: string; uri?: string; providerId?: string } }>;
  getUserToken(userId: string, connectionName: string, channelId: string, magicCode: string): Promise<{ token?: string } | undefined>;
}

export interface TokenServiceSettings {
  /** The SSO app registration (the bot's app id unless SSO_CLIENT_ID says otherwise). */
  readonly clientId: string;
  /** SSO_TOKEN_SERVICE_URL. */
  readonly tokenServiceUrl: string;
}

const local = new Map<string, TokenService>();

export function tokenServiceOf(context: TurnContext, settings: TokenServiceSettings): TokenService | undefined {
  // CloudAdapter puts a UserTokenClient for the turn in the turn state under this key.
  const key = (context.adapter as { UserTokenClientKey?: symbol }).UserTokenClientKey;
  const sdk = key === undefined ? undefined : context.turnState.get<(TokenService & { appId?: unknown }) | undefined>(key);
  if (sdk && typeof sdk.appId === 'string' && sdk.appId !== '') return sdk;
  const id = `${settings.clientId}|${settings.tokenServiceUrl}`;
  let service = local.get(id);
  if (!service) {
    service = localTokenService(settings.clientId, settings.tokenServiceUrl);
    local.set(id, service);
  }
  return service;
}

/** The SDK's own encoding of the sign-in state (conversation, connection, app), which it keeps protected. */
abstract class ExchangeState extends UserTokenClient {
  static of(appId: string, connectionName: string, activity: Activity): string {
    return UserTokenClient.createTokenExchangeState(appId, connectionName, activity);
  }
}

function localTokenService(appId: string, baseUri: string): TokenService {
  const client = new TokenApiClient(MicrosoftAppCredentials.Empty, { baseUri });
  return {
    async getSignInResource(connectionName, activity, finalRedirect) {
      const state = ExchangeState.of(appId, connectionName, activity);
      const got = await client.botSignIn.getSignInResource(state, { finalRedirect });
      return SIGN_IN_RESOURCE.parse(got._response.parsedBody);
    },
    async getUserToken(userId, connectionName, channelId, code) {
      const got = await client.userToken.getToken(userId, connectionName, { channelId, code });
      return got._response.status === 200 ? TOKEN.parse(got._response.parsedBody) : undefined;
    },
  };
}
