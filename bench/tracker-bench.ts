/**
 * Tracker benchmark (`npm run bench:tracker`): the real tracker, ArmClient, SQLite store and
 * outbox dispatcher against the simulated vault over HTTP on 127.0.0.1, on a virtual clock, so
 * hours of a backup window run in a minute or two.
 *
 * P1 efficiency: 2,000 jobs / 40 vaults, durations 5–180 min (seeded lognormal), starts spread
 *   over 2 h; the default strategy vs `naive` (GET every job every interval). Both run with a read
 *   budget large enough never to defer, so the comparison is of the strategies alone.
 * P2 capacity: 10,000 jobs / 50 vaults running for 2 simulated hours in one process, with the
 *   default budget; peak RSS (simulator included) and event-loop lag (real time).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ArmClient } from '../src/azure/arm-client';
import type { JobKey } from '../src/domain/job';
import { VirtualClock } from '../src/core/clock';
import { silentLogger } from '../src/core/logger';
import { generatedJobs } from '../tools/simulator/generated-jobs';
import type { SimJobSpec } from '../tools/simulator/spec';
import { SimulatorServer } from '../tools/simulator/server';
import { SqliteStore } from '../src/store/sqlite/sqlite-store';
import { Dispatcher } from '../src/tracker/dispatcher';
import { Tracker } from '../src/tracker/engine';
import type { Notifier } from '../src/tracker/ports';
import type { DeliveryResult, OutboundMessage } from '../src/domain/subscriber';
import { TrackerServiceImpl } from '../src/tracker/tracker-service';
import { percentile, printTable, writeResults } from './lib/stats';

const SUB = '6d3b1f0e-4a5c-4f7e-9b2d-0c1e2f3a4b5c';
const P = 30_000;
const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 10, 23, 22, 0, 0);

interface Scenario {
  readonly name: string;
  readonly strategy: 'default' | 'naive';
  readonly jobs: SimJobSpec[];
  readonly vaults: number;
  /** Simulated time the run lasts. */
  readonly durationMs: number;
  readonly budget?: { capacity: number; refillPerSec: number };
  /** Label of a tuning variant, and its schedule options. */
  readonly variant?: string;
  readonly schedule?: { detailMaxFactor?: number };
}

interface Row {
  scenario: string;
  strategy: string;
  jobs: number;
  vaults: number;
  armReads: number;
  gets: number;
  lists: number;
  readsPerJobHour: number;
  notices: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  peakRssMb: number;
  loopLagP99Ms: number;
  realSeconds: number;
}

class RecordingNotifier implements Notifier {
  readonly finals = new Map<string, number[]>();
  private seq = 0;
  constructor(private readonly clock: VirtualClock) {}
  deliver(message: OutboundMessage): Promise<DeliveryResult> {
    if (message.kind === 'final') {
      const at = this.clock.now();
      const list = this.finals.get(message.key.jobId) ?? [];
      list.push(at);
      this.finals.set(message.key.jobId, list);
    }
    return Promise.resolve({ ok: true, activityId: `a-${++this.seq}` });
  }
}

async function run(s: Scenario): Promise<Row> {
  const realStart = process.hrtime.bigint();
  const clock = new VirtualClock(T0);
  const logger = silentLogger();
  const dir = mkdtempSync(join(tmpdir(), 'bench-tracker-'));
  const sim = new SimulatorServer({ clock, jobs: s.jobs });
  const url = await sim.start(0, '127.0.0.1');
  // The tracker backs off and budgets reads itself: one HTTP attempt per read.
  const api = new ArmClient({ endpoint: url, credential: 'none', clock, logger, maxAttempts: 1 });
  const store = new SqliteStore({ path: join(dir, 'state.db'), logger });
  await store.init();
  const tracker = new Tracker({
    store,
    api,
    clock,
    logger,
    owner: 'bench',
    pollIntervalMs: P,
    strategy: s.strategy,
    ...(s.budget ? { budget: s.budget } : {}),
    ...(s.schedule ? { schedule: s.schedule } : {}),
  });
  const service = new TrackerServiceImpl({ store, api, clock, logger, engine: tracker, pollIntervalMs: P });
  const notifier = new RecordingNotifier(clock);
  const dispatcher = new Dispatcher({ store, notifier, clock, logger, owner: 'bench' });
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  let peakRss = process.memoryUsage().rss;

  const pending = [...s.jobs].sort((a, b) => a.startAt - b.startAt);
  let next = 0;
  const end = T0 + s.durationMs;
  const trackedAt = new Map<string, number>();
  const toTrack: SimJobSpec[] = [];
  const tracking: Promise<void>[] = [];
  let trackers = 0;
  // Users ask to track a job as soon as it starts; eight at a time, like a busy channel.
  const trackWorker = async (): Promise<void> => {
    for (let spec = toTrack.shift(); spec; spec = toTrack.shift()) {
      const key: JobKey = { vault: spec.vault, jobId: spec.jobId };
      const out = await service.track(key, {
        conversationId: `conv-${spec.jobId}`,
        conversationRef: { conversation: { id: `conv-${spec.jobId}` }, serviceUrl: 'http://127.0.0.1:1/' },
        requester: { id: 'user-1', name: 'Bench User' },
      });
      if (out.ok && !out.finished) trackedAt.set(spec.jobId, clock.now());
      else if (!out.ok && out.error === 'throttled') toTrack.push(spec);
    }
  };
  let nextReport = T0 + 15 * MIN;
  while (clock.now() < end) {
    const now = clock.now();
    if (now >= nextReport) {
      nextReport += 15 * MIN;
      const elapsed = Number(process.hrtime.bigint() - realStart) / 1e9;
      process.stderr.write(
        `  ${s.name}/${s.variant ?? s.strategy}: +${Math.round((now - T0) / MIN)} min simulated, ${trackedAt.size} tracked, ${sim.counts()['total'] ?? 0} reads, rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB, ${elapsed.toFixed(0)} s real\n`,
      );
    }
    while (next < pending.length && pending[next]!.startAt <= now) toTrack.push(pending[next++]!);
    // track() may wait on the (virtual) clock for read budget, so the loop must not block on it.
    while (trackers < 8 && toTrack.length > 0) {
      trackers++;
      tracking.push(trackWorker().finally(() => trackers--));
    }
    await tracker.tick();
    await dispatcher.tick();
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const candidates = [
      end,
      await store.nextDueAt(),
      await store.nextMessageAt(),
      pending[next]?.startAt,
      toTrack.length > 0 ? now + 1000 : undefined,
    ].filter((t): t is number => t !== undefined);
    const wake = Math.max(now + 100, Math.min(...candidates));
    await clock.advance(wake - now);
  }
  lag.disable();
  await Promise.all(tracking);

  const latencies: number[] = [];
  let jobHours = 0;
  let duplicates = 0;
  for (const spec of s.jobs) {
    const startedTracking = trackedAt.get(spec.jobId);
    if (startedTracking === undefined) continue;
    const truth = sim.truth(spec.jobId);
    const trackedUntil = truth?.endedAt !== undefined ? Math.min(truth.endedAt, end) : end;
    jobHours += Math.max(0, trackedUntil - startedTracking) / HOUR;
    const sent = notifier.finals.get(spec.jobId) ?? [];
    if (sent.length > 1) duplicates += sent.length - 1;
    if (truth?.endedAt !== undefined && truth.endedAt <= end && sent.length > 0) latencies.push(sent[0]! - truth.endedAt);
  }
  if (duplicates > 0) process.stderr.write(`WARNING: ${duplicates} duplicate completion notices in ${s.name}/${s.strategy}\n`);
  const armReads = sim.counts()['total'] ?? 0;
  await dispatcher.stop();
  await tracker.stop();
  await api.close();
  await store.close();
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
  return {
    scenario: s.name,
    strategy: s.variant ? `${s.strategy} (${s.variant})` : s.strategy,
    jobs: s.jobs.length,
    vaults: s.vaults,
    armReads,
    gets: sim.counts()['getJob'] ?? 0,
    lists: sim.counts()['listJobs'] ?? 0,
    readsPerJobHour: jobHours > 0 ? armReads / jobHours : 0,
    notices: latencies.length,
    latencyP50Ms: percentile(latencies, 50),
    latencyP99Ms: percentile(latencies, 99),
    peakRssMb: Math.round(peakRss / 2 ** 20),
    loopLagP99Ms: Math.round(lag.percentile(99) / 1e6),
    realSeconds: Number(process.hrtime.bigint() - realStart) / 1e9,
  };
}

async function main(): Promise<void> {
  const only = process.argv[2];
  const rows: Row[] = [];
  const unlimited = { capacity: 1_000_000, refillPerSec: 100_000 };
  if (!only || only === 'P1') {
    const jobs = generatedJobs({
      seed: 42,
      jobs: 2000,
      vaults: 40,
      subscriptionId: SUB,
      start: T0,
      startSpreadMs: 2 * HOUR,
      minDurationMs: 5 * MIN,
      maxDurationMs: 180 * MIN,
    });
    const durationMs = 2 * HOUR + 180 * MIN + 10 * MIN;
    for (const strategy of ['naive', 'default'] as const) {
      rows.push(await run({ name: 'P1', strategy, jobs, vaults: 40, durationMs, budget: unlimited }));
    }
    // Informational: what slower task-detail reads would buy (cards more stale between changes).
    rows.push(
      await run({
        name: 'P1',
        strategy: 'default',
        variant: 'detail<=16P',
        schedule: { detailMaxFactor: 16 },
        jobs,
        vaults: 40,
        durationMs,
        budget: unlimited,
      }),
    );
  }
  if (!only || only === 'P2') {
    // All 10,000 run for at least 100 min; the few that end before the 2 h are up measure notice latency under load.
    const jobs = generatedJobs({
      seed: 7,
      jobs: 10_000,
      vaults: 50,
      subscriptionId: SUB,
      start: T0,
      startSpreadMs: 1,
      minDurationMs: 100 * MIN,
      maxDurationMs: 6 * HOUR,
    });
    rows.push(await run({ name: 'P2', strategy: 'default', jobs, vaults: 50, durationMs: 2 * HOUR }));
  }
  printTable(rows, [
    'scenario',
    'strategy',
    'jobs',
    'vaults',
    'armReads',
    'gets',
    'lists',
    'readsPerJobHour',
    'notices',
    'latencyP50Ms',
    'latencyP99Ms',
    'peakRssMb',
    'loopLagP99Ms',
    'realSeconds',
  ]);
  const naive = rows.find((r) => r.scenario === 'P1' && r.strategy === 'naive');
  const dflt = rows.find((r) => r.scenario === 'P1' && r.strategy === 'default');
  if (naive && dflt) {
    process.stdout.write(
      `\nP1 ARM reads, default / naive: ${(dflt.armReads / naive.armReads).toFixed(3)} (target <= 0.2)\n` +
        `P1 completion-to-notice p99, default / naive: ${(dflt.latencyP99Ms / naive.latencyP99Ms).toFixed(2)} (target <= 1.0)\n`,
    );
  }
  const p2 = rows.find((r) => r.scenario === 'P2');
  if (p2) process.stdout.write(`P2 peak RSS ${p2.peakRssMb} MB (target <= 300), event-loop lag p99 ${p2.loopLagP99Ms} ms (target <= 50)\n`);
  process.stdout.write(`results: ${writeResults('tracker', rows)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
