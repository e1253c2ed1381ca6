/**
 * SubscriptionStore.dropConversation on Teams channels: subscriptions live on thread ids (`<channel>;messageid=<root>`)
 * while the removal events name the channel, so dropping a channel must drop its threads, and
 * nothing else however the ids are spelled.
 */
import type { StateStore } from '../../src/store/types';
import type { SpecContext, StoreSpec } from './store-conformance';
import { T0, card, jobInput, jobKeyOf, subInput } from './store-fixtures';

const CHANNEL = '19:a1b2c3@thread.tacv2';
const THREAD_1 = `${CHANNEL};messageid=1700000000000`;
const THREAD_2 = `${CHANNEL};messageid=1700000000001`;

/** Subscribes each id to job `n`, then commits one card per subscriber, so each has a pending message. */
async function followWithCards(store: StateStore, follow: ReadonlyArray<readonly [number, string]>): Promise<void> {
  for (const [i, [n, id]] of follow.entries()) await store.subscribe(jobInput(n), subInput(id), T0 + i);
  const jobs = await store.claimDueJobs('w1', T0, 60_000, 100);
  for (const job of jobs) {
    const subs = await store.getSubscribers(job.jobKey);
    const n = Number(job.jobId.slice(-12));
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

export const conversationDropSpec: StoreSpec = { tests: 'SubscriptionStore', describe: describeConversationDropSpec };

function describeConversationDropSpec(ctx: SpecContext): void {
  describe('dropConversation of a channel', () => {
    it('drops the channel and every thread in it, with their pending messages, and forgets jobs nobody follows', async () => {
      const store = ctx.store();
      const others = [
        `19:a1b2c3@thread.tacv22;messageid=1700000000000`, // another channel whose id extends this one
        `${CHANNEL}x`,
        `${CHANNEL};messageid`, // the mark without '='
        `${CHANNEL};messageid>`, // the exclusive upper bound of the thread range
        `${CHANNEL};MESSAGEID=1700000000000`, // ids are case-sensitive
        '19:d4e5f6@thread.tacv2;messageid=1700000000000',
      ];
      await followWithCards(store, [
        [1, THREAD_1],
        [2, THREAD_1],
        [2, THREAD_2],
        [3, CHANNEL],
        [4, THREAD_2],
        ...others.map((id) => [4, id] as const),
      ]);
      expect((await store.stats()).pendingMessages).toBe(5 + others.length);

      expect(await store.dropConversation(CHANNEL)).toBe(5);

      for (const n of [1, 2, 3]) expect(await store.getJob(jobKeyOf(n))).toBeUndefined();
      expect((await store.getJob(jobKeyOf(4)))?.state).toBe('active');
      for (const id of [CHANNEL, THREAD_1, THREAD_2]) expect(await store.listByConversation(id)).toEqual([]);
      const expected = others.map((id) => `4 ${id}`).sort();
      expect(await survivors(store, [1, 2, 3, 4])).toEqual({ subs: expected, messages: expected });
      expect(await store.stats()).toEqual({ activeJobs: 1, subscriptions: others.length, pendingMessages: others.length });
      expect(await store.dropConversation(CHANNEL)).toBe(0);
    });

    it('drops the threads even when the channel itself follows nothing', async () => {
      const store = ctx.store();
      await followWithCards(store, [
        [1, THREAD_1],
        [1, THREAD_2],
      ]);
      expect(await store.dropConversation(CHANNEL)).toBe(2);
      expect(await store.getJob(jobKeyOf(1))).toBeUndefined();
      expect(await store.stats()).toEqual({ activeJobs: 0, subscriptions: 0, pendingMessages: 0 });
    });

    it('dropping a thread drops that thread only', async () => {
      const store = ctx.store();
      const thread12 = `${CHANNEL};messageid=17000000000001`; // THREAD_1's id followed by one more digit
      await followWithCards(store, [
        [1, THREAD_1],
        [1, thread12],
        [1, CHANNEL],
        [1, THREAD_2],
      ]);
      expect(await store.dropConversation(THREAD_1)).toBe(1);
      const expected = [`1 ${CHANNEL}`, `1 ${THREAD_2}`, `1 ${thread12}`].sort();
      expect(await survivors(store, [1])).toEqual({ subs: expected, messages: expected });
    });

    it('reads the id literally: LIKE and glob wildcards, regex and non-ASCII characters match only themselves', async () => {
      const store = ctx.store();
      const odd = '19:x%_*?[a]\\.$ü🚀@thread.tacv2';
      const lookAlikes = [
        '19:xZZZ*?[a]\\.$ü🚀@thread.tacv2;messageid=1', // `%` and `_` as LIKE wildcards
        '19:x%_anything?a\\.$ü🚀@thread.tacv2;messageid=1', // `*`, `?` and `[a]` as glob wildcards
        '19:X%_*?[A]\\.$Ü🚀@THREAD.TACV2;messageid=1', // a case-insensitive comparison
        '19:x%_*?[a]\\.$ü🚀@thread.tacv2;messageid', // no thread mark
      ];
      await followWithCards(store, [
        [1, `${odd};messageid=1700000000000`],
        [1, `${odd};messageid=🚀`],
        [2, odd],
        ...lookAlikes.map((id) => [3, id] as const),
      ]);
      expect(await store.dropConversation(odd)).toBe(3);
      const expected = lookAlikes.map((id) => `3 ${id}`).sort();
      expect(await survivors(store, [1, 2, 3])).toEqual({ subs: expected, messages: expected });
    });

    it('a thread dropped with its channel can subscribe again and be dropped again', async () => {
      const store = ctx.store();
      await store.subscribe(jobInput(1), subInput(THREAD_1), T0);
      await store.subscribe(jobInput(2), subInput(THREAD_2), T0);
      expect(await store.unsubscribe(jobKeyOf(2), THREAD_2)).toBe(0);
      expect(await store.dropConversation(CHANNEL)).toBe(1);
      expect(await store.subscribe(jobInput(1), subInput(THREAD_1), T0 + 1)).toEqual({ jobCreated: true, subscriptionCreated: true });
      expect(await store.dropConversation(CHANNEL)).toBe(1);
      expect(await store.dropConversation(CHANNEL)).toBe(0);
      expect(await store.stats()).toEqual({ activeJobs: 0, subscriptions: 0, pendingMessages: 0 });
    });
  });
}
