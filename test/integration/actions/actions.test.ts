/**
 * Actions with the user's own Azure rights, over real HTTP: the bot in a child process trusting
 * the fake Entra's CA, the real OnBehalfOfCredential, the simulated vault checking each token's oid
 * against its role assignments. Waits are for what the connector receives, never for a duration.
 */
import { randomUUID } from 'node:crypto';
import { systemClock } from '../../../src/core/clock';
import type { SimJobSpec } from '../../../tools/simulator/spec';
import { ACTION_VAULT, actionTitles, cardExecute, confirmData, startActionStack, type ActionStack } from '../../support/action-stack';
import { cardOf, type RecordedActivity } from '../../support/recording-connector';
import { ALEX, CHANNEL_ID, MEGAN, channelMessage } from '../../support/teams-activities';

const MIN = 60_000;
const now = systemClock.now();
const job = (entity: string, over: Partial<SimJobSpec>): SimJobSpec => ({
  vault: ACTION_VAULT,
  jobId: randomUUID(),
  jobType: 'AzureIaaSVMJob',
  operation: 'Backup',
  entityFriendlyName: entity,
  backupManagementType: 'AzureIaasVM',
  workloadType: 'VM',
  startAt: now - 10 * MIN,
  tasks: [{ name: 'Take Snapshot', durationMs: MIN }],
  outcome: 'Completed',
  propertyBag: { 'VM Name': entity },
  ...over,
});
const failed = job('vm-app-02', {
  outcome: 'Failed',
  errorDetails: [{ code: 'UserErrorVmNotInDesirableState', message: 'The VM was stopped.', recommendations: ['Start the VM.'] }],
});
const restore = job('vm-web-01', { operation: 'Restore', startAt: now - MIN, tasks: [{ name: 'Transfer data', durationMs: 600 * MIN }] });
const other = job('vm-db-03', { startAt: now - MIN, tasks: [{ name: 'Take Snapshot', durationMs: 600 * MIN }] });
type Person = { readonly id: string; readonly name: string; readonly aadObjectId: string };
// An on-premises DPM backup: Azure lists no protected item the bot could back up again.
const dpmFailed = job('SQLSRV02\\HRDB', { jobType: 'DpmJob', backupManagementType: 'DPM', workloadType: 'SQLDB', outcome: 'Failed' });
const OLGA: Person = ALEX; // Backup Operator on the vault
const MIRA: Person = MEGAN; // no role on the vault

let s: ActionStack;
beforeAll(async () => {
  s = await startActionStack([failed, restore, other, dpmFailed], [restore.jobId, other.jobId]);
  s.sim.roles!.assign(OLGA.aadObjectId, ACTION_VAULT, 'Backup Operator');
  // The next backup of vm-app-02 succeeds, held until the test has seen it tracked.
  const names = {
    containerName: 'IaasVMContainer;iaasvmcontainerv2;rg-backup;vm-app-02',
    name: 'VM;iaasvmcontainerv2;rg-backup;vm-app-02',
  };
  s.sim.items.find(ACTION_VAULT, names.containerName, names.name)!.next = {
    tasks: [{ name: 'Take Snapshot', durationMs: 200 }],
    outcome: 'Completed',
    held: true,
  };
}, 120_000);
afterAll(async () => {
  await s?.stop();
});

let seq = 0;
/** Posts `text` as a new thread in the channel by `from`; resolves with the thread id and the bot's first card there. */
async function trackInThread(jobId: string, from = OLGA): Promise<{ thread: string; card: RecordedActivity }> {
  const id = `31000000${++seq}`;
  const thread = `${CHANNEL_ID};messageid=${id}`;
  const res = await s.send(channelMessage(`track job ${jobId}`, { serviceUrl: s.connector.serviceUrl, id, from }));
  expect(res.status).toBe(200);
  const card = await s.connector.waitFor(() => s.connector.for(thread).find((a) => cardOf(a) !== undefined), 60_000, 'the job card');
  return { thread, card };
}

async function press(thread: string, replyToId: string, data: unknown, from: Person, token?: string): Promise<Record<string, unknown>> {
  const res = await s.send(
    cardExecute(data, { serviceUrl: s.connector.serviceUrl, conversationId: thread, replyToId, from, ...(token ? { token } : {}) }),
  );
  expect(res.status).toBe(200);
  return JSON.parse(res.body) as Record<string, unknown>;
}

const sso = (user: Person): string => s.entra.ssoToken({ oid: user.aadObjectId, name: user.name });

describe('actions with the user own Azure rights (ACTIONS=sso)', () => {
  it('a Backup Operator presses Back up again on a failed job: sign-in, On-Behalf-Of, a new job tracked in the thread, its completion notice @mentions her', async () => {
    const { thread, card } = await trackInThread(failed.jobId);
    const data = confirmData(cardOf(card)!, 'Back up again');
    // Without a token Teams first gets a sign-in request, then re-sends the press with the SSO token.
    const signIn = await press(thread, card.activityId, data, OLGA);
    expect(signIn).toMatchObject({ statusCode: 401, type: 'application/vnd.microsoft.activity.loginRequest' });
    expect(s.sim.triggeredBackups()).toEqual([]);

    const operationReads = s.sim.counts()['operationStatus'] ?? 0;
    const answer = await press(thread, card.activityId, data, OLGA, sso(OLGA));
    expect(answer).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(JSON.stringify(answer.value)).toContain(`Backup started again by ${OLGA.name}`);
    expect(s.sim.triggeredBackups()).toHaveLength(1);
    const newJobId = s.sim.triggeredBackups()[0].jobId;
    expect(s.entra.requests.filter((r) => r.status === 200).map((r) => r.oid)).toContain(OLGA.aadObjectId);

    // Its card arrives in the same thread, tracked; then the job may end.
    await s.connector.waitFor(
      () => s.connector.for(thread).find((a) => JSON.stringify(cardOf(a) ?? {}).includes(newJobId)),
      90_000,
      'the card of the new backup',
    );
    // The 202's Retry-After (1 s) outlasts the operation (0.5 s on the same real clock): one read finds the job id.
    expect((s.sim.counts()['operationStatus'] ?? 0) - operationReads).toBe(1);
    s.sim.release(newJobId);
    const notice = await s.connector.waitFor(
      () =>
        s.connector
          .for(thread)
          .find((a) => (a.activity.text ?? '').includes(`<at>${OLGA.name}</at>`) && (a.activity.text ?? '').includes('vm-app-02')),
      90_000,
      'the completion notice of the new backup',
    );
    expect(notice.activity.text).toMatch(/completed/i);
    expect(s.connector.for(thread).some((a) => JSON.stringify(cardOf(a) ?? {}).includes(newJobId))).toBe(true);
    expect(s.sim.truth(newJobId)?.status).toBe('Completed');
    const audit = s
      .botLog()
      .split('\n')
      .filter((l) => l.includes('"component":"audit"'));
    expect(audit.some((l) => l.includes(`"oid":"${OLGA.aadObjectId}"`) && l.includes('"action":"backup"') && l.includes(newJobId))).toBe(
      true,
    );
  }, 180_000);

  it('a user without the role gets the clear 403 answer and nothing changes in the vault; no token is logged', async () => {
    const before = s.sim.triggeredBackups().length;
    const denied = s.sim.roles!.denials.length;
    const { thread, card } = await trackInThread(failed.jobId, MIRA);
    const token = sso(MIRA);
    const answer = await press(thread, card.activityId, confirmData(cardOf(card)!, 'Back up again'), MIRA, token);
    expect(answer).toMatchObject({ type: 'application/vnd.microsoft.activity.message' });
    expect(answer.value).toBe(
      'You need Backup Operator (or Contributor) on rg-backup/vault-prod to back up items. Azure refused, and nothing was changed.',
    );
    expect(s.sim.triggeredBackups()).toHaveLength(before);

    const { thread: t2, card: c2 } = await trackInThread(other.jobId, MIRA);
    const cancel = await press(t2, c2.activityId, confirmData(cardOf(c2)!, 'Cancel'), MIRA, sso(MIRA));
    expect(cancel.value).toBe(
      'You need Backup Operator (or Contributor) on rg-backup/vault-prod to cancel jobs. Azure refused, and nothing was changed.',
    );
    expect(s.sim.truth(other.jobId)?.status).toBe('InProgress');
    // Azure refused her twice, and the bot never tried again with its own identity.
    expect(s.sim.roles!.denials.slice(denied)).toEqual([
      { principal: MIRA.aadObjectId, action: 'backup', status: 403 },
      { principal: MIRA.aadObjectId, action: 'cancel', status: 403 },
    ]);
    const log = s.botLog();
    expect(log).toContain(`"oid":"${MIRA.aadObjectId}"`);
    expect(log).toContain('forbidden');
    expect(log).not.toContain(token);
    expect(log).not.toContain(token.split('.')[2]);
  }, 120_000);

  it('Cancel on a running restore: Cancelling at once, then Cancelled, and the card shows who cancelled it', async () => {
    const { thread, card } = await trackInThread(restore.jobId);
    expect(actionTitles(cardOf(card)!)).toContain('Action.ShowCard:Cancel');
    const answer = await press(thread, card.activityId, confirmData(cardOf(card)!, 'Cancel'), OLGA, sso(OLGA));
    const shown = JSON.stringify(answer.value);
    expect(shown).toContain('Cancelling');
    expect(shown).toContain(`Cancelled by ${OLGA.name}`);
    expect(s.sim.truth(restore.jobId)?.status).toBe('Cancelling');
    // Everyone in the thread sees it too: the tracked card was updated in place.
    const updated = s.connector.history(card.activityId).filter((a) => a.op === 'update');
    expect(JSON.stringify(cardOf(updated[updated.length - 1]))).toContain(`Cancelled by ${OLGA.name}`);
    s.sim.release(restore.jobId);
    const final = await s.connector.waitFor(
      () => s.connector.for(thread).find((a) => (a.activity.text ?? '').includes(`<at>${OLGA.name}</at>`)),
      90_000,
      'the completion notice of the cancelled restore',
    );
    const finalCard = JSON.stringify(cardOf(final));
    expect(finalCard).toContain('Cancelled');
    expect(finalCard).toContain(`Cancelled by ${OLGA.name}`);
    expect(s.sim.truth(restore.jobId)?.status).toBe('Cancelled');
  }, 120_000);

  it('the confirmation can be abandoned: Cancel only opens a question, and Not now does nothing', async () => {
    const cancelsBefore = s.sim.counts()['cancel'];
    const { thread, card } = await trackInThread(other.jobId);
    // Action.ShowCard opens in the client; nothing reaches the bot until Confirm.
    const show = (cardOf(card)!.actions as Array<Record<string, unknown>>).find((a) => a.title === 'Cancel')!;
    expect(show.type).toBe('Action.ShowCard');
    expect(JSON.stringify(show.card)).toContain('Cancel this backup of vm-db-03?');
    // The command asks the same question with a Not now button.
    const id = `32000000${++seq}`;
    const t2 = `${CHANNEL_ID};messageid=${id}`;
    await s.send(channelMessage(`cancel job ${other.jobId}`, { serviceUrl: s.connector.serviceUrl, id, from: OLGA }));
    const confirm = await s.connector.waitFor(() => s.connector.for(t2).find((a) => cardOf(a) !== undefined), 60_000, 'the confirmation');
    const actions = cardOf(confirm)!.actions as Array<{ title: string; data: unknown }>;
    expect(actions.map((a) => a.title)).toEqual(['Confirm', 'Not now']);
    const answer = await press(t2, confirm.activityId, actions[1].data, OLGA, sso(OLGA));
    expect(answer.value).toBe('Nothing was done.');
    expect(s.sim.counts()['cancel']).toBe(cancelsBefore);
    expect(s.sim.truth(other.jobId)?.status).toBe('InProgress');
    void thread;
  }, 120_000);

  it('a forged or replayed action is refused and reaches no vault', async () => {
    const cancelsBefore = s.sim.counts()['cancel'];
    const { thread, card } = await trackInThread(other.jobId);
    const data = confirmData(cardOf(card)!, 'Cancel');
    const ticket = String(data.ticket);
    const forged = [
      { ...data, ticket: `${ticket.slice(0, -2)}AA` },
      { ...data, jobKey: String(data.jobKey).replace(other.jobId, restore.jobId), jobId: restore.jobId },
      { action: 'cancelJob', jobKey: data.jobKey, jobId: data.jobId },
      { action: 'deleteVault' },
    ];
    for (const f of forged) {
      const answer = await press(thread, card.activityId, f, OLGA, sso(OLGA));
      expect(answer.value).toContain('This button is not one I can act on');
    }
    // The same ticket pressed in another conversation is refused too (it is bound to this one).
    const elsewhere = await press(`${CHANNEL_ID};messageid=elsewhere`, card.activityId, data, OLGA, sso(OLGA));
    expect(elsewhere.value).toContain('This button is not one I can act on');
    // A sign-in of someone else than the presser.
    const mismatch = await press(thread, card.activityId, data, OLGA, sso(MIRA));
    expect(mismatch.value).toBe('The sign-in does not belong to the person who pressed the button, so nothing was done.');
    expect(s.sim.counts()['cancel']).toBe(cancelsBefore);

    const first = await press(thread, card.activityId, data, OLGA, sso(OLGA));
    expect(JSON.stringify(first.value)).toContain(`Cancelled by ${OLGA.name}`);
    const replay = await press(thread, card.activityId, data, OLGA, sso(OLGA));
    expect(replay.value).toBe(
      "This button was already used, so nothing was done again. Press Refresh on the job's card for its current state.",
    );
    expect(s.sim.counts()['cancel']).toBe(cancelsBefore + 1);
  }, 120_000);

  it('backup <item>: the protected item found by name, confirmed, run with the user token and tracked', async () => {
    const before = s.sim.triggeredBackups().length;
    const id = `33000000${++seq}`;
    const thread = `${CHANNEL_ID};messageid=${id}`;
    await s.send(channelMessage('backup vm-db-03', { serviceUrl: s.connector.serviceUrl, id, from: OLGA }));
    const confirm = await s.connector.waitFor(
      () => s.connector.for(thread).find((a) => cardOf(a) !== undefined),
      60_000,
      'the confirmation',
    );
    expect(JSON.stringify(cardOf(confirm))).toContain('Back up vm-db-03 in rg-backup/vault-prod now?');
    const actions = cardOf(confirm)!.actions as Array<{ title: string; data: unknown }>;
    const answer = await press(thread, confirm.activityId, actions[0].data, OLGA, sso(OLGA));
    expect(answer.value).toBe(
      `${OLGA.name} started a backup of vm-db-03 in rg-backup/vault-prod. I track the new job here and will tell you when it ends.`,
    );
    expect(s.sim.triggeredBackups()).toHaveLength(before + 1);
    const newJobId = s.sim.triggeredBackups()[before].jobId;
    await s.connector.waitFor(
      () => s.connector.for(thread).find((a) => JSON.stringify(cardOf(a) ?? {}).includes(newJobId)),
      90_000,
      'the card of the new backup',
    );
    // No such item: said, nothing started.
    const id2 = `33000000${++seq}`;
    await s.send(channelMessage('backup vm-nope', { serviceUrl: s.connector.serviceUrl, id: id2, from: OLGA }));
    const no = await s.connector.waitFor(() => s.connector.for(`${CHANNEL_ID};messageid=${id2}`)[0], 60_000, 'the answer');
    expect(no.activity.text).toContain('No protected item called "vm-nope" in rg-backup/vault-prod');
    expect(s.sim.triggeredBackups()).toHaveLength(before + 1);
  }, 120_000);

  it('Back up again when no single protected item matches the job: says so and starts nothing', async () => {
    const before = s.sim.triggeredBackups().length;
    const { thread, card } = await trackInThread(dpmFailed.jobId);
    const answer = await press(thread, card.activityId, confirmData(cardOf(card)!, 'Back up again'), OLGA, sso(OLGA));
    expect(answer.value).toContain('I could not find exactly one protected item for');
    expect(answer.value).toContain('(0 matches), so I started nothing');
    expect(s.sim.triggeredBackups()).toHaveLength(before);
  }, 120_000);
});
