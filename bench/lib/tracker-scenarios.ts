/**
 * The tracker benchmark's scenarios (seeds, sizes, strategies) and the row each run reports. The
 * figures in the README are for these at BENCH_SCALE=1; read counts are deterministic for them.
 */
import { generatedJobs, itemHistory } from '../../tools/simulator/generated-jobs';
import type { SimJobSpec } from '../../tools/simulator/spec';

export const SUB = '6d3b1f0e-4a5c-4f7e-9b2d-0c1e2f3a4b5c';
export const P = 30_000;
export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const T0 = Date.UTC(2026, 10, 23, 22, 0, 0);

export interface Scenario {
  readonly name: string;
  readonly strategy: 'default' | 'naive';
  readonly jobs: SimJobSpec[];
  readonly vaults: number;
  /** Simulated time the run lasts. */
  readonly durationMs: number;
  readonly budget?: { capacity: number; refillPerSec: number };
  /** Label of a tuning variant, and its schedule options. */
  readonly variant?: string;
  readonly schedule?: { detailMaxFactor?: number; estimateProgressGapFactor?: number; estimateCheckpoints?: number[] };
  /** Past runs the vault also serves (ended before T0); the run tracks only `jobs`. */
  readonly history?: SimJobSpec[];
  /** Record every delivered card and report card staleness (bench/lib/card-staleness.ts). */
  readonly staleness?: boolean;
  /** Where the simulated vault runs: its own process (the bot's lag and RSS alone) or the bot's. */
  readonly simulator: 'process' | 'in-process';
}

export interface Row {
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
  /** Card staleness (P1 only): how many true task transitions, and how long until a card showed them. */
  transitions?: number;
  staleP50Ms?: number;
  staleP99Ms?: number;
  /** The same over task status changes only (a task starting or ending), without progress steps. */
  statusStaleP99Ms?: number;
  /** p99 under the 'delivered' rule: only cards delivered at or after a change count (an estimate that showed it early does not). */
  staleDeliveredP99Ms?: number;
  /** How far a card's shown job progress (read or estimated) is ahead of the true progress, percentage points (card-staleness.ts). */
  leadP99Pp?: number;
  leadMaxPp?: number;
  /** The bot process's peak resident set (the kernel's high-water mark), simulator excluded when it runs apart. */
  peakRssMb: number;
  loopLagP99Ms: number;
  realSeconds: number;
  /** CPU (user + system) of the scenario's process and of its simulator process, if any. */
  cpuSeconds: number;
  /** The part of cpuSeconds spent by the simulator's own process (0 when it runs in the bot's). */
  simCpuSeconds: number;
}

export const SCENARIO_IDS = ['P1-naive', 'P1-default', 'P1-detail16', 'P1-history', 'P2'] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** BENCH_SCALE (0 < s <= 1) shrinks jobs and vaults for development runs; the README figures are at 1. */
export function benchScale(): number {
  const raw = process.env['BENCH_SCALE'];
  if (raw === undefined || raw === '') return 1;
  const s = Number(raw);
  if (!(s > 0 && s <= 1)) throw new RangeError(`BENCH_SCALE must be a number in (0, 1], got '${raw}'`);
  return s;
}

export function scenario(id: ScenarioId, scale: number): Scenario {
  const p1Sim = (process.env['BENCH_P1_SIM'] ?? 'in-process') as 'process' | 'in-process';
  const p2Sim = (process.env['BENCH_P2_SIM'] ?? 'process') as 'process' | 'in-process';
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
    return { name: 'P2', strategy: 'default', jobs, vaults: n(50), durationMs: 2 * HOUR, simulator: p2Sim };
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
  const base = {
    name: 'P1',
    jobs,
    vaults: n(40),
    durationMs: 2 * HOUR + 180 * MIN + 10 * MIN,
    budget: unlimited,
    simulator: p1Sim,
    staleness: true,
  };
  if (id === 'P1-naive') return { ...base, strategy: 'naive' };
  if (id === 'P1-default') return { ...base, strategy: 'default' };
  if (id === 'P1-history') {
    // The same jobs, their items with 7 nights of past runs in the vault: what a duration estimate learns from.
    const history = itemHistory(jobs, { seed: 4242, nights: 7, before: T0 });
    // BENCH_P1_PROGRESS_GAP (P, or Infinity) and BENCH_P1_CHECKPOINTS ("0.25,0.5"; "" for none) measure other
    // progress-read settings than the default (the README's frontier table).
    const gap = process.env['BENCH_P1_PROGRESS_GAP'];
    const points = process.env['BENCH_P1_CHECKPOINTS'];
    const schedule = {
      ...(gap !== undefined ? { estimateProgressGapFactor: Number(gap) } : {}),
      ...(points !== undefined
        ? {
            estimateCheckpoints: points
              .split(',')
              .filter((x) => x !== '')
              .map(Number),
          }
        : {}),
    };
    const tuned = gap !== undefined || points !== undefined;
    const variant = tuned ? `history, gap ${gap ?? '-'} P, checkpoints [${points ?? 'default'}]` : 'history';
    return { ...base, strategy: 'default', variant, history, ...(tuned ? { schedule } : {}) };
  }
  // Informational: what slower task-detail reads would buy (cards more stale between changes).
  return { ...base, strategy: 'default', variant: 'detail<=16P', schedule: { detailMaxFactor: 16 } };
}

/** CPU (user + system) this process has used so far, in seconds. */
export function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
