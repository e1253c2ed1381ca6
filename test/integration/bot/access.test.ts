/**
 * Who may use the bot, over real HTTP: ALLOWED_TENANT_IDS at the top of the turn (a foreign
 * tenant's message, button press, install and invoke get no data and the simulated vault sees no
 * read), and ACCESS_POLICY narrowing the vaults per team, group chat, personal-chat user and tenant.
 * Local mode (no MicrosoftAppId): the list, once set, applies here too.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBotHarness, SIM_RESOURCE_GROUP, SIM_VAULT, type BotHarness } from '../../support/bot-harness';
import { cardOf, type RecordedActivity } from '../../support/recording-connector';
import {
  ALEX,
  CHANNEL_ID,
  GROUP_CHAT_ID,
  MEGAN,
  OTHER_TEAM_CHANNEL_ID,
  OTHER_TEAM_ID,
  PERSONAL_CHAT_ID,
  TEAM_ID,
  TENANT_ID,
  cardSubmit,
  channelMessage,
  conversationUpdate,
  groupChatMessage,
  installationUpdate,
  personalMessage,
  type Activity,
} from '../../support/teams-activities';

const FOREIGN_TENANT = 'f0f0f0f0-0000-4000-8000-0000000000ff';
const SECOND_TENANT = '5ec0d000-0000-4000-8000-000000000002';
const PROD = `${SIM_RESOURCE_GROUP}/${SIM_VAULT}`;
const DEV = 'rg-backup/vault-dev';
const MEGAN_CHAT = 'a:1personal-chat-megan';

let h: BotHarness;
let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'access-it-'));
  const policy = path.join(dir, 'policy.json');
  fs.writeFileSync(
    policy,
    JSON.stringify({
      rules: [
        { team: TEAM_ID, vaults: [PROD] },
        { chat: GROUP_CHAT_ID, vaults: [DEV] },
        { user: ALEX.aadObjectId, vaults: ['*'] },
        { tenant: SECOND_TENANT, vaults: [DEV] },
      ],
    }),
  );
  h = await startBotHarness({ env: { ALLOWED_TENANT_IDS: `${TENANT_ID}, ${SECOND_TENANT}`, ACCESS_POLICY: policy } });
});
afterAll(async () => {
  await h?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  h.connector.reset();
  h.sim.resetCounts();
});

const opts = () => ({ serviceUrl: h.connector.serviceUrl });
const reads = () => h.sim.counts().total ?? 0;
const texts = (list: readonly RecordedActivity[]) => list.map((a) => a.activity.text ?? '').join('\n');
const vmJob = () => h.jobs.find((j) => j.entityFriendlyName === 'vm-web-01')!;

/** The same activity as if it came from `tenant` (both tenant fields, as Teams sets them). */
function inTenant(activity: Activity, tenant: string, channelTenant = tenant): Activity {
  const conversation = activity.conversation as Record<string, unknown>;
  const channelData = activity.channelData as Record<string, unknown>;
  return {
    ...activity,
    conversation: { ...conversation, tenantId: tenant },
    channelData: { ...channelData, tenant: { id: channelTenant } },
  };
}

function withoutTenant(activity: Activity): Activity {
  const { tenantId: _t, ...conversation } = activity.conversation as Record<string, unknown>;
  const { tenant: _c, ...channelData } = activity.channelData as Record<string, unknown>;
  return { ...activity, conversation, channelData };
}

function refreshValue(jobId: string, vault = PROD) {
  const [rg, name] = vault.split('/');
  return {
    action: 'refresh',
    jobKey: `${h.config.azure.subscriptionId}/${rg.toLowerCase()}/${name.toLowerCase()}/${jobId}`,
    jobId,
    vault,
  };
}

describe('a tenant that is not in ALLOWED_TENANT_IDS', () => {
  it('message: one short "not available" line, then silence; no read, nothing stored', async () => {
    const first = await h.send(
      inTenant(personalMessage(`track job ${vmJob().jobId}`, { ...opts(), chatId: 'a:1foreign' }), FOREIGN_TENANT),
    );
    const again = await h.send(inTenant(personalMessage('jobs', { ...opts(), chatId: 'a:1foreign' }), FOREIGN_TENANT));
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(h.connector.activities.map((a) => a.activity.text)).toEqual(['Backup Jobs is not available in your organisation.']);
    expect(cardOf(h.connector.activities[0])).toBeUndefined();
    expect(reads()).toBe(0);
    expect(await h.app.service.listForConversation('a:1foreign')).toEqual([]);
  });

  it('button press (Refresh on a real job): no card, no update, no read', async () => {
    const press = cardSubmit(refreshValue(vmJob().jobId), { ...opts(), conversationId: 'a:1foreign-press', replyToId: 'card-1' });
    const res = await h.send(inTenant(press, FOREIGN_TENANT));
    expect(res.status).toBe(200);
    expect(h.connector.activities.every((a) => a.op !== 'update' && cardOf(a) === undefined)).toBe(true);
    expect(h.connector.activities.length).toBeLessThanOrEqual(1);
    expect(reads()).toBe(0);
  });

  it('install (installationUpdate, conversationUpdate): no welcome, nothing at all', async () => {
    for (const activity of [installationUpdate('add', 'team', opts()), conversationUpdate('botAdded', 'groupChat', opts())]) {
      expect((await h.send(inTenant(activity, FOREIGN_TENANT))).status).toBe(200);
    }
    expect(h.connector.activities).toEqual([]);
    expect(reads()).toBe(0);
  });

  it('invoke: another invoke gets a bare 403; an Action.Execute press the fixed reason in its answer; nothing sent, no read', async () => {
    const invoke = {
      ...personalMessage('', { ...opts(), chatId: 'a:1foreign-invoke' }),
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'refresh', data: refreshValue(vmJob().jobId) } },
    };
    const res = await h.send(inTenant(invoke, FOREIGN_TENANT));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: 'Backup Jobs is not available in your organisation.',
    });
    const other = await h.send(inTenant({ ...invoke, name: 'composeExtension/query' }, FOREIGN_TENANT));
    expect(other.status).toBe(403);
    expect(other.body).not.toContain(SIM_VAULT);
    expect(h.connector.activities).toEqual([]);
    expect(reads()).toBe(0);
  });

  it('tenant ids that disagree, or no tenant at all, are refused like a foreign tenant', async () => {
    const mixed = inTenant(channelMessage('jobs', opts()), TENANT_ID, FOREIGN_TENANT);
    const reversed = inTenant(channelMessage('jobs', opts()), FOREIGN_TENANT, TENANT_ID);
    const none = withoutTenant(groupChatMessage('jobs', { ...opts(), chatId: '19:no-tenant@thread.v2' }));
    for (const activity of [mixed, reversed, none]) await h.send(activity);
    expect(h.connector.cards()).toEqual([]);
    expect(texts(h.connector.activities)).not.toContain('Jobs in');
    expect(reads()).toBe(0);
  });
});

describe('an allowed tenant', () => {
  it('works as before: track job in a team channel answers with the job card', async () => {
    const res = await h.send(channelMessage(`track job ${vmJob().jobId}`, opts()));
    expect(res.status).toBe(200);
    expect(JSON.stringify(cardOf(h.connector.cards()[0]))).toContain('vm-web-01');
    expect(reads()).toBeGreaterThan(0);
  });

  it('install: the welcome card', async () => {
    await h.send(installationUpdate('add', 'team', opts()));
    expect(JSON.stringify(cardOf(h.connector.cards(TEAM_ID)[0]))).toContain('Hi, I am Backup Jobs');
  });
});

describe('ACCESS_POLICY', () => {
  it('a team the policy gives no vault: a clear answer for every vault command, no read', async () => {
    for (const text of ['jobs', `track job ${vmJob().jobId}`, 'vaults']) {
      await h.send(channelMessage(text, { ...opts(), channelId: OTHER_TEAM_CHANNEL_ID, teamId: OTHER_TEAM_ID }));
    }
    const answers = h.connector.activities.map((a) => a.activity.text);
    expect(answers).toEqual(
      Array(3).fill('This team is not allowed to use any backup vault. Ask your Backup Jobs administrator to add it to the access policy.'),
    );
    await h.send(channelMessage('help', { ...opts(), channelId: OTHER_TEAM_CHANNEL_ID, teamId: OTHER_TEAM_ID }));
    const help = JSON.stringify(cardOf(h.connector.cards()[0]));
    expect(help).toContain('This team is not allowed to use any backup vault.');
    expect(help).not.toContain('Vaults I may use');
    expect(reads()).toBe(0);
  });

  it('a vault the policy denies: names the vaults this conversation may use, no read', async () => {
    await h.send(channelMessage('jobs in vault-dev', opts()));
    await h.send(groupChatMessage(`track job ${vmJob().jobId} in ${PROD}`, opts()));
    const [team, chat] = h.connector.activities.map((a) => a.activity.text);
    expect(team).toBe(`I may not read vault "vault-dev". The vaults I am allowed to use are: ${PROD}.`);
    expect(chat).toBe(`I may not read vault "${PROD}". The vaults I am allowed to use are: ${DEV}.`);
    expect(reads()).toBe(0);
  });

  it('an allowed vault works, and the default is the first one the conversation may use', async () => {
    await h.send(channelMessage('jobs', opts()));
    expect(JSON.stringify(cardOf(h.connector.cards()[0]))).toContain(`Jobs in ${PROD}`);
    await h.send(groupChatMessage('jobs', opts()));
    const chatAnswer = JSON.stringify(h.connector.for(GROUP_CHAT_ID).map((a) => cardOf(a) ?? a.activity.text));
    expect(chatAnswer).toContain(DEV);
    expect(chatAnswer).not.toContain(PROD);
  });

  it('a card button for a vault the conversation may not use: names the allowed ones, no read', async () => {
    await h.send(
      cardSubmit(refreshValue(vmJob().jobId), {
        ...opts(),
        conversationId: GROUP_CHAT_ID,
        replyToId: 'card-x',
        conversationType: 'groupChat',
      }),
    );
    expect(texts(h.connector.activities)).toBe(`I may not read vault "${PROD}". The vaults I am allowed to use are: ${DEV}.`);
    expect(reads()).toBe(0);
  });

  it('personal chat: a user rule grants that user, another user of the same tenant gets none', async () => {
    await h.send(personalMessage('vaults', opts()));
    await h.send(personalMessage('vaults', { ...opts(), from: MEGAN, chatId: MEGAN_CHAT }));
    expect(texts(h.connector.for(PERSONAL_CHAT_ID))).toBe(
      `Vaults this conversation may use: ${PROD}, ${DEV}. When you name no vault, I use ${PROD}.`,
    );
    expect(texts(h.connector.for(MEGAN_CHAT))).toBe(
      'You are not allowed to use any backup vault in this chat. Ask your Backup Jobs administrator to add you to the access policy.',
    );
  });

  it('a tenant-wide rule covers every conversation of that tenant', async () => {
    await h.send(inTenant(personalMessage('vaults', { ...opts(), from: MEGAN, chatId: 'a:1second-tenant' }), SECOND_TENANT));
    await h.send(
      inTenant(
        channelMessage(`track job ${vmJob().jobId} in ${PROD}`, {
          ...opts(),
          channelId: '19:second@thread.tacv2',
          teamId: '19:second-team@thread.tacv2',
        }),
        SECOND_TENANT,
      ),
    );
    expect(h.connector.activities.map((a) => a.activity.text)).toEqual([
      `Vaults this conversation may use: ${DEV}. When you name no vault, I use ${DEV}.`,
      `I may not read vault "${PROD}". The vaults I am allowed to use are: ${DEV}.`,
    ]);
    expect(reads()).toBe(0);
  });

  it('vaults and help show each conversation its own vaults', async () => {
    await h.send(channelMessage('vaults', opts()));
    await h.send(channelMessage('help', opts()));
    await h.send(groupChatMessage('help', opts()));
    const channel = h.connector.activities.filter((a) => a.conversationId.startsWith(CHANNEL_ID));
    expect(channel[0].activity.text).toBe(`Vaults this conversation may use: ${PROD}. When you name no vault, I use ${PROD}.`);
    expect(JSON.stringify(cardOf(channel[1]))).toContain(`Vaults I may use: ${PROD}`);
    expect(JSON.stringify(cardOf(channel[1]))).toContain('`vaults`: the vaults this conversation may use');
    expect(JSON.stringify(cardOf(h.connector.cards(GROUP_CHAT_ID)[0]))).toContain(`Vaults I may use: ${DEV}`);
  });
});

describe('hostile client values over HTTP', () => {
  it('a huge time zone and locale fall back to the defaults and are not kept', async () => {
    const huge = 'Z'.repeat(200_000);
    const res = await h.send(channelMessage(`track job ${vmJob().jobId}`, { ...opts(), timeZone: huge, locale: huge }));
    expect(res.status).toBe(200);
    const card = h.connector.cards()[0];
    expect(JSON.stringify(cardOf(card))).toContain('(UTC)');
    const tracked = await h.app.service.listForConversation(card.conversationId);
    expect(tracked[0].subscriber.timeZone ?? null).toBeNull();
    expect(tracked[0].subscriber.locale ?? null).toBeNull();
    expect(JSON.stringify(tracked[0].subscriber).length).toBeLessThan(4000);
  });

  it('a conversation id out of bounds reaches nothing', async () => {
    const res = await h.send(groupChatMessage('jobs', { ...opts(), chatId: `19:${'x'.repeat(5000)}@thread.v2` }));
    expect(res.status).toBe(200);
    expect(h.connector.activities).toEqual([]);
    expect(reads()).toBe(0);
  });
});

describe('start', () => {
  it('refuses a MicrosoftAppId without ALLOWED_TENANT_IDS, naming the key (exit 78)', () => {
    const root = path.resolve(__dirname, '..', '..', '..');
    const result = spawnSync(process.execPath, ['-r', path.join(root, 'scripts', 'register-ts.js'), path.join(root, 'src', 'index.ts')], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        AZURE_SUBSCRIPTION_ID: '8f7e6d5c-4b3a-4291-8807-162534435261',
        BACKUP_VAULTS: 'rg-backup/vault-prod',
        MicrosoftAppId: '3f2c9a4e-1111-4000-8000-000000000001',
        MicrosoftAppPassword: 'not-a-real-secret',
      },
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('Configuration error: ALLOWED_TENANT_IDS: expected the tenant GUIDs whose users may use the bot');
    expect(result.stderr).not.toContain('not-a-real-secret');
  });
});
