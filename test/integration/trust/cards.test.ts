/**
 * Card buttons and rendering over real HTTP: a button updates only the card the bot stored for
 * its job in that conversation; forged or unknown payloads are ignored; everything Azure or a
 * user wrote shows literally (Markdown escaped) on cards and in replies, as the connector receives it.
 */
import { startBotHarness, type BotHarness } from '../../support/bot-harness';
import { cardOf, type RecordedActivity } from '../../support/recording-connector';
import { CHANNEL_ID, cardSubmit, channelMessage } from '../../support/teams-activities';
import type { SimJobSpec } from '../../../tools/simulator/spec';

let h: BotHarness;
beforeEach(async () => {
  h = await startBotHarness();
});
afterEach(async () => {
  await h?.close();
});

let seq = 0;
async function inThread(text: string, threadId?: string): Promise<{ thread: string; sent: RecordedActivity[] }> {
  const id = `2100000000${++seq}`;
  const thread = `${CHANNEL_ID};messageid=${threadId ?? id}`;
  const before = h.connector.for(thread).length;
  const res = await h.send(channelMessage(text, { serviceUrl: h.connector.serviceUrl, id, ...(threadId ? { threadId } : {}) }));
  expect(res.status).toBe(200);
  return { thread, sent: h.connector.for(thread).slice(before) };
}

const buttonData = (spec: SimJobSpec, action = 'refresh') => ({
  action,
  jobKey: `${spec.vault.subscriptionId}/${spec.vault.resourceGroup}/${spec.vault.vaultName}/${spec.jobId}`.toLowerCase(),
  jobId: spec.jobId,
  vault: `${spec.vault.resourceGroup}/${spec.vault.vaultName}`,
});
const press = (thread: string, replyToId: string, value: Record<string, unknown>) =>
  h.send(cardSubmit(value, { serviceUrl: h.connector.serviceUrl, conversationId: thread, replyToId }));
const running = () => h.jobs.filter((j) => j.operation === 'Backup');

describe('card buttons', () => {
  it('a forged replyToId updates nothing: not another message, not the card of another job; a fresh card is posted instead', async () => {
    const [vm, other] = running();
    const { thread, sent } = await inThread(`track job ${vm.jobId}`);
    const card = sent[0];
    const threadId = thread.split('=')[1];
    const second = await inThread(`track job ${other.jobId}`, threadId);
    const help = await inThread('help', threadId);
    for (const victim of [help.sent[0].activityId, second.sent[0].activityId, 'activity-999', threadId]) {
      const before = h.connector.for(thread).length;
      expect((await press(thread, victim, buttonData(vm))).status).toBe(200);
      const answer = h.connector.for(thread).slice(before);
      expect(answer.map((a) => a.op)).toEqual(['reply']);
      expect(JSON.stringify(cardOf(answer[0]))).toContain(vm.entityFriendlyName);
    }
    expect(h.connector.activities.filter((a) => a.op === 'update')).toEqual([]);
    // The fresh card is now the one kept current; its own button updates it in place.
    const stored = (await h.app.service.listForConversation(thread)).find((e) => e.key.jobId === vm.jobId)!;
    expect(stored.subscriber.cardActivityId).not.toBe(card.activityId);
    await press(thread, stored.subscriber.cardActivityId!, buttonData(vm));
    expect(h.connector.activities.filter((a) => a.op === 'update').map((a) => a.activityId)).toEqual([stored.subscriber.cardActivityId]);
  });

  it('Stop tracking with a forged replyToId stops tracking but rewrites no message', async () => {
    const [vm] = running();
    const { thread } = await inThread(`track job ${vm.jobId}`);
    const help = await inThread('help', thread.split('=')[1]);
    await press(thread, help.sent[0].activityId, buttonData(vm, 'untrack'));
    expect(h.connector.activities.filter((a) => a.op === 'update')).toEqual([]);
    expect(h.connector.for(thread).at(-1)!.activity.text).toContain(`Stopped tracking job ${vm.jobId}`);
  });

  it.each([
    ['an unknown action', { action: 'cancel' }],
    ['a job id that is not the key’s', { jobId: '11111111-1111-4111-8111-111111111111' }],
    ['a traversal in the key', { jobKey: '../../subscriptions/x' }],
    ['a job id that is not a string', { jobId: 42 }],
    ['an overlong vault', { vault: 'v'.repeat(151) }],
  ])('a forged payload (%s) is ignored: no answer, Azure not asked', async (_why, change) => {
    const [vm] = running();
    const { thread, sent } = await inThread(`track job ${vm.jobId}`);
    const before = h.connector.for(thread).length;
    h.sim.resetCounts();
    expect((await press(thread, sent[0].activityId, { ...buttonData(vm), ...change })).status).toBe(200);
    expect(h.connector.for(thread)).toHaveLength(before);
    expect(h.sim.counts().total ?? 0).toBe(0);
  });

  it('someone else’s form is ignored', async () => {
    const { thread, sent } = await inThread('help');
    const before = h.connector.for(thread).length;
    await press(thread, sent[0].activityId, { verb: 'approve', comment: '[click](https://evil.example)' });
    expect(h.connector.for(thread)).toHaveLength(before);
  });

  it('a button naming a vault outside the allow-list gets the key’s vault named, never its free `vault` text', async () => {
    const [vm] = running();
    const { thread, sent } = await inThread(`track job ${vm.jobId}`);
    const forged = { ...buttonData(vm), vault: '[click here](https://evil.example)' };
    forged.jobKey = forged.jobKey.replace('/vault-prod/', '/vault-other/');
    await press(thread, sent[0].activityId, forged);
    const text = h.connector.for(thread).at(-1)!.activity.text ?? '';
    expect(text).toContain('I may not read vault "rg-backup/vault-other"');
    expect(text).not.toContain('evil.example');
  });
});

/** Every string of a card's body and actions, as the connector received it. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

/** Markdown that would restyle or link: an unescaped `[`, `]`, `*`, `_`, `#` or `` ` ``. */
const LIVE_MARKDOWN = /(?:^|[^\\])[[\]*_#`]/;

describe('Azure and user texts show literally', () => {
  it('item names, property bags, task names, error texts and recommendations are escaped on the card and in the reply', async () => {
    const base = h.jobs[0];
    const now = h.clock.now();
    const hostile: SimJobSpec = {
      ...base,
      jobId: 'dddddddd-0000-4000-8000-00000000000d',
      entityFriendlyName: '[click](https://evil.example) **x**',
      startAt: now - 10 * 60_000,
      tasks: [{ name: '_Take_ `snapshot`', durationMs: 60_000 }],
      outcome: 'Failed',
      errorDetails: [
        {
          code: 'UserError_[x](https://evil.example)',
          message: '**Run** [this](https://evil.example)\n- then this',
          recommendations: ['# Heading', '1. [fix](https://evil.example)'],
        },
      ],
      propertyBag: { '**Owner**': '[me](https://evil.example)' },
    };
    h.sim.addJob(hostile);
    const { sent } = await inThread(`track job ${hostile.jobId}`);
    expect(sent).toHaveLength(1);
    const content = cardOf(sent[0])!;
    const shown = strings({ body: content.body, actions: content.actions }).filter((s) => s.includes('evil') || s.includes('x'));
    expect(shown.length).toBeGreaterThan(3);
    const json = JSON.stringify(content);
    for (const expected of [
      '\\[click\\](https://evil.example) \\*\\*x\\*\\*',
      '\\*\\*Owner\\*\\*',
      '\\[me\\](https://evil.example)',
      '\\_Take\\_ \\`snapshot\\`',
      '\\*\\*Run\\*\\* \\[this\\](https://evil.example)\n\\- then this',
      '• \\# Heading',
      '• 1\\. \\[fix\\](https://evil.example)',
      'UserError\\_\\[x\\](https://evil.example)',
    ]) {
      expect(json).toContain(JSON.stringify(expected).slice(1, -1));
    }
    for (const s of strings(content.body)) expect([s, LIVE_MARKDOWN.test(s)]).toEqual([s, false]);
    // The text that travels with the final card names the item too.
    expect(sent[0].activity.text).toContain('\\[click\\](https://evil.example) \\*\\*x\\*\\* (Backup)');
  });

  it('an operation’s error message from Azure is escaped in the reply', async () => {
    const op = h.sim.triggerOperation(h.jobs[0], 0, { code: 'UserError_VmGone', message: '[click](https://evil.example) **now**' });
    const { sent } = await inThread(`track operation ${op.operationId}`);
    expect(sent.map((a) => a.activity.text)).toEqual([
      expect.stringContaining('failed: UserError\\_VmGone: \\[click\\](https://evil.example) \\*\\*now\\*\\*'),
    ]);
  });

  it('echoed input is escaped: a vault name and an unknown command', async () => {
    const vault = await inThread('track job 7ddead57-bcb9-4269-ac31-6a1b57588700 in a|b#c');
    expect(vault.sent[0].activity.text).toContain('"a\\|b\\#c"');
    const unknown = await inThread('trak `rm -rf` | # x');
    const text = unknown.sent[0].activity.text ?? '';
    expect(text).toContain('I did not understand "trak rm -rf \\| \\# x"');
  });
});
