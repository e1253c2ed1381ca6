/**
 * SubscriptionStore.dropTeam: the bot removed from a team, or the team deleted, names only the team, while the team's
 * channels have ids unrelated to it (`19:general…` is the team id, `19:other…` is not). Every
 * subscription stored with the team id goes, whatever its conversation; nothing else does.
 */
import type { StateStore } from '../../src/store/types';
import type { SubscriberInput } from '../../src/domain/subscriber';
import type { SpecContext, StoreSpec } from './store-conformance';
import { T0, card, jobInput, jobKeyOf, subInput } from './store-fixtures';

const TEAM = '19:team-general@thread.tacv2';
const OTHER_TEAM = '19:team-finance@thread.tacv2';
/** The General channel's id is the team's id; its threads add `;messageid=…`. */
const GENERAL_THREAD = `${TEAM};messageid=1700000000000`;
const OPS_THREAD_1 = '19:channel-ops@thread.tacv2;messageid=1700000000001';
const OPS_THREAD_2 = '19:channel-ops@thread.tacv2;messageid=1700000000002';
const FINANCE_THREAD = '19:channel-finance@thread.tacv2;messageid=1700000000003';
const PERSONAL = 'a:1personal-chat';
const GROUP_CHAT = '19:group-chat@thread.v2';

function inTeam(conversationId: string, teamId: string | undefined): SubscriberInput {
  return { ...subInput(conversationId), ...(teamId === undefined ? {} : { teamId }) };
}

/** Subscribes each (job, conversation, team), then commits one card per subscriber so each has a pending message. */
async function followWithCards(store: StateStore, follow: ReadonlyArray<readonly [number, string, string | undefined]>): Promise<void> {
  for (const [i, [n, id, team]] of follow.entries()) await store.subscribe(jobInput(n), inTeam(id, team), T0 + i);
  for (const job of await store.claimDueJobs('w1', T0, 60_000, 100)) {
    const n = Number(job.jobId.slice(-12));
    const subs = await store.getSubscribers(job.jobKey);
    expect(
      await store.commitPoll(
        'w1',
        { jobKey: job.jobKey, nextPollAt: T0 + 30_000, schedule: {} },
        subs.map((s) => card(n, s.conversationId)),
      ),
    ).toBe(true);
  }
}

/** Who still has a subscription, and whose messages are still deliverable, as sorted "n id" pairs. */
async function survivors(store: StateStore, ns: readonly number[]): Promise<{ subs: string[]; messages: string[] }> {
  const subs: string[] = [];
  for (const n of ns) for (const s of await store.getSubscribers(jobKeyOf(n))) subs.push(`${n} ${s.conversationId}`);
  const messages = (await store.claimMessages('d1', T0, 60_000, 100)).map((m) => `${Number(m.jobKey.slice(-12))} ${m.conversationId}`);
  return { subs: subs.sort(), messages: messages.sort() };
}

export const teamDropSpec: StoreSpec = { tests: 'SubscriptionStore', describe: (ctx, { durable }) => describeTeamDropSpec(ctx, durable) };

function describeTeamDropSpec(ctx: SpecContext, durable: boolean): void {
  describe('dropTeam', () => {
    it("drops every channel's subscriptions of the team with their pending messages, forgets jobs nobody follows, and keeps the rest", async () => {
      const store = ctx.store();
      await followWithCards(store, [
        [1, GENERAL_THREAD, TEAM],
        [1, OPS_THREAD_1, TEAM],
        [2, OPS_THREAD_2, TEAM],
        [3, TEAM, TEAM],
        [3, PERSONAL, undefined],
        [3, FINANCE_THREAD, OTHER_TEAM],
        [4, OPS_THREAD_1, TEAM],
        [4, GROUP_CHAT, undefined],
      ]);
      expect((await store.stats()).pendingMessages).toBe(8);

      expect(await store.dropTeam(TEAM)).toBe(5);

      for (const n of [1, 2]) expect(await store.getJob(jobKeyOf(n))).toBeUndefined();
      for (const n of [3, 4]) expect((await store.getJob(jobKeyOf(n)))?.state).toBe('active');
      for (const id of [TEAM, GENERAL_THREAD, OPS_THREAD_1, OPS_THREAD_2]) expect(await store.listByConversation(id)).toEqual([]);
      const kept = [`3 ${PERSONAL}`, `3 ${FINANCE_THREAD}`, `4 ${GROUP_CHAT}`].sort();
      expect(await survivors(store, [1, 2, 3, 4])).toEqual({ subs: kept, messages: kept });
      expect(await store.stats()).toEqual({ activeJobs: 2, subscriptions: 3, pendingMessages: 3 });
      expect(await store.dropTeam(TEAM)).toBe(0);
      expect(await store.dropTeam(OTHER_TEAM)).toBe(1);
    });

    it('returns the team id with the subscriber wherever subscribers are read, and nothing for one without a team', async () => {
      const store = ctx.store();
      await store.subscribe(jobInput(1), inTeam(OPS_THREAD_1, TEAM), T0);
      await store.subscribe(jobInput(1), inTeam(PERSONAL, undefined), T0 + 1);
      expect(await store.getSubscribers(jobKeyOf(1))).toEqual([
        { ...inTeam(OPS_THREAD_1, TEAM), jobKey: jobKeyOf(1), createdAt: T0 },
        { ...inTeam(PERSONAL, undefined), jobKey: jobKeyOf(1), createdAt: T0 + 1 },
      ]);
      expect((await store.listByConversation(OPS_THREAD_1)).map((e) => e.subscriber.teamId)).toEqual([TEAM]);
      const [job] = await store.claimDueJobs('w1', T0, 60_000, 10);
      await store.commitPoll('w1', { jobKey: job.jobKey, nextPollAt: T0 + 30_000, schedule: {} }, [
        card(1, OPS_THREAD_1),
        card(1, PERSONAL),
      ]);
      const claimed = await store.claimMessages('d1', T0, 60_000, 10);
      expect(claimed.map((m) => [m.conversationId, m.message.subscriber.teamId])).toEqual([
        [OPS_THREAD_1, TEAM],
        [PERSONAL, undefined],
      ]);
      expect('teamId' in claimed[1].message.subscriber).toBe(false);
    });

    it('re-subscribing without a team id keeps the stored one; with another team id moves the subscription to that team', async () => {
      const store = ctx.store();
      await store.subscribe(jobInput(1), inTeam(OPS_THREAD_1, TEAM), T0);
      await store.subscribe(jobInput(1), inTeam(OPS_THREAD_1, undefined), T0 + 1);
      expect((await store.getSubscribers(jobKeyOf(1)))[0]?.teamId).toBe(TEAM);
      await store.subscribe(jobInput(2), inTeam(OPS_THREAD_1, TEAM), T0 + 2);
      await store.subscribe(jobInput(2), inTeam(OPS_THREAD_1, OTHER_TEAM), T0 + 3);
      expect((await store.getSubscribers(jobKeyOf(2)))[0]?.teamId).toBe(OTHER_TEAM);

      expect(await store.dropTeam(TEAM)).toBe(1);
      expect(await store.getJob(jobKeyOf(1))).toBeUndefined();
      expect(await store.dropTeam(OTHER_TEAM)).toBe(1);
      expect(await store.stats()).toEqual({ activeJobs: 0, subscriptions: 0, pendingMessages: 0 });
    });

    it('counts only what unsubscribe and dropConversation left, and a team dropped can follow jobs again', async () => {
      const store = ctx.store();
      await store.subscribe(jobInput(1), inTeam(OPS_THREAD_1, TEAM), T0);
      await store.subscribe(jobInput(2), inTeam(OPS_THREAD_1, TEAM), T0);
      await store.subscribe(jobInput(1), inTeam(GENERAL_THREAD, TEAM), T0);
      await store.subscribe(jobInput(3), inTeam(OPS_THREAD_2, TEAM), T0);
      expect(await store.unsubscribe(jobKeyOf(2), OPS_THREAD_1)).toBe(0);
      expect(await store.dropConversation(TEAM)).toBe(1);
      expect(await store.dropTeam(TEAM)).toBe(2);
      expect(await store.stats()).toEqual({ activeJobs: 0, subscriptions: 0, pendingMessages: 0 });

      expect(await store.subscribe(jobInput(1), inTeam(OPS_THREAD_1, TEAM), T0 + 10)).toEqual({
        jobCreated: true,
        subscriptionCreated: true,
      });
      expect(await store.dropTeam(TEAM)).toBe(1);
      expect(await store.dropTeam(TEAM)).toBe(0);
    });

    it('compares team ids literally: wildcards, case and prefixes match only themselves; an empty id matches nothing', async () => {
      const store = ctx.store();
      const odd = '19:x%_*?[a]\\.$ü🚀@thread.tacv2';
      const lookAlikes = ['19:xZZ*?[a]\\.$ü🚀@thread.tacv2', '19:X%_*?[A]\\.$Ü🚀@THREAD.TACV2', `${odd}x`, odd.slice(0, -1)];
      await store.subscribe(jobInput(1), inTeam(OPS_THREAD_1, odd), T0);
      for (const [i, team] of lookAlikes.entries()) await store.subscribe(jobInput(2), inTeam(`19:c${i}@thread.tacv2`, team), T0);
      await store.subscribe(jobInput(3), inTeam(PERSONAL, undefined), T0);
      expect(await store.dropTeam('')).toBe(0);
      expect(await store.dropTeam(odd)).toBe(1);
      expect((await store.getSubscribers(jobKeyOf(2))).map((s) => s.teamId).sort()).toEqual([...lookAlikes].sort());
      expect(await store.getSubscribers(jobKeyOf(3))).toHaveLength(1);
    });

    if (durable) {
      it('keeps the team of each subscription across a reopen', async () => {
        await ctx.store().subscribe(jobInput(1), inTeam(OPS_THREAD_1, TEAM), T0);
        await ctx.store().subscribe(jobInput(1), inTeam(PERSONAL, undefined), T0);
        const store = await ctx.reopen();
        expect(await store.dropTeam(TEAM)).toBe(1);
        expect((await store.getSubscribers(jobKeyOf(1))).map((s) => s.conversationId)).toEqual([PERSONAL]);
      });
    }
  });
}
