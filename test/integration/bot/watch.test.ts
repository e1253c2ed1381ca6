/**
 * watch / unwatch / watching over real HTTP: Teams-shaped activities into the bot's server, the
 * simulated vault as ARM, the channel's posts recorded by the connector. Virtual clock; each
 * round runs the tracker, the watcher and the dispatcher once.
 */
import { startBotHarness, SIM_RESOURCE_GROUP, SIM_VAULT, type BotHarness } from '../../support/bot-harness';
import { cardOf, type RecordedActivity } from '../../support/recording-connector';
import { CHANNEL_ID, channelMessage, MEGAN, personalMessage, PERSONAL_CHAT_ID } from '../../support/teams-activities';
import type { SimJobSpec } from '../../../tools/simulator/spec';

const VAULT = `${SIM_RESOURCE_GROUP}/${SIM_VAULT}`;
let h: BotHarness;
let seq = 0;

beforeEach(async () => {
  h = await startBotHarness({ env: { WATCH_MAX_PER_CONVERSATION: '1' } });
});
afterEach(async () => {
  await h?.close();
});

async function inChannel(text: string, name?: 'Megan Bowen'): Promise<RecordedActivity[]> {
  const id = `1700000000${++seq}`;
  const res = await h.send(channelMessage(text, { serviceUrl: h.connector.serviceUrl, id, ...(name ? { from: MEGAN } : {}) }));
  expect(res.status).toBe(200);
  return h.connector.for(`${CHANNEL_ID};messageid=${id}`);
}

/** The job posts the watch made in the channel itself (the channel's conversation id, not a thread's). */
const channelPosts = (): RecordedActivity[] =>
  h.connector.activities.filter((a) => a.conversationId === CHANNEL_ID && cardOf(a) !== undefined);

/**
 * A change of the watch, written in a thread of the channel: its announcement is a new post at the
 * channel's top level (sent to the channel's own conversation id, replying to nothing), and the
 * thread gets no reply.
 */
async function changeInChannel(text: string, name?: 'Megan Bowen'): Promise<RecordedActivity> {
  const before = h.connector.activities.length;
  const thread = await inChannel(text, name);
  expect(thread).toEqual([]);
  const posted = h.connector.activities.slice(before);
  expect(posted).toHaveLength(1);
  const [post] = posted;
  expect([post.op, post.conversationId, post.replyToId, post.activity.replyToId]).toEqual(['send', CHANNEL_ID, undefined, undefined]);
  return post;
}

describe('watch failures in a team channel', () => {
  it('says who now watches what, then posts each failed, warned and cancelled job once in the channel, with errors and recommendations', async () => {
    const answer = await changeInChannel('watch failures');
    expect(answer.activity.text).toBe(
      `Alex Wilber now watches failures (failed, completed with warnings, cancelled) in ${VAULT}. I post each one here.`,
    );
    // The scripted jobs end within 10 minutes; the watch sweeps once per second of virtual time.
    await h.advance(12 * 60_000, 5_000);
    await h.advance(60_000, 5_000);
    const posts = channelPosts();
    expect(posts.map((p) => p.op)).toEqual(['send', 'send', 'send']);
    const byEntity = new Map(posts.map((p) => [String(/^[^:]+: (\S+)/.exec(p.activity.text ?? '')?.[1]), p]));
    expect([...byEntity.keys()].sort()).toEqual(['salesdb', 'vm-app-02', 'vm-batch-04']);
    for (const p of posts) expect(p.activity.text).toMatch(new RegExp(`^${VAULT}: `));
    expect(byEntity.get('salesdb')!.activity.text).toContain('failed');
    const salesCard = JSON.stringify(cardOf(byEntity.get('salesdb')!));
    expect(salesCard).toContain('UserErrorOpeningSQLConnection');
    expect(salesCard).toContain('Make sure the SQL instance is running and reachable from the VM.');
    expect(JSON.stringify(cardOf(byEntity.get('vm-app-02')!))).toContain('Check the VSS writers inside the VM');
    // Nobody is @mentioned by a watch.
    for (const p of posts) expect(p.activity.entities ?? []).toEqual([]);
  });

  it('any member may change it, each change is posted at the channel top level; unwatch stops the notices', async () => {
    await changeInChannel('watch failures');
    const changed = await changeInChannel('watch all', 'Megan Bowen');
    expect(changed.activity.text).toBe(`Megan Bowen changed the watch of ${VAULT}: now every job (each start and each end).`);
    const [listed] = await inChannel('watching');
    expect(listed.activity.text).toBe(`This conversation watches: ${VAULT} (every job (each start and each end), set by Megan Bowen).`);
    const removed = await changeInChannel('unwatch');
    expect(removed.activity.text).toBe(`Alex Wilber stopped watching ${VAULT}. No more notices from it here.`);
    await h.advance(12 * 60_000, 5_000);
    expect(channelPosts()).toEqual([]);
    const [again] = await inChannel('unwatch');
    expect(again.activity.text).toBe(`This conversation does not watch ${VAULT}. Write \`watching\` to see what it watches.`);
  });

  it('caps the watches of one conversation, refuses a vault the conversation may not use and an unknown mode', async () => {
    await inChannel('watch failures');
    const [capped] = await inChannel('watch failures in vault-dev');
    expect(capped.activity.text).toBe('This conversation already watches 1 vault, the most it may. Write `unwatch in <vault>` first.');
    const [denied] = await inChannel('watch in rg-x/vault-x');
    expect(denied.activity.text).toContain('I may not read vault "rg-x/vault-x"');
    const [bad] = await inChannel('watch explosions');
    expect(bad.activity.text).toContain('"explosions" is not something I can watch');
    expect(await h.app.store.listWatches(CHANNEL_ID)).toHaveLength(1);
  });

  it('with `all`, announces each start with a card and replaces that card in place at the end', async () => {
    await h.send(personalMessage('watch all', { serviceUrl: h.connector.serviceUrl }));
    // The scripted jobs started before the watch: only their ends are announced. Two start later.
    const later = (n: number, name: string): SimJobSpec => ({
      ...h.jobs[0],
      jobId: `0000000${n}-0000-4000-8000-000000000000`,
      entityFriendlyName: name,
      startAt: h.clock.now() + 60_000,
      tasks: [{ name: 'Transfer data to vault', durationMs: 3 * 60_000 }],
    });
    h.sim.addJob(later(1, 'vm-late-1'));
    h.sim.addJob(later(2, 'vm-late-2'));
    await h.advance(12 * 60_000, 5_000);
    const posts = h.connector.for(PERSONAL_CHAT_ID).filter((p) => cardOf(p) !== undefined);
    const ends = posts.filter((p) => p.op === 'send' && (p.activity.text ?? '') !== '');
    const starts = posts.filter((p) => p.op === 'send' && (p.activity.text ?? '') === '');
    const updates = posts.filter((p) => p.op === 'update');
    expect(ends).toHaveLength(h.jobs.length);
    expect(starts.map((p) => JSON.stringify(cardOf(p)).includes('vm-late-'))).toEqual([true, true]);
    expect(updates.map((u) => u.activityId).sort()).toEqual(starts.map((s) => s.activityId).sort());
    for (const u of updates) expect(JSON.stringify(cardOf(u))).toContain('Completed');
  });
});
