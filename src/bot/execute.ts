/**
 * Universal Actions: the `adaptiveCard/action` invoke of an Action.Execute (Confirm / Not now).
 * The answer goes to the person who pressed: an updated card, a message, or — without an SSO
 * token yet — a sign-in request (loginRequest with the app's tokenExchangeResource), after which
 * Teams sends the same press again with `value.authentication.token`.
 */
import { randomUUID } from 'node:crypto';
import type { InvokeResponse, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { parseExecuteInvoke } from '../cards/card-actions';
import { t } from '../cards/i18n';
import type { ActionAnswer, JobActions } from '../commands/job-actions';
import type { CommandContext } from '../commands/types';
import { activityLocale } from './conversation';

export interface SignInSettings {
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
    return respond({ kind: 'message', text: t(locale, 'action.off') }, signIn);
  }
  if (!press) {
    log.warn({ conversationId: activity.conversation?.id?.slice(0, 200) }, 'action refused: not one of our buttons');
    return respond({ kind: 'message', text: t(locale, 'action.refused') }, signIn);
  }
  const from = activity.from ?? { id: '', name: '' };
  const user = {
    id: String(from.id ?? '').slice(0, 200),
    name: String(from.name ?? '').slice(0, 200),
    ...(typeof from.aadObjectId === 'string' ? { aadObjectId: from.aadObjectId.slice(0, 64) } : {}),
  };
  const answer = await actions.execute(press.data, press.token, user, await commandContext());
  return respond(answer, signIn, locale);
}

/** An AdaptiveCardInvokeResponse with a message Teams shows the person who pressed. */
export function messageResponse(text: string): InvokeResponse {
  return { status: 200, body: { statusCode: 200, type: MESSAGE, value: text } };
}

function respond(answer: ActionAnswer, signIn: SignInSettings | undefined, locale?: string): InvokeResponse {
  switch (answer.kind) {
    case 'card':
      return { status: 200, body: { statusCode: 200, type: CARD, value: answer.card } };
    case 'message':
      return messageResponse(answer.text);
    case 'signIn':
      return {
        status: 200,
        body: {
          statusCode: 401,
          type: LOGIN,
          value: {
            text: t(locale, 'action.needsSignIn'),
            connectionName: signIn?.connectionName ?? '',
            tokenExchangeResource: { id: randomUUID(), uri: signIn?.appIdUri ?? '' },
          },
        },
      };
  }
}
