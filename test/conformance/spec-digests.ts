/** DigestStore: one digest per conversation, claimed when due under a lease, its card sent at most once per day. */
import type { DigestInput } from '../../src/domain/digest';
import type { DigestMessage } from '../../src/domain/subscriber';
import type { SpecContext, StoreSpec } from './store-conformance';
import { T0, VAULT, subInput } from './store-fixtures';

const LEASE = 60_000;
const DAY = 24 * 3_600_000;
const CHANNEL = '19:digest-channel@thread.tacv2';

function digestInput(conversationId: string, over: Partial<DigestInput> = {}): DigestInput {
  const sub = subInput(conversationId, 'Grace Hopper');
  return {
    conversationId,
    conversationRef: sub.conversationRef,
    setBy: sub.requester,
    at: '08:00',
    timeZone: 'Europe/Berlin',
    locale: 'en-US',
    vaults: [VAULT],
    teamId: '19:team@thread.tacv2',
    ...over,
  };
}

const card = (asOf: number): Omit<DigestMessage, 'subscriber'> => ({
  kind: 'digest',
  asOf,
  vaults: [
    {
      vault: VAULT,
      counts: { Completed: 3, Failed: 1 },
      successRate: 75,
      problems: [],
      problemCount: 0,
      longest: [],
      running: [],
      runningCount: 0,
      overdue: [],
    },
  ],
});

export const digestSpec: StoreSpec = { tests: 'DigestStore', describe: (ctx) => describeDigestSpec(ctx) };

function describeDigestSpec(ctx: SpecContext): void {
  describe('digests', () => {
    it('sets, replaces (keeping createdAt), reads and removes the one digest of a conversation', async () => {
      const store = ctx.store();
      expect(await store.setDigest(digestInput(CHANNEL), T0, T0 + 1000)).toBe('created');
      expect(await store.setDigest(digestInput(CHANNEL, { at: '07:30' }), T0 + 5, T0 + 2000)).toBe('updated');
      expect(await store.getDigest(CHANNEL)).toEqual({ ...digestInput(CHANNEL, { at: '07:30' }), nextAt: T0 + 2000, createdAt: T0 });
      expect(await store.nextDigestAt()).toBe(T0 + 2000);
      expect(await store.removeDigest(CHANNEL)).toBe(true);
      expect(await store.removeDigest(CHANNEL)).toBe(false);
      expect(await store.getDigest(CHANNEL)).toBeUndefined();
      expect(await store.nextDigestAt()).toBeUndefined();
    });

    it('claims due digests under a lease, earliest first, one owner at a time', async () => {
      const store = ctx.store();
      await store.setDigest(digestInput('a:1'), T0, T0 + 10);
      await store.setDigest(digestInput('a:2'), T0, T0 + 5);
      await store.setDigest(digestInput('a:3'), T0, T0 + DAY);
      expect((await store.claimDueDigests('w1', T0 + 10, LEASE, 10)).map((d) => d.conversationId)).toEqual(['a:2', 'a:1']);
      expect(await store.claimDueDigests('w2', T0 + 11, LEASE, 10)).toEqual([]);
      expect(await store.commitDigest('w2', 'a:1', { day: '2026-01-01', nextAt: T0 + DAY })).toBe(false);
      // The lease of a dead owner expires.
      expect((await store.claimDueDigests('w2', T0 + 10 + LEASE, LEASE, 10)).map((d) => d.conversationId)).toEqual(['a:2', 'a:1']);
    });

    it("claims one conversation's digest alone when asked (a BullMQ digest job), only when due and not leased", async () => {
      const store = ctx.store();
      await store.setDigest(digestInput('a:1'), T0, T0 + 10);
      await store.setDigest(digestInput('a:2'), T0, T0 + 5);
      expect(await store.claimDueDigests('w1', T0 + 9, LEASE, 10, 'a:1')).toEqual([]);
      expect((await store.claimDueDigests('w1', T0 + 10, LEASE, 10, 'a:1')).map((d) => d.conversationId)).toEqual(['a:1']);
      expect(await store.claimDueDigests('w2', T0 + 11, LEASE, 10, 'a:1')).toEqual([]);
      expect(await store.claimDueDigests('w2', T0 + 11, LEASE, 10, 'nobody')).toEqual([]);
      // The other due digest was left alone.
      expect((await store.claimDueDigests('w2', T0 + 11, LEASE, 10)).map((d) => d.conversationId)).toEqual(['a:2']);
    });

    it('enqueues its card at most once per day, whoever commits, to the digest as subscriber', async () => {
      const store = ctx.store();
      await store.setDigest(digestInput(CHANNEL), T0, T0);
      await store.claimDueDigests('w1', T0, LEASE, 10);
      expect(await store.commitDigest('w1', CHANNEL, { day: '2026-01-01', nextAt: T0 + 1, message: card(T0) })).toBe(true);
      await store.claimDueDigests('w2', T0 + 1, LEASE, 10);
      expect(await store.commitDigest('w2', CHANNEL, { day: '2026-01-01', nextAt: T0 + DAY, message: card(T0 + 1) })).toBe(true);
      const claimed = await store.claimMessages('d', T0 + 2, LEASE, 10);
      expect(claimed).toHaveLength(1);
      const { subscriber, ...message } = claimed[0].message;
      expect(message).toEqual(card(T0));
      expect(subscriber).toMatchObject({ conversationId: CHANNEL, timeZone: 'Europe/Berlin' });
      expect(claimed[0].message.subscriber.requester).toEqual({ id: '29:1abc', name: 'Grace Hopper' });
      await store.completeMessage('d', claimed[0].id, {});
      expect((await store.getDigest(CHANNEL))?.nextAt).toBe(T0 + DAY);
      // The next day goes out.
      await store.claimDueDigests('w1', T0 + DAY, LEASE, 10);
      await store.commitDigest('w1', CHANNEL, { day: '2026-01-02', nextAt: T0 + 2 * DAY, message: card(T0 + DAY) });
      expect(await store.claimMessages('d', T0 + DAY, LEASE, 10)).toHaveLength(1);
    });

    it('a skipped digest moves on without a card; dropping the conversation or team drops the digest and its card', async () => {
      const store = ctx.store();
      await store.setDigest(digestInput(CHANNEL), T0, T0);
      await store.claimDueDigests('w1', T0, LEASE, 10);
      await store.commitDigest('w1', CHANNEL, { day: '2026-01-01', nextAt: T0 + DAY });
      expect((await store.stats()).pendingMessages).toBe(0);
      await store.claimDueDigests('w1', T0 + DAY, LEASE, 10);
      await store.commitDigest('w1', CHANNEL, { day: '2026-01-02', nextAt: T0 + 2 * DAY, message: card(T0) });
      expect((await store.stats()).pendingMessages).toBe(1);
      await store.dropConversation(`${CHANNEL}`);
      expect(await store.getDigest(CHANNEL)).toBeUndefined();
      expect((await store.stats()).pendingMessages).toBe(0);
      await store.setDigest(digestInput('19:other@thread.tacv2'), T0, T0);
      await store.setDigest(digestInput('a:chat', { teamId: undefined }), T0, T0);
      await store.dropTeam('19:team@thread.tacv2');
      expect(await store.getDigest('19:other@thread.tacv2')).toBeUndefined();
      expect(await store.getDigest('a:chat')).toBeDefined();
    });
  });
}
