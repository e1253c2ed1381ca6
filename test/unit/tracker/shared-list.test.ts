/**
 * A vault both tracked and watched, against the simulated vault over HTTP on a virtual clock: the
 * tracker's sweep and the watcher share one BackupJobs_List per interval (shared-list.ts), every
 * tracked end is still noticed within one interval, and each watched failure is announced once.
 * The same scenario without the shared list costs two lists per interval (the control).
 */
import { ArmClient } from '../../../src/azure/arm-client';
import { jobKeyString } from '../../../src/azure/ids';
import type { JobKey } from '../../../src/domain/job';
import type { AnyOutbound } from '../../../src/domain/subscriber';
import { VirtualClock } from '../../../src/core/clock';
import { silentLogger } from '../../../src/core/logger';
import { Dispatcher } from '../../../src/tracker/dispatcher';
import { Tracker } from '../../../src/tracker/engine';
import type { TrackerEvent } from '../../../src/tracker/engine-contract';
import { SharedVaultLists } from '../../../src/tracker/shared-list';
import { TrackerServiceImpl } from '../../../src/tracker/tracker-service';
import { Watcher } from '../../../src/tracker/watcher';
import { SimulatorServer } from '../../../tools/simulator/server';
import { memoryStore } from '../../support/memory-store';
import { jobGuid, RecordingNotifier, subscriber, vault } from './fakes';
import { P, seeded } from './harness';

const MIN = 60_000;
const V = vault('both');
const WATCHING = '19:ops@thread.tacv2';

async function scenario(shared: boolean, oldJob = false) {
  const clock = new VirtualClock(Date.UTC(2026, 2, 1, 0, 0, 0));
  const sim = new SimulatorServer({ clock, logger: silentLogger() });
  const origin = await sim.start(0, '127.0.0.1');
  try {
    const t0 = clock.now();
    const keys: JobKey[] = [];
    for (let i = 1; i <= 6; i++) {
      sim.addJob({
        vault: V,
        jobId: jobGuid(i),
        jobType: 'AzureIaaSVMJob',
        operation: 'Backup',
        entityFriendlyName: `vm-${i}`,
        backupManagementType: 'AzureIaasVM',
        startAt: t0 - 30_000,
        tasks: [{ name: 'Transfer data to vault', durationMs: (20 + 5 * i) * MIN }],
        outcome: i % 3 === 0 ? 'Failed' : 'Completed',
        ...(i % 3 === 0 ? { errorDetails: [{ code: 'UserErrorX', message: 'broke', recommendations: ['fix'] }] } : {}),
      });
      keys.push({ vault: V, jobId: jobGuid(i) });
    }
    if (oldJob) {
      // Started 50 hours ago: older than any watch window (48 h at most).
      sim.addJob({
        vault: V,
        jobId: jobGuid(7),
        jobType: 'AzureIaaSVMJob',
        operation: 'Restore',
        entityFriendlyName: 'vm-7',
        backupManagementType: 'AzureIaasVM',
        startAt: t0 - 50 * 60 * MIN,
        tasks: [{ name: 'Transfer data', durationMs: 50 * 60 * MIN + 40 * MIN }],
        outcome: 'Completed',
      });
      keys.push({ vault: V, jobId: jobGuid(7) });
    }
    const logger = silentLogger();
    const api = new ArmClient({ endpoint: origin, credential: 'none', clock, logger, maxAttempts: 1 });
    const store = memoryStore();
    const events: TrackerEvent[] = [];
    const lists = shared ? new SharedVaultLists() : undefined;
    const tracker = new Tracker({
      store,
      api,
      clock,
      logger,
      owner: 't',
      pollIntervalMs: P,
      random: seeded(),
      onEvent: (e) => events.push(e),
      ...(lists ? { sharedLists: lists } : {}),
    });
    const watcher = new Watcher({ store, gate: tracker.gate, clock, logger, owner: 't', pollIntervalMs: P });
    lists?.attach(watcher);
    const notifier = new RecordingNotifier(clock);
    const dispatcher = new Dispatcher({ store, notifier, clock, logger, owner: 't', random: seeded(5) });
    const service = new TrackerServiceImpl({ store, api, clock, logger, engine: tracker, pollIntervalMs: P });
    for (const k of keys) expect(await service.track(k, subscriber('team-thread'))).toMatchObject({ ok: true, finished: false });
    await store.setWatch(
      {
        conversationId: WATCHING,
        vault: V,
        mode: 'failures',
        conversationRef: { conversation: { id: WATCHING } },
        setBy: { id: '29:a', name: 'Ada' },
      },
      t0,
      10,
    );
    const lists_: number[] = [];
    // The tracker's own lists ask for running jobs only; the watcher's ask for every status.
    const runningOnly: number[] = [];
    sim.reads.observe((r) => {
      if (r.kind !== 'listJobs' || r.nextPage === true) return;
      lists_.push(clock.now());
      if (/InProgress/.test(r.filter ?? '')) runningOnly.push(clock.now());
    });

    // The watcher's loop runs on its own phase, a third of an interval after the start.
    let nextWatch = t0 + P / 3;
    const end = t0 + 60 * MIN;
    while (clock.now() < end) {
      const due = Math.min((await store.nextDueAt()) ?? Infinity, (await store.nextMessageAt()) ?? Infinity, nextWatch);
      await clock.advance(Math.max(0, due - clock.now()));
      if (clock.now() >= nextWatch) {
        await watcher.tick();
        nextWatch += P;
      }
      await tracker.tick();
      while ((await dispatcher.tick()).claimed > 0);
    }

    const finals = notifier.of('final');
    expect(finals).toHaveLength(keys.length);
    let lastEndSeen = t0;
    for (const f of finals) {
      if (f.message.kind !== 'final') continue;
      const job = f.message.job;
      const seen = events.find((e) => e.type === 'ended' && e.jobKey === jobKeyString({ vault: V, jobId: job.jobId }))!.at;
      // Every tracked end is noticed within one interval.
      expect(seen - Date.parse(job.endTime!)).toBeLessThanOrEqual(P);
      lastEndSeen = Math.max(lastEndSeen, seen);
    }
    const watched = notifier.delivered
      .map((d) => d.message as AnyOutbound)
      .filter((m): m is Extract<AnyOutbound, { kind: 'watchJob' }> => m.kind === 'watchJob' && m.subscriber.conversationId === WATCHING);
    expect(watched.map((m) => m.key.jobId).sort()).toEqual([jobGuid(3), jobGuid(6)].sort());
    // Lists while the vault was both tracked and watched, after the first three intervals: in them
    // the watcher's loop still lists once more before it sees the tracker's mark (one extra list).
    const from = t0 + 3 * P;
    const during = lists_.filter((t) => t >= from && t <= lastEndSeen);
    const intervals = (lastEndSeen - from) / P;
    return { during, intervals, watched: watched.length, trackerOwn: runningOnly.filter((t) => t >= from && t <= lastEndSeen).length };
  } finally {
    await sim.stop();
  }
}

describe('a vault both tracked and watched', () => {
  it('is listed once per interval: the watcher sweeps it for the tracker, every end still seen within an interval', async () => {
    const { during, intervals, trackerOwn } = await scenario(true);
    expect(intervals).toBeGreaterThan(80);
    expect(trackerOwn).toBe(0);
    expect(during.length).toBeLessThanOrEqual(Math.ceil(intervals) + 1);
    // Never two lists within less than (almost) an interval of each other.
    const close = during
      .slice(1)
      .map((t, i) => [during[i] - during[0], t - during[i]])
      .filter(([, gap]) => gap < 0.9 * P);
    expect(close).toEqual([]);
  });

  it('control: without the shared list, the same vault costs two lists per interval', async () => {
    const { during, intervals } = await scenario(false);
    expect(during.length).toBeGreaterThanOrEqual(Math.floor(1.5 * intervals));
  });

  it('a tracked job older than the watch window: the tracker lists for itself, its end still seen within an interval', async () => {
    // The watcher does not widen its list of every status back 50 hours; both list, as without sharing.
    const { during, trackerOwn, watched } = await scenario(true, true);
    expect(trackerOwn).toBeGreaterThan(0);
    expect(during.length).toBeGreaterThan(trackerOwn);
    expect(watched).toBe(2);
  });
});
