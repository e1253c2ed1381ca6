/**
 * Limits on what users can make the bot store and do, over real HTTP: tracked jobs per
 * conversation and in total, operation followers per conversation and in total, and jobs tracked
 * while Azure throttles (pending: their own small cap, dropped with a notice when Azure never
 * confirms them). Each refusal names the cap and its number.
 */
import { VirtualClock } from '../../../src/core/clock';
import { startBotHarness, SIM_RESOURCE_GROUP, SIM_VAULT, type BotHarness } from '../../support/bot-harness';
import { cardOf, type RecordedActivity } from '../../support/recording-connector';
import { personalMessage } from '../../support/teams-activities';

const LIMITS = {
  TRACK_MAX_JOBS_PER_CONVERSATION: '3',
  TRACK_MAX_JOBS_TOTAL: '5',
  TRACK_MAX_PENDING_PER_CONVERSATION: '2',
  TRACK_PENDING_TTL_SECONDS: '60',
  OPERATION_MAX_FOLLOWERS_PER_CONVERSATION: '1',
  OPERATION_MAX_FOLLOWERS_TOTAL: '2',
};
const VAULT = `${SIM_RESOURCE_GROUP}/${SIM_VAULT}`;

let h: BotHarness;
beforeEach(async () => {
  h = await startBotHarness({ env: LIMITS });
});
afterEach(async () => {
  await h?.close();
});

const running = (): string[] => h.jobs.filter((j) => j.operation === 'Backup').map((j) => j.jobId);
const texts = (list: readonly RecordedActivity[]): string[] => list.filter((a) => !cardOf(a)).map((a) => a.activity.text ?? '');

/** Sends in the 1:1 chat `chat` and returns what the bot answered there. */
async function say(chat: string, text: string): Promise<RecordedActivity[]> {
  const before = h.connector.for(chat).length;
  const res = await h.send(personalMessage(text, { serviceUrl: h.connector.serviceUrl, chatId: chat }));
  expect(res.status).toBe(200);
  return h.connector.for(chat).slice(before);
}

describe('caps on tracked jobs', () => {
  it('per conversation: the fourth job is refused with the cap and its number; re-tracking a tracked job still works', async () => {
    const [a, b, x, c] = running();
    const sent = await say('a:chat-1', `track jobs ${a} ${b} ${x} ${c}`);
    expect(sent.filter((s) => cardOf(s))).toHaveLength(3);
    expect(texts(sent)).toEqual([
      `Job ${c} is not tracked: this conversation already tracks 3 jobs, the most one conversation may. Stop tracking one with \`untrack <job id>\` first.`,
    ]);
    expect((await h.app.service.listForConversation('a:chat-1')).map((e) => e.key.jobId).sort()).toEqual([a, b, x].sort());
    const again = await say('a:chat-1', `track job ${a}`);
    expect(again.filter((s) => cardOf(s))).toHaveLength(1);
    // A conversation at its cap spends no read on a new job.
    h.sim.resetCounts();
    const refused = await say('a:chat-1', `track job ${c}`);
    expect(texts(refused)).toEqual([expect.stringContaining('already tracks 3 jobs')]);
    expect(h.sim.counts().total ?? 0).toBe(0);
  });

  it('in total: a sixth job is refused in any conversation, while a job already tracked can still be followed elsewhere', async () => {
    const [a, b, x, c, d, e] = running();
    await say('a:chat-1', `track jobs ${a} ${b} ${x}`);
    await say('a:chat-2', `track jobs ${c} ${d}`);
    expect((await h.app.store.stats()).activeJobs).toBe(5);
    const refused = await say('a:chat-3', `track job ${e}`);
    expect(texts(refused)).toEqual([
      `Job ${e} is not tracked: I already track 5 jobs in all conversations, the most I may. Try again when some have ended.`,
    ]);
    const shared = await say('a:chat-3', `track job ${a}`);
    expect(shared.filter((s) => cardOf(s))).toHaveLength(1);
    expect((await h.app.store.stats()).activeJobs).toBe(5);
  });
});

describe('caps on operation followers', () => {
  it('per conversation and in total, named with their numbers; a finished follower frees its slot', async () => {
    const template = h.jobs.find((j) => j.operation === 'Backup')!;
    const ops = [1, 2, 3].map((i) => h.sim.triggerOperation({ ...template, jobId: `cccccccc-0000-4000-8000-00000000000${i}` }, 60_000));
    const [op1, op2, op3] = ops.map((o) => o.operationId);
    expect(texts(await say('a:chat-1', `track operation ${op1}`))).toEqual([expect.stringContaining(`Waiting for operation ${op1}`)]);
    expect(texts(await say('a:chat-1', `track operation ${op2}`))).toEqual([
      `Operation ${op2} is not followed: this conversation already waits for 1 operation, the most one conversation may. Try again when one of them has created its job.`,
    ]);
    expect(texts(await say('a:chat-2', `track operation ${op2}`))).toEqual([expect.stringContaining(`Waiting for operation ${op2}`)]);
    expect(texts(await say('a:chat-3', `track operation ${op3}`))).toEqual([
      `Operation ${op3} is not followed: I already wait for 2 operations in all conversations, the most I may. Try again in a few minutes.`,
    ]);
    // The operations yield their jobs; the followers track them, end, and free their slots.
    await h.advance(90_000, 5_000);
    expect(h.app.background.size).toBe(0);
    for (const chat of ['a:chat-1', 'a:chat-2']) expect(h.connector.cards(chat).filter((a) => a.op !== 'update')).toHaveLength(1);
    const op4 = h.sim.triggerOperation({ ...template, jobId: 'cccccccc-0000-4000-8000-000000000004' }, 60_000).operationId;
    expect(texts(await say('a:chat-3', `track operation ${op4}`))).toEqual([expect.stringContaining(`Waiting for operation ${op4}`)]);
  });
});

describe('tracking while Azure throttles', () => {
  it('20 messages of 10 jobs under a 429 store 2 pending jobs, not 200; the rest hear the cap; unconfirmed ones are dropped with a notice', async () => {
    h.sim.addFault({ kind: 'throttle', retryAfterSeconds: 300 });
    const guid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const chat = 'a:chat-throttled';
    for (let m = 0; m < 20; m++) {
      const ids = Array.from({ length: 10 }, (_, k) => guid(m * 10 + k));
      await say(chat, `track jobs ${ids.join(' ')}`);
    }
    const stored = await h.app.service.listForConversation(chat);
    expect(stored).toHaveLength(2);
    expect((await h.app.store.stats()).subscriptions).toBe(2);
    const all = texts(h.connector.for(chat));
    expect(all).toHaveLength(200);
    expect(all.filter((t) => t.startsWith('Azure is limiting how often I may ask, so I cannot show job'))).toHaveLength(2);
    const capped = all.filter((t) => t.includes('Azure has not confirmed 2 jobs this conversation asked for yet'));
    expect(capped).toHaveLength(198);

    // Azure still throttles when the pending time is over: both are dropped, each with a notice.
    const before = h.connector.for(chat).length;
    await h.advance(70_000, 10_000);
    for (const e of stored) expect(await h.app.store.getJob(e.jobKey)).toMatchObject({ state: 'ended', endReason: 'unconfirmed' });
    expect((await h.app.store.stats()).activeJobs).toBe(0);
    const notices = texts(h.connector.for(chat).slice(before));
    expect(notices.sort()).toEqual(
      stored
        .map(
          (e) =>
            `I stopped tracking job ${e.key.jobId} in ${VAULT}: Azure did not confirm it within 1 min. Write \`track job ${e.key.jobId}\` to try again.`,
        )
        .sort(),
    );
    expect(h.clock).toBeInstanceOf(VirtualClock);
  });
});
