/**
 * The bot removed from a team, the team deleted, or the app uninstalled from it, over real HTTP:
 * Teams names only the team (and its General channel), yet the subscriptions of every channel of
 * that team must go, and no card of theirs is sent again. Other teams and chats keep theirs.
 * A deleted channel takes only its own threads along.
 */
import { flushMicrotasks } from '../../../src/core/clock';
import { jobKeyString } from '../../../src/azure/ids';
import type { SimJobSpec } from '../../../tools/simulator/spec';
import { SIM_RESOURCE_GROUP, SIM_SUBSCRIPTION, SIM_VAULT, startBotHarness, type BotHarness } from '../../support/bot-harness';
import type { RecordedActivity } from '../../support/recording-connector';
import {
  ALEX,
  CHANNEL_ID,
  OTHER_TEAM_CHANNEL_ID,
  OTHER_TEAM_ID,
  PERSONAL_CHAT_ID,
  TEAM_ID,
  channelDeleted,
  channelMessage,
  conversationUpdate,
  installationUpdate,
  personalMessage,
  teamMemberRemoved,
  type Activity,
  type MessageOptions,
} from '../../support/teams-activities';

const endOf = (spec: SimJobSpec) => spec.startAt + spec.tasks.reduce((s, t) => s + t.durationMs, 0);
const updates = (list: readonly RecordedActivity[]) => list.filter((a) => a.op === 'update');
const finals = (list: readonly RecordedActivity[]) => list.filter((a) => (a.activity.entities ?? []).some((e) => e.type === 'mention'));

let h: BotHarness;
beforeEach(async () => {
  h = await startBotHarness();
});
afterEach(async () => {
  await h?.close();
});

const job = (name: string) => h.jobs.find((j) => j.entityFriendlyName === name && j.operation === 'Backup')!;
const keyOf = (spec: SimJobSpec) =>
  jobKeyString({ vault: { subscriptionId: SIM_SUBSCRIPTION, resourceGroup: SIM_RESOURCE_GROUP, vaultName: SIM_VAULT }, jobId: spec.jobId });
let seq = 0;

/** Tracks `spec` in a new thread of `channelId` (of `teamId`); returns the thread's conversation id once its card is posted. */
async function trackInChannel(spec: SimJobSpec, channelId: string, teamId = TEAM_ID): Promise<string> {
  const id = `2400000000${++seq}`;
  const res = await h.send(channelMessage(`track job ${spec.jobId}`, { serviceUrl: h.connector.serviceUrl, id, channelId, teamId }));
  expect(res.status).toBe(200);
  const thread = `${channelId};messageid=${id}`;
  expect(h.connector.cards(thread)).toHaveLength(1);
  return thread;
}

/** Moves virtual time until `predicate` holds, letting real I/O of background work settle in between. */
async function until(predicate: () => boolean, maxSteps = 120, stepMs = 1000): Promise<void> {
  for (let i = 0; i < maxSteps && !predicate(); i++) {
    await h.advance(stepMs, stepMs);
    await new Promise((r) => setTimeout(r, 15));
    await flushMicrotasks();
  }
  if (!predicate()) throw new Error(`condition not reached; recorded: ${h.connector.describe()}`);
}

const removals: ReadonlyArray<readonly [string, (opts: MessageOptions) => Activity]> = [
  ['the bot is removed from the team', (opts) => conversationUpdate('botRemoved', 'team', opts)],
  ['the team is deleted', (opts) => conversationUpdate('teamDeleted', 'team', opts)],
  ['the app is uninstalled from the team', (opts) => installationUpdate('remove', 'team', opts)],
];

describe.each(removals)('when %s', (_name, removal) => {
  it("drops the subscriptions of every channel of that team, sends their cards no more, and keeps other teams' and chats'", async () => {
    const web = job('vm-web-01');
    const app = job('vm-app-02');
    const general = await trackInChannel(web, TEAM_ID); // the General channel: its id is the team id
    const ops = await trackInChannel(web, CHANNEL_ID); // another channel: its id has nothing of the team id
    const opsOnly = await trackInChannel(app, CHANNEL_ID);
    const finance = await trackInChannel(web, OTHER_TEAM_CHANNEL_ID, OTHER_TEAM_ID);
    expect((await h.send(personalMessage(`track job ${web.jobId}`, { serviceUrl: h.connector.serviceUrl }))).status).toBe(200);
    expect((await h.app.service.listForConversation(ops))[0]?.subscriber.teamId).toBe(TEAM_ID);
    expect((await h.app.service.listForConversation(PERSONAL_CHAT_ID))[0]?.subscriber.teamId).toBeUndefined();

    // Cards are being kept current in place everywhere before the removal.
    const everywhere = [general, ops, finance, PERSONAL_CHAT_ID];
    await until(() => everywhere.every((c) => updates(h.connector.for(c)).length > 0));

    expect((await h.send(removal({ serviceUrl: h.connector.serviceUrl }))).status).toBe(200);

    for (const c of [general, ops, opsOnly]) expect(await h.app.service.listForConversation(c)).toEqual([]);
    expect(await h.app.service.listForConversation(finance)).toHaveLength(1);
    expect(await h.app.service.listForConversation(PERSONAL_CHAT_ID)).toHaveLength(1);
    // A job only that team followed is forgotten: nothing polls it any more.
    expect(await h.app.store.getJob(keyOf(app))).toBeUndefined();

    const sentTo = (c: string) => h.connector.for(c).length;
    const before = new Map([general, ops, opsOnly].map((c) => [c, sentTo(c)]));
    const personalUpdates = updates(h.connector.for(PERSONAL_CHAT_ID)).length;
    await h.advance(Math.max(endOf(web), endOf(app)) - h.clock.now() + 5_000, 5_000);

    for (const [c, n] of before) expect(sentTo(c)).toBe(n);
    // The others followed the job to its end: more updates in place, and the completion notice.
    expect(updates(h.connector.for(PERSONAL_CHAT_ID)).length).toBeGreaterThan(personalUpdates);
    expect(finals(h.connector.for(PERSONAL_CHAT_ID))).toHaveLength(1);
    expect(finals(h.connector.for(finance))).toHaveLength(1);
  });
});

it("a channel deleted: that channel's threads are dropped, the team's other channels keep theirs", async () => {
  const web = job('vm-web-01');
  const general = await trackInChannel(web, TEAM_ID);
  const ops = await trackInChannel(web, CHANNEL_ID);
  expect((await h.send(channelDeleted(CHANNEL_ID, { serviceUrl: h.connector.serviceUrl }))).status).toBe(200);
  expect(await h.app.service.listForConversation(ops)).toEqual([]);
  expect(await h.app.service.listForConversation(general)).toHaveLength(1);
});

it('a person leaving the team drops nothing', async () => {
  const ops = await trackInChannel(job('vm-web-01'), CHANNEL_ID);
  expect((await h.send(teamMemberRemoved(ALEX, { serviceUrl: h.connector.serviceUrl }))).status).toBe(200);
  expect(await h.app.service.listForConversation(ops)).toHaveLength(1);
});
