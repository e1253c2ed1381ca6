/**
 * Tracker benchmark (`npm run bench:tracker`): the real tracker, ArmClient, SQLite store and
 * outbox dispatcher against the simulated vault over HTTP on 127.0.0.1, on a virtual clock, so
 * hours of a backup window run in a minute or two (bench/lib/tracker-run.ts).
 *
 * P1 efficiency: 2,000 jobs / 40 vaults, durations 5–180 min (seeded lognormal), starts spread
 *   over 2 h; the default strategy vs `naive` (GET every job every interval). Both run with a read
 *   budget large enough never to defer, so the comparison is of the strategies alone. Each P1 row
 *   also reports card staleness (bench/lib/card-staleness.ts). P1-history is the default strategy
 *   with 7 past nightly runs of every item in the vault (issue 11's duration estimates learn from them).
 * P2 capacity: 10,000 jobs / 50 vaults running for 2 simulated hours in one process, with the
 *   default budget; the bot's peak RSS and event-loop lag (real time), the simulated vault in a
 *   process of its own.
 * W1 watch: 50 watched vaults, 2,000 jobs a day (bench/watch-bench.ts, also `npm run bench:watch`):
 *   ARM reads per vault-hour.
 *
 * Each scenario runs in a forked process; the run prints and records its wall time and the CPU of
 * every process it started.
 */
import { fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { printTable, writeResults } from './lib/stats';
import { runScenario } from './lib/tracker-run';
import { SCENARIO_IDS, benchScale, ownCpuSeconds, scenario, type Row, type ScenarioId } from './lib/tracker-scenarios';

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

interface WatchRow {
  scenario: string;
  readsPerVaultHour: number;
  failuresEnded: number;
  announced: number;
  noticeP99s: number;
  cpuSeconds: number;
}

/**
 * Issue 11's watch scenario (50 watched vaults, 2,000 jobs a day) is bench/watch-bench.ts; the full
 * run includes it (about 20 s) so that one command reports every target. Its row comes back
 * through bench/results/watch.json.
 */
async function runWatch(): Promise<WatchRow> {
  const child = spawn(process.execPath, [join(__dirname, 'watch-bench.js')], { stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the watch benchmark exited (${code})`);
  const [row] = JSON.parse(readFileSync(join(process.cwd(), 'bench', 'results', 'watch.json'), 'utf8')) as WatchRow[];
  return row;
}

async function main(): Promise<void> {
  const scale = benchScale();
  const own = process.env[SCENARIO_ENV];
  if (own !== undefined) {
    const id = SCENARIO_IDS.find((x) => x === own);
    if (!id) throw new Error(`unknown scenario '${own}'`);
    const row = await runScenario(scenario(id, scale));
    if (process.send) process.send(row);
    else process.stdout.write(`${JSON.stringify(row)}\n`);
    return;
  }
  const only = process.argv[2] ?? process.env['BENCH_ONLY'];
  const started = process.hrtime.bigint();
  const startedAt = new Date().toISOString();
  const rows: Row[] = [];
  // P1's four runs only count reads and virtual latencies: they share the two cores. P2 then runs
  // alone, since its event-loop lag and RSS are targets; then the watch scenario (W1).
  if (!only || only === 'P1') rows.push(...(await runForked(['P1-naive', 'P1-default', 'P1-detail16', 'P1-history'], 2)));
  if (!only || only === 'P2') rows.push(...(await runForked(['P2'], 1)));
  const watch = !only || only === 'W1' ? await runWatch() : undefined;
  if (rows.length > 0)
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
      'staleP50Ms',
      'staleP99Ms',
      'statusStaleP99Ms',
      'staleDeliveredP99Ms',
      'leadP99Pp',
      'leadMaxPp',
      'peakRssMb',
      'loopLagP99Ms',
      'realSeconds',
      'cpuSeconds',
    ]);
  const naive = rows.find((r) => r.scenario === 'P1' && r.strategy === 'naive');
  const dflt = rows.find((r) => r.scenario === 'P1' && r.strategy === 'default');
  process.stdout.write('\n');
  for (const row of [dflt, rows.find((r) => r.scenario === 'P1' && r.strategy.startsWith('default (history'))]) {
    if (!naive || !row) continue;
    // Issue 11's targets: reads and notice p99 against naive, card staleness p99 against P1-default as measured before the ETA work.
    process.stdout.write(
      `P1 ${row.strategy}: ARM reads / naive ${(row.armReads / naive.armReads).toFixed(3)} (target <= 0.2), ` +
        `notice p99 / naive ${(row.latencyP99Ms / naive.latencyP99Ms).toFixed(2)} (target <= 1.0), ` +
        `card staleness p99 ${((row.staleP99Ms ?? NaN) / 1000).toFixed(1)} s (status changes ${((row.statusStaleP99Ms ?? NaN) / 1000).toFixed(1)} s; ` +
        `early cards not counted ${((row.staleDeliveredP99Ms ?? NaN) / 1000).toFixed(1)} s), ` +
        `card lead p99 ${(row.leadP99Pp ?? NaN).toFixed(1)} pp (max ${(row.leadMaxPp ?? NaN).toFixed(1)})\n`,
    );
  }
  const p2 = rows.find((r) => r.scenario === 'P2');
  if (watch) {
    process.stdout.write(
      `${watch.scenario} with 2,000 jobs a day (as npm run bench:watch): ${watch.readsPerVaultHour} ARM reads per vault-hour, ` +
        `${watch.announced}/${watch.failuresEnded} failures announced, notice p99 ${watch.noticeP99s} s\n`,
    );
  }
  if (p2) process.stdout.write(`P2 peak RSS ${p2.peakRssMb} MB (target <= 300), event-loop lag p99 ${p2.loopLagP99Ms} ms (target <= 50)\n`);
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  // Every process of the run: this one, and each scenario's (which counts its simulator's).
  const cpuSeconds = ownCpuSeconds() + rows.reduce((sum, r) => sum + r.cpuSeconds, 0) + (watch?.cpuSeconds ?? 0);
  const run = {
    startedAt,
    scale,
    only: only ?? 'all',
    wallSeconds,
    cpuSeconds,
    cores: os.availableParallelism(),
    loadAverage: os.loadavg(),
  };
  process.stdout.write(
    `results: ${writeResults('tracker', { run, rows, ...(watch ? { watch } : {}) })}\n` +
      `total ${wallSeconds.toFixed(0)} s wall, ${cpuSeconds.toFixed(0)} s CPU (user + system, all processes) on ${run.cores} cores, ` +
      `load average ${run.loadAverage.map((l) => l.toFixed(1)).join(' ')}\n`,
  );
}

main().then(
  () => process.disconnect?.(),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
