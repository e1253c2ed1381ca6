/**
 * Watch benchmark (`npm run bench:watch`): the real watcher, ArmClient, SQLite store and outbox
 * dispatcher against the simulated vault over HTTP on 127.0.0.1, on a virtual clock.
 *
 * W1: 50 watched vaults (one channel watching failures in each) with 2,000 jobs a day among them
 * (seeded, durations 5–180 min, 7 % failed, 6 % with warnings, 2 % cancelled, starts spread over
 * the day), P = 30 s, BENCH_WATCH_HOURS simulated hours (default 4). Reports ARM reads per
 * vault-hour (lists and their pages; GETs must be zero), notices against the vault's truth, and
 * the notice latency (job end → delivered) p50/p99.
 */
import { ArmClient } from '../src/azure/arm-client';
import { VirtualClock } from '../src/core/clock';
import { silentLogger } from '../src/core/logger';
import type { AnyOutbound, DeliveryResult } from '../src/domain/subscriber';
import { SqliteStore } from '../src/store/sqlite/sqlite-store';
import { ArmGate } from '../src/tracker/arm-gate';
import { ReadBudget } from '../src/tracker/budget';
import { Dispatcher } from '../src/tracker/dispatcher';
import type { Notifier } from '../src/tracker/ports';
import { Semaphore } from '../src/tracker/semaphore';
import { Watcher } from '../src/tracker/watcher';
import { generatedJobs } from '../tools/simulator/generated-jobs';
import { createRecord, endOf } from '../tools/simulator/job-state';
import { SimulatorServer } from '../tools/simulator/server';
import { percentile, printTable, writeResults } from './lib/stats';

const SUB = '6d3b1f0e-4a5c-4f7e-9b2d-0c1e2f3a4b5c';
const P = 30_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 23, 22, 0, 0);
const VAULTS = 50;
const JOBS_PER_DAY = 2_000;
const HOURS = Number(process.env['BENCH_WATCH_HOURS'] ?? 4);

class Recorder implements Notifier {
  readonly delivered: Array<{ at: number; message: AnyOutbound }> = [];
  constructor(private readonly clock: VirtualClock) {}
  deliver(message: AnyOutbound): Promise<DeliveryResult> {
    this.delivered.push({ at: this.clock.now(), message });
    return Promise.resolve({ ok: true, activityId: `a${this.delivered.length}` });
  }
}

async function main(): Promise<void> {
  const clock = new VirtualClock(T0);
  // A day of jobs, from a day before the run: the watch starts on a vault already busy.
  const jobs = generatedJobs({
    seed: 11,
    jobs: 2 * JOBS_PER_DAY,
    vaults: VAULTS,
    subscriptionId: SUB,
    start: T0 - 24 * HOUR,
    startSpreadMs: 48 * HOUR,
    minDurationMs: 5 * 60_000,
    maxDurationMs: 180 * 60_000,
  });
  const sim = new SimulatorServer({ clock, jobs, logger: silentLogger() });
  const origin = await sim.start(0, '127.0.0.1');
  const logger = silentLogger();
  const store = new SqliteStore({ path: ':memory:' });
  await store.init();
  const api = new ArmClient({ endpoint: origin, credential: 'none', clock, logger, maxAttempts: 1 });
  // A budget that never defers: the count is the watch's, not the budget's.
  const gate = new ArmGate(api, new ReadBudget({ capacity: 100_000, refillPerSec: 100_000 }), new Semaphore(8), clock);
  const watcher = new Watcher({
    store,
    gate,
    clock,
    logger,
    owner: 'w',
    pollIntervalMs: P,
    limits: { watchesPerConversation: 10, rollupAbove: 5, rollupListMax: 25 },
  });
  const notifier = new Recorder(clock);
  const dispatcher = new Dispatcher({ store, notifier, clock, logger, owner: 'd' });
  const vaults = [...new Map(jobs.map((j) => [j.vault.vaultName, j.vault])).values()];
  for (const [i, vault] of vaults.entries()) {
    await store.setWatch(
      { conversationId: `19:channel-${i}@thread.tacv2`, vault, mode: 'failures', conversationRef: {}, setBy: { id: '29:a', name: 'Ops' } },
      T0,
      10,
    );
  }
  sim.resetCounts();
  const started = Date.now();
  const end = T0 + HOURS * HOUR;
  while (clock.now() < end) {
    await clock.advance(P);
    await watcher.tick();
    while ((await dispatcher.tick()).claimed > 0);
  }
  const wall = (Date.now() - started) / 1000;
  const cpu = process.cpuUsage();
  const counts = sim.counts();
  const failures = jobs.filter((j) => {
    if (j.outcome === 'Completed') return false;
    const e = endOf(createRecord(j));
    return e >= T0 && e <= end - P;
  });
  const announced = new Map<string, number>();
  const latency: number[] = [];
  const endAt = new Map(jobs.map((j) => [j.jobId, endOf(createRecord(j))]));
  for (const d of notifier.delivered) {
    const ids =
      d.message.kind === 'watchJob' ? [d.message.key.jobId] : d.message.kind === 'watchRollup' ? d.message.jobs.map((j) => j.jobId) : [];
    for (const id of ids) {
      announced.set(id, (announced.get(id) ?? 0) + 1);
      latency.push(d.at - endAt.get(id)!);
    }
  }
  const row = {
    scenario: 'W1 50 watched vaults',
    hours: HOURS,
    lists: counts['listJobs'] ?? 0,
    gets: counts['getJob'] ?? 0,
    readsPerVaultHour: Math.round(((counts['listJobs'] ?? 0) / VAULTS / HOURS) * 10) / 10,
    failuresEnded: failures.length,
    announced: announced.size,
    twice: [...announced.values()].filter((n) => n > 1).length,
    missing: failures.filter((f) => !announced.has(f.jobId)).length,
    cards: notifier.delivered.length,
    noticeP50s: Math.round(percentile(latency, 50) / 100) / 10,
    noticeP99s: Math.round(percentile(latency, 99) / 100) / 10,
    wallSeconds: Math.round(wall * 10) / 10,
    // bench:tracker runs this as its W1 scenario and adds this to the run's CPU.
    cpuSeconds: Math.round(((cpu.user + cpu.system) / 1e6) * 10) / 10,
  };
  printTable([row], Object.keys(row) as Array<keyof typeof row>);
  console.log(`results: ${writeResults('watch', [row])}`);
  await sim.stop();
  await store.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
