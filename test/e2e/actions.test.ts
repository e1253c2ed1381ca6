/**
 * Cancel pressed in the Agents Playground through the UI's invoke route (Action.Execute →
 * `adaptiveCard/action`), with ACTIONS=sso: the bot (a child process trusting the fake Entra's test
 * CA) exchanges the user's token On-Behalf-Of, the simulated vault checks the user's role, and the
 * card the bot answers with parses and validates in the Adaptive Cards SDK without a warning.
 */
import { checkCard } from '../unit/cards/ac-validate';
import { startFakeEntra, type FakeEntra } from '../support/fake-entra';
import { confirmData } from '../support/action-stack';
import { cardShows, startStack, type Stack } from './support/stack';

const WAIT = 30_000;
const SSO = {
  tenantId: '5b2d7a0e-3c4f-4a51-9b6c-7d8e9f0a1b2c',
  clientId: '6c7d8e9f-3333-4444-8555-666677778888',
  clientSecret: 'e2e-sso-secret',
};
/** The playground's current user (user-id-0, Alex Wilber) carries this object id on its activities. */
const PLAYGROUND_USER_OID = '00000000-0000-0000-0000-0000000000020';

describe('e2e: Cancel through the Agents Playground (Universal Actions)', () => {
  let entra: FakeEntra;
  let stack: Stack;

  beforeAll(async () => {
    entra = await startFakeEntra(SSO);
    stack = await startStack({
      roles: { tokenKeyPem: entra.publicKeyPem },
      cancelDelayMs: 1000,
      botEnv: {
        ACTIONS: 'sso',
        SSO_CLIENT_ID: SSO.clientId,
        SSO_CLIENT_SECRET: SSO.clientSecret,
        SSO_TENANT_ID: SSO.tenantId,
        SSO_AUTHORITY_HOST: entra.origin,
        NODE_EXTRA_CA_CERTS: entra.caFile,
      },
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await entra?.close();
  });

  it('Cancel on a running restore: the answer card says Cancelling and who, renders cleanly, and the job ends Cancelled', async () => {
    const { playground, sim } = stack;
    const oid = playground.userObjectId || PLAYGROUND_USER_OID;
    const vault = sim.jobs[0].vault;
    sim.server.roles!.assign(oid, vault, 'Backup Operator');
    const jobId = stack.addJob({
      entity: 'vm-restore-e2e',
      operation: 'Restore',
      tasks: [{ name: 'Transfer data', durationMs: 60 * 60_000 }],
      outcome: 'Completed',
    });

    const since = playground.mark();
    const sent = await playground.send(playground.personalChatId, `track job ${jobId}`);
    const card = await playground.waitForMessage((m) => m.action === 'createMessage' && cardShows(m, 'vm-restore-e2e'), WAIT, since);
    const data = confirmData(card.attachments[0].content as Record<string, unknown>, 'Cancel');
    const token = entra.ssoToken({ oid, name: 'Alex Wilber' });
    const answer = await playground.invoke(sent.replyConversationId, card.messageId, {
      action: { type: 'Action.Execute', verb: 'cancelJob', data },
      trigger: 'manual',
      authentication: { id: 'sso', connectionName: '', token },
    });
    // The playground passes on the response's type and value (not its statusCode).
    expect(answer).toMatchObject({ type: 'application/vnd.microsoft.card.adaptive' });
    const shown = answer.value as Record<string, unknown>;
    expect(JSON.stringify(shown)).toContain('Cancelling');
    expect(JSON.stringify(shown)).toMatch(/Cancelled by [^"]+, /);
    const check = checkCard(shown as never);
    expect(check.parseEvents).toEqual([]);
    expect(check.validationEvents).toEqual([]);
    expect(sim.server.truth(jobId)?.status).toBe('Cancelling');
    expect(entra.requests.map((r) => r.status)).toContain(200);

    stack.release(jobId);
    // The card in the chat reaches its final state and still says who cancelled it.
    await playground.waitForMessage(
      (m) => m.messageId === card.messageId && cardShows(m, /Cancelled by/) && !cardShows(m, 'Cancelling'),
      WAIT,
      since,
    );
    expect(sim.server.truth(jobId)?.status).toBe('Cancelled');
  }, 90_000);
});
