/** StoreLifecycle: init/close, stats, and (durable backends) reopening with everything kept. */
import type { StateStore } from '../../src/store/types';
import type { SpecContext, StoreSpec } from './store-conformance';
import { durationSample } from './spec-durations';
import { CONV_A, CONV_B, COMPLETED, HOSTILE, T0, VAULT, card, final, jobInput, jobKeyOf, subInput } from './store-fixtures';

const WATCH = {
  vault: VAULT,
  mode: 'failures' as const,
  conversationRef: subInput(CONV_A).conversationRef,
  setBy: { id: '29:1', name: 'Ada' },
};

const LEASE = 60_000;

/**
 * One call of every method of every interface but close (a Record: a new method must be added here),
 * each expected to reject once the store is closed.
 */
const EVERY_CALL: Record<Exclude<keyof StateStore, 'close'>, (s: StateStore) => Promise<unknown>> = {
  init: (s) => s.init(),
  ping: (s) => s.ping(),
  stats: (s) => s.stats(),
  subscribe: (s) => s.subscribe(jobInput(1), subInput(CONV_A), T0),
  refusedBy: (s) => s.refusedBy(jobKeyOf(1), CONV_A, false, { jobsPerConversation: 1, jobsTotal: 1, pendingPerConversation: 1 }),
  unsubscribe: (s) => s.unsubscribe(jobKeyOf(1), CONV_A),
  dropConversation: (s) => s.dropConversation(CONV_A),
  dropTeam: (s) => s.dropTeam('19:team@thread.tacv2'),
  getLanguage: (s) => s.getLanguage(CONV_A),
  setLanguage: (s) => s.setLanguage(CONV_A, 'de'),
  getJob: (s) => s.getJob(jobKeyOf(1)),
  getSubscribers: (s) => s.getSubscribers(jobKeyOf(1)),
  listByConversation: (s) => s.listByConversation(CONV_A),
  setCard: (s) => s.setCard(jobKeyOf(1), CONV_A, 'a', 'd'),
  claimDueJobs: (s) => s.claimDueJobs('w', T0, LEASE, 1),
  nextDueAt: (s) => s.nextDueAt(),
  commitPoll: (s) => s.commitPoll('w', { jobKey: jobKeyOf(1), nextPollAt: T0, schedule: {} }, []),
  releaseJob: (s) => s.releaseJob('w', jobKeyOf(1)),
  claimMessages: (s) => s.claimMessages('d', T0, LEASE, 1),
  completeMessage: (s) => s.completeMessage('d', 1, {}),
  retryMessage: (s) => s.retryMessage('d', 1, T0, 'e'),
  failMessage: (s) => s.failMessage('d', 1, 'e'),
  nextMessageAt: (s) => s.nextMessageAt(),
  setWatch: (s) => s.setWatch({ ...WATCH, conversationId: CONV_A }, T0, 10),
  removeWatch: (s) => s.removeWatch(CONV_A, 'k'),
  listWatches: (s) => s.listWatches(CONV_A),
  watchesOfVault: (s) => s.watchesOfVault('k'),
  watchedVaultKeys: (s) => s.watchedVaultKeys(),
  claimWatchSweep: (s) => s.claimWatchSweep('w', 'k', T0, LEASE),
  unannounced: (s) => s.unannounced([]),
  commitWatchSweep: (s) => s.commitWatchSweep('w', 'k', {}, [], T0, 0),
  setDigest: (s) => s.setDigest({ ...WATCH, conversationId: CONV_A, at: '08:00', timeZone: 'UTC', vaults: [VAULT] }, T0, T0),
  removeDigest: (s) => s.removeDigest(CONV_A),
  getDigest: (s) => s.getDigest(CONV_A),
  claimDueDigests: (s) => s.claimDueDigests('w', T0, LEASE, 1),
  commitDigest: (s) => s.commitDigest('w', CONV_A, { day: '2026-01-01', nextAt: T0 }),
  nextDigestAt: (s) => s.nextDigestAt(),
  spendTicket: (s) => s.spendTicket('n', T0 + 1, T0),
  recordActionNote: (s) => s.recordActionNote(CONV_A, jobKeyOf(1), { kind: 'cancelled', name: 'Ada', at: T0 }),
  actionNote: (s) => s.actionNote(CONV_A, jobKeyOf(1), T0),
  recordDurations: (s) => s.recordDurations([durationSample('item', 'j1', T0)]),
  durationStats: (s) => s.durationStats(['item']),
  claimHistoryRead: (s) => s.claimHistoryRead('k', T0, 1000),
};

export const lifecycleSpec: StoreSpec = { tests: 'StoreLifecycle', describe: (ctx, { durable }) => describeLifecycleSpec(ctx, durable) };

function describeLifecycleSpec(ctx: SpecContext, durable: boolean): void {
  describe('lifecycle', () => {
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
      for (const [name, call] of Object.entries(EVERY_CALL)) {
        await expect(call(store).then(() => `${name} resolved`)).rejects.toThrow(/closed/);
      }
    });

    it('ping resolves while open', async () => {
      await expect(ctx.store().ping()).resolves.toBeUndefined();
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
