/**
 * Universal Actions: the `adaptiveCard/action` invoke of an Action.Execute (Confirm / Not now).
 * The answer goes to the person who pressed: an updated card, a message, or — without a usable
 * token — a sign-in request (loginRequest). Teams first tries silent SSO with the request's
 * tokenExchangeResource and re-sends the press with `value.authentication.token`; when SSO cannot
 * give one (no consent yet, MFA, a client without SSO) it shows the request's sign-in button, a
 * link from the Bot Framework token service for the SSO connection, and re-sends the press with
 * `value.state`, the magic code the bot redeems there for the user's token.
 */
import { randomUUID } from 'node:crypto';
import type { InvokeResponse, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { parseExecuteInvoke } from '../cards/card-actions';
import { t } from '../cards/i18n';
import type { ActionAnswer, JobActions } from '../commands/job-actions';
import type { CommandContext } from '../commands/types';
import { activityLocale } from './conversation';
import { tokenServiceOf, type TokenServiceSettings } from './token-service';

export interface SignInSettings extends TokenServiceSettings {
  /** The Azure Bot's OAuth connection (SSO_CONNECTION_NAME). */
  readonly connectionName: string;
  /** The exposed API (webApplicationInfo.resource): Teams asks Entra for a token with this audience. */
  readonly appIdUri: string;
}

/** AdaptiveCardInvokeResponse content types. */
const CARD = 'application/vnd.microsoft.card.adaptive';
const MESSAGE = 'application/vnd.microsoft.activity.message';
const LOGIN = 'application/vnd.microsoft.activity.loginRequest';

export async function handleExecute(
  context: TurnContext,
  actions: JobActions | undefined,
  signIn: SignInSettings | undefined,
  commandContext: () => Promise<CommandContext>,
  log: Logger,
): Promise<InvokeResponse> {
  const activity = context.activity;
  const locale = activityLocale(activity);
  const press = parseExecuteInvoke(activity.value);
  if (!actions || actions.mode === 'off') {
    log.warn({ action: press?.data.action ?? 'unknown' }, 'action refused: actions are off');
    return messageResponse(t(locale, 'action.off'));
  }
  if (!press) {
    log.warn({ conversationId: activity.conversation?.id?.slice(0, 200) }, 'action refused: not one of our buttons');
    return messageResponse(t(locale, 'action.refused'));
  }
  const from = activity.from ?? { id: '', name: '' };
  const user = {
    id: String(from.id ?? '').slice(0, 200),
    name: String(from.name ?? '').slice(0, 200),
    ...(typeof from.aadObjectId === 'string' ? { aadObjectId: from.aadObjectId.slice(0, 64) } : {}),
  };
  let token = press.token;
  if (token === undefined && press.state !== undefined && signIn) token = await redeem(context, signIn, user.id, press.state, log);
  const answer = await actions.execute(press.data, token, user, await commandContext());
  if (answer.kind === 'signIn') return loginRequest(context, signIn, locale, answer.consent === true, log);
  return respond(answer);
}

/** An AdaptiveCardInvokeResponse with a message Teams shows the person who pressed. */
export function messageResponse(text: string): InvokeResponse {
  return { status: 200, body: { statusCode: 200, type: MESSAGE, value: text } };
}

function respond(answer: Exclude<ActionAnswer, { kind: 'signIn' }>): InvokeResponse {
  return answer.kind === 'card' ? { status: 200, body: { statusCode: 200, type: CARD, value: answer.card } } : messageResponse(answer.text);
}

/** The magic code Teams sends after a sign-in through the link, exchanged for the user's token; undefined when it is not (any more) valid. */
async function redeem(
  context: TurnContext,
  signIn: SignInSettings,
  userId: string,
  code: string,
  log: Logger,
): Promise<string | undefined> {
  if (signIn.connectionName === '') return undefined;
  const service = tokenServiceOf(context, signIn);
  if (!service) return undefined;
  try {
    const got = await service.getUserToken(userId, signIn.connectionName, context.activity.channelId ?? 'msteams', code);
    return typeof got?.token === 'string' && got.token.length > 0 && got.token.length <= 16_000 ? got.token : undefined;
  } catch (err) {
    log.warn({ err: brief(err) }, 'sign-in code not redeemed at the token service');
    return undefined;
  }
}

/**
 * The loginRequest answer. With `consent` (Entra wants the user first), the request carries no
 * tokenExchangeResource: silent SSO would only yield the same token again, so Teams goes straight
 * to the sign-in button. Without a sign-in link then, the user gets a message saying what to ask for.
 */
async function loginRequest(
  context: TurnContext,
  signIn: SignInSettings | undefined,
  locale: string | undefined,
  consent: boolean,
  log: Logger,
): Promise<InvokeResponse> {
  const connectionName = signIn?.connectionName ?? '';
  let exchange: { id: string; uri: string } = { id: randomUUID(), uri: signIn?.appIdUri ?? '' };
  let link: string | undefined;
  const service = signIn ? tokenServiceOf(context, signIn) : undefined;
  if (service && connectionName !== '') {
    try {
      const resource = await service.getSignInResource(connectionName, context.activity, '');
      link = safeLink(resource.signInLink);
      const r = resource.tokenExchangeResource;
      if (typeof r?.id === 'string' && typeof r.uri === 'string') exchange = { id: r.id.slice(0, 200), uri: r.uri.slice(0, 400) };
    } catch (err) {
      log.warn({ err: brief(err) }, 'no sign-in link from the token service; silent SSO only');
    }
  }
  if (consent && link === undefined) return messageResponse(t(locale, 'action.needsConsent'));
  const title = t(locale, 'action.signInButton');
  return {
    status: 200,
    body: {
      statusCode: 401,
      type: LOGIN,
      value: {
        text: t(locale, consent ? 'action.needsConsentSignIn' : 'action.needsSignIn'),
        connectionName,
        ...(consent ? {} : { tokenExchangeResource: exchange }),
        ...(link === undefined ? {} : { buttons: [{ type: 'signin', title, text: title, value: link }] }),
      },
    },
  };
}

/** The token service's sign-in link, only when it is an https URL (or loopback http, the tests' service). */
function safeLink(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 4000) return undefined;
  try {
    const url = new URL(value);
    const loopback = url.protocol === 'http:' && url.hostname === '127.0.0.1';
    return url.protocol === 'https:' || loopback ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** An SDK error without the request it carries (its Authorization header included). */
function brief(err: unknown): { name: string; message: string; status?: number } {
  const e = err instanceof Error ? err : new Error(String(err));
  const status = (e as { statusCode?: unknown }).statusCode;
  return { name: e.name, message: e.message.split('\n')[0].slice(0, 200), ...(typeof status === 'number' ? { status } : {}) };
}
