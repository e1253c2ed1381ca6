/**
 * The watcher against the simulated vault over HTTP on 127.0.0.1 (in process), on a virtual clock:
 * what a watching conversation is told, once, and what it costs in reads.
 */
import { ArmClient } from '../../../src/azure/arm-client';
import { VirtualClock } from '../../../src/core/clock';
import { silentLogger } from '../../../src/core/logger';
import type { AnyOutbound, DeliveryResult } from '../../../src/domain/subscriber';
import type { WatchInput } from '../../../src/domain/watch';
import { ArmGate } from '../../../src/tracker/arm-gate';
import { ReadBudget } from '../../../src/tracker/budget';
import { Dispatcher } from '../../../src/tracker/dispatcher';
import type { Notifier } from '../../../src/tracker/ports';
import { Semaphore } from '../../../src/tracker/semaphore';
import { Watcher } from '../../../src/tracker/watcher';
import { SimulatorServer } from '../../../tools/simulator/server';
import type { SimJobSpec } from '../../../tools/simulator/spec';
import { memoryStore } from '../../support/memory-store';
import { jobGuid, vault } from './fakes';
import { P, seeded } from './harness';

const MIN = 60_000;
const HOUR = 60 * MIN;
const V = vault('watched');
const VKEY = `${V.subscriptionId}/${V.resourceGroup}/${V.vaultName}`.toLowerCase();

class Recorder implements Notifier {
  readonly delivered: AnyOutbound[] = [];
  private next = 1;
  deliver(message: AnyOutbound): Promise<DeliveryResult> {
    this.delivered.push(message);
    return Promise.resolve({ ok: true, activityId: `act-${this.next++}` });
  }
  watchJobs(conversationId: string): Array<Extract<AnyOutbound, { kind: 'watchJob' }>> {
    return this.delivered.filter(
      (m): m is Extract<AnyOutbound, { kind: 'watchJob' }> => m.kind === 'watchJob' && m.subscriber.conversationId === conversationId,
    );
  }
}

function spec(n: number, startAt: number, durationMs: number, outcome: SimJobSpec['outcome']): SimJobSpec {
  return {
    vault: V,
    jobId: jobGuid(n),
    jobType: 'AzureIaaSVMJob',
    operation: 'Backup',
    entityFriendlyName: `vm-${n}`,
    backupManagementType: 'AzureIaasVM',
    startAt,
    tasks: [{ name: 'Transfer data to vault', durationMs }],
    outcome,
    ...(outcome === 'Failed' || outcome === 'CompletedWithWarnings'
      ? { errorDetails: [{ code: `UserError${n}`, message: `job ${n} broke`, recommendations: [`fix ${n}`] }] }
      : {}),
  };
}

function watchOf(conversationId: string, mode: 'failures' | 'all' = 'failures'): WatchInput {
  return { conversationId, vault: V, mode, conversationRef: { conversation: { id: conversationId } }, setBy: { id: '29:a', name: 'Ada' } };
}

describe('watcher over the simulated vault', () => {
  let clock: VirtualClock;
  let sim: SimulatorServer;
  let origin: string;

  beforeEach(async () => {
    clock = new VirtualClock(Date.UTC(2026, 2, 1, 0, 0, 0));
    sim = new SimulatorServer({ clock, logger: silentLogger() });
    origin = await sim.start(0, '127.0.0.1');
  });
  afterEach(async () => {
    await sim.stop();
  });

  function stack(owners: string[] = ['w1'], rollupAbove = 5) {
    const logger = silentLogger();
    const store = memoryStore();
    const api = new ArmClient({ endpoint: origin, credential: 'none', clock, logger, maxAttempts: 1 });
    const gate = new ArmGate(api, new ReadBudget(), new Semaphore(4), clock);
    const watchers = owners.map(
      (owner) =>
        new Watcher({
          store,
          gate,
          clock,
          logger,
          owner,
          pollIntervalMs: P,
          limits: { watchesPerConversation: 10, rollupAbove, rollupListMax: 25 },
        }),
    );
    const notifier = new Recorder();
    const dispatcher = new Dispatcher({ store, notifier, clock, logger, owner: 'd', random: seeded(3) });
    const run = async (untilMs: number): Promise<void> => {
      while (clock.now() < untilMs) {
        for (const w of watchers) await w.tick();
        while ((await dispatcher.tick()).claimed > 0);
        await clock.advance(P);
      }
    };
    return { store, watchers, notifier, dispatcher, run };
  }

  it('tells a watching channel each failure once, with its errors, on one list per vault and interval across two instances', async () => {
    const t0 = clock.now();
    const outcomes = ['Completed', 'Failed', 'CompletedWithWarnings', 'Cancelled'] as const;
    for (let n = 1; n <= 12; n++) sim.addJob(spec(n, t0 + n * 5 * MIN, (10 + n) * MIN, outcomes[n % 4]));
    const s = stack(['instance-a', 'instance-b']);
    await s.store.setWatch(watchOf('19:ops@thread.tacv2'), t0, 10);
    await s.store.setWatch(watchOf('a:chat', 'failures'), t0, 10);
    sim.resetCounts();
    await s.run(t0 + 2 * HOUR);
    for (const conv of ['19:ops@thread.tacv2', 'a:chat']) {
      const got = s.notifier.watchJobs(conv);
      const expected = Array.from({ length: 12 }, (_, i) => i + 1).filter((n) => n % 4 !== 0);
      expect(got.map((m) => m.key.jobId).sort()).toEqual(expected.map(jobGuid).sort());
      for (const m of got) {
        const n = Number.parseInt(m.key.jobId.slice(-4), 16);
        expect(m.job.status).toBe(outcomes[n % 4]);
        if (m.job.status !== 'Cancelled')
          expect(m.job.errors).toEqual([
            expect.objectContaining({ title: `UserError${n}`, message: `job ${n} broke`, recommendations: [`fix ${n}`] }),
          ]);
      }
    }
    // 240 intervals: one list each (no per-job reads), whichever instance swept.
    expect(sim.counts()).toMatchObject({ listJobs: 240, getJob: 0 });
  });

  it('keeps the durations of the completed jobs its lists show, for estimates, at no extra read', async () => {
    const t0 = clock.now();
    const outcomes = ['Completed', 'Failed', 'CompletedWithWarnings', 'Cancelled'] as const;
    for (let n = 1; n <= 8; n++) sim.addJob({ ...spec(n, t0 + n * MIN, 10 * MIN, outcomes[n % 4]), entityFriendlyName: 'vm-nightly' });
    const s = stack();
    await s.store.setWatch(watchOf('c'), t0, 10);
    sim.resetCounts();
    await s.run(t0 + HOUR);
    const item = `${VKEY}\nazureiaasvmjob\n\nbackup\nvm-nightly`;
    const kept = (await s.store.durationStats([item])).get(item) ?? [];
    // Completed (4, 8) and CompletedWithWarnings (2, 6), newest first; failed and cancelled runs are left out.
    expect(kept.map((k) => [k.jobId, k.totalMs])).toEqual([8, 6, 4, 2].map((n) => [jobGuid(n), 10 * MIN]));
    expect(sim.counts()).toMatchObject({ listJobs: 120, getJob: 0 });
  });

  it('announces jobs that ended while it was down (up to 24 h) once on start, and none older', async () => {
    const t0 = clock.now();
    const s = stack();
    await s.store.setWatch(watchOf('c'), t0, 10);
    await s.run(t0 + 2 * P);
    sim.addJob(spec(1, t0 + HOUR, 30 * MIN, 'Failed')); // ends 29 h before the bot is back
    sim.addJob(spec(2, t0 + 20 * HOUR, 30 * MIN, 'Failed')); // ends 10 h before
    sim.addJob(spec(3, t0 + 20 * HOUR, 40 * MIN, 'Completed'));
    await clock.advance(30 * HOUR);
    await s.run(clock.now() + 3 * P);
    expect(s.notifier.watchJobs('c').map((m) => m.key.jobId)).toEqual([jobGuid(2)]);
  });

  it('rolls a burst above the threshold into one card per conversation, listing every job', async () => {
    const t0 = clock.now();
    for (let n = 1; n <= 40; n++) sim.addJob(spec(n, t0 + MIN, 20 * MIN + n * 100, 'Failed'));
    const s = stack(['w1'], 5);
    await s.store.setWatch(watchOf('c'), t0, 10);
    await s.run(t0 + HOUR);
    expect(s.notifier.delivered.map((m) => m.kind)).toEqual(['watchRollup']);
    const r = s.notifier.delivered[0];
    if (r.kind !== 'watchRollup') throw new Error('roll-up expected');
    expect(r.jobs).toHaveLength(25);
    expect(r.more).toBe(15);
  });

  it('with `all`, announces each start and replaces that card in place when the job ends', async () => {
    const t0 = clock.now();
    sim.addJob(spec(1, t0 + 2 * MIN, 10 * MIN, 'Completed'));
    const s = stack();
    await s.store.setWatch(watchOf('c', 'all'), t0, 10);
    await s.run(t0 + 20 * MIN);
    const [start, end] = s.notifier.watchJobs('c');
    expect([start.event, start.job.status, end.event, end.job.status]).toEqual(['started', 'InProgress', 'ended', 'Completed']);
    expect(start.subscriber.cardActivityId).toBeUndefined();
    expect(end.subscriber.cardActivityId).toBe('act-1');
    expect(s.notifier.delivered).toHaveLength(2);
    expect(await s.store.watchedVaultKeys()).toEqual([VKEY]);
  });
});
