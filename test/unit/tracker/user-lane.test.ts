/**
 * Reads a user waits on (track, Refresh) go through a lane of their own: they spend the engine's
 * per-subscription read budget, but never queue behind the engine's background polls.
 */
import { VirtualClock } from '../../../src/core/clock';
import { silentLogger } from '../../../src/core/logger';
import { jobKeyString } from '../../../src/azure/ids';
import type { ArmResult, CallOptions } from '../../../src/azure/types';
import type { BackupJob, JobKey } from '../../../src/domain/job';
import { TrackerServiceImpl } from '../../../src/tracker/tracker-service';
import { FakeBackupApi, SUB_A, jobGuid, subscriber } from './fakes';
import { Harness, P } from './harness';

const MIN = 60_000;

/** Holds the GETs of chosen jobs until `unblock()`, so background polls can be kept in flight. */
class BlockingApi extends FakeBackupApi {
  readonly blocked = new Set<string>();
  private release: () => void = () => undefined;
  private readonly released = new Promise<void>((r) => (this.release = r));

  override async getJob(key: JobKey, opts?: CallOptions): Promise<ArmResult<BackupJob>> {
    if (this.blocked.has(jobKeyString(key))) await this.released;
    return super.getJob(key, opts);
  }

  unblock(): void {
    this.release();
  }
}

/** Lets pending I/O-free work run: a few event-loop turns. */
async function turns(n = 20): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
}

/** The promise's value once it settles within a few event-loop turns, else 'stuck'. */
async function settledSoon<T>(p: Promise<T>): Promise<T | 'stuck'> {
  let result: { value: T } | undefined;
  void p.then((value) => (result = { value }));
  for (let i = 0; i < 50 && result === undefined; i++) await new Promise<void>((r) => setImmediate(r));
  return result === undefined ? 'stuck' : result.value;
}

describe('the user lane of ARM reads', () => {
  it('answers track while the 8 background poll slots are all stuck on Azure', async () => {
    const clock = new VirtualClock();
    const api = new BlockingApi(clock);
    const h = new Harness({ clock, api, tracker: { strategy: 'naive' } });
    const polled = Array.from({ length: 10 }, (_, i) => h.addJob(i + 1, 60 * MIN));
    for (const p of polled) await h.track(p.key, `c${p.key.jobId}`);
    for (const p of polled) api.blocked.add(jobKeyString(p.key));

    await h.clock.advance(2 * P);
    const round = h.tracker.tick();
    await turns();
    expect(h.tracker.gate.semaphore.inFlight).toBe(8);

    const fresh = h.addJob(20, 60 * MIN);
    const tokensBefore = h.tracker.gate.budget.available(SUB_A, h.clock.now());
    const answer = await settledSoon(h.service.track(fresh.key, subscriber('waiting-user')));
    expect(answer).toMatchObject({ ok: true, finished: false, job: { jobId: jobGuid(20), status: 'InProgress' } });
    // The read still counted against the subscription's budget, and the polls are still stuck.
    expect(h.tracker.gate.budget.available(SUB_A, h.clock.now())).toBe(tokensBefore - 1);
    expect(h.tracker.gate.semaphore.inFlight).toBe(8);

    api.unblock();
    const stats = await round;
    expect(stats.committed).toBe(10);
  });

  it('spends the same budget as the polls: users exhausting it defer polls, polls exhausting it make users wait', async () => {
    const h = new Harness({ tracker: { strategy: 'naive', budget: { capacity: 3, refillPerSec: 0.001 } } });
    const jobs = Array.from({ length: 3 }, (_, i) => h.addJob(i + 1, 60 * MIN));
    for (const j of jobs) await h.track(j.key, 'c1');
    expect(h.api.gets).toBe(3);
    // Users took every token: the round that is due defers all three polls without reading.
    await h.clock.advance(2 * P);
    const stats = await h.tracker.tick();
    expect(stats).toMatchObject({ claimed: 3, deferred: 3, reads: 0 });
    expect(h.api.gets).toBe(3);

    // The other way round: with the tokens gone, a user is told to wait and nothing is read.
    const r = await h.service.refresh(jobs[0].key, 'c1');
    expect(r).toMatchObject({ ok: false, error: 'throttled' });
    expect(h.api.gets).toBe(3);
  });

  it('bounds the reads users wait on at 64 at once by default, and at userReadConcurrency when given', async () => {
    const h = new Harness();
    const jobs = Array.from({ length: 70 }, (_, i) => h.addJob(i + 1, 60 * MIN));
    let release: () => void = () => undefined;
    h.api.hold = new Promise<void>((r) => (release = r));
    const tracks = jobs.map((j, i) => h.service.track(j.key, subscriber(`c${i}`)));
    await turns();
    expect(h.api.inFlight).toBe(64);
    release();
    h.api.hold = undefined;
    const outcomes = await Promise.all(tracks);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(h.api.peakInFlight).toBe(64);

    const narrow = new TrackerServiceImpl({
      store: h.store,
      api: h.api,
      clock: h.clock,
      logger: silentLogger(),
      engine: h.tracker,
      pollIntervalMs: P,
      userReadConcurrency: 2,
    });
    h.api.hold = new Promise<void>((r) => (release = r));
    const refreshes = jobs.slice(0, 5).map((j) => narrow.refresh(j.key, 'c0'));
    await turns();
    expect(h.api.inFlight).toBe(2);
    release();
    expect((await Promise.all(refreshes)).every((o) => o.ok)).toBe(true);
  });

  it('users waiting for the budget are served first come, first served, each at the time it was told', async () => {
    const h = new Harness({ tracker: { budget: { capacity: 1, refillPerSec: 10 } } });
    const jobs = Array.from({ length: 5 }, (_, i) => h.addJob(i + 1, 60 * MIN));
    const t0 = h.clock.now();
    const answered: number[] = [];
    const tracks = jobs.map((j, i) =>
      h.service.track(j.key, subscriber(`c${i}`)).then((o) => {
        answered.push(i);
        return o;
      }),
    );
    await turns();
    expect(h.api.gets).toBe(1);
    // One token every 100 ms, reserved in arrival order: no waiter wakes early to race the others.
    for (let n = 1; n <= 4; n++) {
      await h.clock.advance(99);
      expect(h.api.gets).toBe(n);
      await h.clock.advance(1);
      expect(h.api.gets).toBe(n + 1);
    }
    expect((await Promise.all(tracks)).every((o) => o.ok)).toBe(true);
    expect(answered).toEqual([0, 1, 2, 3, 4]);
    expect(h.events.filter((e) => e.type === 'read').map((e) => e.at - t0)).toEqual([0, 100, 200, 300, 400]);
  });

  it('a user who would wait more than 3 s behind the others is answered at once, with that whole wait', async () => {
    const h = new Harness({ tracker: { budget: { capacity: 1, refillPerSec: 10 } } });
    const jobs = Array.from({ length: 32 }, (_, i) => h.addJob(i + 1, 60 * MIN));
    const tracks = jobs.map((j, i) => h.service.track(j.key, subscriber(`c${i}`)));
    // 1 read now and 30 reserved within 3 s; the 32nd would read at 3.1 s.
    expect(await settledSoon(tracks[31])).toMatchObject({ ok: false, error: 'throttled', subscribed: true, retryAfterMs: 3_100 });
    await h.clock.advance(3_000);
    expect((await Promise.all(tracks.slice(0, 31))).every((o) => o.ok)).toBe(true);
    expect(h.api.gets).toBe(31);
  });

  it('users waiting for a token when Azure answers 429 do not read into the pause', async () => {
    const h = new Harness({ tracker: { budget: { capacity: 1, refillPerSec: 10 } } });
    const jobs = Array.from({ length: 3 }, (_, i) => h.addJob(i + 1, 60 * MIN));
    const tracks = jobs.map((j, i) => h.service.track(j.key, subscriber(`c${i}`)));
    await turns();
    await h.clock.advance(50);
    h.tracker.gate.budget.onThrottled(SUB_A, MIN, h.clock.now());
    await h.clock.advance(500);
    expect(h.api.gets).toBe(1);
    const [first, second, third] = await Promise.all(tracks);
    expect(first).toMatchObject({ ok: true });
    for (const waiter of [second, third]) expect(waiter).toMatchObject({ ok: false, error: 'throttled', subscribed: true });
    expect(second.ok === false && second.error !== 'capped' && second.retryAfterMs).toBeGreaterThan(MIN - 1_000);
  });
});
