/**
 * The tracker against the simulated vault over real HTTP (127.0.0.1) through the real ArmClient:
 * the list filter, paging and payload shapes the sweep relies on are the ones Azure uses.
 */
import { ArmClient } from '../../../src/azure/arm-client';
import { jobKeyString } from '../../../src/azure/ids';
import type { JobKey } from '../../../src/domain/job';
import { VirtualClock } from '../../../src/core/clock';
import { silentLogger } from '../../../src/core/logger';
import { SimulatorServer } from '../../../tools/simulator/server';
import type { SimJobSpec } from '../../../tools/simulator/spec';
import { memoryStore } from '../../support/memory-store';
import { Dispatcher } from '../../../src/tracker/dispatcher';
import { Tracker } from '../../../src/tracker/engine';
import type { TrackerEvent } from '../../../src/tracker/engine-contract';
import { TrackerServiceImpl } from '../../../src/tracker/tracker-service';
import { jobGuid, RecordingNotifier, subscriber, vault } from './fakes';
import { P, seeded } from './harness';

const MIN = 60_000;
const OUTCOMES = ['Completed', 'CompletedWithWarnings', 'Failed', 'Cancelled'] as const;

describe('tracker over the simulated vault', () => {
  const clock = new VirtualClock();
  const sim = new SimulatorServer({ clock, logger: silentLogger(), pageSize: 5 });
  let origin = '';

  beforeAll(async () => {
    origin = await sim.start(0, '127.0.0.1');
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('notices every end within one interval with one list per vault tick, and tells each subscriber once', async () => {
    const keys: JobKey[] = [];
    for (let i = 1; i <= 13; i++) {
      const v = i <= 12 ? vault('sweep') : vault('solo');
      const spec: SimJobSpec = {
        vault: v,
        jobId: jobGuid(i),
        jobType: 'AzureIaaSVMJob',
        operation: 'Backup',
        entityFriendlyName: `vm-${i}`,
        backupManagementType: 'AzureIaasVM',
        startAt: clock.now() - 30_000,
        tasks: [
          { name: 'Take Snapshot', durationMs: (2 + i) * MIN },
          { name: 'Transfer data to vault', durationMs: (5 + 2 * i) * MIN },
        ],
        outcome: OUTCOMES[i % 4],
      };
      sim.addJob(spec);
      keys.push({ vault: v, jobId: spec.jobId });
    }
    const logger = silentLogger();
    const api = new ArmClient({ endpoint: origin, credential: 'none', clock, logger, maxAttempts: 1 });
    const store = memoryStore();
    const events: TrackerEvent[] = [];
    const tracker = new Tracker({
      store,
      api,
      clock,
      logger,
      owner: 't',
      pollIntervalMs: P,
      random: seeded(),
      onEvent: (e) => events.push(e),
    });
    const notifier = new RecordingNotifier(clock);
    const dispatcher = new Dispatcher({ store, notifier, clock, logger, owner: 't', random: seeded(5) });
    const service = new TrackerServiceImpl({ store, api, clock, logger, engine: tracker, pollIntervalMs: P });
    for (const k of keys) expect(await service.track(k, subscriber('team-thread'))).toMatchObject({ ok: true, finished: false });
    sim.resetCounts();

    const end = clock.now() + 90 * MIN;
    while (clock.now() < end) {
      const due = Math.min((await store.nextDueAt()) ?? Infinity, (await store.nextMessageAt()) ?? Infinity);
      if (due > end) break;
      await clock.advance(Math.max(0, due - clock.now()));
      await tracker.tick();
      await dispatcher.tick();
    }

    const finals = notifier.of('final');
    expect(finals.map((f) => f.message.kind === 'final' && f.message.job.jobId).sort()).toEqual(keys.map((k) => k.jobId).sort());
    for (const f of finals) {
      if (f.message.kind !== 'final') continue;
      const job = f.message.job;
      const i = Number.parseInt(job.jobId.slice(-4), 16);
      expect(job.status).toBe(OUTCOMES[i % 4]);
      const endedAt = events.find(
        (e) => e.type === 'ended' && e.jobKey === jobKeyString({ vault: f.message.key.vault, jobId: job.jobId }),
      )!.at;
      const latency = endedAt - Date.parse(job.endTime!);
      expect(latency).toBeGreaterThanOrEqual(0);
      expect(latency).toBeLessThanOrEqual(P);
    }
    const counts = sim.counts();
    // Naive polling spends one GET per job per interval (≈ 730 here); the solo vault's job is read like that.
    const naive = keys.reduce((sum, _k, n) => sum + Math.ceil(((7 + 3 * (n + 1)) * MIN) / P), 0);
    expect((counts.getJob ?? 0) + (counts.listJobs ?? 0)).toBeLessThan(0.6 * naive);
    expect(counts.listJobs).toBeGreaterThan(50);
    expect(await store.stats()).toMatchObject({ activeJobs: 0, pendingMessages: 0 });
  });
});
