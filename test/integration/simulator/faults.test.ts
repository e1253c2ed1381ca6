import { VirtualClock } from '../../../src/core/clock';
import { seededRandom } from '../../../tools/simulator/random';
import { API, guid, Harness, jobPath, obj, START, SUB, VAULT_PATH, vmJob } from './helpers';

const OTHER_SUB = '99999999-2222-4333-8444-555555555555';

describe('fault injection', () => {
  const jobs = [vmJob(guid(1), START - 1000), vmJob(guid(2), START - 1000)];
  const h = new Harness(jobs, { random: seededRandom(42) });
  beforeAll(() => h.start());
  afterAll(() => h.close());
  beforeEach(() => {
    h.server.clearFaults();
    h.server.resetCounts();
  });

  it('throttles with 429 and Retry-After, a given number of times', async () => {
    h.server.addFault({ kind: 'throttle', count: 2, retryAfterSeconds: 7 });
    const answers = [await h.get(jobPath(guid(1))), await h.get(jobPath(guid(1))), await h.get(jobPath(guid(1)))];
    expect(answers.map((a) => a.status)).toEqual([429, 429, 200]);
    expect(answers[0].headers['retry-after']).toBe('7');
    expect(obj(answers[0].json()['error'])['code']).toBe('SubscriptionRequestsThrottled');
    expect(h.server.counts()).toMatchObject({ throttled: 2, faults: 2, getJob: 3, total: 3 });
  });

  it('answers 500 and 503 (with Retry-After when asked) with ARM error bodies', async () => {
    h.server.addFault({ kind: 'error500', count: 1 });
    h.server.addFault({ kind: 'error503', count: 1, retryAfterSeconds: 3 });
    const a = await h.get(jobPath(guid(1)));
    const b = await h.get(jobPath(guid(1)));
    expect(a.status).toBe(500);
    expect(obj(a.json()['error'])['code']).toBe('InternalServerError');
    expect(b.status).toBe(503);
    expect(b.headers['retry-after']).toBe('3');
    expect((await h.get(jobPath(guid(1)))).status).toBe(200);
  });

  it('faults only the job it names', async () => {
    h.server.addFault({ kind: 'error500', jobId: guid(2).toUpperCase() });
    expect((await h.get(jobPath(guid(1)))).status).toBe(200);
    expect((await h.get(jobPath(guid(2)))).status).toBe(500);
    expect((await h.get(jobPath(guid(2)))).status).toBe(500);
    expect((await h.get(`${VAULT_PATH}/backupJobs?${API}`)).status).toBe(200);
    expect(h.server.counts()['faults']).toBe(2);
  });

  it('faults at a rate, reproducibly for a seed', async () => {
    const run = async (): Promise<number[]> => {
      const clock = new VirtualClock(START);
      const local = new Harness(jobs, { random: seededRandom(7) }, clock);
      await local.start();
      local.server.addFault({ kind: 'error503', rate: 0.3 });
      const statuses: number[] = [];
      for (let i = 0; i < 100; i++) statuses.push((await local.get(jobPath(guid(1)))).status);
      await local.close();
      return statuses;
    };
    const first = await run();
    const failed = first.filter((s) => s === 503).length;
    expect(failed).toBeGreaterThan(15);
    expect(failed).toBeLessThan(45);
    expect(first.filter((s) => s !== 503).every((s) => s === 200)).toBe(true);
    expect(await run()).toEqual(first);
  });

  it('sends malformed JSON with a 200', async () => {
    h.server.addFault({ kind: 'malformed', count: 1 });
    const r = await h.get(jobPath(guid(1)));
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('application/json');
    expect(() => JSON.parse(r.text) as unknown).toThrow();
    expect(JSON.parse((await h.get(jobPath(guid(1)))).text)).toHaveProperty('properties');
  });

  it('drops the connection without an answer', async () => {
    h.server.addFault({ kind: 'drop', count: 1 });
    await expect(h.get(jobPath(guid(1)))).rejects.toThrow();
    expect((await h.get(jobPath(guid(1)))).status).toBe(200);
    expect(h.server.counts()['faults']).toBe(1);
  });

  it('answers slowly (real time) but correctly: a later quick request overtakes it', async () => {
    h.server.addFault({ kind: 'slow', jobId: guid(2), delayMs: 400, count: 1 });
    const order: string[] = [];
    const slow = h.get(jobPath(guid(2))).then((r) => order.push(`slow ${r.status}`));
    const quick = h.get(jobPath(guid(1))).then((r) => order.push(`quick ${r.status}`));
    await Promise.all([slow, quick]);
    expect(order).toEqual(['quick 200', 'slow 200']);
  });
});

describe('ARM throttling model', () => {
  const other = vmJob(guid(3), START - 1000, { vault: { subscriptionId: OTHER_SUB, resourceGroup: 'rg-backup', vaultName: 'vault-demo' } });
  const h = new Harness([vmJob(guid(1), START - 1000), other], { armThrottle: { capacity: 5, refillPerSecond: 1 } });
  beforeAll(() => h.start());
  afterAll(() => h.close());

  it('empties a per-subscription bucket, answers 429 with the wait, and refills on the simulator clock', async () => {
    const statuses: number[] = [];
    const remaining: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await h.get(jobPath(guid(1)));
      statuses.push(r.status);
      remaining.push(Number(r.headers['x-ms-ratelimit-remaining-subscription-reads']));
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(remaining.slice(0, 5)).toEqual([4, 3, 2, 1, 0]);
    const throttled = await h.get(jobPath(guid(1)));
    expect(throttled.headers['retry-after']).toBe('1');
    // Another subscription has its own budget.
    expect((await h.get(jobPath(guid(3), VAULT_PATH.replace(SUB, OTHER_SUB)))).status).toBe(200);
    await h.clock.advance(2_000);
    expect((await h.get(jobPath(guid(1)))).status).toBe(200);
    expect((await h.get(jobPath(guid(1)))).status).toBe(200);
    expect((await h.get(jobPath(guid(1)))).status).toBe(429);
    expect(h.server.counts()['throttled']).toBe(4);
  });
});

describe('latency and shutdown', () => {
  it('adds latencyMs to every answer: a server without it answers a later request first', async () => {
    const slow = await new Harness([vmJob(guid(1), START - 1000)], { latencyMs: 300 }).start();
    const fast = await new Harness([vmJob(guid(1), START - 1000)]).start();
    try {
      const order: string[] = [];
      await Promise.all([
        slow.get(jobPath(guid(1))).then((r) => order.push(`slow ${r.status}`)),
        fast.get(jobPath(guid(1))).then((r) => order.push(`fast ${r.status}`)),
      ]);
      expect(order).toEqual(['fast 200', 'slow 200']);
    } finally {
      await slow.close();
      await fast.close();
    }
  });

  it('stops promptly with an answer still pending, failing that request, and can be stopped twice', async () => {
    const h = await new Harness([vmJob(guid(1), START - 1000)]).start();
    h.server.addFault({ kind: 'slow', delayMs: 60_000 });
    const pending = h.get(jobPath(guid(1)));
    await new Promise((r) => setTimeout(r, 50));
    await Promise.all([h.server.stop(), h.server.stop()]);
    await expect(pending).rejects.toThrow();
    await h.close();
  });
});
