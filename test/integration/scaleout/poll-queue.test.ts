/**
 * Poll rounds through BullMQ between two instances in one process: a due job is polled by one
 * round on one instance, and a graceful stop lets the round in progress commit before returning.
 */
import { randomUUID } from 'node:crypto';
import { systemClock } from '../../../src/core/clock';
import { silentLogger } from '../../../src/core/logger';
import { PollQueue } from '../../../src/scaleout/poll-queue';
import { parseRedisUrl } from '../../../src/store/redis/redis-url';
import { RedisStore } from '../../../src/store/redis/redis-store';
import type { TickStats } from '../../../src/tracker/engine-contract';
import { CONV_A, jobInput, jobKeyOf, subInput } from '../../conformance/store-fixtures';
import { describeWithRedis, startRedisServer, type RedisServer } from '../../support/redis-server';

const LEASE = 10_000;

describeWithRedis('PollQueue: rounds shared by instances', () => {
  let server: RedisServer | undefined;
  const open: Array<{ close(): Promise<void> }> = [];

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    for (const o of open.reverse()) await o.close().catch(() => undefined);
    await server?.stop();
  });

  /** `hold`, when given, is awaited between a round's claim and its commit (the "poll" the test controls). */
  async function instance(
    prefix: string,
    name: string,
    rounds: Array<{ instance: string; claimed: string[] }>,
    hold?: (claimed: string[]) => Promise<void>,
  ) {
    const store = new RedisStore({ url: server!.url, keyPrefix: prefix });
    await store.init();
    open.push(store);
    // A round as the tracker runs it: claim what is due, "poll" it, commit the next poll time.
    const tick = async (): Promise<TickStats> => {
      const claimed = await store.claimDueJobs(name, Date.now(), LEASE, 100);
      if (hold && claimed.length > 0) await hold(claimed.map((j) => j.jobKey));
      for (const j of claimed) await store.commitPoll(name, { jobKey: j.jobKey, nextPollAt: Date.now() + 60_000, schedule: {} }, []);
      rounds.push({ instance: name, claimed: claimed.map((j) => j.jobKey) });
      return { claimed: claimed.length, committed: claimed.length, deferred: 0, ended: 0, messages: 0, reads: 0 };
    };
    const queue = new PollQueue({
      tick,
      store,
      connection: { ...parseRedisUrl(server!.url).options, maxRetriesPerRequest: null },
      prefix: `${prefix}bull`,
      clock: systemClock,
      logger: silentLogger(),
      pollIntervalMs: 30_000,
    });
    open.push({ close: () => queue.stop(5_000) });
    return { store, queue };
  }

  it('a due job is polled once, by one of the instances', async () => {
    const prefix = `pq${randomUUID().slice(0, 6)}:`;
    const rounds: Array<{ instance: string; claimed: string[] }> = [];
    const a = await instance(prefix, 'a', rounds);
    const b = await instance(prefix, 'b', rounds);
    await Promise.all([a.queue.start(), b.queue.start()]);
    await a.store.subscribe(jobInput(1, Date.now() + 300), subInput(CONV_A), Date.now());
    a.queue.wake();
    b.queue.wake();
    const deadline = Date.now() + 10_000;
    while (!rounds.some((r) => r.claimed.length > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // Committed (lease released, next poll a minute away): from here no round can claim it again,
    // so the polls counted now are all there will be.
    const job = await a.store.getJob(jobKeyOf(1));
    expect(job?.leaseOwner).toBeUndefined();
    expect(await a.store.claimDueJobs('probe', Date.now(), LEASE, 100)).toEqual([]);
    const polls = rounds.flatMap((r) => r.claimed.map((k) => [r.instance, k]));
    expect(polls).toHaveLength(1);
    expect(polls[0][1]).toBe(jobKeyOf(1));
  });

  it('stop waits for the round in progress, which commits and releases its claims', async () => {
    const prefix = `pq${randomUUID().slice(0, 6)}:`;
    const rounds: Array<{ instance: string; claimed: string[] }> = [];
    // The round stays between claim and commit until the test lets it go, after stop() was called.
    let claimedNow!: () => void;
    const claimed = new Promise<void>((resolve) => (claimedNow = resolve));
    let finishRound!: () => void;
    const roundMayFinish = new Promise<void>((resolve) => (finishRound = resolve));
    const a = await instance(prefix, 'a', rounds, async () => {
      claimedNow();
      await roundMayFinish;
    });
    await a.queue.start();
    await a.store.subscribe(jobInput(1, Date.now() + 100), subInput(CONV_A), Date.now());
    a.queue.wake();
    await claimed;
    expect((await a.store.getJob(jobKeyOf(1)))?.leaseOwner).toBe('a');
    const stopping = a.queue.stop(5_000);
    finishRound();
    await stopping;
    expect(rounds.map((r) => r.claimed)).toContainEqual([jobKeyOf(1)]);
    const job = await a.store.getJob(jobKeyOf(1));
    expect(job?.leaseOwner).toBeUndefined();
    expect(job!.nextPollAt).toBeGreaterThan(Date.now() + 50_000);
  });
});
