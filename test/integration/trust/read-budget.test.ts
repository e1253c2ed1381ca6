/**
 * Commands spend from the read budget too (BudgetedApi in front of the commands' API): 300 users
 * asking `jobs all` at the same instant make ARM see no more list calls than the bucket holds,
 * and the rest are told how long to wait. Over real HTTP; time is a VirtualClock that stands still
 * until the test moves it, so the counts are exact by construction.
 */
import { VirtualClock } from '../../../src/core/clock';
import { DEFAULT_BUDGET } from '../../../src/tracker/budget';
import { MAX_WAIT_FOR_BUDGET_MS } from '../../../src/tracker/tracker-service';
import { startBotHarness, type BotHarness } from '../../support/bot-harness';
import { cardOf } from '../../support/recording-connector';
import { personalMessage } from '../../support/teams-activities';

let h: BotHarness;
let clock: VirtualClock;
beforeAll(async () => {
  clock = new VirtualClock(Date.UTC(2026, 0, 1, 9, 0, 0));
  h = await startBotHarness({ clock });
});
afterAll(async () => {
  await h?.close();
});

describe('read budget for commands', () => {
  it('300 concurrent `jobs all`: ARM sees at most capacity + refill x elapsed list calls; the others are told the wait', async () => {
    const { capacity, refillPerSec } = DEFAULT_BUDGET;
    const users = 300;
    // Reads that may wait for a reserved token: one per refill interval within the wait limit.
    const reserved = Math.floor((MAX_WAIT_FOR_BUDGET_MS * refillPerSec) / 1000);
    h.sim.resetCounts();
    h.connector.reset();
    const sends = Array.from({ length: users }, (_, i) =>
      h.send(personalMessage('jobs all', { serviceUrl: h.connector.serviceUrl, chatId: `a:user-${i}` })),
    );
    // Time stands still: the bucket's capacity answers at once, the refused answer at once, the reserved wait.
    await h.connector.waitFor(() => h.connector.activities.length >= users - reserved, 60_000, 'immediate answers');
    expect(h.sim.counts().listJobs).toBe(capacity);
    expect(h.connector.cards()).toHaveLength(capacity);
    const told = h.connector.activities.filter((a) => cardOf(a) === undefined).map((a) => a.activity.text);
    expect(told).toHaveLength(users - capacity - reserved);
    // The wait names the time until the first unreserved token: (reserved + 1) refill intervals, rounded up to seconds.
    const waitSeconds = Math.ceil(((reserved + 1) * 1000) / refillPerSec / 1000);
    expect(new Set(told)).toEqual(new Set([`Azure is limiting how often I may ask. Please wait ${waitSeconds} s and try again.`]));

    await clock.advance(MAX_WAIT_FOR_BUDGET_MS);
    const results = await Promise.all(sends);
    expect(results.every((r) => r.status === 200)).toBe(true);
    const elapsedSeconds = MAX_WAIT_FOR_BUDGET_MS / 1000;
    expect(h.sim.counts().listJobs).toBe(capacity + reserved);
    expect(h.sim.counts().listJobs).toBeLessThanOrEqual(capacity + refillPerSec * elapsedSeconds);
    expect(h.connector.cards()).toHaveLength(capacity + reserved);
    expect(h.connector.activities).toHaveLength(users);
  }, 120_000);
});
