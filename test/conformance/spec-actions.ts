/**
 * ActionStateStore: a ticket's nonce is spent once (first wins, also racing, also on another
 * instance and after a reopen) and remembered only until the ticket expires; the last action on a
 * card is kept per conversation and job, bounded per channel, aged out, and dropped with its
 * conversation.
 */
import { MAX_NOTES_PER_ROOT, NOTE_TTL_MS, type StoredActionNote } from '../../src/store/action-state';
import type { SpecContext, StoreSpec } from './store-conformance';
import { T0, jobKeyOf } from './store-fixtures';

const CHANNEL = '19:channel-ops@thread.tacv2';
const THREAD = `${CHANNEL};messageid=1700000000001`;
const OTHER_THREAD = `${CHANNEL};messageid=1700000000002`;
const OTHER_CHANNEL = '19:channel-finance@thread.tacv2';
const PERSONAL = 'a:1personal-chat';
const DAY = 24 * 60 * 60_000;

export const actionsSpec: StoreSpec = {
  tests: 'ActionStateStore',
  describe: (ctx, { durable }) => describeActionsSpec(ctx, durable),
};

const note = (kind: StoredActionNote['kind'], name: string, at: number): StoredActionNote => ({ kind, name, at });

function describeActionsSpec(ctx: SpecContext, durable: boolean): void {
  describe('spendTicket', () => {
    it('is true once per nonce, then false; other nonces are independent', async () => {
      const store = ctx.store();
      expect(await store.spendTicket('nonce-a', T0 + DAY, T0)).toBe(true);
      expect(await store.spendTicket('nonce-a', T0 + DAY, T0 + 1)).toBe(false);
      expect(await store.spendTicket('nonce-b', T0 + DAY, T0 + 2)).toBe(true);
    });

    it('admits exactly one of 10 concurrent spends of one nonce (and of a sibling instance)', async () => {
      const sibling = await ctx.sibling();
      const stores = sibling ? [ctx.store(), sibling] : [ctx.store()];
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => stores[i % stores.length].spendTicket('race', T0 + DAY, T0)));
      expect(results.filter((r) => r)).toHaveLength(1);
      // Every instance sees it spent.
      for (const s of stores) expect(await s.spendTicket('race', T0 + DAY, T0 + 1)).toBe(false);
    });

    if (durable) {
      it('stays spent after a reopen', async () => {
        expect(await ctx.store().spendTicket('kept', T0 + DAY, T0)).toBe(true);
        const reopened = await ctx.reopen();
        expect(await reopened.spendTicket('kept', T0 + DAY, T0 + 1)).toBe(false);
      });
    }
  });

  describe('action notes', () => {
    const job1 = jobKeyOf(1);
    const job2 = jobKeyOf(2);

    it('keeps the last note per conversation and job, names as written', async () => {
      const store = ctx.store();
      expect(await store.actionNote(THREAD, job1, T0)).toBeUndefined();
      const hostile = 'Zoë "O\'Neil" | <b>x</b>\nline2 😀';
      await store.recordActionNote(THREAD, job1, note('backupStarted', 'Alex', T0));
      await store.recordActionNote(THREAD, job1, note('cancelled', hostile, T0 + 5));
      await store.recordActionNote(PERSONAL, job1, note('backupStarted', 'Megan', T0 + 7));
      expect(await store.actionNote(THREAD, job1, T0 + 10)).toEqual(note('cancelled', hostile, T0 + 5));
      expect(await store.actionNote(PERSONAL, job1, T0 + 10)).toEqual(note('backupStarted', 'Megan', T0 + 7));
      expect(await store.actionNote(THREAD, job2, T0 + 10)).toBeUndefined();
      expect(await store.actionNote(OTHER_THREAD, job1, T0 + 10)).toBeUndefined();
    });

    it('is shared with a sibling instance', async () => {
      const sibling = await ctx.sibling();
      if (!sibling) return;
      await ctx.store().recordActionNote(THREAD, job1, note('cancelled', 'Alex', T0));
      expect(await sibling.actionNote(THREAD, job1, T0 + 1)).toEqual(note('cancelled', 'Alex', T0));
    });

    it('ages out after NOTE_TTL_MS', async () => {
      const store = ctx.store();
      await store.recordActionNote(THREAD, job1, note('cancelled', 'Alex', T0));
      expect(await store.actionNote(THREAD, job1, T0 + NOTE_TTL_MS)).toEqual(note('cancelled', 'Alex', T0));
      expect(await store.actionNote(THREAD, job1, T0 + NOTE_TTL_MS + 1)).toBeUndefined();
    });

    it(`keeps at most ${MAX_NOTES_PER_ROOT} per channel, forgetting the oldest first`, async () => {
      const store = ctx.store();
      await store.recordActionNote(OTHER_CHANNEL, job1, note('cancelled', 'Other', T0));
      const extra = 5;
      for (let i = 0; i < MAX_NOTES_PER_ROOT + extra; i++) {
        // Threads of one channel count together: a channel cannot grow its notes by starting threads.
        const conversation = `${CHANNEL};messageid=${1700000000000 + i}`;
        await store.recordActionNote(conversation, jobKeyOf(i), note('backupStarted', `user ${i}`, T0 + 1 + i));
      }
      const now = T0 + MAX_NOTES_PER_ROOT + extra + 1;
      for (let i = 0; i < MAX_NOTES_PER_ROOT + extra; i++) {
        const got = await store.actionNote(`${CHANNEL};messageid=${1700000000000 + i}`, jobKeyOf(i), now);
        if (i < extra) expect(got).toBeUndefined();
        else expect(got).toEqual(note('backupStarted', `user ${i}`, T0 + 1 + i));
      }
      // Another channel's note is untouched by this channel's bound.
      expect(await store.actionNote(OTHER_CHANNEL, job1, now)).toEqual(note('cancelled', 'Other', T0));
    });

    it('goes with its conversation: a thread alone, or the channel with all its threads', async () => {
      const store = ctx.store();
      await store.recordActionNote(THREAD, job1, note('cancelled', 'A', T0));
      await store.recordActionNote(OTHER_THREAD, job1, note('cancelled', 'B', T0));
      await store.recordActionNote(CHANNEL, job2, note('cancelled', 'C', T0));
      await store.recordActionNote(PERSONAL, job1, note('cancelled', 'D', T0));
      await store.dropConversation(THREAD);
      expect(await store.actionNote(THREAD, job1, T0)).toBeUndefined();
      expect(await store.actionNote(OTHER_THREAD, job1, T0)).toEqual(note('cancelled', 'B', T0));
      await store.dropConversation(CHANNEL);
      expect(await store.actionNote(OTHER_THREAD, job1, T0)).toBeUndefined();
      expect(await store.actionNote(CHANNEL, job2, T0)).toBeUndefined();
      expect(await store.actionNote(PERSONAL, job1, T0)).toEqual(note('cancelled', 'D', T0));
    });

    if (durable) {
      it('survives a reopen', async () => {
        await ctx.store().recordActionNote(THREAD, job1, note('cancelled', 'Alex', T0));
        const reopened = await ctx.reopen();
        expect(await reopened.actionNote(THREAD, job1, T0 + 1)).toEqual(note('cancelled', 'Alex', T0));
      });
    }
  });
}
