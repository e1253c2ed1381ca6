/**
 * The ARM read budget held in Redis: two instances (two connections) spend from one bucket per
 * subscription, a 429 seen by one pauses both, and a read without a token is never sent.
 */
import { Redis } from 'ioredis';
import type { ArmResult, BackupJobsApi } from '../../../src/azure/types';
import type { BackupJob, JobKey } from '../../../src/domain/job';
import { VirtualClock } from '../../../src/core/clock';
import { SharedBudgetApi, SharedReadBudget } from '../../../src/scaleout/shared-budget';
import { armFailureOf, toArmFailure } from '../../../src/azure/arm-failure';
import { RUNNING, VAULT, jobIdOf } from '../../conformance/store-fixtures';
import { describeWithRedis, startRedisServer, type RedisServer } from '../../support/redis-server';

const SUB = VAULT.subscriptionId;

describeWithRedis('SharedReadBudget on Redis', () => {
  let server: RedisServer | undefined;
  const clients: Redis[] = [];
  let n = 0;

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit()));
    await server?.stop();
  });

  /** Two instances' budgets over separate connections, on a fresh prefix. */
  function twoInstances(capacity: number, refillPerSec: number): [SharedReadBudget, SharedReadBudget] {
    const prefix = `b${++n}:`;
    const make = (): SharedReadBudget => {
      const c = new Redis(server!.url);
      clients.push(c);
      return new SharedReadBudget(c, prefix, { capacity, refillPerSec });
    };
    return [make(), make()];
  }

  it('two instances together get no more than the bucket holds, then the refill rate', async () => {
    const [a, b] = twoInstances(10, 2);
    const t = 1_000_000;
    const granted = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).take(SUB, t)));
    expect(granted.filter((g) => g.granted)).toHaveLength(10);
    const refused = granted.find((g) => !g.granted);
    expect(refused?.waitMs).toBe(500);
    expect((await a.take(SUB, t + 499)).granted).toBe(false);
    expect((await b.take(SUB, t + 500)).granted).toBe(true);
    // Another subscription has its own bucket.
    expect((await a.take('11111111-1111-1111-1111-111111111111', t)).granted).toBe(true);
  });

  it('a 429 seen by one instance pauses the subscription for the other, for Retry-After', async () => {
    const [a, b] = twoInstances(100, 10);
    const t = 2_000_000;
    expect((await b.take(SUB, t)).granted).toBe(true);
    await a.throttle(SUB, 30_000, t);
    const during = await b.take(SUB, t + 29_999);
    expect(during.granted).toBe(false);
    expect(during.waitMs).toBeGreaterThanOrEqual(1);
    expect((await b.take(SUB, t + 30_100)).granted).toBe(true);
  });

  it('the API wrapper sends no request without a token and the tracker sees a throttled read', async () => {
    const [budget] = twoInstances(2, 1);
    const clock = new VirtualClock(3_000_000);
    const calls: JobKey[] = [];
    const inner = {
      getJob: async (key: JobKey): Promise<ArmResult<BackupJob>> => {
        calls.push(key);
        return { value: { ...RUNNING, jobId: key.jobId }, meta: { attempts: 2 } };
      },
    } as unknown as BackupJobsApi;
    const api = new SharedBudgetApi(inner, budget, clock);
    const key = { vault: VAULT, jobId: jobIdOf(1) };
    await api.getJob(key);
    // The first read needed a retry inside the client: two requests, so the bucket is empty.
    const error = await api.getJob(key).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(calls).toHaveLength(1);
    expect(toArmFailure(error)).toMatchObject({ kind: 'throttled', retryAfterMs: 1000 });
    // A command reading through it answers "try again in …" (an ArmError), not "something went wrong".
    expect(armFailureOf(error)).toMatchObject({ kind: 'throttled', retryAfterMs: 1000 });
    await clock.advance(1000);
    await expect(api.getJob(key)).resolves.toMatchObject({ value: { jobId: jobIdOf(1) } });
  });
});
