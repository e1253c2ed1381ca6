/** The commands' view of the tracker: track, refresh, untrack, list, drop, recordCard. */
import { ArmError } from '../../../src/azure/errors';
import { jobKeyString } from '../../../src/azure/ids';
import { visibleDigest } from '../../../src/tracker/visible';
import { jobGuid, subscriber, vault } from './fakes';
import { Harness, P } from './harness';

const MIN = 60_000;

describe('TrackerServiceImpl', () => {
  it('track reads the job first, subscribes a running job on its vault tick, and reports a repeat', async () => {
    const h = new Harness();
    const plan = h.addJob(1, 30 * MIN);
    const r = await h.service.track(plan.key, subscriber('c1'));
    expect(r).toMatchObject({ ok: true, alreadyTracked: false, finished: false, job: { status: 'InProgress', jobId: jobGuid(1) } });
    expect(h.api.gets).toBe(1);
    const record = await h.store.getJob(jobKeyString(plan.key));
    expect(record?.lastJob?.status).toBe('InProgress');
    expect(record!.nextPollAt - h.clock.now()).toBeGreaterThanOrEqual(P / 2);
    expect(record!.nextPollAt - h.clock.now()).toBeLessThan(1.5 * P);
    expect(await h.service.track(plan.key, subscriber('c1'))).toMatchObject({ ok: true, alreadyTracked: true });
  });

  it('a job already finished is answered with its final state and not tracked', async () => {
    const h = new Harness();
    const plan = h.addJob(1, 30_000, { finalStatus: 'Failed' });
    const r = await h.service.track(plan.key, subscriber('c1'));
    expect(r).toMatchObject({ ok: true, finished: true, alreadyTracked: false, job: { status: 'Failed' } });
    expect(await h.store.getJob(jobKeyString(plan.key))).toBeUndefined();
  });

  it.each([
    ['not found', new ArmError('notFound', 'The job was not found', { status: 404 }), { ok: false, error: 'notFound' }],
    [
      'forbidden',
      new ArmError('forbidden', 'AuthorizationFailed', { status: 403 }),
      { ok: false, error: 'forbidden', requiredRole: 'Backup Reader' },
    ],
    [
      'forbidden naming a role',
      new ArmError('forbidden', 'AuthorizationFailed', { status: 403, requiredRole: 'Reader' }),
      { ok: false, error: 'forbidden', requiredRole: 'Reader' },
    ],
  ])('maps %s to a clear answer and tracks nothing', async (_name, error, expected) => {
    const h = new Harness();
    const plan = h.addJob(1, 30 * MIN);
    h.api.fault = () => error;
    const r = await h.service.track(plan.key, subscriber('c1'));
    expect(r).toMatchObject(expected);
    expect(r.ok === false && r.message).toBe(error.message);
    expect(await h.store.getJob(jobKeyString(plan.key))).toBeUndefined();
  });

  it('a throttled subscription answers with the wait instead of reading, and tracks the job anyway', async () => {
    const h = new Harness();
    const plan = h.addJob(1, 30 * MIN);
    h.tracker.gate.budget.onThrottled(plan.key.vault.subscriptionId, 5 * MIN, h.clock.now());
    const r = await h.service.track(plan.key, subscriber('c1'));
    // The pause, then 0.1 s for the emptied bucket to refill one token.
    expect(r).toMatchObject({ ok: false, error: 'throttled', subscribed: true, retryAfterMs: 5 * MIN + 100 });
    expect(r.ok === false && r.message).toBe("Azure's read limit is reached; try again in 301 s.");
    expect(h.api.gets).toBe(0);
    expect((await h.service.listForConversation('c1')).map((e) => e.jobKey)).toEqual([jobKeyString(plan.key)]);
    // Once the budget allows it, the tracker reads the job and posts its card.
    await h.run(6 * MIN);
    expect(h.notifier.of('card', 'c1')[0]?.message).toMatchObject({ job: { status: 'InProgress' }, subscriber: { conversationId: 'c1' } });
  });

  it('Azure unreachable at track: subscribes without a first state; when Azure answers the card is posted and the end announced', async () => {
    const h = new Harness();
    const plan = h.addJob(1, 20 * MIN);
    h.api.fault = () => new ArmError('transient', 'connect ECONNREFUSED');
    const r = await h.service.track(plan.key, subscriber('c1'));
    expect(r).toMatchObject({ ok: false, error: 'transient', message: 'connect ECONNREFUSED', subscribed: true });
    const record = await h.store.getJob(jobKeyString(plan.key));
    expect(record?.state).toBe('active');
    expect(record?.lastJob).toBeUndefined();
    // First poll at the vault's next tick, as for any newly tracked job.
    expect(record!.nextPollAt - h.clock.now()).toBeGreaterThanOrEqual(P / 2);
    expect(record!.nextPollAt - h.clock.now()).toBeLessThan(1.5 * P);
    // Asked again while still down: the same subscription, nothing doubled.
    expect(await h.service.track(plan.key, subscriber('c1'))).toMatchObject({ ok: false, subscribed: true });

    await h.run(3 * MIN);
    expect(h.notifier.delivered).toEqual([]);
    h.api.fault = undefined;
    await h.run(20 * MIN);
    const cards = h.notifier.of('card', 'c1');
    expect(cards.length).toBeGreaterThan(0);
    // The first card has no activity to update: the notifier posts it as a new message.
    expect(cards[0].message.subscriber.cardActivityId).toBeUndefined();
    expect(cards.slice(1).every((c) => c.message.subscriber.cardActivityId === 'act-1')).toBe(true);
    expect(h.notifier.of('final', 'c1')).toHaveLength(1);
    expect(h.notifier.of('final', 'c1')[0].message).toMatchObject({ job: { status: 'Completed' } });
  });

  it('lists, refreshes, and untracks per conversation; dropConversation removes all of its subscriptions', async () => {
    const h = new Harness();
    const a = h.addJob(1, 30 * MIN);
    const b = h.addJob(2, 30 * MIN);
    await h.track(a.key, 'c1');
    await h.track(b.key, 'c1');
    await h.track(b.key, 'c2');
    const list = await h.service.listForConversation('c1');
    expect(list.map((e) => e.jobKey)).toEqual([jobKeyString(a.key), jobKeyString(b.key)]);
    expect(list[0]).toMatchObject({ key: a.key, lastJob: { status: 'InProgress' }, subscriber: { conversationId: 'c1' } });

    const refreshed = await h.service.refresh(b.key, 'c2');
    expect(refreshed).toMatchObject({ ok: true, alreadyTracked: true, finished: false });
    const notMine = await h.service.refresh(a.key, 'c2');
    expect(notMine).toMatchObject({ ok: true, alreadyTracked: false });

    expect(await h.service.untrack(a.key, 'c1')).toBe(true);
    expect(await h.service.untrack({ vault: vault(), jobId: jobGuid(9) }, 'c1')).toBe(false);
    expect(await h.service.dropConversation('c1')).toBe(1);
    expect(await h.service.listForConversation('c1')).toEqual([]);
    expect((await h.service.listForConversation('c2')).map((e) => e.jobKey)).toEqual([jobKeyString(b.key)]);
  });

  it('after recordCard with the visible digest, the poller does not resend the state the card already shows', async () => {
    const h = new Harness();
    const plan = h.addJob(1, 40 * MIN, { withProgress: true });
    await h.track(plan.key, 'c1');
    await h.run(10 * MIN);
    const sent = h.notifier.of('card').length;
    expect(sent).toBeGreaterThan(0);
    // The user pressed Refresh: the bot updated the card itself and recorded what it shows.
    const r = await h.service.refresh(plan.key, 'c1');
    if (!r.ok) throw new Error('refresh failed');
    await h.service.recordCard(jobKeyString(plan.key), 'c1', 'act-1', visibleDigest(r.job));
    const cardsBefore = h.notifier.of('card').length;
    const getsBefore = h.api.gets;
    // Within the same minute the next poll sees that same state: no card.
    await h.run(P / 2);
    expect(h.api.gets).toBe(getsBefore + 1);
    const fresh = h.notifier.of('card').slice(cardsBefore);
    expect(fresh.every((c) => c.message.kind === 'card' && visibleDigest(c.message.job) !== visibleDigest(r.job))).toBe(true);
  });
});

describe('background loops', () => {
  it('start() polls and delivers on its own; stop() ends both promptly', async () => {
    const h = new Harness();
    const plan = h.addJob(1, 5 * MIN);
    h.tracker.start();
    h.dispatcher.start();
    await h.track(plan.key, 'c1');
    for (let i = 0; i < 40 && h.notifier.of('final').length === 0; i++) await h.clock.advance(P);
    expect(h.notifier.of('final')).toHaveLength(1);
    await Promise.all([h.tracker.stop(1_000), h.dispatcher.stop(1_000)]);
    const gets = h.api.gets;
    h.addJob(2, 5 * MIN);
    await h.store.subscribe(
      { jobKey: jobKeyString({ vault: vault(), jobId: jobGuid(2) }), vault: vault(), jobId: jobGuid(2), nextPollAt: h.clock.now() },
      subscriber('c1'),
      h.clock.now(),
    );
    await h.clock.advance(10 * MIN);
    expect(h.api.gets).toBe(gets);
    expect(h.clock.pending()).toBe(0);
  });

  it('stop() waits for in-flight polls only up to its timeout, then aborts them and releases their leases', async () => {
    const h = new Harness();
    const plan = h.addJob(1, 60 * MIN);
    await h.track(plan.key, 'c1');
    let release!: () => void;
    h.api.hold = new Promise<void>((r) => (release = r));
    h.tracker.start();
    await h.clock.advance(2 * P);
    expect(h.api.inFlight).toBe(1);
    const stopped = h.tracker.stop(5_000);
    await h.clock.advance(5_000);
    await stopped;
    expect(h.api.inFlight).toBe(0);
    // Another process can take the job over at once, with its schedule untouched by the aborted poll.
    const claimed = await h.store.claimDueJobs('other', h.clock.now(), MIN, 10);
    expect(claimed.map((r) => r.jobKey)).toEqual([jobKeyString(plan.key)]);
    expect(claimed[0].schedule).toEqual({});
    release();
  });

  it('a failing store does not kill the loop: it logs, backs off, and continues', async () => {
    const h = new Harness();
    const plan = h.addJob(1, 3 * MIN);
    await h.track(plan.key, 'c1');
    const real = h.store.claimDueJobs.bind(h.store);
    let broken = 3;
    h.store.claimDueJobs = async (...args) => {
      if (broken-- > 0) throw new Error('SQLITE_BUSY');
      return real(...args);
    };
    h.tracker.start();
    h.dispatcher.start();
    for (let i = 0; i < 60 && h.notifier.of('final').length === 0; i++) await h.clock.advance(P);
    expect(broken).toBeLessThan(0);
    expect(h.notifier.of('final')).toHaveLength(1);
    await Promise.all([h.tracker.stop(1_000), h.dispatcher.stop(1_000)]);
  });
});
