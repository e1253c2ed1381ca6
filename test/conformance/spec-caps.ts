/**
 * SubscriptionStore caps: `subscribe` with caps checks and inserts in one atomic step, so N concurrent
 * subscribes against a cap of C admit exactly C, whether they come through one store or, on a backend
 * that several instances share, through two stores on the same data (ctx.sibling). `refusedBy` is the
 * same check, read-only.
 */
import type { StateStore, SubscribeCaps, SubscribeResult } from '../../src/store/types';
import type { SpecContext, StoreSpec } from './store-conformance';
import { CONV_A, CONV_B, T0, jobInput, jobKeyOf, subInput } from './store-fixtures';

const LEASE = 60_000;
const N = 12;
const WIDE: SubscribeCaps = { jobsPerConversation: 1_000, jobsTotal: 1_000, pendingPerConversation: 1_000 };

export const capsSpec: StoreSpec = { tests: 'SubscriptionStore', describe: describeCapsSpec };

/** The stores the concurrent calls alternate between: this one, and a second instance on the same data when the backend has one. */
async function instances(ctx: SpecContext): Promise<StateStore[]> {
  const sibling = await ctx.sibling();
  return sibling ? [ctx.store(), sibling] : [ctx.store()];
}

const admitted = (results: SubscribeResult[]): number => results.filter((r) => r.refused === undefined).length;

function describeCapsSpec(ctx: SpecContext): void {
  describe('caps', () => {
    it(`${N} concurrent subscribes of new jobs in one conversation, against a cap of 3 per conversation, admit exactly 3`, async () => {
      const stores = await instances(ctx);
      const caps = { ...WIDE, jobsPerConversation: 3 };
      const results = await Promise.all(
        Array.from({ length: N }, (_, i) => stores[i % stores.length].subscribe(jobInput(i + 1), subInput(CONV_A), T0, caps)),
      );
      expect(admitted(results)).toBe(3);
      expect(results.filter((r) => r.refused === 'jobsPerConversation')).toHaveLength(N - 3);
      for (const r of results.filter((x) => x.refused)) expect(r).toMatchObject({ jobCreated: false, subscriptionCreated: false });
      expect(await ctx.store().listByConversation(CONV_A)).toHaveLength(3);
      // A refused subscribe stored nothing: only the admitted jobs exist.
      expect((await ctx.store().stats()).activeJobs).toBe(3);
    });

    it(`${N} concurrent subscribes from ${N} conversations, against a total cap of 4, admit exactly 4`, async () => {
      const stores = await instances(ctx);
      const caps = { ...WIDE, jobsTotal: 4 };
      const results = await Promise.all(
        Array.from({ length: N }, (_, i) => stores[i % stores.length].subscribe(jobInput(i + 1), subInput(`a:chat-${i}`), T0, caps)),
      );
      expect(admitted(results)).toBe(4);
      expect(results.filter((r) => r.refused === 'jobsTotal')).toHaveLength(N - 4);
      expect(await ctx.store().stats()).toMatchObject({ activeJobs: 4, subscriptions: 4 });
    });

    it(`${N} concurrent subscribes of jobs without a snapshot, against a pending cap of 2, admit exactly 2; confirmed jobs still fit`, async () => {
      const stores = await instances(ctx);
      const caps = { ...WIDE, pendingPerConversation: 2 };
      const results = await Promise.all(
        Array.from({ length: N }, (_, i) => stores[i % stores.length].subscribe(jobInput(i + 1, T0, null), subInput(CONV_A), T0, caps)),
      );
      expect(admitted(results)).toBe(2);
      expect(results.filter((r) => r.refused === 'pendingPerConversation')).toHaveLength(N - 2);
      expect(await ctx.store().subscribe(jobInput(100), subInput(CONV_A), T0, caps)).toEqual({
        jobCreated: true,
        subscriptionCreated: true,
      });
    });

    it('at a cap, re-subscribing a followed job and following a job another conversation tracks still fit', async () => {
      const store = ctx.store();
      const caps: SubscribeCaps = { jobsPerConversation: 2, jobsTotal: 2, pendingPerConversation: 2 };
      await store.subscribe(jobInput(1), subInput(CONV_A), T0, caps);
      await store.subscribe(jobInput(2), subInput(CONV_A), T0, caps);
      expect(await store.subscribe(jobInput(1), subInput(CONV_A), T0 + 1, caps)).toEqual({ jobCreated: false, subscriptionCreated: false });
      expect(await store.subscribe(jobInput(3), subInput(CONV_A), T0, caps)).toMatchObject({ refused: 'jobsPerConversation' });
      // CONV_B adds no job to the total by following an active one; a new job would.
      expect(await store.subscribe(jobInput(1), subInput(CONV_B), T0, caps)).toEqual({ jobCreated: false, subscriptionCreated: true });
      expect(await store.subscribe(jobInput(3), subInput(CONV_B), T0, caps)).toMatchObject({ refused: 'jobsTotal' });
      expect(await store.getJob(jobKeyOf(3))).toBeUndefined();
    });

    it('an ended job counts towards no cap', async () => {
      const store = ctx.store();
      const caps: SubscribeCaps = { jobsPerConversation: 1, jobsTotal: 1, pendingPerConversation: 1 };
      await store.subscribe(jobInput(1, T0, null), subInput(CONV_A), T0, caps);
      expect(await store.refusedBy(jobKeyOf(2), CONV_A, true, caps)).toBe('jobsPerConversation');
      await store.claimDueJobs('w1', T0, LEASE, 10);
      await store.commitPoll('w1', { jobKey: jobKeyOf(1), nextPollAt: T0, schedule: {}, end: 'notFound' }, []);
      expect(await store.subscribe(jobInput(2, T0, null), subInput(CONV_A), T0, caps)).toEqual({
        jobCreated: true,
        subscriptionCreated: true,
      });
    });

    it('refusedBy names the cap a subscribe would hit, in order (conversation, pending, total), and changes nothing', async () => {
      const store = ctx.store();
      const caps: SubscribeCaps = { jobsPerConversation: 2, jobsTotal: 3, pendingPerConversation: 1 };
      await store.subscribe(jobInput(1, T0, null), subInput(CONV_A), T0, caps);
      expect(await store.refusedBy(jobKeyOf(2), CONV_A, false, caps)).toBeUndefined();
      expect(await store.refusedBy(jobKeyOf(2), CONV_A, true, caps)).toBe('pendingPerConversation');
      await store.subscribe(jobInput(2), subInput(CONV_A), T0, caps);
      expect(await store.refusedBy(jobKeyOf(3), CONV_A, false, caps)).toBe('jobsPerConversation');
      expect(await store.refusedBy(jobKeyOf(1), CONV_A, true, caps)).toBeUndefined();
      await store.subscribe(jobInput(3), subInput(CONV_B), T0, caps);
      expect(await store.refusedBy(jobKeyOf(4), CONV_B, false, caps)).toBe('jobsTotal');
      expect(await store.refusedBy(jobKeyOf(1), CONV_B, false, caps)).toBeUndefined();
      expect(await store.stats()).toMatchObject({ activeJobs: 3, subscriptions: 3 });
    });
  });
}
