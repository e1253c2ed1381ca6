/** What polling costs: sweep vs naive, the shared read budget, 429 isolation, bounded concurrency. */
import { ArmError } from '../../../src/azure/errors';
import { jobKeyString } from '../../../src/azure/ids';
import type { BackupJob, JobKey } from '../../../src/domain/job';
import type { StrategyName } from '../../../src/tracker/strategy';
import { jobGuid, snapshot, SUB_A, SUB_B, vault } from './fakes';
import { Harness, P, seeded } from './harness';

const MIN = 60_000;

function snapshotOf(h: Harness, key: JobKey): BackupJob {
  return snapshot(h.api.plans.get(jobKeyString(key))!, h.clock.now());
}

async function fiftyJobsForAnHour(
  strategy: StrategyName,
): Promise<{ reads: number; gets: number; lists: number; latencies: number[]; h: Harness }> {
  const h = new Harness({ tracker: { strategy } });
  const rnd = seeded(99);
  const keys: JobKey[] = [];
  for (let i = 1; i <= 50; i++) {
    // Ends spread over the hour; a few outlive it.
    const plan = h.addJob(i, Math.round((5 + rnd() * 70) * MIN), { withProgress: i % 2 === 0 });
    keys.push(plan.key);
    await h.track(plan.key, `conv-${i % 5}`);
  }
  const trackReads = h.api.gets;
  await h.run(60 * MIN);
  const latencies: number[] = [];
  for (const k of keys) {
    const plan = h.api.plans.get(jobKeyString(k))!;
    const endedAt = h.endedAt(k);
    if (endedAt !== undefined) latencies.push(endedAt - (plan.startAt + plan.durationMs));
  }
  return { reads: h.api.gets + h.api.lists - trackReads, gets: h.api.gets - trackReads, lists: h.api.lists, latencies, h };
}

describe('poll strategies', () => {
  it('the vault sweep reads far less than naive polling and still notices every end within one interval', async () => {
    const naive = await fiftyJobsForAnHour('naive');
    const sweep = await fiftyJobsForAnHour('default');
    expect(naive.lists).toBe(0);
    expect(sweep.latencies.length).toBe(naive.latencies.length);
    expect(sweep.latencies.length).toBeGreaterThan(35);
    for (const l of [...naive.latencies, ...sweep.latencies]) {
      expect(l).toBeGreaterThanOrEqual(0);
      expect(l).toBeLessThanOrEqual(P);
    }
    // Every job got its final notice, in both.
    expect(sweep.h.notifier.of('final')).toHaveLength(sweep.latencies.length);
    expect(naive.h.notifier.of('final')).toHaveLength(naive.latencies.length);
    // Deterministic counts (seeded plans and jitter): the sweep spends under a quarter of naive's reads.
    expect(sweep.reads).toBeLessThan(naive.reads * 0.25);
    expect(sweep.lists).toBeGreaterThan(100);
  });

  it('under a short read budget, end checks keep their reads and progress detail waits', async () => {
    // 15 reads per interval for 10 vaults of 40 running jobs: enough to list each vault every
    // interval, nowhere near enough for the task detail of all 400 jobs as well.
    const h = new Harness({ tracker: { budget: { capacity: 20, refillPerSec: 0.5 } } });
    const keys: JobKey[] = [];
    for (let i = 1; i <= 400; i++) {
      const key = { vault: vault(`v${i % 10}`), jobId: jobGuid(i) };
      h.api.add({ key, startAt: h.clock.now() - MIN, durationMs: (i === 1 ? 40 : 600) * MIN, withProgress: true });
      keys.push(key);
      await h.store.subscribe(
        { jobKey: jobKeyString(key), vault: key.vault, jobId: key.jobId, lastJob: snapshotOf(h, key), nextPollAt: h.clock.now() },
        { conversationId: `conv-${i}`, conversationRef: {}, requester: { id: 'u', name: 'U' } },
        h.clock.now(),
      );
    }
    await h.run(45 * MIN);
    const plan = h.api.plans.get(jobKeyString(keys[0]))!;
    const endedAt = h.endedAt(keys[0]);
    expect(endedAt).toBeDefined();
    expect(endedAt! - (plan.startAt + plan.durationMs)).toBeLessThanOrEqual(2 * P);
    // The vault was listed on (nearly) every interval despite the pressure.
    expect(h.api.lists).toBeGreaterThan(10 * ((45 * MIN) / P) * 0.8);
    // What is left over still goes to task detail.
    expect(h.api.gets).toBeGreaterThan(100);
  });

  it('when lists alone would use up the budget, the GET that confirms an end still gets a token', async () => {
    // 10 vaults listed every 30 s want 0.33 reads/s; the budget gives 0.3/s.
    const h = new Harness({ tracker: { budget: { capacity: 20, refillPerSec: 0.3 } } });
    const enders: JobKey[] = [];
    for (let i = 1; i <= 200; i++) {
      const key = { vault: vault(`v${i % 10}`), jobId: jobGuid(i) };
      const ends = i <= 10;
      h.api.add({ key, startAt: h.clock.now() - MIN, durationMs: (ends ? 20 + 2 * i : 600) * MIN });
      if (ends) enders.push(key);
      await h.store.subscribe(
        { jobKey: jobKeyString(key), vault: key.vault, jobId: key.jobId, lastJob: snapshotOf(h, key), nextPollAt: h.clock.now() },
        { conversationId: `conv-${i}`, conversationRef: {}, requester: { id: 'u', name: 'U' } },
        h.clock.now(),
      );
    }
    await h.run(50 * MIN);
    const late = enders.map((k) => {
      const plan = h.api.plans.get(jobKeyString(k))!;
      return (h.endedAt(k) ?? Infinity) - (plan.startAt + plan.durationMs);
    });
    for (const l of late) expect(l).toBeLessThanOrEqual(3 * P);
  });

  it('a vault with a single job is read with plain GETs (a list would cost as much)', async () => {
    const h = new Harness();
    const plan = h.addJob(1, 20 * MIN);
    await h.track(plan.key);
    await h.run(30 * MIN);
    expect(h.api.lists).toBe(0);
    expect(h.notifier.of('final')).toHaveLength(1);
  });
});

describe('ARM read budget', () => {
  it('is shared by all polls of a subscription and never overspent', async () => {
    const h = new Harness({ tracker: { strategy: 'naive', budget: { capacity: 10, refillPerSec: 0.2 } } });
    for (let i = 1; i <= 30; i++) {
      h.api.add({ key: { vault: vault(`v${i}`), jobId: jobGuid(i) }, startAt: h.clock.now(), durationMs: 600 * MIN });
      // Tracking bypasses nothing: subscribe straight in the store so the budget starts full for polling.
      await h.store.subscribe(
        {
          jobKey: jobKeyString({ vault: vault(`v${i}`), jobId: jobGuid(i) }),
          vault: vault(`v${i}`),
          jobId: jobGuid(i),
          nextPollAt: h.clock.now(),
        },
        { conversationId: 'c', conversationRef: {}, requester: { id: 'u', name: 'U' } },
        h.clock.now(),
      );
    }
    const t0 = h.clock.now();
    await h.run(10 * MIN);
    const elapsedSec = (h.clock.now() - t0) / 1000;
    const reads = h.api.gets;
    expect(reads).toBeLessThanOrEqual(10 + elapsedSec * 0.2 + 1);
    expect(reads).toBeGreaterThan(elapsedSec * 0.2 * 0.9);
    // Deferred jobs are not forgotten: every job was read.
    expect(h.api.getsByJob.size).toBe(30);
  });

  it('spaces deferred reads at the refill pace instead of re-claiming the whole backlog at every token', async () => {
    const h = new Harness({ tracker: { strategy: 'naive', budget: { capacity: 10, refillPerSec: 0.2 } } });
    for (let i = 1; i <= 30; i++) {
      const key = { vault: vault(`v${i}`), jobId: jobGuid(i) };
      h.api.add({ key, startAt: h.clock.now(), durationMs: 600 * MIN });
      await h.store.subscribe(
        { jobKey: jobKeyString(key), vault: key.vault, jobId: key.jobId, nextPollAt: h.clock.now() },
        { conversationId: 'c', conversationRef: {}, requester: { id: 'u', name: 'U' } },
        h.clock.now(),
      );
    }
    await h.run(10 * MIN);
    const deferrals = h.events.filter((e) => e.type === 'poll' && e.observation === 'deferred').length;
    // 30 jobs due every 30 s share a token every 5 s. Re-deferring every waiting job at each token
    // would be thousands of claims; with its own slot (at most an interval out) a waiting job is
    // put back at most once per interval.
    expect(deferrals).toBeLessThanOrEqual(30 * ((10 * MIN) / P));
    expect(h.api.getsByJob.size).toBe(30);
  });

  it('a 429 pauses only that subscription, for its Retry-After', async () => {
    const h = new Harness();
    const a = { vault: vault('va', SUB_A), jobId: jobGuid(1) };
    const b = { vault: vault('vb', SUB_B), jobId: jobGuid(2) };
    h.api.add({ key: a, startAt: h.clock.now(), durationMs: 600 * MIN });
    h.api.add({ key: b, startAt: h.clock.now(), durationMs: 600 * MIN });
    await h.track(a);
    await h.track(b);
    await h.run(5 * MIN);
    let throttledAt: number | undefined;
    h.api.fault = (_op, target) => {
      const sub = 'vault' in target ? target.vault.subscriptionId : target.subscriptionId;
      if (sub !== SUB_A || throttledAt !== undefined) return undefined;
      throttledAt = h.clock.now();
      return new ArmError('throttled', 'Too many requests', { status: 429, retryAfterMs: 5 * MIN });
    };
    const readsA = (): number => h.api.readsBySub.get(SUB_A) ?? 0;
    const readsB = (): number => h.api.readsBySub.get(SUB_B) ?? 0;
    await h.run(P + 1);
    expect(throttledAt).toBeDefined();
    const [a0, b0] = [readsA(), readsB()];
    await h.clock.advance(0);
    await h.run(throttledAt! + 5 * MIN - 1 - h.clock.now());
    expect(readsA()).toBe(a0);
    expect(readsB() - b0).toBeGreaterThanOrEqual(8);
    await h.run(2 * MIN);
    expect(readsA()).toBeGreaterThan(a0);
    expect(h.notifier.notices()).toEqual([]);
  });
});

describe('concurrency', () => {
  it('never has more than N requests in flight, and never two polls of one job at once', async () => {
    const h = new Harness({ tracker: { concurrency: 3, strategy: 'naive' } });
    h.api.latencyTurns = 3;
    for (let i = 1; i <= 25; i++) {
      const key = { vault: vault(`v${i % 4}`), jobId: jobGuid(i) };
      h.api.add({ key, startAt: h.clock.now(), durationMs: (10 + i) * MIN });
      await h.track(key, `conv-${i}`);
    }
    h.api.peakInFlight = 0;
    await h.run(60 * MIN);
    expect(h.api.peakInFlight).toBe(3);
    expect(h.api.overlapped).toBe(false);
    expect(h.notifier.of('final')).toHaveLength(25);
  });
});
