/** A user refused for Azure's read limit is told the real wait, not a fixed 30 s. */
import { jobKeyString } from '../../../src/azure/ids';
import { handleCardAction } from '../../../src/commands/card-action';
import { ALLOWED, RecordingApi, armError, commandHarness } from '../../support/command-fakes';
import { SUB_A, subscriber } from './fakes';
import { Harness } from './harness';

const MIN = 60_000;
const JOB = '00000000-0000-4000-8000-0000000000aa';
const KEY = { vault: ALLOWED.vaults[0], jobId: JOB };
const REFRESH = { action: 'refresh' as const, jobKey: jobKeyString(KEY), jobId: JOB, vault: 'rg-prod/vault-prod' };

describe('the wait a throttled user is told', () => {
  it('Refresh while Azure answers 429 with Retry-After 7 min: the reply says so (7 min 1 s), and later the time that is left', async () => {
    const api = new RecordingApi((call) => {
      if (call.op === 'getJob') throw armError('throttled', { retryAfterMs: 7 * MIN });
    });
    const h = commandHarness({ api, replyToId: 'card-1' });
    await handleCardAction(REFRESH, h.ctx);
    // The pause, then 0.1 s for the bucket (emptied by the 429) to refill a token, rounded up.
    expect(h.reply.sent).toEqual([{ kind: 'text', text: 'Azure is limiting how often I may ask. Please wait 7 min 1 s and try again.' }]);

    // Two minutes later the subscription is still paused: no read, and the wait that is left.
    await h.clock.advance(2 * MIN);
    await handleCardAction(REFRESH, h.ctx);
    expect(api.calls).toHaveLength(1);
    expect(h.reply.sent[1]).toEqual({ kind: 'text', text: 'Azure is limiting how often I may ask. Please wait 5 min 1 s and try again.' });
  });

  it('the outcome of track and Refresh carries the read budget’s own wait', async () => {
    const h = new Harness({ tracker: { budget: { capacity: 2, refillPerSec: 0.1 } } });
    const jobs = [h.addJob(1, 60 * MIN), h.addJob(2, 60 * MIN), h.addJob(3, 60 * MIN)];
    await h.track(jobs[0].key, 'c1');
    await h.track(jobs[1].key, 'c1');
    expect(h.tracker.gate.budget.available(SUB_A, h.clock.now())).toBe(0);
    // One token every 10 s: the next read is allowed in 10 s, and that is what the user hears.
    const tracked = await h.service.track(jobs[2].key, subscriber('c2'));
    expect(tracked).toMatchObject({ ok: false, error: 'throttled', subscribed: true, retryAfterMs: 10_000 });
    await h.clock.advance(4_000);
    const refreshed = await h.service.refresh(jobs[0].key, 'c1');
    expect(refreshed).toMatchObject({ ok: false, error: 'throttled', retryAfterMs: 6_000 });
    expect(h.api.gets).toBe(2);
  });
});
