/**
 * autocannon's programmatic API with the few types the benchmark reads (the package ships none).
 * It runs in a worker thread, so the load generator does not share the event loop of the servers
 * it measures (they all live in the benchmark's main thread).
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

interface AutocannonOptions {
  readonly url: string;
  readonly method: 'POST';
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly connections: number;
  /** Seconds. */
  readonly duration: number;
  readonly workers?: number;
  readonly warmup?: { readonly connections: number; readonly duration: number };
}

interface Histogram {
  readonly average: number;
  readonly p50: number;
  readonly p99: number;
}

interface AutocannonResult {
  readonly requests: Histogram & { readonly total: number };
  readonly latency: Histogram;
  readonly duration: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly '2xx': number;
  readonly warmup?: { readonly '2xx': number };
}

type Autocannon = (opts: AutocannonOptions) => Promise<AutocannonResult>;

const autocannon = createRequire(__filename)('autocannon') as Autocannon;

export interface LoadOptions {
  readonly url: string;
  readonly body: string;
  readonly connections: number;
  readonly durationSec: number;
  readonly warmupSec: number;
}

export interface LoadResult {
  /** 2xx answers per second over the measured window. */
  readonly reqPerSec: number;
  /** Length of the measured window. */
  readonly seconds: number;
  readonly ok: number;
  readonly failed: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  /**
   * Busy time of this (the servers') thread per answered request, warm-up included: the CPU cost
   * of a request, less sensitive than req/s to how loaded the shared machine is.
   */
  readonly busyMsPerReq: number;
}

/** Hammers POST `url` with `body` for the duration, after a warm-up that is not counted. */
export async function load(o: LoadOptions): Promise<LoadResult> {
  const before = performance.eventLoopUtilization();
  const r = await autocannon({
    url: o.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: o.body,
    connections: o.connections,
    duration: o.durationSec,
    workers: 1,
    ...(o.warmupSec > 0 ? { warmup: { connections: o.connections, duration: o.warmupSec } } : {}),
  });
  const busy = performance.eventLoopUtilization(before);
  const ok = r['2xx'];
  return {
    busyMsPerReq: busy.active / Math.max(1, ok + (r.warmup?.['2xx'] ?? 0)),
    reqPerSec: ok / r.duration,
    seconds: r.duration,
    ok,
    failed: r.non2xx + r.errors + r.timeouts,
    latencyP50Ms: r.latency.p50,
    latencyP99Ms: r.latency.p99,
  };
}
