/** Every lifecycle branch of a tracked job, driven on a VirtualClock through store, engine and dispatcher. */
import { ArmError } from '../../../src/azure/errors';
import { jobKeyString } from '../../../src/azure/ids';
import { visibleDigest } from '../../../src/tracker/visible';
import { Harness, P } from './harness';

const MIN = 60_000;

describe('tracker lifecycle', () => {
  it('updates the card only when what the user sees changed, then ends with one final notice', async () => {
    const h = new Harness();
    const plan = h.addJob(1, 40 * MIN, { withProgress: true });
    await h.track(plan.key);
    await h.run(60 * MIN);

    const cards = h.notifier.of('card');
    const digests = cards.map((c) => (c.message.kind === 'card' ? visibleDigest(c.message.job) : ''));
    expect(cards.length).toBeGreaterThan(5);
    // No card repeats the state of the previous one.
    for (let i = 1; i < digests.length; i++) expect(digests[i]).not.toBe(digests[i - 1]);
    expect(h.notifier.of('final')).toHaveLength(1);
    expect(h.notifier.of('final')[0].message.subscriber.requester.name).toBe('Ada');
    const last = cards.at(-1)!.message;
    expect(last.kind === 'card' && last.job.status).toBe('Completed');
    // The card is edited in place: every update after the first carries the recorded activity id.
    expect(cards.slice(1).every((c) => c.message.subscriber.cardActivityId === 'act-1')).toBe(true);
  });

  it('sends nothing for a running job whose visible state does not change', async () => {
    const h = new Harness();
    const plan = h.addJob(1, 600 * MIN);
    await h.track(plan.key);
    const first = await h.store.getSubscribers(jobKeyString(plan.key));
    expect(first).toHaveLength(1);
    await h.run(20 * MIN);
    // Snapshot done at 20 % of 10 h = 2 h: nothing visible changes in these 20 minutes.
    expect(h.notifier.delivered).toEqual([]);
    expect(h.api.gets).toBeGreaterThan(1);
  });

  it.each(['Completed', 'CompletedWithWarnings', 'Failed', 'Cancelled'] as const)(
    '%s → final card and exactly one completion notice per subscriber, then polling stops',
    async (finalStatus) => {
      const h = new Harness();
      const plan = h.addJob(1, 10 * MIN, { finalStatus });
      await h.track(plan.key, 'conv-1');
      await h.track(plan.key, 'conv-2');
      await h.run(30 * MIN);
      for (const conv of ['conv-1', 'conv-2']) {
        const finals = h.notifier.of('final', conv);
        expect(finals).toHaveLength(1);
        expect(finals[0].message.kind === 'final' && finals[0].message.job.status).toBe(finalStatus);
        const lastCard = h.notifier.of('card', conv).at(-1)!;
        expect(lastCard.message.kind === 'card' && lastCard.message.job.status).toBe(finalStatus);
      }
      const gets = h.api.gets;
      await h.run(60 * MIN);
      expect(h.api.gets).toBe(gets);
      expect(await h.activeJobs()).toBe(0);
      expect((await h.store.getJob(jobKeyString(plan.key)))?.endReason).toBe('terminal');
    },
  );

  it('a job that disappears → one "not found" notice per subscriber, and polling stops', async () => {
    const h = new Harness();
    const plan = h.addJob(1, 60 * MIN);
    await h.track(plan.key, 'conv-1');
    await h.track(plan.key, 'conv-2');
    await h.run(5 * MIN);
    h.api.plans.delete(jobKeyString(plan.key));
    await h.run(30 * MIN);
    expect(
      h.notifier
        .notices('notFound')
        .map((n) => n.subscriber.conversationId)
        .sort(),
    ).toEqual(['conv-1', 'conv-2']);
    expect(h.notifier.notices()).toHaveLength(2);
    expect(await h.activeJobs()).toBe(0);
  });

  it('forbidden → one notice naming the missing role, and polling stops', async () => {
    const h = new Harness();
    const plan = h.addJob(1, 60 * MIN);
    await h.track(plan.key);
    h.api.fault = () => new ArmError('forbidden', 'AuthorizationFailed', { status: 403, requiredRole: 'Backup Reader' });
    await h.run(30 * MIN);
    const notices = h.notifier.notices();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ notice: 'forbidden', detail: 'Backup Reader' });
    const gets = h.api.gets;
    await h.run(30 * MIN);
    expect(h.api.gets).toBe(gets);
  });

  it('Azure unreachable beyond 10 min → exactly one "still trying", backoff, then completes normally', async () => {
    const h = new Harness();
    const plan = h.addJob(1, 60 * MIN);
    await h.track(plan.key);
    await h.run(2 * MIN);
    const outageStart = h.clock.now();
    const outageEnd = outageStart + 40 * MIN;
    h.api.fault = () => (h.clock.now() < outageEnd ? new ArmError('transient', 'connect ECONNREFUSED') : undefined);
    const before = h.api.gets + h.api.lists;
    await h.run(40 * MIN);
    const duringOutage = h.api.gets + h.api.lists - before;
    // Backoff: far fewer attempts than one per interval (80), but it keeps trying.
    expect(duringOutage).toBeGreaterThan(5);
    expect(duringOutage).toBeLessThan(30);
    const still = h.notifier.notices('stillTrying');
    expect(still).toHaveLength(1);
    const stillAt = h.notifier.delivered.find((d) => d.message.kind === 'notice')!.at;
    expect(stillAt - outageStart).toBeGreaterThanOrEqual(10 * MIN);
    expect(stillAt - outageStart).toBeLessThan(16 * MIN);
    await h.run(60 * MIN);
    expect(h.notifier.notices('stillTrying')).toHaveLength(1);
    expect(h.notifier.notices('recovered')).toHaveLength(1);
    expect(h.notifier.of('final')).toHaveLength(1);
  });

  it('a short outage sends no notice at all', async () => {
    const h = new Harness();
    const plan = h.addJob(1, 30 * MIN);
    await h.track(plan.key);
    const until = h.clock.now() + 4 * MIN;
    h.api.fault = () => (h.clock.now() < until ? new ArmError('transient', '502 Bad Gateway', { status: 502 }) : undefined);
    await h.run(60 * MIN);
    expect(h.notifier.notices()).toEqual([]);
    expect(h.notifier.of('final')).toHaveLength(1);
  });

  it('tracking older than 7 days → one "expired" notice, and polling stops', async () => {
    const h = new Harness({ tracker: { pollIntervalMs: 10 * MIN } });
    const plan = h.addJob(1, 9 * 24 * 60 * MIN);
    await h.track(plan.key);
    await h.run(7 * 24 * 60 * MIN - 20 * MIN);
    expect(h.notifier.notices()).toEqual([]);
    await h.run(40 * MIN);
    expect(h.notifier.notices('expired')).toHaveLength(1);
    expect(h.notifier.notices()).toHaveLength(1);
    expect((await h.store.getJob(jobKeyString(plan.key)))?.endReason).toBe('expired');
    const gets = h.api.gets;
    await h.run(60 * MIN);
    expect(h.api.gets).toBe(gets);
  });

  it('untrack by one of two subscribers keeps polling for the other; the last untrack stops polling', async () => {
    const h = new Harness();
    const plan = h.addJob(1, 120 * MIN);
    await h.track(plan.key, 'conv-1');
    await h.track(plan.key, 'conv-2');
    await h.run(5 * MIN);
    expect(await h.service.untrack(plan.key, 'conv-1')).toBe(true);
    expect(await h.service.untrack(plan.key, 'conv-1')).toBe(false);
    let gets = h.api.gets;
    await h.run(10 * MIN);
    expect(h.api.gets).toBeGreaterThan(gets);
    expect(await h.service.untrack(plan.key, 'conv-2')).toBe(true);
    gets = h.api.gets;
    await h.run(180 * MIN);
    expect(h.api.gets).toBe(gets);
    expect(h.notifier.of('final')).toEqual([]);
  });

  it('two conversations on one job: one poll serves both', async () => {
    const one = new Harness();
    const p1 = one.addJob(1, 30 * MIN);
    await one.track(p1.key, 'conv-1');
    await one.run(45 * MIN);

    const two = new Harness();
    const p2 = two.addJob(1, 30 * MIN);
    await two.track(p2.key, 'conv-1');
    await two.track(p2.key, 'conv-2');
    await two.run(45 * MIN);

    // The second track() reads once to answer; polling costs the same.
    expect(two.api.gets - 1).toBe(one.api.gets);
    expect(
      two.notifier
        .of('final')
        .map((d) => d.message.subscriber.conversationId)
        .sort(),
    ).toEqual(['conv-1', 'conv-2']);
    expect(two.notifier.of('card', 'conv-2').length).toBe(two.notifier.of('card', 'conv-1').length);
  });

  it('notices the end of a job within one interval', async () => {
    const h = new Harness();
    const plan = h.addJob(1, 17 * MIN + 7_000);
    await h.track(plan.key);
    await h.run(30 * MIN);
    const latency = h.endedAt(plan.key)! - (plan.startAt + plan.durationMs);
    expect(latency).toBeGreaterThanOrEqual(0);
    expect(latency).toBeLessThanOrEqual(P);
  });
});
