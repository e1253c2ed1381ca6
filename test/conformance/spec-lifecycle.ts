/** init/close, stats, exact round trips, isolation from callers, and (durable backends) reopening. */
import type { StateStore } from '../../src/store/types';
import type { SpecContext } from './store-conformance';
import { CONV_A, CONV_B, COMPLETED, HOSTILE, RUNNING, T0, card, final, jobInput, jobKeyOf, subInput } from './store-fixtures';

const LEASE = 60_000;

/** One call of every method, each expected to reject once the store is closed. */
const EVERY_CALL: Array<[string, (s: StateStore) => Promise<unknown>]> = [
  ['init', (s) => s.init()],
  ['subscribe', (s) => s.subscribe(jobInput(1), subInput(CONV_A), T0)],
  ['unsubscribe', (s) => s.unsubscribe(jobKeyOf(1), CONV_A)],
  ['dropConversation', (s) => s.dropConversation(CONV_A)],
  ['getJob', (s) => s.getJob(jobKeyOf(1))],
  ['getSubscribers', (s) => s.getSubscribers(jobKeyOf(1))],
  ['listByConversation', (s) => s.listByConversation(CONV_A)],
  ['setCard', (s) => s.setCard(jobKeyOf(1), CONV_A, 'a', 'd')],
  ['stats', (s) => s.stats()],
  ['claimDueJobs', (s) => s.claimDueJobs('w', T0, LEASE, 1)],
  ['nextDueAt', (s) => s.nextDueAt()],
  ['commitPoll', (s) => s.commitPoll('w', { jobKey: jobKeyOf(1), nextPollAt: T0, schedule: {} }, [])],
  ['releaseJob', (s) => s.releaseJob('w', jobKeyOf(1))],
  ['claimMessages', (s) => s.claimMessages('d', T0, LEASE, 1)],
  ['completeMessage', (s) => s.completeMessage('d', 1, {})],
  ['retryMessage', (s) => s.retryMessage('d', 1, T0, 'e')],
  ['failMessage', (s) => s.failMessage('d', 1, 'e')],
  ['nextMessageAt', (s) => s.nextMessageAt()],
];

export function describeLifecycleSpec(ctx: SpecContext, durable: boolean): void {
  describe('lifecycle and values', () => {
    it('init is idempotent and keeps data', async () => {
      const store = ctx.store();
      await store.subscribe(jobInput(1), subInput(CONV_A), T0);
      await store.init();
      expect((await store.getJob(jobKeyOf(1)))?.jobKey).toBe(jobKeyOf(1));
    });

    it('close is idempotent and every later call rejects', async () => {
      const store = ctx.store();
      await store.close();
      await expect(store.close()).resolves.toBeUndefined();
      for (const [name, call] of EVERY_CALL) {
        await expect(call(store).then(() => `${name} resolved`)).rejects.toThrow(/closed/);
      }
    });

    it('stats counts active jobs, their subscriptions and undelivered messages', async () => {
      const store = ctx.store();
      await store.subscribe(jobInput(1), subInput(CONV_A), T0);
      await store.subscribe(jobInput(1), subInput(CONV_B), T0);
      await store.subscribe(jobInput(2), subInput(CONV_A), T0);
      expect(await store.stats()).toEqual({ activeJobs: 2, subscriptions: 3, pendingMessages: 0 });
      await store.claimDueJobs('w1', T0, LEASE, 10);
      await store.commitPoll('w1', { jobKey: jobKeyOf(1), nextPollAt: T0, schedule: {}, end: 'terminal' }, [
        final(1, CONV_A),
        final(1, CONV_B),
      ]);
      await store.commitPoll('w1', { jobKey: jobKeyOf(2), nextPollAt: T0, schedule: {} }, [card(2, CONV_A)]);
      expect(await store.stats()).toEqual({ activeJobs: 1, subscriptions: 1, pendingMessages: 3 });
      const [m] = await store.claimMessages('d1', T0, LEASE, 1);
      expect((await store.stats()).pendingMessages).toBe(3);
      await store.completeMessage('d1', m.id, {});
      expect((await store.stats()).pendingMessages).toBe(2);
    });

    it('snapshots, schedules and conversation references round-trip exactly', async () => {
      const store = ctx.store();
      const ref = { ...subInput(CONV_A).conversationRef, nested: { deep: [1, { two: 'é"\n' }], empty: {}, nil: null } };
      await store.subscribe(jobInput(1, T0, HOSTILE), { ...subInput(CONV_A), conversationRef: ref }, T0);
      expect((await store.getJob(jobKeyOf(1)))?.lastJob).toEqual(HOSTILE);
      expect((await store.getSubscribers(jobKeyOf(1)))[0].conversationRef).toEqual(ref);
      const schedule = { step: 3, backoffMs: 120_000, history: [true, false], meta: { vault: 'v' } };
      await store.claimDueJobs('w1', T0, LEASE, 10);
      await store.commitPoll('w1', { jobKey: jobKeyOf(1), lastJob: COMPLETED, nextPollAt: T0 + 1, schedule }, [card(1, CONV_A, HOSTILE)]);
      const job = await store.getJob(jobKeyOf(1));
      expect(job?.lastJob).toEqual(COMPLETED);
      expect(job?.schedule).toEqual(schedule);
      const [m] = await store.claimMessages('d1', T0, LEASE, 1);
      expect(m.message.kind === 'card' && m.message.job).toEqual({ ...HOSTILE, jobId: jobInput(1).jobId });
      expect(m.message.subscriber.conversationRef).toEqual(ref);
    });

    it('callers can mutate neither what they passed in nor what they got back', async () => {
      const store = ctx.store();
      const input = jobInput(1, T0, structuredClone(RUNNING));
      const sub = structuredClone(subInput(CONV_A));
      await store.subscribe(input, sub, T0);
      (input.lastJob as { status: string }).status = 'Failed';
      (sub.conversationRef as { serviceUrl: string }).serviceUrl = 'https://evil.example/';
      const got = await store.getJob(jobKeyOf(1));
      expect(got?.lastJob?.status).toBe('InProgress');
      (got?.lastJob as { status: string }).status = 'Cancelled';
      (got?.schedule as Record<string, unknown>).x = 1;
      const [subGot] = await store.getSubscribers(jobKeyOf(1));
      expect(subGot.conversationRef).toEqual(subInput(CONV_A).conversationRef);
      (subGot.conversationRef as { serviceUrl: string }).serviceUrl = 'https://evil.example/';
      expect((await store.getJob(jobKeyOf(1)))?.lastJob?.status).toBe('InProgress');
      expect((await store.getJob(jobKeyOf(1)))?.schedule).toEqual({});
      expect((await store.getSubscribers(jobKeyOf(1)))[0].conversationRef).toEqual(subInput(CONV_A).conversationRef);
    });
  });

  if (!durable) return;

  describe('durability (close and reopen)', () => {
    it('jobs, subscriptions, cards, pending messages and leases survive a reopen', async () => {
      let store = ctx.store();
      await store.subscribe(jobInput(1, T0, HOSTILE), subInput(CONV_A), T0);
      await store.subscribe(jobInput(1), subInput(CONV_B), T0 + 1);
      await store.subscribe(jobInput(2, T0 + 500), subInput(CONV_A), T0);
      await store.setCard(jobKeyOf(1), CONV_B, '1:card-b', 'db');
      await store.claimDueJobs('w1', T0, LEASE, 1);
      await store.commitPoll('w1', { jobKey: jobKeyOf(1), lastJob: COMPLETED, nextPollAt: T0, schedule: { s: 1 }, end: 'terminal' }, [
        final(1, CONV_A),
        final(1, CONV_B),
      ]);
      const [leased] = await store.claimDueJobs('w9', T0 + 500, LEASE, 10);
      const [delivering] = await store.claimMessages('d1', T0, LEASE, 1);
      const before = {
        jobs: [await store.getJob(jobKeyOf(1)), await store.getJob(jobKeyOf(2))],
        subs: await store.getSubscribers(jobKeyOf(1)),
        list: await store.listByConversation(CONV_A),
        stats: await store.stats(),
        nextDueAt: await store.nextDueAt(),
        nextMessageAt: await store.nextMessageAt(),
      };
      store = await ctx.reopen();
      expect({
        jobs: [await store.getJob(jobKeyOf(1)), await store.getJob(jobKeyOf(2))],
        subs: await store.getSubscribers(jobKeyOf(1)),
        list: await store.listByConversation(CONV_A),
        stats: await store.stats(),
        nextDueAt: await store.nextDueAt(),
        nextMessageAt: await store.nextMessageAt(),
      }).toEqual(before);
      expect(before.jobs[1]).toMatchObject({ leaseOwner: 'w9' });
      // The leases of the previous process still hold, then expire.
      expect(await store.claimDueJobs('w2', T0 + 500, LEASE, 10)).toEqual([]);
      const other = await store.claimMessages('d2', T0, LEASE, 10);
      expect(other).toMatchObject([{ conversationId: CONV_B }]);
      expect((await store.claimDueJobs('w2', leased.leaseUntil!, LEASE, 10)).map((j) => j.jobKey)).toEqual([jobKeyOf(2)]);
      const reclaimed = await store.claimMessages('d2', T0 + LEASE, LEASE, 10);
      expect(reclaimed.map((m) => m.id)).toEqual([delivering.id, other[0].id]);
    });

    it('message ids are never reused after a reopen', async () => {
      let store = ctx.store();
      await store.subscribe(jobInput(1), subInput(CONV_A), T0);
      await store.claimDueJobs('w1', T0, LEASE, 1);
      await store.commitPoll('w1', { jobKey: jobKeyOf(1), nextPollAt: T0, schedule: {} }, [card(1, CONV_A)]);
      const [m] = await store.claimMessages('d1', T0, LEASE, 1);
      await store.completeMessage('d1', m.id, { activityId: '1:a', digest: 'd' });
      store = await ctx.reopen();
      await store.claimDueJobs('w1', T0, LEASE, 1);
      await store.commitPoll('w1', { jobKey: jobKeyOf(1), nextPollAt: T0, schedule: {} }, [card(1, CONV_A)]);
      const [m2] = await store.claimMessages('d1', T0, LEASE, 1);
      expect(m2.id).toBeGreaterThan(m.id);
      expect(m2.message.subscriber.cardActivityId).toBe('1:a');
    });
  });
}
