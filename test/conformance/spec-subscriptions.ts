/** SubscriptionStore: who follows which job, and what they last saw. */
import type { SpecContext, StoreSpec } from './store-conformance';
import { CONV_A, CONV_B, CONV_C, COMPLETED, HOSTILE, RUNNING, T0, card, jobInput, jobKeyOf, subInput } from './store-fixtures';

export const subscriptionSpec: StoreSpec = { tests: 'SubscriptionStore', describe: describeSubscriptionSpec };

function describeSubscriptionSpec(ctx: SpecContext): void {
  describe('subscriptions', () => {
    it('subscribe creates an active job due at nextPollAt and the subscription', async () => {
      const store = ctx.store();
      const res = await store.subscribe(jobInput(1, T0 + 30_000, HOSTILE), subInput(CONV_A), T0);
      expect(res).toEqual({ jobCreated: true, subscriptionCreated: true });
      const job = await store.getJob(jobKeyOf(1));
      expect(job).toEqual({
        jobKey: jobKeyOf(1),
        vault: jobInput(1).vault,
        jobId: jobInput(1).jobId,
        createdAt: T0,
        state: 'active',
        lastJob: HOSTILE,
        nextPollAt: T0 + 30_000,
        schedule: {},
      });
      expect(job?.leaseOwner).toBeUndefined();
      expect(await store.getSubscribers(jobKeyOf(1))).toEqual([{ ...subInput(CONV_A), jobKey: jobKeyOf(1), createdAt: T0 }]);
    });

    it('a job can be created without a snapshot', async () => {
      const store = ctx.store();
      await store.subscribe(jobInput(1, T0, null), subInput(CONV_A), T0);
      expect((await store.getJob(jobKeyOf(1)))?.lastJob).toBeUndefined();
    });

    it('re-subscribing updates reference and requester, keeps the card and leaves the job alone', async () => {
      const store = ctx.store();
      await store.subscribe(jobInput(1, T0 + 1000), subInput(CONV_A), T0);
      await store.setCard(jobKeyOf(1), CONV_A, 'card-1', 'digest-1');
      const jobBefore = await store.getJob(jobKeyOf(1));
      const again = { ...subInput(CONV_A, 'Grace Hopper'), locale: 'de-DE', conversationRef: { serviceUrl: 'https://smba.example/amer/' } };
      const res = await store.subscribe(jobInput(1, T0 + 99_000, COMPLETED), again, T0 + 5000);
      expect(res).toEqual({ jobCreated: false, subscriptionCreated: false });
      expect(await store.getJob(jobKeyOf(1))).toEqual(jobBefore);
      expect(await store.getSubscribers(jobKeyOf(1))).toEqual([
        { ...again, jobKey: jobKeyOf(1), createdAt: T0, cardActivityId: 'card-1', cardDigest: 'digest-1' },
      ]);
    });

    it('several conversations follow one job, listed in subscription order', async () => {
      const store = ctx.store();
      expect(await store.subscribe(jobInput(1), subInput(CONV_B), T0)).toEqual({ jobCreated: true, subscriptionCreated: true });
      expect(await store.subscribe(jobInput(1), subInput(CONV_A), T0 + 1)).toEqual({ jobCreated: false, subscriptionCreated: true });
      expect(await store.subscribe(jobInput(1), subInput(CONV_C), T0 + 2)).toEqual({ jobCreated: false, subscriptionCreated: true });
      const subs = await store.getSubscribers(jobKeyOf(1));
      expect(subs.map((s) => s.conversationId)).toEqual([CONV_B, CONV_A, CONV_C]);
      expect(await store.getSubscribers(jobKeyOf(2))).toEqual([]);
    });

    it('unsubscribe returns the remaining count, -1 when absent, and forgets a job nobody follows', async () => {
      const store = ctx.store();
      await store.subscribe(jobInput(1), subInput(CONV_A), T0);
      await store.subscribe(jobInput(1), subInput(CONV_B), T0);
      expect(await store.unsubscribe(jobKeyOf(1), CONV_C)).toBe(-1);
      expect(await store.unsubscribe(jobKeyOf(9), CONV_A)).toBe(-1);
      expect(await store.unsubscribe(jobKeyOf(1), CONV_A)).toBe(1);
      expect(await store.unsubscribe(jobKeyOf(1), CONV_A)).toBe(-1);
      expect((await store.getSubscribers(jobKeyOf(1))).map((s) => s.conversationId)).toEqual([CONV_B]);
      expect(await store.unsubscribe(jobKeyOf(1), CONV_B)).toBe(0);
      expect(await store.getJob(jobKeyOf(1))).toBeUndefined();
      expect(await store.stats()).toEqual({ activeJobs: 0, subscriptions: 0, pendingMessages: 0 });
      expect(await store.subscribe(jobInput(1), subInput(CONV_B), T0 + 10)).toEqual({ jobCreated: true, subscriptionCreated: true });
    });

    it("unsubscribe removes only that conversation's pending messages", async () => {
      const store = ctx.store();
      await store.subscribe(jobInput(1), subInput(CONV_A), T0);
      await store.subscribe(jobInput(1), subInput(CONV_B), T0);
      const [job] = await store.claimDueJobs('w1', T0, 60_000, 10);
      await store.commitPoll('w1', { jobKey: job.jobKey, nextPollAt: T0 + 30_000, schedule: {} }, [card(1, CONV_A), card(1, CONV_B)]);
      expect((await store.stats()).pendingMessages).toBe(2);
      await store.unsubscribe(jobKeyOf(1), CONV_A);
      expect((await store.stats()).pendingMessages).toBe(1);
      expect(await store.nextMessageAt()).toBe(0);
      const claimed = await store.claimMessages('d1', T0, 60_000, 10);
      expect(claimed.map((m) => m.conversationId)).toEqual([CONV_B]);
    });

    it('dropConversation removes every subscription of a conversation and its messages', async () => {
      const store = ctx.store();
      for (const n of [1, 2, 3]) await store.subscribe(jobInput(n), subInput(CONV_A), T0);
      await store.subscribe(jobInput(2), subInput(CONV_B), T0);
      const claimed = await store.claimDueJobs('w1', T0, 60_000, 10);
      for (const j of claimed) {
        await store.commitPoll('w1', { jobKey: j.jobKey, nextPollAt: T0 + 30_000, schedule: {} }, [
          { ...card(1, CONV_A), key: { vault: j.vault, jobId: j.jobId } },
          { ...card(1, CONV_B), key: { vault: j.vault, jobId: j.jobId } },
        ]);
      }
      expect(await store.dropConversation(CONV_A)).toBe(3);
      expect(await store.dropConversation(CONV_A)).toBe(0);
      expect(await store.listByConversation(CONV_A)).toEqual([]);
      expect(await store.getJob(jobKeyOf(1))).toBeUndefined();
      expect((await store.getJob(jobKeyOf(2)))?.state).toBe('active');
      const left = await store.claimMessages('d1', T0, 60_000, 10);
      expect(left.map((m) => [m.jobKey, m.conversationId])).toEqual([[jobKeyOf(2), CONV_B]]);
      expect(await store.stats()).toEqual({ activeJobs: 1, subscriptions: 1, pendingMessages: 1 });
    });

    it('listByConversation returns each followed job with the subscriber, ended ones included', async () => {
      const store = ctx.store();
      await store.subscribe(jobInput(2), subInput(CONV_A), T0);
      await store.subscribe(jobInput(1), subInput(CONV_A), T0 + 1);
      await store.subscribe(jobInput(3), subInput(CONV_B), T0);
      const [claimed] = await store.claimDueJobs('w1', T0, 60_000, 1);
      await store.commitPoll('w1', { jobKey: claimed.jobKey, lastJob: COMPLETED, nextPollAt: T0, schedule: {}, end: 'terminal' }, []);
      const list = await store.listByConversation(CONV_A);
      expect(list.map((e) => e.job.jobKey)).toEqual([jobKeyOf(2), jobKeyOf(1)]);
      expect(list[0].subscriber).toEqual({ ...subInput(CONV_A), jobKey: jobKeyOf(2), createdAt: T0 });
      expect(list.find((e) => e.job.jobKey === claimed.jobKey)?.job.state).toBe('ended');
      expect(await store.listByConversation('19:nobody@thread.tacv2')).toEqual([]);
    });

    it('setCard records the card on that subscription only and ignores an unknown one', async () => {
      const store = ctx.store();
      await store.subscribe(jobInput(1), subInput(CONV_A), T0);
      await store.subscribe(jobInput(1), subInput(CONV_B), T0);
      await store.setCard(jobKeyOf(1), CONV_A, '1:card-a', 'd-a');
      await store.setCard(jobKeyOf(1), CONV_A, '1:card-a2', 'd-a2');
      await store.setCard(jobKeyOf(1), CONV_C, '1:card-c', 'd-c');
      await store.setCard(jobKeyOf(7), CONV_A, '1:card-x', 'd-x');
      const subs = await store.getSubscribers(jobKeyOf(1));
      expect(subs.map((s) => [s.conversationId, s.cardActivityId, s.cardDigest])).toEqual([
        [CONV_A, '1:card-a2', 'd-a2'],
        [CONV_B, undefined, undefined],
      ]);
      expect(await store.getJob(jobKeyOf(7))).toBeUndefined();
    });

    it('subscribing to an ended job re-activates it as new', async () => {
      const store = ctx.store();
      await store.subscribe(jobInput(1), subInput(CONV_A), T0);
      await store.claimDueJobs('w1', T0, 60_000, 1);
      await store.commitPoll(
        'w1',
        { jobKey: jobKeyOf(1), lastJob: COMPLETED, nextPollAt: T0 + 5, schedule: { step: 3 }, end: 'expired' },
        [],
      );
      const res = await store.subscribe(jobInput(1, T0 + 50_000, RUNNING), subInput(CONV_B), T0 + 40_000);
      expect(res).toEqual({ jobCreated: true, subscriptionCreated: true });
      const job = await store.getJob(jobKeyOf(1));
      expect(job).toEqual({ ...jobInput(1, T0 + 50_000, RUNNING), createdAt: T0 + 40_000, state: 'active', schedule: {} });
      expect(job?.endReason).toBeUndefined();
      expect((await store.getSubscribers(jobKeyOf(1))).length).toBe(2);
    });
  });
}
