/** Wires the tracker on a VirtualClock and drives it the way the benchmark will: jump to the next due time, tick. */
import { jobKeyString } from '../../../src/azure/ids';
import type { JobKey } from '../../../src/domain/job';
import { VirtualClock } from '../../../src/core/clock';
import { silentLogger } from '../../../src/core/logger';
import { memoryStore } from '../../support/memory-store';
import type { StateStore } from '../../../src/store/types';
import { Dispatcher, type DispatcherOptions } from '../../../src/tracker/dispatcher';
import { Tracker } from '../../../src/tracker/engine';
import type { TrackerEvent, TrackerOptions } from '../../../src/tracker/engine-contract';
import { TrackerServiceImpl } from '../../../src/tracker/tracker-service';
import { FakeBackupApi, RecordingNotifier, jobGuid, snapshot, subscriber, vault, type FakeJobPlan } from './fakes';

export const P = 30_000;

/** A deterministic stand-in for Math.random. */
export function seeded(seed = 42): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface HarnessOptions {
  readonly tracker?: Partial<Omit<TrackerOptions, 'store' | 'api' | 'clock' | 'logger'>>;
  readonly dispatcher?: Partial<Omit<DispatcherOptions, 'store' | 'notifier' | 'clock' | 'logger'>>;
  readonly store?: StateStore;
  readonly clock?: VirtualClock;
  readonly api?: FakeBackupApi;
  /** The vault history read for a first estimate (off here: most tests count reads exactly). */
  readonly historyReads?: boolean;
}

export class Harness {
  readonly clock: VirtualClock;
  readonly store: StateStore;
  readonly api: FakeBackupApi;
  readonly notifier: RecordingNotifier;
  readonly tracker: Tracker;
  readonly dispatcher: Dispatcher;
  readonly service: TrackerServiceImpl;
  readonly events: TrackerEvent[] = [];

  constructor(o: HarnessOptions = {}) {
    this.clock = o.clock ?? new VirtualClock();
    this.store = o.store ?? memoryStore();
    this.api = o.api ?? new FakeBackupApi(this.clock);
    this.notifier = new RecordingNotifier(this.clock);
    const logger = silentLogger();
    this.tracker = new Tracker({
      store: this.store,
      api: this.api,
      clock: this.clock,
      logger,
      owner: 'test-1',
      pollIntervalMs: P,
      random: seeded(),
      onEvent: (e) => this.events.push(e),
      ...o.tracker,
    });
    this.dispatcher = new Dispatcher({
      store: this.store,
      notifier: this.notifier,
      clock: this.clock,
      logger,
      owner: 'test-1',
      random: seeded(7),
      ...o.dispatcher,
    });
    this.service = new TrackerServiceImpl({
      store: this.store,
      api: this.api,
      clock: this.clock,
      logger,
      engine: this.tracker,
      pollIntervalMs: P,
      historyReads: o.historyReads ?? false,
    });
  }

  /** A job in `vault1` that started a minute ago and runs `durationMs` in total. */
  addJob(n: number, durationMs: number, extra: Partial<FakeJobPlan> = {}): FakeJobPlan {
    return this.api.add({ key: { vault: vault(), jobId: jobGuid(n) }, startAt: this.clock.now() - 60_000, durationMs, ...extra });
  }

  async track(key: JobKey, conversationId = 'conv-1'): Promise<void> {
    const r = await this.service.track(key, subscriber(conversationId));
    if (!r.ok) throw new Error(`track failed: ${r.error} ${r.message}`);
  }

  /** Runs tracker and dispatcher rounds at every due time for `durationMs` of virtual time. */
  async run(durationMs: number): Promise<void> {
    const end = this.clock.now() + durationMs;
    for (let guard = 0; guard < 1_000_000; guard++) {
      const due = Math.min((await this.store.nextDueAt()) ?? Infinity, (await this.store.nextMessageAt()) ?? Infinity);
      if (due > end) break;
      const now = this.clock.now();
      await this.clock.advance(Math.max(due - now, 0));
      const t = await this.tracker.tick();
      const d = await this.dispatcher.tick();
      // Due but not claimable (another owner holds the lease): step time on until the lease expires.
      if (t.claimed === 0 && d.claimed === 0 && due <= now) await this.clock.advance(1_000);
    }
    await this.clock.advance(Math.max(0, end - this.clock.now()));
  }

  /** The time the tracker noticed `key`'s end (its 'ended' event). */
  endedAt(key: JobKey): number | undefined {
    const k = jobKeyString(key);
    return this.events.find((e) => e.type === 'ended' && e.jobKey === k)?.at;
  }

  async activeJobs(): Promise<number> {
    return (await this.store.stats()).activeJobs;
  }
}

export { snapshot };
