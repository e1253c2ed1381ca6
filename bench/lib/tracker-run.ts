/**
 * One tracker benchmark scenario, run in this process: the real tracker, ArmClient, SQLite store
 * (in memory) and outbox dispatcher against the simulated vault over HTTP on 127.0.0.1, on a
 * virtual clock. Returns its row: read counts, notice latencies, and what it cost in real time,
 * CPU and memory.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ArmClient } from '../../src/azure/arm-client';
import { VirtualClock } from '../../src/core/clock';
import { silentLogger } from '../../src/core/logger';
import type { JobKey } from '../../src/domain/job';
import type { DeliveryResult, OutboundMessage } from '../../src/domain/subscriber';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { Dispatcher } from '../../src/tracker/dispatcher';
import { Tracker } from '../../src/tracker/engine';
import type { Notifier } from '../../src/tracker/ports';
import { TrackerServiceImpl } from '../../src/tracker/tracker-service';
import type { SimJobSpec } from '../../tools/simulator/spec';
import { createRecord, progressAt, statusAt, tasksAt } from '../../tools/simulator/job-state';
import { cardShown, leadOf, stalenessOf, truthTransitions, type CardShown } from './card-staleness';
import { InFlightApi } from './in-flight-api';
import { InProcessSimulator, SimulatorProcess, stampingPool, type BenchSimulator } from './sim-process';
import { percentile } from './stats';
import { HOUR, MIN, P, T0, ownCpuSeconds, type Row, type Scenario } from './tracker-scenarios';

class RecordingNotifier implements Notifier {
  readonly finals = new Map<string, number[]>();
  /** What each job's delivered cards showed, when the scenario measures staleness (not in P2, whose RSS is a target). */
  readonly cards = new Map<string, CardShown[]>();
  private seq = 0;
  constructor(
    private readonly clock: VirtualClock,
    private readonly recordCards: boolean,
  ) {}
  deliver(message: OutboundMessage): Promise<DeliveryResult> {
    if (this.recordCards && (message.kind === 'card' || message.kind === 'final')) {
      const list = this.cards.get(message.key.jobId) ?? [];
      list.push(cardShown(this.clock.now(), message.job, message.eta));
      this.cards.set(message.key.jobId, list);
    }
    if (message.kind === 'final') {
      const at = this.clock.now();
      const list = this.finals.get(message.key.jobId) ?? [];
      list.push(at);
      this.finals.set(message.key.jobId, list);
    }
    return Promise.resolve({ ok: true, activityId: `a-${++this.seq}` });
  }
}

export async function runScenario(s: Scenario): Promise<Row> {
  const realStart = process.hrtime.bigint();
  const clock = new VirtualClock(T0);
  const logger = silentLogger();
  // The vault also serves the items' past runs (if any): they have ended, and nobody tracks them.
  const served = s.history ? [...s.jobs, ...s.history] : s.jobs;
  const sim: BenchSimulator =
    s.simulator === 'process' ? await SimulatorProcess.start(served, clock.now()) : await InProcessSimulator.start(served, clock);
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
  // Sized for the scenario, as an operator sets TRACK_MAX_JOBS_TOTAL: at the default total cap
  // (5,000) half of P2's 10,000 jobs were refused, silently, and P2 measured 5,000.
  const service = new TrackerServiceImpl({
    store,
    api,
    clock,
    logger,
    engine: tracker,
    pollIntervalMs: P,
    limits: { jobsTotal: s.jobs.length },
  });
  const notifier = new RecordingNotifier(clock, s.staleness === true);
  const dispatcher = new Dispatcher({ store, notifier, clock, logger, owner: 'bench' });
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();

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
      else if (!out.ok && out.error === 'capped') throw new Error(`${s.name}: track ${spec.jobId} refused by a cap: ${out.message}`);
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
  // The kernel's high-water mark for this process: the true peak, which end-of-run samples can miss.
  const peakRssKb = process.resourceUsage().maxRSS;
  await Promise.all(tracking);

  const endedAt = await sim.endings(clock.now());
  const latencies: number[] = [];
  let jobHours = 0;
  let duplicates = 0;
  const stale: number[] = [];
  const statusStale: number[] = [];
  const staleDelivered: number[] = [];
  const leads: number[] = [];
  for (const spec of s.jobs) {
    const startedTracking = trackedAt.get(spec.jobId);
    if (startedTracking === undefined) continue;
    const ended = endedAt.get(spec.jobId);
    const trackedUntil = ended !== undefined ? Math.min(ended, end) : end;
    jobHours += Math.max(0, trackedUntil - startedTracking) / HOUR;
    const sent = notifier.finals.get(spec.jobId) ?? [];
    if (sent.length > 1) duplicates += sent.length - 1;
    if (ended !== undefined && ended <= end && sent.length > 0) latencies.push(sent[0] - ended);
    if (s.staleness) {
      const transitions = truthTransitions(spec);
      const cards = notifier.cards.get(spec.jobId) ?? [];
      const lags = stalenessOf(transitions, cards, end);
      staleDelivered.push(...stalenessOf(transitions, cards, end, 'delivered'));
      const rec = createRecord(spec);
      const taskProgressAt = (t: number, task: number): number => tasksAt(rec, t, statusAt(rec, t))[task]?.progress ?? 0;
      leads.push(...leadOf(cards, (t) => progressAt(rec, t), taskProgressAt));
      lags.forEach((lag, i) => {
        stale.push(lag);
        if (transitions[i].status) statusStale.push(lag);
      });
    }
  }
  if (duplicates > 0) process.stderr.write(`WARNING: ${duplicates} duplicate completion notices in ${s.name}/${s.strategy}\n`);
  const counts = await sim.counts();
  const simCpuSeconds = await sim.cpuSeconds();
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
    ...(s.staleness
      ? {
          transitions: stale.length,
          staleP50Ms: percentile(stale, 50),
          staleP99Ms: percentile(stale, 99),
          statusStaleP99Ms: percentile(statusStale, 99),
          staleDeliveredP99Ms: percentile(staleDelivered, 99),
          leadP99Pp: percentile(leads, 99),
          leadMaxPp: leads.length > 0 ? leads.reduce((m, x) => Math.max(m, x)) : NaN,
        }
      : {}),
    peakRssMb: Math.round(peakRssKb / 1024),
    loopLagP99Ms: Math.round(lag.percentile(99) / 1e6),
    realSeconds: Number(process.hrtime.bigint() - realStart) / 1e9,
    cpuSeconds: ownCpuSeconds() + simCpuSeconds,
    simCpuSeconds,
  };
}
