/** OutboxStore: coalescing, claiming with a lease, per-conversation order, completion, retries. */
import type { OutboxInput } from '../../src/store/types';
import type { SpecContext, StoreSpec } from './store-conformance';
import {
  CONV_A,
  CONV_B,
  COMPLETED,
  HOSTILE,
  RUNNING,
  T0,
  card,
  final,
  jobInput,
  jobKeyOf,
  keyOf,
  notice,
  subInput,
} from './store-fixtures';

const LEASE = 60_000;

export const outboxSpec: StoreSpec = { tests: 'OutboxStore', describe: describeOutboxSpec };

function describeOutboxSpec(ctx: SpecContext): void {
  /** Runs one poll of job n that enqueues `messages`. */
  async function poll(n: number, messages: OutboxInput[], end?: 'terminal'): Promise<void> {
    const store = ctx.store();
    const claimed = await store.claimDueJobs('w1', T0 + 1e12, LEASE, 100);
    expect(claimed.map((j) => j.jobKey)).toContain(jobKeyOf(n));
    for (const j of claimed) if (j.jobKey !== jobKeyOf(n)) await store.releaseJob('w1', j.jobKey);
    expect(await store.commitPoll('w1', { jobKey: jobKeyOf(n), nextPollAt: T0, schedule: {}, ...(end ? { end } : {}) }, messages)).toBe(
      true,
    );
  }

  async function follow(n: number, ...convs: string[]): Promise<void> {
    for (const c of convs) await ctx.store().subscribe(jobInput(n), subInput(c), T0);
  }

  describe('outbox', () => {
    it('claims messages oldest first, up to limit, with the current subscriber resolved', async () => {
      const store = ctx.store();
      await follow(1, CONV_A, CONV_B);
      await store.setCard(jobKeyOf(1), CONV_A, '1:old', 'd0');
      await poll(1, [card(1, CONV_B, HOSTILE), card(1, CONV_A)]);
      await store.setCard(jobKeyOf(1), CONV_A, '1:newer', 'd1');
      const first = await store.claimMessages('d1', T0, LEASE, 1);
      expect(first).toHaveLength(1);
      expect(first[0]).toMatchObject({ jobKey: jobKeyOf(1), conversationId: CONV_B, attempts: 0, notBefore: 0 });
      expect(first[0].message).toEqual({
        kind: 'card',
        key: keyOf(1),
        job: { ...HOSTILE, jobId: keyOf(1).jobId },
        subscriber: { ...subInput(CONV_B), jobKey: jobKeyOf(1), createdAt: T0 },
      });
      const second = await store.claimMessages('d1', T0, LEASE, 10);
      expect(second.map((m) => m.conversationId)).toEqual([CONV_A]);
      expect(second[0].message.subscriber).toMatchObject({ cardActivityId: '1:newer', cardDigest: 'd1' });
      expect(second[0].id).toBeGreaterThan(first[0].id);
    });

    it('a leased message is not claimed again until its lease expires', async () => {
      const store = ctx.store();
      await follow(1, CONV_A);
      await poll(1, [final(1, CONV_A)], 'terminal');
      const [m] = await store.claimMessages('d1', T0, LEASE, 10);
      expect(await store.claimMessages('d2', T0 + LEASE - 1, LEASE, 10)).toEqual([]);
      expect(await store.nextMessageAt()).toBe(T0 + LEASE);
      const again = await store.claimMessages('d2', T0 + LEASE, LEASE, 10);
      expect(again.map((x) => x.id)).toEqual([m.id]);
    });

    it('coalesces card messages: a newer pending card replaces the older one', async () => {
      const store = ctx.store();
      await follow(1, CONV_A, CONV_B);
      await follow(2, CONV_A);
      await poll(1, [card(1, CONV_A, RUNNING), card(1, CONV_B, RUNNING), notice(1, CONV_A)]);
      await poll(2, [card(2, CONV_A, RUNNING)]);
      await poll(1, [card(1, CONV_A, HOSTILE)]);
      expect((await store.stats()).pendingMessages).toBe(4);
      const out = await store.claimMessages('d1', T0, LEASE, 10);
      const cards = out
        .filter((m) => m.message.kind === 'card')
        .map((m) => [m.jobKey, m.conversationId, m.message.kind === 'card' && m.message.job.entityFriendlyName]);
      expect(cards).toEqual(
        expect.arrayContaining([
          [jobKeyOf(1), CONV_B, RUNNING.entityFriendlyName],
          [jobKeyOf(2), CONV_A, RUNNING.entityFriendlyName],
        ]),
      );
      // The notice was queued before the newer card, so it comes first; the newer card follows it.
      expect(out).toHaveLength(3);
      const head = out.find((m) => m.jobKey === jobKeyOf(1) && m.conversationId === CONV_A);
      expect(head?.message.kind).toBe('notice');
      for (const m of out) await store.completeMessage('d1', m.id, {});
      const [last, ...none] = await store.claimMessages('d1', T0, LEASE, 10);
      expect(none).toEqual([]);
      expect(last.message.kind === 'card' && last.message.job.entityFriendlyName).toBe(HOSTILE.entityFriendlyName);
    });

    it('finals and notices are never coalesced', async () => {
      const store = ctx.store();
      await follow(1, CONV_A);
      await poll(1, [notice(1, CONV_A, 'x'), notice(1, CONV_A, 'y'), card(1, CONV_A), final(1, CONV_A, COMPLETED)], 'terminal');
      const kinds: string[] = [];
      for (let i = 0; i < 6; i++) {
        const [m] = await store.claimMessages('d1', T0, LEASE, 10);
        if (!m) break;
        kinds.push(m.message.kind === 'notice' ? `notice:${m.message.detail}` : m.message.kind);
        await store.completeMessage('d1', m.id, {});
      }
      expect(kinds).toEqual(['notice:x', 'notice:y', 'card', 'final']);
    });

    it('a newer card is queued behind a card being delivered, and delivered after it', async () => {
      const store = ctx.store();
      await follow(1, CONV_A);
      await poll(1, [card(1, CONV_A, RUNNING)]);
      const [inFlight] = await store.claimMessages('d1', T0, LEASE, 10);
      await poll(1, [card(1, CONV_A, HOSTILE)]);
      await poll(1, [card(1, CONV_A, COMPLETED)]);
      expect((await store.stats()).pendingMessages).toBe(2);
      expect(await store.claimMessages('d2', T0, LEASE, 10)).toEqual([]);
      await store.completeMessage('d1', inFlight.id, { activityId: '1:posted', digest: 'running' });
      const [next] = await store.claimMessages('d2', T0, LEASE, 10);
      expect(next.message.kind === 'card' && next.message.job.status).toBe('Completed');
      expect(next.message.subscriber.cardActivityId).toBe('1:posted');
    });

    it('only the oldest undelivered message of a job and conversation is claimable', async () => {
      const store = ctx.store();
      await follow(1, CONV_A, CONV_B);
      await poll(1, [card(1, CONV_A), card(1, CONV_B), final(1, CONV_A), final(1, CONV_B)], 'terminal');
      const batch = await store.claimMessages('d1', T0, LEASE, 10);
      expect(batch.map((m) => [m.conversationId, m.message.kind])).toEqual([
        [CONV_A, 'card'],
        [CONV_B, 'card'],
      ]);
      await store.retryMessage('d1', batch[0].id, T0 + 5000, '429');
      expect(await store.claimMessages('d1', T0 + 4999, LEASE, 10)).toEqual([]);
      const later = await store.claimMessages('d1', T0 + 5000, LEASE, 10);
      expect(later.map((m) => [m.conversationId, m.message.kind])).toEqual([[CONV_A, 'card']]);
    });

    it('completing a card records its activity id and digest on the subscription; done is done', async () => {
      const store = ctx.store();
      await follow(1, CONV_A);
      await store.setCard(jobKeyOf(1), CONV_A, '1:first', 'd0');
      await poll(1, [card(1, CONV_A)]);
      const [m] = await store.claimMessages('d1', T0, LEASE, 10);
      await store.completeMessage('d1', m.id, { digest: 'd1' });
      expect((await store.getSubscribers(jobKeyOf(1)))[0]).toMatchObject({ cardActivityId: '1:first', cardDigest: 'd1' });
      await poll(1, [card(1, CONV_A)]);
      const [m2] = await store.claimMessages('d1', T0, LEASE, 10);
      await store.completeMessage('d1', m2.id, { activityId: '1:second', digest: 'd2' });
      expect((await store.getSubscribers(jobKeyOf(1)))[0]).toMatchObject({ cardActivityId: '1:second', cardDigest: 'd2' });
      await store.completeMessage('d1', m2.id, { activityId: '1:bogus', digest: 'bogus' });
      expect((await store.getSubscribers(jobKeyOf(1)))[0]).toMatchObject({ cardActivityId: '1:second', cardDigest: 'd2' });
      expect(await store.claimMessages('d1', T0 + 10 * LEASE, LEASE, 10)).toEqual([]);
      expect(await store.stats()).toMatchObject({ pendingMessages: 0 });
    });

    it('a delivery completed after its lease was reclaimed still counts, and is never handed out again', async () => {
      const store = ctx.store();
      await follow(1, CONV_A);
      await poll(1, [final(1, CONV_A)], 'terminal');
      const [m] = await store.claimMessages('d1', T0, LEASE, 10);
      await store.claimMessages('d2', T0 + LEASE, LEASE, 10);
      await store.completeMessage('d1', m.id, {});
      expect(await store.claimMessages('d3', T0 + 10 * LEASE, LEASE, 10)).toEqual([]);
      expect(await store.nextMessageAt()).toBeUndefined();
      // The second dispatcher's outcome arrives late and must not resurrect it.
      await store.retryMessage('d2', m.id, T0, 'late');
      expect(await store.claimMessages('d3', T0 + 10 * LEASE, LEASE, 10)).toEqual([]);
    });

    it('retryMessage counts the attempt and holds the message until notBefore; only its holder may', async () => {
      const store = ctx.store();
      await follow(1, CONV_A);
      await poll(1, [final(1, CONV_A)], 'terminal');
      const [m] = await store.claimMessages('d1', T0, LEASE, 10);
      await store.retryMessage('d2', m.id, T0 + 99_000, 'not mine');
      expect(await store.nextMessageAt()).toBe(T0 + LEASE);
      await store.retryMessage('d1', m.id, T0 + 7000, '503 Service Unavailable');
      expect(await store.nextMessageAt()).toBe(T0 + 7000);
      expect(await store.claimMessages('d1', T0 + 6999, LEASE, 10)).toEqual([]);
      const [again] = await store.claimMessages('d1', T0 + 7000, LEASE, 10);
      expect(again).toMatchObject({ id: m.id, attempts: 1, notBefore: T0 + 7000 });
      await store.retryMessage('d1', m.id, T0 + 9000, '429');
      const [third] = await store.claimMessages('d1', T0 + 9000, LEASE, 10);
      expect(third.attempts).toBe(2);
    });

    it('failMessage gives up: the message is neither pending nor claimable; only its holder may', async () => {
      const store = ctx.store();
      await follow(1, CONV_A);
      await poll(1, [final(1, CONV_A), notice(1, CONV_A)], 'terminal');
      const [m] = await store.claimMessages('d1', T0, LEASE, 10);
      await store.failMessage('d2', m.id, 'not mine');
      expect((await store.stats()).pendingMessages).toBe(2);
      await store.failMessage('d1', m.id, '403 bot removed');
      expect((await store.stats()).pendingMessages).toBe(1);
      const rest = await store.claimMessages('d1', T0 + 10 * LEASE, LEASE, 10);
      expect(rest.map((x) => x.message.kind)).toEqual(['notice']);
    });

    it('nextMessageAt: none, due at once when fresh, ignores messages queued behind another', async () => {
      const store = ctx.store();
      expect(await store.nextMessageAt()).toBeUndefined();
      await follow(1, CONV_A);
      await poll(1, [card(1, CONV_A), final(1, CONV_A)], 'terminal');
      expect(await store.nextMessageAt()).toBe(0);
      await store.claimMessages('d1', T0, LEASE, 10);
      expect(await store.nextMessageAt()).toBe(T0 + LEASE);
    });

    it('a replacing card keeps the backoff of the card it replaces', async () => {
      const store = ctx.store();
      await follow(1, CONV_A);
      await poll(1, [card(1, CONV_A, RUNNING)]);
      const [m] = await store.claimMessages('d1', T0, LEASE, 10);
      await store.retryMessage('d1', m.id, T0 + 20_000, '429');
      await poll(1, [card(1, CONV_A, HOSTILE)]);
      expect(await store.claimMessages('d1', T0 + 19_999, LEASE, 10)).toEqual([]);
      const [fresh] = await store.claimMessages('d1', T0 + 20_000, LEASE, 10);
      expect(fresh.message.kind === 'card' && fresh.message.job.entityFriendlyName).toBe(HOSTILE.entityFriendlyName);
    });
  });
}
