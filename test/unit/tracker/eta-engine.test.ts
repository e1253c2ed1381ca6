/** The engine with estimates: fewer task-detail reads, the same end checks, and samples recorded as jobs end. */
import { jobKeyString } from '../../../src/azure/ids';
import type { JobKey } from '../../../src/domain/job';
import { durationItemKey, sampleOf } from '../../../src/tracker/duration-samples';
import { Harness, P, seeded } from './harness';
import { snapshot } from './fakes';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

/** Thirty jobs for an hour; with `history`, each item's 6 past nights (±5 %) are in the store first. */
async function thirtyJobs(history: boolean): Promise<{ gets: number; lists: number; latencies: number[]; h: Harness }> {
  const h = new Harness();
  const rnd = seeded(42);
  const keys: JobKey[] = [];
  for (let i = 1; i <= 30; i++) {
    const plan = h.addJob(i, Math.round((5 + rnd() * 40) * MIN));
    keys.push(plan.key);
    if (history) {
      const ended = snapshot(plan, plan.startAt + plan.durationMs);
      const nights = [0.95, 0.97, 1, 1.02, 1.04, 1.05].map((f, k) => {
        const past = { ...plan, startAt: plan.startAt - (k + 1) * DAY, durationMs: Math.round(plan.durationMs * f) };
        const job = snapshot(past, past.startAt + past.durationMs);
        const sample = sampleOf(plan.key.vault, { ...job, jobId: `past-${i}-${k}`, entityFriendlyName: ended.entityFriendlyName })!;
        // The fake's tasks carry no times; past runs of real VM jobs do (the snapshot ends at a fifth of the run).
        const tasks = [
          { name: 'Take Snapshot', endMs: Math.round(past.durationMs * 0.2) },
          { name: 'Transfer data to vault', endMs: past.durationMs },
        ];
        return { ...sample, tasks };
      });
      await h.store.recordDurations(nights);
    }
    await h.track(plan.key, `conv-${i}`);
  }
  const trackGets = h.api.gets;
  await h.run(60 * MIN);
  const latencies = keys.flatMap((k) => {
    const plan = h.api.plans.get(jobKeyString(k))!;
    const at = h.endedAt(k);
    return at === undefined ? [] : [at - (plan.startAt + plan.durationMs)];
  });
  return { gets: h.api.gets - trackGets, lists: h.api.lists, latencies, h };
}

describe('estimate-driven polling', () => {
  it('reads task detail far less with past runs, lists at most once per interval, and notices every end within one interval', async () => {
    const cadence = await thirtyJobs(false);
    const estimated = await thirtyJobs(true);
    expect(estimated.latencies).toHaveLength(30);
    expect(cadence.latencies).toHaveLength(30);
    for (const l of [...cadence.latencies, ...estimated.latencies]) {
      expect(l).toBeGreaterThanOrEqual(0);
      expect(l).toBeLessThanOrEqual(P);
    }
    // The end check is untouched: at most one list of the vault per interval (the cadence sometimes GETs
    // the few running jobs instead, when a list would spare fewer than two reads).
    expect(estimated.lists).toBeLessThanOrEqual((60 * MIN) / P + 1);
    expect(estimated.gets + estimated.lists).toBeLessThan(cadence.gets + cadence.lists);
    // Deterministic by construction (seeded plans): under half the GETs, at most ~3 per job (end GET included).
    expect(estimated.gets).toBeLessThan(cadence.gets / 2);
    expect(estimated.gets).toBeLessThanOrEqual(3 * 30);
    // Every final notice went out, each once.
    expect(estimated.h.notifier.of('final')).toHaveLength(30);
  });

  it('records the durations of the jobs that end while tracked, for the next runs of their items', async () => {
    const h = new Harness();
    const plan = h.addJob(1, 20 * MIN);
    const failed = h.addJob(2, 10 * MIN, { finalStatus: 'Failed' });
    await h.track(plan.key, 'conv-1');
    await h.track(failed.key, 'conv-2');
    await h.run(30 * MIN);
    const item = durationItemKey(plan.key.vault, snapshot(plan, h.clock.now()));
    const failedItem = durationItemKey(failed.key.vault, snapshot(failed, h.clock.now()));
    const stats = await h.store.durationStats([item, failedItem]);
    expect(stats.get(item)?.map((s) => [s.jobId, s.totalMs])).toEqual([[plan.key.jobId, 20 * MIN]]);
    // A failed run says nothing of how long the work takes.
    expect(stats.get(failedItem)).toEqual([]);
  });
});
