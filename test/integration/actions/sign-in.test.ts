/**
 * Sign-in when silent SSO cannot give a token, over real HTTP: the press's loginRequest carries
 * the SSO connection's sign-in link from the (fake) Bot Framework token service; when Entra wants
 * consent first, the request carries only the link, nothing is spent or written, and the press
 * sent again with the magic code of that sign-in runs with the user's rights. No token is logged.
 */
import { randomUUID } from 'node:crypto';
import { systemClock } from '../../../src/core/clock';
import type { SimJobSpec } from '../../../tools/simulator/spec';
import { ACTION_VAULT, SSO_APP, cardExecute, confirmData, startActionStack, type ActionStack } from '../../support/action-stack';
import { cardOf, type RecordedActivity } from '../../support/recording-connector';
import { CHANNEL_ID, MEGAN, channelMessage } from '../../support/teams-activities';

const MIN = 60_000;
const LOGIN = 'application/vnd.microsoft.activity.loginRequest';
const restore: SimJobSpec = {
  vault: ACTION_VAULT,
  jobId: randomUUID(),
  jobType: 'AzureIaaSVMJob',
  operation: 'Restore',
  entityFriendlyName: 'vm-web-07',
  backupManagementType: 'AzureIaasVM',
  workloadType: 'VM',
  startAt: systemClock.now() - MIN,
  tasks: [{ name: 'Transfer data', durationMs: 600 * MIN }],
  outcome: 'Completed',
  propertyBag: { 'VM Name': 'vm-web-07' },
};
const PAT = MEGAN; // Backup Operator, who has not consented to the app's Azure permission yet
const APP_ID_URI = `api://botid-${SSO_APP.clientId}`;

let s: ActionStack;
beforeAll(async () => {
  s = await startActionStack([restore], [restore.jobId]);
  s.sim.roles!.assign(PAT.aadObjectId, ACTION_VAULT, 'Backup Operator');
}, 120_000);
afterAll(async () => {
  await s?.stop();
});

let card: RecordedActivity;
const thread = `${CHANNEL_ID};messageid=44000001`;
async function press(extra: { token?: string; state?: string }): Promise<Record<string, unknown>> {
  const activity = cardExecute(confirmData(cardOf(card)!, 'Cancel'), {
    serviceUrl: s.connector.serviceUrl,
    conversationId: thread,
    replyToId: card.activityId,
    from: PAT,
    ...(extra.token ? { token: extra.token } : {}),
  });
  const value = { ...(activity.value as Record<string, unknown>), ...(extra.state ? { state: extra.state } : {}) };
  const res = await s.send({ ...activity, value });
  expect(res.status).toBe(200);
  return JSON.parse(res.body) as Record<string, unknown>;
}

describe('sign-in when silent SSO cannot give a token', () => {
  beforeAll(async () => {
    await s.send(channelMessage(`track job ${restore.jobId}`, { serviceUrl: s.connector.serviceUrl, id: '44000001', from: PAT }));
    card = await s.connector.waitFor(() => s.connector.for(thread).find((a) => cardOf(a) !== undefined), 60_000, 'the job card');
  }, 90_000);

  it('a press without a token gets the loginRequest with the token exchange resource and the connection sign-in link', async () => {
    expect(await press({})).toEqual({
      statusCode: 401,
      type: LOGIN,
      value: {
        text: 'I need you to sign in to act with your own Azure rights. Nothing was done.',
        connectionName: 'teams-sso',
        tokenExchangeResource: { id: s.tokens.exchangeResource.id, uri: APP_ID_URI },
        buttons: [{ type: 'signin', title: 'Sign in', text: 'Sign in', value: s.tokens.signInLink }],
      },
    });
    expect(s.tokens.requests.map((r) => r.route)).toEqual(['signInResource']);
    // The sign-in state names the connection, the SSO app and this conversation, so the token service returns here.
    const state = JSON.parse(Buffer.from(s.tokens.requests[0].query.state ?? '', 'base64').toString('utf8')) as Record<string, unknown>;
    expect(state).toMatchObject({ connectionName: 'teams-sso', msAppId: SSO_APP.clientId, conversation: { conversation: { id: thread } } });
    expect(s.sim.counts()['cancel']).toBe(0);
  }, 60_000);

  it('the command form asks the same: cancel job, Confirm without a token, gets the sign-in request with the link', async () => {
    const id = '44000002';
    await s.send(channelMessage(`cancel job ${restore.jobId}`, { serviceUrl: s.connector.serviceUrl, id, from: PAT }));
    const t2 = `${CHANNEL_ID};messageid=${id}`;
    const confirm = await s.connector.waitFor(() => s.connector.for(t2).find((a) => cardOf(a) !== undefined), 60_000, 'the confirmation');
    const confirmAction = (cardOf(confirm)!.actions as Array<{ title: string; data: unknown }>)[0];
    const activity = cardExecute(confirmAction.data, {
      serviceUrl: s.connector.serviceUrl,
      conversationId: t2,
      replyToId: confirm.activityId,
      from: PAT,
    });
    const res = await s.send(activity);
    const body = JSON.parse(res.body) as { statusCode: number; type: string; value: { buttons: unknown[] } };
    expect([body.statusCode, body.type]).toEqual([401, LOGIN]);
    expect(body.value.buttons).toEqual([{ type: 'signin', title: 'Sign in', text: 'Sign in', value: s.tokens.signInLink }]);
    expect(s.sim.counts()['cancel']).toBe(0);
  }, 60_000);

  it('Entra wants consent: only the sign-in link, nothing spent or written; the press with the sign-in code then runs with her rights', async () => {
    s.entra.requireConsent(PAT.aadObjectId);
    const sso = s.entra.ssoToken({ oid: PAT.aadObjectId, name: PAT.name });
    expect(await press({ token: sso })).toEqual({
      statusCode: 401,
      type: LOGIN,
      value: {
        text: 'Azure needs you to sign in (and consent, the first time) before I can act with your own Azure rights. Sign in with the button, then press again. Nothing was done.',
        connectionName: 'teams-sso',
        buttons: [{ type: 'signin', title: 'Sign in', text: 'Sign in', value: s.tokens.signInLink }],
      },
    });
    expect(s.sim.counts()['cancel']).toBe(0);
    expect(s.entra.requests.filter((r) => r.oid === PAT.aadObjectId).map((r) => r.status)).toEqual([400]);

    // She signs in through the link and consents; Teams sends the same press with the magic code.
    s.entra.grantConsent(PAT.aadObjectId);
    const fresh = s.entra.ssoToken({ oid: PAT.aadObjectId, name: PAT.name });
    const code = s.tokens.completeSignIn(PAT.id, 'teams-sso', fresh);
    const answer = await press({ state: code });
    expect(answer).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(JSON.stringify(answer.value)).toContain(`Cancelled by ${PAT.name}`);
    expect(s.sim.counts()['cancel']).toBe(1);
    expect(s.tokens.requests.filter((r) => r.route === 'getToken').map((r) => [r.status, r.query.userId, r.query.code])).toEqual([
      [200, PAT.id, code],
    ]);
    // A code is redeemed once: the same press again is the replay it is.
    const again = await press({ state: code });
    expect(again.type).toBe(LOGIN);
    expect(s.sim.counts()['cancel']).toBe(1);

    const log = s.botLog();
    for (const secret of [sso, fresh]) {
      expect(log).not.toContain(secret);
      expect(log).not.toContain(secret.split('.')[2]);
    }
  }, 90_000);
});
