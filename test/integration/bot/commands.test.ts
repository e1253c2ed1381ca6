/**
 * Each command over real HTTP: Teams-shaped activities into the bot's restify server and
 * CloudAdapter, the simulated vault as ARM, answers recorded by the connector.
 */
import { startBotHarness, SIM_RESOURCE_GROUP, SIM_SUBSCRIPTION, SIM_VAULT, type BotHarness } from '../../support/bot-harness';
import { cardOf, type RecordedActivity } from '../../support/recording-connector';
import {
  CHANNEL_ID,
  GROUP_CHAT_ID,
  PERSONAL_CHAT_ID,
  channelMessage,
  groupChatMessage,
  personalMessage,
} from '../../support/teams-activities';

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => h.connector.reset());

const vaultPath = `/subscriptions/${SIM_SUBSCRIPTION}/resourceGroups/${SIM_RESOURCE_GROUP}/providers/Microsoft.RecoveryServices/vaults/${SIM_VAULT}`;
const job = (name: string, operation = 'Backup') => h.jobs.find((j) => j.entityFriendlyName === name && j.operation === operation)!;
const texts = (list: readonly RecordedActivity[]) => list.map((a) => a.activity.text ?? '').join('\n');
let seq = 0;
const nextId = () => `17000000000${++seq}`;

async function inChannel(text: string): Promise<{ thread: string; sent: RecordedActivity[] }> {
  const id = nextId();
  const res = await h.send(channelMessage(text, { serviceUrl: h.connector.serviceUrl, id }));
  expect(res.status).toBe(200);
  const thread = `${CHANNEL_ID};messageid=${id}`;
  return { thread, sent: h.connector.for(thread) };
}

describe('track job', () => {
  it('answers in the thread with a card showing the real status, polled before answering', async () => {
    const vm = job('vm-web-01');
    const { thread, sent } = await inChannel(`track job ${vm.jobId}`);
    expect(sent).toHaveLength(1);
    expect(sent[0].op).toBe('reply');
    expect(sent[0].replyToId).toBe(thread.split('=')[1]);
    const card = JSON.stringify(cardOf(sent[0]));
    expect(card).toContain('vm-web-01');
    expect(card).toContain('Take Snapshot');
    // The card comes alone (an activity with text and a card gets no id from some clients) and
    // says itself that it stays current.
    expect(sent[0].activity.text ?? '').toBe('');
    expect(card).toContain('This card stays current, and I will tell you here when the job ends.');
    const tracked = await h.app.service.listForConversation(thread);
    expect(tracked.map((e) => e.key.jobId)).toEqual([vm.jobId]);
    expect(tracked[0].subscriber.cardActivityId).toBe(sent[0].activityId);
  });

  it('tracking the same job again in the thread: says so, then posts the card that is kept current from now on', async () => {
    const vm = job('vm-files-05');
    const id = nextId();
    await h.send(channelMessage(`track job ${vm.jobId}`, { serviceUrl: h.connector.serviceUrl, id }));
    const thread = `${CHANNEL_ID};messageid=${id}`;
    await h.send(channelMessage(`track job ${vm.jobId}`, { serviceUrl: h.connector.serviceUrl, threadId: id }));
    const sent = h.connector.for(thread);
    expect(sent.map((a) => (cardOf(a) ? 'card' : a.activity.text))).toEqual([
      'card',
      `This conversation already tracks vm-files-05 (Backup) in ${SIM_RESOURCE_GROUP}/${SIM_VAULT}. Here is its current state.`,
      'card',
    ]);
    const tracked = await h.app.service.listForConversation(thread);
    expect(tracked).toHaveLength(1);
    expect(tracked[0].subscriber.cardActivityId).toBe(sent[2].activityId);
  });

  it('tracks several jobs from one message, one card each, and accepts full ids and portal links', async () => {
    const a = job('share-finance');
    const b = job('FILESRV01');
    const link = `https://portal.azure.com/#@contoso.onmicrosoft.com/resource${encodeURIComponent(`${vaultPath}/backupJobs/${b.jobId}`)}/overview`;
    const { sent } = await inChannel(`TRACK  JOB ${a.jobId}, <a href="${link}">${link}</a>`);
    expect(sent.map((s) => JSON.stringify(cardOf(s)))).toEqual([
      expect.stringContaining('share-finance'),
      expect.stringContaining('FILESRV01'),
    ]);
  });

  it('works the same in a group chat and a personal chat', async () => {
    const vm = job('vm-db-03');
    await h.send(groupChatMessage(`track job ${vm.jobId} in ${SIM_VAULT}`, { serviceUrl: h.connector.serviceUrl }));
    await h.send(personalMessage(`track job ${vm.jobId}`, { serviceUrl: h.connector.serviceUrl }));
    expect(h.connector.cards(GROUP_CHAT_ID)).toHaveLength(1);
    expect(h.connector.cards(PERSONAL_CHAT_ID)).toHaveLength(1);
    expect((await h.app.service.listForConversation(GROUP_CHAT_ID)).length).toBe(1);
  });
});

describe('error answers', () => {
  it('malformed id: says which forms are accepted, asks Azure nothing', async () => {
    h.sim.resetCounts();
    const { sent } = await inChannel('track job ../../subscriptions');
    expect(texts(sent)).toMatch(/not a job reference I can use.*Accepted forms/s);
    expect(h.sim.counts().total ?? 0).toBe(0);
  });

  it('vault not allowed: names the allowed vaults, asks Azure nothing', async () => {
    h.sim.resetCounts();
    const other = `/subscriptions/${SIM_SUBSCRIPTION}/resourceGroups/rg-other/providers/Microsoft.RecoveryServices/vaults/vault-x/backupJobs/${job('vm-web-01').jobId}`;
    const { sent } = await inChannel(`track job ${other}`);
    expect(texts(sent)).toContain('I may not read vault "rg-other/vault-x"');
    expect(texts(sent)).toContain(`${SIM_RESOURCE_GROUP}/${SIM_VAULT}`);
    const named = await inChannel(`track job ${job('vm-web-01').jobId} in vault-x`);
    expect(texts(named.sent)).toContain('I may not read vault "vault-x"');
    expect(h.sim.counts().total ?? 0).toBe(0);
  });

  it('job not found in the vault', async () => {
    const { sent } = await inChannel('track job 00000000-0000-4000-8000-00000000dead');
    expect(texts(sent)).toContain(`Job 00000000-0000-4000-8000-00000000dead was not found in vault ${SIM_RESOURCE_GROUP}/${SIM_VAULT}`);
  });

  it('Azure unreachable: says so and that the bot keeps trying (and it does: the job is tracked)', async () => {
    h.sim.addFault({ kind: 'error503', count: 1 });
    const vm = job('vm-batch-04');
    const { thread, sent } = await inChannel(`track job ${vm.jobId}`);
    h.sim.clearFaults();
    expect(texts(sent)).toBe(
      `Azure is not answering right now, so I cannot show job ${vm.jobId} in ${SIM_RESOURCE_GROUP}/${SIM_VAULT} yet. I keep trying: its card appears here as soon as Azure answers, and I will tell you here when the job ends.`,
    );
    expect((await h.app.service.listForConversation(thread)).map((e) => e.key.jobId)).toEqual([vm.jobId]);
  });

  it('an unknown command: names the closest one', async () => {
    const { sent } = await inChannel('trak job 1');
    expect(texts(sent)).toContain('Did you mean `track job`?');
  });
});

describe('other commands', () => {
  it('tracking / list shows the conversation’s jobs; untrack removes one', async () => {
    const vm = job('vm-app-02');
    const first = await inChannel(`track job ${vm.jobId}`);
    const thread = first.thread;
    const threadId = thread.split('=')[1];
    const send = async (text: string) => {
      const before = h.connector.for(thread).length;
      await h.send(channelMessage(text, { serviceUrl: h.connector.serviceUrl, threadId }));
      return h.connector.for(thread).slice(before);
    };
    const list = await send('list');
    expect(JSON.stringify(cardOf(list[0]))).toContain('vm-app-02');
    const untrack = await send(`stop tracking ${vm.jobId}`);
    expect(texts(untrack)).toContain(`Stopped tracking job ${vm.jobId}`);
    const empty = await send('tracking');
    expect(texts(empty)).toContain('This conversation tracks no jobs');
  });

  it('jobs running shows the vault’s running jobs in one card', async () => {
    const { sent } = await inChannel('jobs running');
    expect(sent).toHaveLength(1);
    const card = JSON.stringify(cardOf(sent[0]));
    expect(card).toContain('vm-web-01');
    expect(card).toContain('salesdb');
  });

  it('help answers with the help card', async () => {
    const { sent } = await inChannel('help');
    expect(JSON.stringify(cardOf(sent[0]))).toContain('track operation');
  });
});
