/** Delivery of the outbox: Teams budget, connector answers, coalescing, exactly-once across a restart. */
import { jobKeyString } from '../../../src/azure/ids';
import type { BackupJob, JobKey } from '../../../src/domain/job';
import { VirtualClock } from '../../../src/core/clock';
import { silentLogger } from '../../../src/core/logger';
import { memoryStore } from '../../support/memory-store';
import type { StateStore } from '../../../src/store/types';
import { Dispatcher } from '../../../src/tracker/dispatcher';
import type { DeliveryResult } from '../../../src/domain/subscriber';
import { FakeBackupApi, jobGuid, RecordingNotifier, snapshot, subscriber, vault } from './fakes';
import { Harness, seeded } from './harness';

const MIN = 60_000;

/** Puts `messages` card updates (or finals) of job `n` into the outbox the way a poll commits them. */
async function commitUpdate(
  store: StateStore,
  clock: VirtualClock,
  key: JobKey,
  job: BackupJob,
  kinds: Array<'card' | 'final'>,
  conversations: string[],
): Promise<void> {
  const jobKey = jobKeyString(key);
  const claimed = await store.claimDueJobs('poller', clock.now(), 60_000, 1_000);
  const mine = claimed.find((r) => r.jobKey === jobKey);
  for (const r of claimed) if (r !== mine) await store.releaseJob('poller', r.jobKey);
  if (!mine) throw new Error(`job ${jobKey} not due`);
  const messages = conversations.flatMap((conversationId) => kinds.map((kind) => ({ kind, job, key, conversationId })));
  if (!(await store.commitPoll('poller', { jobKey, lastJob: job, nextPollAt: clock.now(), schedule: {} }, messages)))
    throw new Error('commit refused');
}

function setup(): { clock: VirtualClock; store: StateStore; notifier: RecordingNotifier; dispatcher: Dispatcher; api: FakeBackupApi } {
  const clock = new VirtualClock();
  const store = memoryStore();
  const notifier = new RecordingNotifier(clock);
  const dispatcher = new Dispatcher({ store, notifier, clock, logger: silentLogger(), owner: 'd1', random: seeded(3) });
  return { clock, store, notifier, dispatcher, api: new FakeBackupApi(clock) };
}

async function subscribeJob(store: StateStore, clock: VirtualClock, n: number, conversations: string[]): Promise<JobKey> {
  const key = { vault: vault(), jobId: jobGuid(n) };
  for (const c of conversations) {
    await store.subscribe(
      { jobKey: jobKeyString(key), vault: key.vault, jobId: key.jobId, nextPollAt: clock.now() },
      subscriber(c),
      clock.now(),
    );
  }
  return key;
}

/** Runs dispatcher rounds at every due time for `ms`. */
async function drain(d: Dispatcher, store: StateStore, clock: VirtualClock, ms: number): Promise<void> {
  const end = clock.now() + ms;
  for (;;) {
    const next = await store.nextMessageAt();
    if (next === undefined || next > end) break;
    await clock.advance(Math.max(0, next - clock.now()));
    await d.tick();
  }
  await clock.advance(Math.max(0, end - clock.now()));
}

function maxInWindow(times: readonly number[], windowMs: number): number {
  let best = 0;
  for (let i = 0; i < times.length; i++) best = Math.max(best, times.filter((t) => t >= times[i] && t < times[i] + windowMs).length);
  return best;
}

describe('Dispatcher', () => {
  it('keeps each conversation within 7 per second and 60 per 30 s, and delivers every completion notice once', async () => {
    const { clock, store, notifier, dispatcher } = setup();
    const plan = (n: number) => ({ key: { vault: vault(), jobId: jobGuid(n) }, startAt: clock.now() - 10 * MIN, durationMs: 5 * MIN });
    for (let n = 1; n <= 100; n++) {
      const key = await subscribeJob(store, clock, n, ['busy', 'quiet-' + (n % 2)]);
      await commitUpdate(store, clock, key, snapshot(plan(n), clock.now()), ['card', 'final'], ['busy', 'quiet-' + (n % 2)]);
    }
    await drain(dispatcher, store, clock, 20 * MIN);
    const busy = notifier.attempts.filter((a) => a.message.subscriber.conversationId === 'busy').map((a) => a.at);
    expect(busy).toHaveLength(200);
    expect(maxInWindow(busy, 1_000)).toBeLessThanOrEqual(7);
    expect(maxInWindow(busy, 30_000)).toBeLessThanOrEqual(60);
    const finals = notifier.of('final', 'busy').map((d) => d.message.kind === 'final' && d.message.job.jobId);
    expect(new Set(finals).size).toBe(100);
    expect(finals).toHaveLength(100);
    // Each job's card update goes before its completion notice.
    for (let n = 1; n <= 100; n++) {
      const i = notifier.delivered.findIndex(
        (d) => d.message.subscriber.conversationId === 'busy' && d.message.kind === 'card' && d.message.job.jobId === jobGuid(n),
      );
      const j = notifier.delivered.findIndex(
        (d) => d.message.subscriber.conversationId === 'busy' && d.message.kind === 'final' && d.message.job.jobId === jobGuid(n),
      );
      expect(i).toBeLessThan(j);
    }
    expect((await store.stats()).pendingMessages).toBe(0);
  });

  it('connector 429 → waits for Retry-After, then delivers once', async () => {
    const { clock, store, notifier, dispatcher } = setup();
    const key = await subscribeJob(store, clock, 1, ['c1']);
    let first = true;
    notifier.respond = (): DeliveryResult =>
      first ? ((first = false), { ok: false, retry: true, retryAfterMs: 12_000, reason: '429' }) : { ok: true };
    await commitUpdate(store, clock, key, snapshot({ key, startAt: clock.now() - MIN, durationMs: MIN }, clock.now()), ['final'], ['c1']);
    const t0 = clock.now();
    await drain(dispatcher, store, clock, 5 * MIN);
    expect(notifier.attempts.map((a) => a.at - t0)).toEqual([0, 12_000]);
    expect(notifier.of('final')).toHaveLength(1);
  });

  it('connector 5xx → backs off and retries until it succeeds', async () => {
    const { clock, store, notifier, dispatcher } = setup();
    const key = await subscribeJob(store, clock, 1, ['c1']);
    let failures = 4;
    notifier.respond = (): DeliveryResult => (failures-- > 0 ? { ok: false, retry: true, reason: '502 Bad Gateway' } : { ok: true });
    await commitUpdate(store, clock, key, snapshot({ key, startAt: clock.now() - MIN, durationMs: MIN }, clock.now()), ['final'], ['c1']);
    await drain(dispatcher, store, clock, 30 * MIN);
    const at = notifier.attempts.map((a) => a.at);
    expect(at).toHaveLength(5);
    for (let i = 1; i < at.length; i++) expect(at[i] - at[i - 1]).toBeGreaterThanOrEqual(500);
    expect(notifier.of('final')).toHaveLength(1);
  });

  it.each([
    ['403 (bot removed)', 'Forbidden'],
    ['404 (conversation gone)', 'NotFound'],
  ])('connector %s → the conversation is dropped, other conversations keep their subscriptions', async (_name, reason) => {
    const { clock, store, notifier, dispatcher } = setup();
    const key = await subscribeJob(store, clock, 1, ['gone', 'alive']);
    const other = await subscribeJob(store, clock, 2, ['gone']);
    notifier.respond = (m): DeliveryResult =>
      m.subscriber.conversationId === 'gone' ? { ok: false, retry: false, conversationGone: true, reason } : { ok: true };
    await commitUpdate(
      store,
      clock,
      key,
      snapshot({ key, startAt: clock.now(), durationMs: MIN }, clock.now()),
      ['card'],
      ['gone', 'alive'],
    );
    await drain(dispatcher, store, clock, MIN);
    expect(await store.listByConversation('gone')).toEqual([]);
    expect(await store.getJob(jobKeyString(other))).toBeUndefined();
    expect((await store.listByConversation('alive')).map((e) => e.job.jobKey)).toEqual([jobKeyString(key)]);
    expect(notifier.attempts.filter((a) => a.message.subscriber.conversationId === 'gone')).toHaveLength(1);
  });

  it('another permanent failure gives the message up without retrying it', async () => {
    const { clock, store, notifier, dispatcher } = setup();
    const key = await subscribeJob(store, clock, 1, ['c1']);
    notifier.respond = (): DeliveryResult => ({ ok: false, retry: false, conversationGone: false, reason: '400 bad card' });
    await commitUpdate(store, clock, key, snapshot({ key, startAt: clock.now(), durationMs: MIN }, clock.now()), ['card'], ['c1']);
    await drain(dispatcher, store, clock, 10 * MIN);
    expect(notifier.attempts).toHaveLength(1);
    expect((await store.stats()).pendingMessages).toBe(0);
    expect(await store.listByConversation('c1')).toHaveLength(1);
  });

  it('coalesces a burst of 50 card updates: far fewer sends, and the last one sent is the newest state', async () => {
    const { clock, store, notifier, dispatcher } = setup();
    const key = await subscribeJob(store, clock, 1, ['c1']);
    const plan = { key, startAt: clock.now(), durationMs: 50 * 1_000 };
    for (let i = 0; i < 50; i++) {
      const job = { ...snapshot(plan, clock.now()), progressPercentage: i * 2 };
      await commitUpdate(store, clock, key, job, ['card'], ['c1']);
      await dispatcher.tick();
      await clock.advance(20);
    }
    await drain(dispatcher, store, clock, MIN);
    const sent = notifier.of('card');
    expect(sent.length).toBeLessThanOrEqual(10);
    const last = sent.at(-1)!.message;
    expect(last.kind === 'card' && last.job.progressPercentage).toBe(98);
    expect((await store.getSubscribers(jobKeyString(key)))[0].cardActivityId).toBe('act-1');
  });

  it('restart: a new tracker and dispatcher on the same store resume polling and deliver pending notices exactly once', async () => {
    const clock = new VirtualClock();
    const store = memoryStore();
    const api = new FakeBackupApi(clock);
    const first = new Harness({ clock, store, api, tracker: { owner: 'proc-1', leaseMs: 2 * MIN }, dispatcher: { owner: 'proc-1' } });
    const ending = first.addJob(1, 3 * MIN);
    const running = first.addJob(2, 30 * MIN);
    await first.track(ending.key, 'c1');
    await first.track(running.key, 'c1');
    // The connector is down while the first job ends: its completion notice stays pending.
    first.notifier.respond = () => ({ ok: false, retry: true, reason: 'ECONNRESET' });
    await first.run(5 * MIN);
    expect(first.notifier.of('final')).toHaveLength(0);
    // The first process dies holding a lease on the running job (claimed, never committed).
    await clock.advance(Math.max(0, (await store.nextDueAt())! - clock.now()));
    expect((await store.claimDueJobs('proc-1', clock.now(), 2 * MIN, 10)).length).toBe(1);

    const second = new Harness({ clock, store, api, tracker: { owner: 'proc-2' }, dispatcher: { owner: 'proc-2' } });
    await second.run(60 * MIN);
    expect(
      second.notifier
        .of('final')
        .map((d) => d.message.kind === 'final' && d.message.job.jobId)
        .sort(),
    ).toEqual([jobGuid(1), jobGuid(2)]);
    expect(first.notifier.of('final')).toHaveLength(0);
    expect(await store.stats()).toEqual({ activeJobs: 0, subscriptions: 0, pendingMessages: 0 });
  });
});
