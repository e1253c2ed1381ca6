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
import { fork } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ArmClient } from '../src/azure/arm-client';
import type { JobKey } from '../src/domain/job';
import { VirtualClock } from '../src/core/clock';
import { silentLogger } from '../src/core/logger';
import { generatedJobs } from '../tools/simulator/generated-jobs';
import type { SimJobSpec } from '../tools/simulator/spec';
import { SqliteStore } from '../src/store/sqlite/sqlite-store';
import { Dispatcher } from '../src/tracker/dispatcher';
import { Tracker } from '../src/tracker/engine';
import type { Notifier } from '../src/tracker/ports';
import type { DeliveryResult, OutboundMessage } from '../src/domain/subscriber';
import { TrackerServiceImpl } from '../src/tracker/tracker-service';
import { InFlightApi } from './lib/in-flight-api';
import { InProcessSimulator, SimulatorProcess, stampingPool, type BenchSimulator } from './lib/sim-process';
import { percentile, printTable, writeResults } from './lib/stats';

const SUB = '6d3b1f0e-4a5c-4f7e-9b2d-0c1e2f3a4b5c';
const P = 30_000;
const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 10, 23, 22, 0, 0);
const P1_SIM = (process.env['BENCH_P1_SIM'] ?? 'in-process') as 'process' | 'in-process';
const P2_SIM = (process.env['BENCH_P2_SIM'] ?? 'process') as 'process' | 'in-process';

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
  /** Where the simulated vault runs: its own process (the bot's lag and RSS alone) or the bot's. */
  readonly simulator: 'process' | 'in-process';
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
  const sim: BenchSimulator =
    s.simulator === 'process' ? await SimulatorProcess.start(s.jobs, clock.now()) : await InProcessSimulator.start(s.jobs, clock);
  const pool = s.simulator === 'process' ? stampingPool(sim.url, clock) : undefined;
  // The tracker backs off and budgets reads itself: one HTTP attempt per read.
  const arm = new ArmClient({
    endpoint: sim.url,
    credential: 'none',
    clock,
    logger,
    maxAttempts: 1,
    ...(pool ? { dispatcher: pool.dispatcher } : {}),
  });
  const api = new InFlightApi(arm);
  // The production SqliteStore, in memory: the figures are the bot's, not this machine's disk
  // (WAL appends and checkpoint fsyncs took more than half the run's wall time on a shared VM).
  const store = new SqliteStore({ path: ':memory:', logger });
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
  // Sampled on a real-time timer: reading RSS is a /proc read, too dear for every loop turn.
  let peakRss = process.memoryUsage.rss();
  const rssTimer = setInterval(() => {}, 50);

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
      const line = `  ${s.name}/${s.variant ?? s.strategy}: +${Math.round((now - T0) / MIN)} min simulated, ${trackedAt.size} tracked`;
      const rss = Math.round(process.memoryUsage.rss() / 2 ** 20);
      // Not awaited: the loop must not yield here, or the run would differ from one without reports.
      void sim.counts().then(
        (c) => process.stderr.write(`${line}, ${c['total'] ?? 0} reads, rss ${rss} MB, ${elapsed.toFixed(0)} s real\n`),
        () => undefined,
      );
    }
    while (next < pending.length && pending[next].startAt <= now) toTrack.push(pending[next++]);
    // track() may wait on the (virtual) clock for read budget, so the loop must not block on it.
    while (trackers < 8 && toTrack.length > 0) {
      trackers++;
      tracking.push(trackWorker().finally(() => trackers--));
    }
    await tracker.tick();
    await dispatcher.tick();
    const candidates = [
      end,
      await store.nextDueAt(),
      await store.nextMessageAt(),
      pending[next]?.startAt,
      toTrack.length > 0 ? now + 1000 : undefined,
    ].filter((t): t is number => t !== undefined);
    const wake = Math.max(now + 100, Math.min(...candidates));
    await clock.advance(wake - now, () => api.settle());
  }
  lag.disable();
  clearInterval(rssTimer);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  await Promise.all(tracking);

  const endedAt = await sim.endings(clock.now());
  const latencies: number[] = [];
  let jobHours = 0;
  let duplicates = 0;
  for (const spec of s.jobs) {
    const startedTracking = trackedAt.get(spec.jobId);
    if (startedTracking === undefined) continue;
    const ended = endedAt.get(spec.jobId);
    const trackedUntil = ended !== undefined ? Math.min(ended, end) : end;
    jobHours += Math.max(0, trackedUntil - startedTracking) / HOUR;
    const sent = notifier.finals.get(spec.jobId) ?? [];
    if (sent.length > 1) duplicates += sent.length - 1;
    if (ended !== undefined && ended <= end && sent.length > 0) latencies.push(sent[0] - ended);
  }
  if (duplicates > 0) process.stderr.write(`WARNING: ${duplicates} duplicate completion notices in ${s.name}/${s.strategy}\n`);
  const counts = await sim.counts();
  const armReads = counts['total'] ?? 0;
  await dispatcher.stop();
  await tracker.stop();
  await arm.close();
  await pool?.close();
  await store.close();
  await sim.stop();
  return {
    scenario: s.name,
    strategy: s.variant ? `${s.strategy} (${s.variant})` : s.strategy,
    jobs: s.jobs.length,
    vaults: s.vaults,
    armReads,
    gets: counts['getJob'] ?? 0,
    lists: counts['listJobs'] ?? 0,
    readsPerJobHour: jobHours > 0 ? armReads / jobHours : 0,
    notices: latencies.length,
    latencyP50Ms: percentile(latencies, 50),
    latencyP99Ms: percentile(latencies, 99),
    peakRssMb: Math.round(peakRss / 2 ** 20),
    loopLagP99Ms: Math.round(lag.percentile(99) / 1e6),
    realSeconds: Number(process.hrtime.bigint() - realStart) / 1e9,
  };
}

/** BENCH_SCALE (0 < s <= 1) shrinks jobs and vaults for development runs; the README figures are at 1. */
function benchScale(): number {
  const raw = process.env['BENCH_SCALE'];
  if (raw === undefined || raw === '') return 1;
  const s = Number(raw);
  if (!(s > 0 && s <= 1)) throw new RangeError(`BENCH_SCALE must be a number in (0, 1], got '${raw}'`);
  return s;
}

const SCENARIO_IDS = ['P1-naive', 'P1-default', 'P1-detail16', 'P2'] as const;
type ScenarioId = (typeof SCENARIO_IDS)[number];

function scenario(id: ScenarioId, scale: number): Scenario {
  const n = (count: number): number => Math.max(1, Math.round(count * scale));
  const unlimited = { capacity: 1_000_000, refillPerSec: 100_000 };
  if (id === 'P2') {
    // All 10,000 run for at least 100 min; the few that end before the 2 h are up measure notice latency under load.
    const jobs = generatedJobs({
      seed: 7,
      jobs: n(10_000),
      vaults: n(50),
      subscriptionId: SUB,
      start: T0,
      startSpreadMs: 1,
      minDurationMs: 100 * MIN,
      maxDurationMs: 6 * HOUR,
    });
    return { name: 'P2', strategy: 'default', jobs, vaults: n(50), durationMs: 2 * HOUR, simulator: P2_SIM };
  }
  const jobs = generatedJobs({
    seed: 42,
    jobs: n(2000),
    vaults: n(40),
    subscriptionId: SUB,
    start: T0,
    startSpreadMs: 2 * HOUR,
    minDurationMs: 5 * MIN,
    maxDurationMs: 180 * MIN,
  });
  const base = { name: 'P1', jobs, vaults: n(40), durationMs: 2 * HOUR + 180 * MIN + 10 * MIN, budget: unlimited, simulator: P1_SIM };
  if (id === 'P1-naive') return { ...base, strategy: 'naive' };
  if (id === 'P1-default') return { ...base, strategy: 'default' };
  // Informational: what slower task-detail reads would buy (cards more stale between changes).
  return { ...base, strategy: 'default', variant: 'detail<=16P', schedule: { detailMaxFactor: 16 } };
}

/** Set in a forked child: the one scenario it runs and reports to its parent. */
const SCENARIO_ENV = 'BENCH_TRACKER_SCENARIO';

/** Runs each scenario in a fresh process (a clean heap for its RSS), at most `lanes` at a time, rows in the order given. */
async function runForked(ids: readonly ScenarioId[], lanes: number): Promise<Row[]> {
  const rows = new Map<ScenarioId, Row>();
  const queue = [...ids];
  const lane = async (): Promise<void> => {
    for (let id = queue.shift(); id; id = queue.shift()) {
      const child = fork(__filename, [], { env: { ...process.env, [SCENARIO_ENV]: id }, stdio: 'inherit' });
      const row = await new Promise<Row>((resolve, reject) => {
        child.once('message', (m: Row) => resolve(m));
        child.once('exit', (code) => reject(new Error(`scenario ${id} exited (${code}) without a result`)));
      });
      rows.set(id, row);
      // As each finishes: a long run stopped early still leaves the rows it had.
      process.stderr.write(`  done: ${JSON.stringify(row)}\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, ids.length) }, lane));
  return ids.map((id) => rows.get(id)!);
}

async function main(): Promise<void> {
  const scale = benchScale();
  const own = process.env[SCENARIO_ENV];
  if (own !== undefined) {
    const id = SCENARIO_IDS.find((x) => x === own);
    if (!id) throw new Error(`unknown scenario '${own}'`);
    const row = await run(scenario(id, scale));
    if (process.send) process.send(row);
    else process.stdout.write(`${JSON.stringify(row)}\n`);
    return;
  }
  const only = process.argv[2] ?? process.env['BENCH_ONLY'];
  const started = process.hrtime.bigint();
  const rows: Row[] = [];
  // P1's three runs only count reads and virtual latencies: they share the two cores. P2 then runs
  // alone, since its event-loop lag and RSS are targets.
  if (!only || only === 'P1') rows.push(...(await runForked(['P1-naive', 'P1-default', 'P1-detail16'], 2)));
  if (!only || only === 'P2') rows.push(...(await runForked(['P2'], 1)));
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
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(`results: ${writeResults('tracker', rows)}\ntotal ${wall.toFixed(0)} s\n`);
}

main().then(
  () => process.disconnect?.(),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
