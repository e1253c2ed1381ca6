/** WatchStore: watches, caps, sweep leases, and each job announced once per conversation through the outbox. */
import type { WatchInput } from '../../src/domain/watch';
import type { StateStore, WatchNoticeInput } from '../../src/store/types';
import type { SpecContext, StoreSpec } from './store-conformance';
import { COMPLETED, HOSTILE, T0, VAULT, jobIdOf, keyOf, subInput } from './store-fixtures';

const LEASE = 60_000;
const CHANNEL = '19:watch-channel@thread.tacv2';
const CHAT = 'a:1personal-chat';
const VKEY = `${VAULT.subscriptionId}/${VAULT.resourceGroup}/${VAULT.vaultName}`.toLowerCase();
const OTHER = { ...VAULT, vaultName: 'other-vault' };
const OTHER_KEY = `${OTHER.subscriptionId}/${OTHER.resourceGroup}/${OTHER.vaultName}`.toLowerCase();
const FAILED = { ...COMPLETED, status: 'Failed' as const, rawStatus: 'Failed', errors: HOSTILE.errors };

function watchInput(conversationId: string, over: Partial<WatchInput> = {}): WatchInput {
  const sub = subInput(conversationId, 'Grace Hopper');
  return {
    conversationId,
    vault: VAULT,
    mode: 'failures',
    conversationRef: sub.conversationRef,
    setBy: sub.requester,
    locale: 'en-US',
    timeZone: 'Europe/Berlin',
    teamId: '19:team@thread.tacv2',
    ...over,
  };
}

function ended(n: number, conversationId = CHANNEL): WatchNoticeInput {
  return {
    conversationId,
    message: { kind: 'watchJob', event: 'ended', key: keyOf(n), job: { ...FAILED, jobId: jobIdOf(n) } },
    announces: [{ jobId: jobIdOf(n), event: 'ended' }],
  };
}

async function sweep(store: StateStore, notices: WatchNoticeInput[], owner = 'w1', now = T0): Promise<boolean> {
  const claim = await store.claimWatchSweep(owner, VKEY, now, LEASE);
  if (!claim) return false;
  return store.commitWatchSweep(owner, VKEY, { cursor: now }, notices, now, now - 48 * 3600_000);
}

export const watchSpec: StoreSpec = { tests: 'WatchStore', describe: (ctx) => describeWatchSpec(ctx) };

function describeWatchSpec(ctx: SpecContext): void {
  describe('watches', () => {
    it('sets, changes (keeping createdAt), lists and removes a watch', async () => {
      const store = ctx.store();
      expect(await store.setWatch(watchInput(CHANNEL), T0, 10)).toBe('created');
      expect(await store.setWatch(watchInput(CHANNEL, { mode: 'all', setBy: { id: '29:2', name: 'Alan' } }), T0 + 5, 10)).toBe('updated');
      const [w] = await store.listWatches(CHANNEL);
      expect(w).toEqual({ ...watchInput(CHANNEL, { mode: 'all', setBy: { id: '29:2', name: 'Alan' } }), vaultKey: VKEY, createdAt: T0 });
      expect(await store.watchesOfVault(VKEY)).toEqual([w]);
      expect(await store.watchedVaultKeys()).toEqual([VKEY]);
      expect(await store.removeWatch(CHANNEL, VKEY)).toBe(true);
      expect(await store.removeWatch(CHANNEL, VKEY)).toBe(false);
      expect(await store.listWatches(CHANNEL)).toEqual([]);
      expect(await store.watchedVaultKeys()).toEqual([]);
    });

    it('refuses a watch beyond the per-conversation cap, changes within it', async () => {
      const store = ctx.store();
      expect(await store.setWatch(watchInput(CHAT), T0, 1)).toBe('created');
      expect(await store.setWatch(watchInput(CHAT, { vault: OTHER }), T0, 1)).toBe('capped');
      expect(await store.setWatch(watchInput(CHAT, { mode: 'all' }), T0, 1)).toBe('updated');
      expect((await store.listWatches(CHAT)).map((w) => w.vaultKey)).toEqual([VKEY]);
      // Concurrent sets of distinct vaults cannot pass the cap together.
      const results = await Promise.all(
        [1, 2, 3, 4].map((n) => store.setWatch(watchInput('a:2', { vault: { ...VAULT, vaultName: `v${n}` } }), T0, 2)),
      );
      expect(results.filter((r) => r === 'created')).toHaveLength(2);
      expect(await store.listWatches('a:2')).toHaveLength(2);
    });

    it('leases a sweep to one owner until committed or expired', async () => {
      const store = ctx.store();
      expect(await store.claimWatchSweep('w1', VKEY, T0, LEASE)).toEqual({ vaultKey: VKEY, state: {} });
      expect(await store.claimWatchSweep('w2', VKEY, T0 + 1, LEASE)).toBeUndefined();
      expect(await store.commitWatchSweep('w2', VKEY, { cursor: 1 }, [], T0, 0)).toBe(false);
      expect(await store.commitWatchSweep('w1', VKEY, { cursor: 7, open: { a: 1 } }, [], T0, 0)).toBe(true);
      expect(await store.claimWatchSweep('w2', VKEY, T0 + 2, LEASE)).toEqual({ vaultKey: VKEY, state: { cursor: 7, open: { a: 1 } } });
      // w2 died holding it: after the lease another owner sweeps.
      expect(await store.claimWatchSweep('w3', VKEY, T0 + 2 + LEASE, LEASE)).toBeDefined();
      expect(await store.commitWatchSweep('w2', VKEY, { cursor: 9 }, [], T0, 0)).toBe(false);
    });

    it('enqueues each (conversation, job, event) once, to the watch, in order, whoever sweeps', async () => {
      const store = ctx.store();
      await store.setWatch(watchInput(CHANNEL), T0, 10);
      await store.setWatch(watchInput(CHAT), T0, 10);
      expect(await sweep(store, [ended(1), ended(2), ended(1, CHAT)])).toBe(true);
      expect(await sweep(store, [ended(1), ended(2), ended(3)], 'w2', T0 + 1)).toBe(true);
      expect(
        await store.unannounced([
          { conversationId: CHANNEL, jobId: jobIdOf(3), event: 'ended' },
          { conversationId: CHANNEL, jobId: jobIdOf(4), event: 'ended' },
          { conversationId: CHAT, jobId: jobIdOf(2), event: 'ended' },
          { conversationId: CHAT, jobId: jobIdOf(1), event: 'started' },
        ]),
      ).toEqual([
        { conversationId: CHANNEL, jobId: jobIdOf(4), event: 'ended' },
        { conversationId: CHAT, jobId: jobIdOf(2), event: 'ended' },
        { conversationId: CHAT, jobId: jobIdOf(1), event: 'started' },
      ]);
      const got: string[] = [];
      for (;;) {
        const batch = await store.claimMessages('d', T0 + 10, LEASE, 10);
        if (batch.length === 0) break;
        for (const m of batch) {
          expect(m.jobKey).toBe(`watch:${VKEY}`);
          expect(m.message.subscriber.requester).toEqual({ id: '29:1abc', name: 'Grace Hopper' });
          expect(m.message.subscriber.conversationRef).toEqual(watchInput(m.conversationId).conversationRef);
          if (m.message.kind === 'watchJob') {
            expect(m.message.job.errors).toEqual(HOSTILE.errors);
            got.push(`${m.conversationId}:${m.message.key.jobId}`);
          }
          await store.completeMessage('d', m.id, {});
        }
      }
      // In order per conversation (one queue per vault and conversation).
      expect(got.filter((g) => g.startsWith(CHANNEL))).toEqual([1, 2, 3].map((n) => `${CHANNEL}:${jobIdOf(n)}`));
      expect(got.filter((g) => g.startsWith(CHAT))).toEqual([`${CHAT}:${jobIdOf(1)}`]);
      expect((await store.stats()).pendingMessages).toBe(0);
    });

    it('a roll-up announces all its jobs, and is dropped when one of them was announced', async () => {
      const store = ctx.store();
      await store.setWatch(watchInput(CHANNEL), T0, 10);
      await sweep(store, [ended(2)]);
      const rollup = (ns: number[]): WatchNoticeInput => ({
        conversationId: CHANNEL,
        message: {
          kind: 'watchRollup',
          event: 'ended',
          vault: VAULT,
          more: 0,
          jobs: ns.map((n) => ({ jobId: jobIdOf(n), entity: 'vm', operation: 'Backup', status: 'Failed' })),
        },
        announces: ns.map((n) => ({ jobId: jobIdOf(n), event: 'ended' as const })),
      });
      await sweep(store, [rollup([1, 2]), rollup([5, 6])], 'w1', T0 + 1);
      const kinds = (await store.claimMessages('d', T0 + 10, LEASE, 10)).map((m) => m.message.kind);
      expect(kinds).toEqual(['watchJob']);
      expect(
        await store.unannounced([1, 5, 6].map((n) => ({ conversationId: CHANNEL, jobId: jobIdOf(n), event: 'ended' as const }))),
      ).toEqual([{ conversationId: CHANNEL, jobId: jobIdOf(1), event: 'ended' }]);
    });

    it("an end replaces its start's card: the delivered start's activity id comes back on the end", async () => {
      const store = ctx.store();
      await store.setWatch(watchInput(CHANNEL, { mode: 'all' }), T0, 10);
      const started: WatchNoticeInput = {
        conversationId: CHANNEL,
        message: { kind: 'watchJob', event: 'started', key: keyOf(1), job: { ...COMPLETED, jobId: jobIdOf(1) } },
        announces: [{ jobId: jobIdOf(1), event: 'started' }],
      };
      await sweep(store, [started]);
      const [s] = await store.claimMessages('d', T0, LEASE, 10);
      expect(s.message.subscriber.cardActivityId).toBeUndefined();
      await store.completeMessage('d', s.id, { activityId: 'act-1' });
      await sweep(store, [ended(1)], 'w1', T0 + 1);
      const [e] = await store.claimMessages('d', T0 + 2, LEASE, 10);
      expect(e.message.kind).toBe('watchJob');
      expect(e.message.subscriber.cardActivityId).toBe('act-1');
    });

    it('no notice for a conversation that does not watch; removing a watch drops its pending notices', async () => {
      const store = ctx.store();
      await store.setWatch(watchInput(CHANNEL), T0, 10);
      await sweep(store, [ended(1), ended(1, CHAT)]);
      expect((await store.stats()).pendingMessages).toBe(1);
      await store.removeWatch(CHANNEL, VKEY);
      expect((await store.stats()).pendingMessages).toBe(0);
      expect(await store.claimMessages('d', T0, LEASE, 10)).toEqual([]);
    });

    it('dropping the conversation or its team drops its watches and their notices', async () => {
      const store = ctx.store();
      await store.setWatch(watchInput(CHANNEL), T0, 10);
      await store.setWatch(watchInput(CHANNEL, { vault: OTHER }), T0, 10);
      await store.setWatch(watchInput(CHAT, { teamId: undefined }), T0, 10);
      await sweep(store, [ended(1)]);
      await store.dropConversation(CHANNEL);
      expect(await store.listWatches(CHANNEL)).toEqual([]);
      expect((await store.stats()).pendingMessages).toBe(0);
      await store.setWatch(watchInput('19:other-channel@thread.tacv2'), T0, 10);
      await store.dropTeam('19:team@thread.tacv2');
      expect(await store.watchedVaultKeys()).toEqual([VKEY]);
      expect((await store.watchesOfVault(VKEY)).map((w) => w.conversationId)).toEqual([CHAT]);
      expect(await store.watchesOfVault(OTHER_KEY)).toEqual([]);
    });

    it('forgets announcements older than forgetBefore', async () => {
      const store = ctx.store();
      await store.setWatch(watchInput(CHANNEL), T0, 10);
      await sweep(store, [ended(1)]);
      const claim = await store.claimWatchSweep('w1', VKEY, T0 + 10, LEASE);
      expect(claim).toBeDefined();
      await store.commitWatchSweep('w1', VKEY, {}, [], T0 + 10, T0 + 1);
      expect(await store.unannounced([{ conversationId: CHANNEL, jobId: jobIdOf(1), event: 'ended' }])).toHaveLength(1);
    });
  });
}
