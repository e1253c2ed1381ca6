/**
 * StateStore as a whole: whatever interface stores a value and whichever returns it, it comes back
 * exactly as given, and neither side can change the other's copy.
 */
import type { SpecContext, StoreSpec } from './store-conformance';
import { CONV_A, COMPLETED, HOSTILE, RUNNING, T0, card, jobInput, jobKeyOf, subInput } from './store-fixtures';

const LEASE = 60_000;

export const valuesSpec: StoreSpec = { tests: 'StateStore', describe: describeValuesSpec };

function describeValuesSpec(ctx: SpecContext): void {
  describe('values', () => {
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
}
