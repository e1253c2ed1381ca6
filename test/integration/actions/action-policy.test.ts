/**
 * The tenant gate and ACCESS_POLICY hold for actions too, over real HTTP, before any call: no ARM
 * request for the job, no token exchange at the fake Entra, and an answer that says why. Two
 * vaults; the tenant may use vault-prod, and Alex, in his personal chat, every vault.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../../../src/core/clock';
import type { SimRead } from '../../../tools/simulator/server';
import type { SimJobSpec } from '../../../tools/simulator/spec';
import { ACTION_VAULT, cardExecute, confirmData, startActionStack, type ActionStack } from '../../support/action-stack';
import { cardOf } from '../../support/recording-connector';
import {
  ALEX,
  CHANNEL_ID,
  PERSONAL_CHAT_ID,
  TENANT_ID,
  channelMessage,
  personalMessage,
  type Activity,
} from '../../support/teams-activities';

const MIN = 60_000;
const FINANCE = { ...ACTION_VAULT, vaultName: 'vault-finance' };
const FOREIGN_TENANT = 'f0f0f0f0-0000-4000-8000-0000000000ff';
const finance: SimJobSpec = {
  vault: FINANCE,
  jobId: randomUUID(),
  jobType: 'AzureIaaSVMJob',
  operation: 'Restore',
  entityFriendlyName: 'vm-ledger-01',
  backupManagementType: 'AzureIaasVM',
  workloadType: 'VM',
  startAt: systemClock.now() - MIN,
  tasks: [{ name: 'Transfer data', durationMs: 600 * MIN }],
  outcome: 'Completed',
  propertyBag: { 'VM Name': 'vm-ledger-01' },
};
const NOT_ALLOWED = 'I may not read vault "rg-backup/vault-finance". The vaults I am allowed to use are: rg-backup/vault-prod.';

let dir: string;
let s: ActionStack;
/** Every request the simulated vault answers from now on. */
let seen: SimRead[] = [];
const policy = (rules: unknown[]): string => {
  const file = path.join(dir, `policy-${randomUUID()}.json`);
  writeFileSync(file, JSON.stringify({ rules }));
  return file;
};
const tenantRule = { tenant: TENANT_ID, vaults: ['rg-backup/vault-prod'] };

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'action-policy-'));
  s = await startActionStack([finance], [finance.jobId], {
    env: {
      BACKUP_VAULTS: 'rg-backup/vault-prod,rg-backup/vault-finance',
      ALLOWED_TENANT_IDS: TENANT_ID,
      ACCESS_POLICY: policy([tenantRule, { user: ALEX.aadObjectId, vaults: ['*'] }]),
    },
  });
  // Alex may do everything Azure allows on both vaults: only the bot's checks can stop him.
  s.sim.roles!.assign(ALEX.aadObjectId, ACTION_VAULT, 'Backup Operator');
  s.sim.roles!.assign(ALEX.aadObjectId, FINANCE, 'Backup Operator');
  s.sim.reads.observe((r) => seen.push(r));
}, 120_000);
afterAll(async () => {
  await s?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const token = (): string => s.entra.ssoToken({ oid: ALEX.aadObjectId, name: ALEX.name });
const press = (data: unknown, conversationId: string, replyToId: string): Activity =>
  cardExecute(data, { serviceUrl: s.connector.serviceUrl, conversationId, replyToId, from: ALEX, token: token() });

describe('actions under the tenant gate and ACCESS_POLICY', () => {
  it('a Cancel on a card whose vault the policy no longer allows here is refused before any call, saying why', async () => {
    await s.send(
      personalMessage(`track job ${finance.jobId} in rg-backup/vault-finance`, { serviceUrl: s.connector.serviceUrl, from: ALEX }),
    );
    const card = await s.connector.waitFor(
      () => s.connector.for(PERSONAL_CHAT_ID).find((a) => JSON.stringify(cardOf(a) ?? {}).includes('vm-ledger-01')),
      60_000,
      'the finance job card',
    );
    const data = confirmData(cardOf(card)!, 'Cancel');
    // Untracked, so that no poll of the job can be mistaken for the action's: the card and its button stay in the chat.
    const before = s.connector.for(PERSONAL_CHAT_ID).length;
    await s.send(
      personalMessage(`untrack ${finance.jobId} in rg-backup/vault-finance`, { serviceUrl: s.connector.serviceUrl, from: ALEX }),
    );
    await s.connector.waitFor(() => s.connector.for(PERSONAL_CHAT_ID)[before], 60_000, 'the untrack answer');
    // The administrator narrows the policy: Alex's chat keeps only what the tenant has.
    await s.restart({ ACCESS_POLICY: policy([tenantRule]) });
    seen = [];
    const entraBefore = s.entra.requests.length;
    const res = await s.send(press(data, PERSONAL_CHAT_ID, card.activityId));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: NOT_ALLOWED });
    expect(seen.filter((r) => r.vault === 'rg-backup/vault-finance' || r.jobId === finance.jobId)).toEqual([]);
    expect(s.sim.counts()['cancel']).toBe(0);
    expect(s.entra.requests.length).toBe(entraBefore);
    expect(s.sim.truth(finance.jobId)?.status).toBe('InProgress');
  }, 180_000);

  it('cancel job in a vault the channel may not use is refused before any call, saying why', async () => {
    seen = [];
    const id = '43000001';
    await s.send(
      channelMessage(`cancel job ${finance.jobId} in rg-backup/vault-finance`, { serviceUrl: s.connector.serviceUrl, id, from: ALEX }),
    );
    const answer = await s.connector.waitFor(() => s.connector.for(`${CHANNEL_ID};messageid=${id}`)[0], 60_000, 'the answer');
    expect(answer.activity.text).toContain('rg-backup/vault-finance');
    expect(answer.activity.text).toContain('rg-backup/vault-prod');
    expect(cardOf(answer)).toBeUndefined();
    expect(seen.filter((r) => r.vault === 'rg-backup/vault-finance' || r.jobId === finance.jobId)).toEqual([]);
  }, 60_000);

  it('a press from a tenant outside ALLOWED_TENANT_IDS is refused before any call, saying why', async () => {
    seen = [];
    const entraBefore = s.entra.requests.length;
    const data = {
      action: 'cancelJob',
      jobKey: `${ACTION_VAULT.subscriptionId}/rg-backup/vault-finance/${finance.jobId}`,
      jobId: finance.jobId,
    };
    const foreign = press({ ...data, ticket: 'x.y.z' }, 'a:1foreign-chat', 'card-1');
    const activity = {
      ...foreign,
      conversation: { ...(foreign.conversation as object), tenantId: FOREIGN_TENANT },
      channelData: { tenant: { id: FOREIGN_TENANT } },
    };
    const res = await s.send(activity);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: 'Backup Jobs is not available in your organisation.',
    });
    expect(seen).toEqual([]);
    expect(s.entra.requests.length).toBe(entraBefore);
    expect(s.connector.for('a:1foreign-chat')).toEqual([]);
  }, 60_000);
});
