/** JobStore: due work, claiming jobs with a lease, committing a poll, releasing. */
import type { BackupJob } from '../../src/domain/job';
import type { OutboxInput } from '../../src/store/types';
import type { SpecContext, StoreSpec } from './store-conformance';
import { CONV_A, CONV_B, CONV_C, COMPLETED, HOSTILE, T0, card, final, jobInput, jobKeyOf, keyOf, notice, subInput } from './store-fixtures';

const LEASE = 60_000;

export const jobSpec: StoreSpec = { tests: 'JobStore', describe: describeJobSpec };

function describeJobSpec(ctx: SpecContext): void {
  async function track(n: number, nextPollAt: number, convs: string[] = [CONV_A]): Promise<void> {
    for (const c of convs) await ctx.store().subscribe(jobInput(n, nextPollAt), subInput(c), T0);
  }

  describe('claimDueJobs', () => {
    it('returns only jobs due at now, earliest first, up to limit, and leases them', async () => {
      const store = ctx.store();
      await track(1, T0 + 3000);
      await track(2, T0 + 1000);
      await track(3, T0 + 9000);
      await track(4, T0 + 2000);
      expect(await store.claimDueJobs('w1', T0 + 999, LEASE, 10)).toEqual([]);
      expect(await store.claimDueJobs('w1', T0 + 5000, LEASE, 0)).toEqual([]);
      const got = await store.claimDueJobs('w1', T0 + 5000, LEASE, 2);
      expect(got.map((j) => j.jobKey)).toEqual([jobKeyOf(2), jobKeyOf(4)]);
      expect(got.every((j) => j.leaseOwner === 'w1' && j.leaseUntil === T0 + 5000 + LEASE)).toBe(true);
      // The whole record, as getJob has it before the lease (createdAt included).
      expect(got.map((j) => j.createdAt)).toEqual([T0, T0]);
      expect(await store.getJob(jobKeyOf(2))).toMatchObject({ leaseOwner: 'w1', leaseUntil: T0 + 5000 + LEASE });
      const rest = await store.claimDueJobs('w1', T0 + 5000, LEASE, 10);
      expect(rest.map((j) => j.jobKey)).toEqual([jobKeyOf(1)]);
    });

    it('skips ended jobs and jobs without subscribers', async () => {
      const store = ctx.store();
      await track(1, T0);
      await track(2, T0);
      await store.claimDueJobs('w1', T0, LEASE, 10);
      await store.commitPoll('w1', { jobKey: jobKeyOf(1), nextPollAt: T0, schedule: {}, end: 'notFound' }, []);
      await store.unsubscribe(jobKeyOf(2), CONV_A);
      expect(await store.claimDueJobs('w2', T0 + 10 * LEASE, LEASE, 10)).toEqual([]);
      expect(await store.nextDueAt()).toBeUndefined();
    });

    it('does not hand out a leased job until the lease expires, then gives it to the next claimer', async () => {
      const store = ctx.store();
      await track(1, T0);
      const [first] = await store.claimDueJobs('w1', T0, LEASE, 10);
      expect(first.jobKey).toBe(jobKeyOf(1));
      expect(await store.claimDueJobs('w2', T0 + LEASE - 1, LEASE, 10)).toEqual([]);
      expect(await store.claimDueJobs('w1', T0 + LEASE - 1, LEASE, 10)).toEqual([]);
      // w1 died: its claim expires and w2 takes over.
      const [taken] = await store.claimDueJobs('w2', T0 + LEASE, LEASE, 10);
      expect(taken).toMatchObject({ jobKey: jobKeyOf(1), leaseOwner: 'w2', leaseUntil: T0 + 2 * LEASE });
    });

    it('never gives the same job to two owners claiming at once', async () => {
      const store = ctx.store();
      for (let n = 1; n <= 30; n++) await track(n, T0 + n);
      const [a, b, c] = await Promise.all([
        store.claimDueJobs('w1', T0 + 100, LEASE, 12),
        store.claimDueJobs('w2', T0 + 100, LEASE, 12),
        store.claimDueJobs('w3', T0 + 100, LEASE, 12),
      ]);
      const all = [...a, ...b, ...c].map((j) => j.jobKey);
      expect(new Set(all).size).toBe(all.length);
      expect(all.length).toBe(30);
    });

    it('nextDueAt is the earliest nextPollAt of active jobs, leases ignored', async () => {
      const store = ctx.store();
      expect(await store.nextDueAt()).toBeUndefined();
      await track(1, T0 + 7000);
      await track(2, T0 + 4000);
      expect(await store.nextDueAt()).toBe(T0 + 4000);
      await store.claimDueJobs('w1', T0 + 4000, LEASE, 1);
      expect(await store.nextDueAt()).toBe(T0 + 4000);
    });
  });

  describe('commitPoll', () => {
    it('applies the update and releases the lease; no snapshot keeps the previous one', async () => {
      const store = ctx.store();
      await track(1, T0);
      await store.claimDueJobs('w1', T0, LEASE, 10);
      const ok = await store.commitPoll(
        'w1',
        { jobKey: jobKeyOf(1), lastJob: HOSTILE, nextPollAt: T0 + 30_000, schedule: { step: 2, fails: [1, 'x'] } },
        [],
      );
      expect(ok).toBe(true);
      const job = await store.getJob(jobKeyOf(1));
      expect(job).toEqual({ ...jobInput(1, T0 + 30_000, HOSTILE), createdAt: T0, state: 'active', schedule: { step: 2, fails: [1, 'x'] } });
      expect(job?.leaseOwner).toBeUndefined();
      expect(job?.leaseUntil).toBeUndefined();
      await store.claimDueJobs('w1', T0 + 30_000, LEASE, 10);
      await store.commitPoll('w1', { jobKey: jobKeyOf(1), nextPollAt: T0 + 60_000, schedule: {} }, []);
      expect((await store.getJob(jobKeyOf(1)))?.lastJob).toEqual(HOSTILE);
    });

    it('returns false and changes nothing for an owner without the lease', async () => {
      const store = ctx.store();
      await track(1, T0);
      const unclaimed = await store.commitPoll('w1', { jobKey: jobKeyOf(1), nextPollAt: T0 + 1, schedule: { x: 1 } }, [card(1, CONV_A)]);
      expect(unclaimed).toBe(false);
      await store.claimDueJobs('w1', T0, LEASE, 10);
      const before = await store.getJob(jobKeyOf(1));
      const wrong = await store.commitPoll(
        'w2',
        { jobKey: jobKeyOf(1), lastJob: COMPLETED, nextPollAt: T0 + 1, schedule: { x: 1 }, end: 'terminal' },
        [final(1, CONV_A)],
      );
      expect(wrong).toBe(false);
      expect(await store.commitPoll('w1', { jobKey: jobKeyOf(99), nextPollAt: T0, schedule: {} }, [])).toBe(false);
      expect(await store.getJob(jobKeyOf(1))).toEqual(before);
      expect(await store.stats()).toEqual({ activeJobs: 1, subscriptions: 1, pendingMessages: 0 });
    });

    it('an owner whose expired lease was reclaimed can no longer commit', async () => {
      const store = ctx.store();
      await track(1, T0);
      await store.claimDueJobs('w1', T0, LEASE, 10);
      await store.claimDueJobs('w2', T0 + LEASE, LEASE, 10);
      const late = await store.commitPoll(
        'w1',
        { jobKey: jobKeyOf(1), lastJob: COMPLETED, nextPollAt: T0, schedule: {}, end: 'terminal' },
        [final(1, CONV_A)],
      );
      expect(late).toBe(false);
      expect(await store.getJob(jobKeyOf(1))).toMatchObject({ state: 'active', leaseOwner: 'w2' });
      expect(await store.claimMessages('d1', T0 + LEASE, LEASE, 10)).toEqual([]);
      expect(await store.commitPoll('w2', { jobKey: jobKeyOf(1), nextPollAt: T0 + 2 * LEASE, schedule: {} }, [])).toBe(true);
    });

    it('ending a job stores it and one final per subscriber together, and stops its polls', async () => {
      const store = ctx.store();
      await track(1, T0, [CONV_A, CONV_B, CONV_C]);
      await store.claimDueJobs('w1', T0, LEASE, 10);
      const msgs = [final(1, CONV_A), final(1, CONV_B), final(1, CONV_C)];
      expect(
        await store.commitPoll(
          'w1',
          { jobKey: jobKeyOf(1), lastJob: COMPLETED, nextPollAt: T0 + 30_000, schedule: {}, end: 'terminal' },
          msgs,
        ),
      ).toBe(true);
      expect(await store.getJob(jobKeyOf(1))).toMatchObject({ state: 'ended', endReason: 'terminal', lastJob: COMPLETED });
      expect(await store.stats()).toEqual({ activeJobs: 0, subscriptions: 0, pendingMessages: 3 });
      expect(await store.claimDueJobs('w1', T0 + 10 * LEASE, LEASE, 10)).toEqual([]);
      const out = await store.claimMessages('d1', T0, LEASE, 10);
      expect(out.map((m) => [m.message.kind, m.conversationId, m.jobKey])).toEqual([
        ['final', CONV_A, jobKeyOf(1)],
        ['final', CONV_B, jobKeyOf(1)],
        ['final', CONV_C, jobKeyOf(1)],
      ]);
      expect(out.map((m) => m.message.kind === 'final' && m.message.job)).toEqual(msgs.map((m) => m.kind === 'final' && m.job));
    });

    it('is all or nothing: a message that cannot be stored rejects the commit and applies nothing', async () => {
      const store = ctx.store();
      await track(1, T0, [CONV_A, CONV_B]);
      await store.claimDueJobs('w1', T0, LEASE, 10);
      const before = await store.getJob(jobKeyOf(1));
      // A value no store can hold (JSON has no BigInt) stands in for a failure halfway through the write.
      const unstorable = { ...COMPLETED, extra: { size: BigInt(1) } } as unknown as BackupJob;
      const msgs: OutboxInput[] = [final(1, CONV_A), { kind: 'final', conversationId: CONV_B, key: keyOf(1), job: unstorable }];
      await expect(
        store.commitPoll('w1', { jobKey: jobKeyOf(1), lastJob: COMPLETED, nextPollAt: T0, schedule: {}, end: 'terminal' }, msgs),
      ).rejects.toThrow();
      expect(await store.getJob(jobKeyOf(1))).toEqual(before);
      expect(await store.stats()).toEqual({ activeJobs: 1, subscriptions: 2, pendingMessages: 0 });
      expect(
        await store.commitPoll('w1', { jobKey: jobKeyOf(1), lastJob: COMPLETED, nextPollAt: T0, schedule: {}, end: 'terminal' }, [
          final(1, CONV_A),
          final(1, CONV_B),
        ]),
      ).toBe(true);
      expect((await store.stats()).pendingMessages).toBe(2);
    });

    it('drops messages for conversations that no longer follow the job', async () => {
      const store = ctx.store();
      await track(1, T0, [CONV_A, CONV_B]);
      await store.claimDueJobs('w1', T0, LEASE, 10);
      await store.unsubscribe(jobKeyOf(1), CONV_B);
      await store.commitPoll('w1', { jobKey: jobKeyOf(1), nextPollAt: T0, schedule: {} }, [
        notice(1, CONV_A, 'ARM unreachable for 10 min'),
        notice(1, CONV_B),
        notice(1, CONV_C),
      ]);
      const out = await store.claimMessages('d1', T0, LEASE, 10);
      expect(out.map((m) => m.conversationId)).toEqual([CONV_A]);
      expect(out[0].message).toMatchObject({ kind: 'notice', notice: 'stillTrying', detail: 'ARM unreachable for 10 min' });
    });
  });

  describe('releaseJob', () => {
    it('frees the lease, keeping or moving nextPollAt; another owner cannot release it', async () => {
      const store = ctx.store();
      await track(1, T0);
      await track(2, T0);
      await store.claimDueJobs('w1', T0, LEASE, 10);
      await store.releaseJob('w2', jobKeyOf(1));
      expect(await store.getJob(jobKeyOf(1))).toMatchObject({ leaseOwner: 'w1' });
      await store.releaseJob('w1', jobKeyOf(1));
      await store.releaseJob('w1', jobKeyOf(2), T0 + 9000);
      const one = await store.getJob(jobKeyOf(1));
      expect(one?.leaseOwner).toBeUndefined();
      expect(one?.nextPollAt).toBe(T0);
      expect((await store.getJob(jobKeyOf(2)))?.nextPollAt).toBe(T0 + 9000);
      expect((await store.claimDueJobs('w2', T0, LEASE, 10)).map((j) => j.jobKey)).toEqual([jobKeyOf(1)]);
    });
  });
}
