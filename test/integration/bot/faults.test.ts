/**
 * Faults between the bot and its neighbours, over real HTTP: the Bot Connector throttling (429),
 * failing (5xx) or saying the conversation is gone (403/404); Azure refusing access; the bot
 * restarted mid-job; the app installed and removed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startBotHarness, type BotHarness } from '../../support/bot-harness';
import { cardOf, type RecordedActivity } from '../../support/recording-connector';
import {
  CHANNEL_ID,
  GROUP_CHAT_ID,
  PERSONAL_CHAT_ID,
  TEAM_ID,
  channelMessage,
  conversationUpdate,
  groupChatMessage,
  installationUpdate,
  personalMessage,
} from '../../support/teams-activities';
import type { SimJobSpec } from '../../../tools/simulator/spec';

const endOf = (spec: SimJobSpec) => spec.startAt + spec.tasks.reduce((s, t) => s + t.durationMs, 0);
const finals = (list: readonly RecordedActivity[]) => list.filter((a) => (a.activity.entities ?? []).some((e) => e.type === 'mention'));
let seq = 0;

async function trackInChannel(h: BotHarness, spec: SimJobSpec): Promise<{ thread: string; card: RecordedActivity }> {
  const id = `2000000000${++seq}`;
  expect((await h.send(channelMessage(`track job ${spec.jobId}`, { serviceUrl: h.connector.serviceUrl, id }))).status).toBe(200);
  const thread = `${CHANNEL_ID};messageid=${id}`;
  return { thread, card: h.connector.cards(thread)[0] };
}

describe('connector faults', () => {
  let h: BotHarness;
  beforeEach(async () => {
    h = await startBotHarness();
  });
  afterEach(async () => {
    await h?.close();
  });
  const vm = () => h.jobs.find((j) => j.entityFriendlyName === 'vm-web-01' && j.operation === 'Backup')!;

  it('429: waits and delivers the card update once the connector accepts again', async () => {
    const { thread, card } = await trackInChannel(h, vm());
    // Throttled beyond what the connector client retries on its own: the message waits its turn.
    h.connector.fail(thread, { status: 429, retryAfterSeconds: 0, ops: ['update'] }, 50);
    await h.advance(30_000, 5_000);
    expect(h.connector.rejected.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    expect(h.connector.for(thread).filter((a) => a.op === 'update')).toHaveLength(0);
    h.connector.clearFailures();
    await h.advance(10_000, 1_000);
    const updates = h.connector.for(thread).filter((a) => a.op === 'update');
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.every((u) => u.activityId === card.activityId)).toBe(true);
    // Still tracked: throttling is not a reason to give up.
    expect(await h.app.service.listForConversation(thread)).toHaveLength(1);
  });

  it('500: retries, then delivers', async () => {
    const { thread } = await trackInChannel(h, vm());
    h.connector.fail(thread, { status: 500, ops: ['update'] }, 1);
    await h.advance(30_000, 5_000);
    expect(h.connector.rejected.some((r) => r.status === 500)).toBe(true);
    expect(h.connector.for(thread).some((a) => a.op === 'update')).toBe(true);
  });

  it.each([403, 404])('%i: drops the conversation’s subscriptions and stops sending', async (status) => {
    const { thread } = await trackInChannel(h, vm());
    h.connector.fail(thread, { status }, 100);
    await h.advance(30_000, 5_000);
    expect(h.connector.rejected.filter((r) => r.status === status)).toHaveLength(1);
    expect(await h.app.service.listForConversation(thread)).toEqual([]);
    await h.advance(endOf(vm()) - h.clock.now() + 10_000, 10_000);
    expect(h.connector.rejected).toHaveLength(1);
    expect(h.connector.for(thread).slice(1)).toEqual([]);
  });
});

describe('restart mid-job', () => {
  it('a new process on the same SQLite file announces the completion exactly once', async () => {
    const first = await startBotHarness();
    const vm = first.jobs.find((j) => j.entityFriendlyName === 'vm-app-02')!;
    const { thread, card } = await trackInChannel(first, vm);
    await first.advance(20_000, 5_000);
    await first.closeApp();

    const second = await startBotHarness({
      clock: first.clock,
      dbPath: first.dbPath,
      sim: first.sim,
      connector: first.connector,
      env: { ARM_ENDPOINT: first.simUrl },
    });
    try {
      await second.advance(endOf(vm) - second.clock.now() + 20_000, 5_000);
      const list = first.connector.for(thread);
      expect(finals(list)).toHaveLength(1);
      expect(list.filter((a) => a.op === 'update').every((u) => u.activityId === card.activityId)).toBe(true);
    } finally {
      await second.closeApp();
      await first.close();
    }
  });

  it('a notice committed but not delivered before the stop is delivered once by the next process', async () => {
    const first = await startBotHarness();
    const sql = first.jobs.find((j) => j.entityFriendlyName === 'salesdb')!;
    const { thread } = await trackInChannel(first, sql);
    // Poll past the end without delivering: the final notice sits in the outbox.
    for (let t = first.clock.now(); t < endOf(sql) + 10_000; t += 5_000) {
      await (first.clock as import('../../../src/core/clock').VirtualClock).advance(5_000);
      await first.app.tracker.tick();
    }
    expect((await first.app.store.stats()).pendingMessages).toBeGreaterThan(0);
    await first.closeApp();
    expect(finals(first.connector.for(thread))).toHaveLength(0);

    const second = await startBotHarness({
      clock: first.clock,
      dbPath: first.dbPath,
      sim: first.sim,
      connector: first.connector,
      env: { ARM_ENDPOINT: first.simUrl },
    });
    try {
      await second.advance(10_000, 1_000);
      expect(finals(first.connector.for(thread))).toHaveLength(1);
    } finally {
      await second.closeApp();
      await first.close();
    }
  });
});

describe('installation events', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('installed into a team: a short welcome card with the commands', async () => {
    expect((await h.send(installationUpdate('add', 'team', { serviceUrl: h.connector.serviceUrl }))).status).toBe(200);
    const welcome = h.connector.cards(TEAM_ID);
    expect(welcome).toHaveLength(1);
    expect(JSON.stringify(cardOf(welcome[0]))).toContain('track job');
  });

  it('uninstalled from a chat, or the bot removed from a group chat: its subscriptions are dropped', async () => {
    const spec = h.jobs.find((j) => j.entityFriendlyName === 'vm-db-03')!;
    await h.send(personalMessage(`track job ${spec.jobId}`, { serviceUrl: h.connector.serviceUrl }));
    await h.send(groupChatMessage(`track job ${spec.jobId}`, { serviceUrl: h.connector.serviceUrl }));
    expect(await h.app.service.listForConversation(PERSONAL_CHAT_ID)).toHaveLength(1);
    expect(await h.app.service.listForConversation(GROUP_CHAT_ID)).toHaveLength(1);

    await h.send(installationUpdate('remove', 'personal', { serviceUrl: h.connector.serviceUrl }));
    expect(await h.app.service.listForConversation(PERSONAL_CHAT_ID)).toEqual([]);
    await h.send(conversationUpdate('botRemoved', 'groupChat', { serviceUrl: h.connector.serviceUrl }));
    expect(await h.app.service.listForConversation(GROUP_CHAT_ID)).toEqual([]);
  });
});

describe('Azure unreachable when tracking starts', () => {
  let h: BotHarness;
  beforeEach(async () => {
    h = await startBotHarness();
  });
  afterEach(async () => {
    await h?.close();
  });

  it('says the bot keeps trying; when Azure answers, the card is posted, kept current in place, and the end announced once', async () => {
    const spec = h.jobs.find((j) => j.entityFriendlyName === 'vm-web-01' && j.operation === 'Backup')!;
    // The track command's read and the tracker's first polls get 503.
    h.sim.addFault({ kind: 'error503', count: 3 });
    const id = `2200000000${++seq}`;
    expect((await h.send(channelMessage(`track job ${spec.jobId}`, { serviceUrl: h.connector.serviceUrl, id }))).status).toBe(200);
    const thread = `${CHANNEL_ID};messageid=${id}`;
    const answer = h.connector.for(thread);
    expect(answer).toHaveLength(1);
    expect(cardOf(answer[0])).toBeUndefined();
    expect(answer[0].activity.text).toContain(
      `Azure is not answering right now, so I cannot show job ${spec.jobId} in rg-backup/vault-prod yet. I keep trying`,
    );

    await h.advance(20_000, 1_000);
    const cards = h.connector.cards(thread).filter((a) => a.op !== 'update');
    expect(cards).toHaveLength(1);
    const card = cards[0];
    expect(JSON.stringify(cardOf(card))).toContain('vm-web-01');
    expect(JSON.stringify(cardOf(card))).toContain('This card stays current');
    const [tracked] = await h.app.service.listForConversation(thread);
    expect(tracked.subscriber.cardActivityId).toBe(card.activityId);

    await h.advance(endOf(spec) - h.clock.now() + 5_000, 5_000);
    const all = h.connector.for(thread);
    const notices = finals(all);
    expect(notices).toHaveLength(1);
    expect(notices[0].activity.text).toMatch(/^<at>Alex Wilber<\/at> vm-web-01 Backup completed after/);
    const updates = all.filter((a) => a.op === 'update');
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.every((u) => u.activityId === card.activityId)).toBe(true);
    // No second progress card: only the first card and the notice (which carries the final card) were created.
    expect(all.filter((a) => a.op !== 'update' && cardOf(a)).map((a) => a.activityId)).toEqual([card.activityId, notices[0].activityId]);
  });
});

describe('Azure refuses access', () => {
  let arm: http.Server;
  let h: BotHarness;
  beforeAll(async () => {
    arm = http.createServer((_req, res) => {
      const body = JSON.stringify({
        error: {
          code: 'AuthorizationFailed',
          message: "The client does not have authorization to perform action 'Microsoft.RecoveryServices/vaults/backupJobs/read'.",
        },
      });
      res.writeHead(403, { 'Content-Type': 'application/json' });
      res.end(body);
    });
    await new Promise<void>((r) => arm.listen(0, '127.0.0.1', () => r()));
    h = await startBotHarness({ env: { ARM_ENDPOINT: `http://127.0.0.1:${(arm.address() as AddressInfo).port}` } });
  });
  afterAll(async () => {
    await h?.close();
    await new Promise<void>((r) => arm.close(() => r()));
  });

  it('forbidden: names the role the bot’s identity lacks', async () => {
    const id = `2100000000${++seq}`;
    await h.send(channelMessage('track job 7ddead57-bcb9-4269-ac31-6a1b57588700', { serviceUrl: h.connector.serviceUrl, id }));
    const text = h.connector
      .for(`${CHANNEL_ID};messageid=${id}`)
      .map((a) => a.activity.text)
      .join('\n');
    expect(text).toContain('lacks the role Backup Reader');
  });
});
