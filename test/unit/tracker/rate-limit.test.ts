import fc from 'fast-check';
import { ConversationRateLimiter } from '../../../src/tracker/rate-limit';

const T0 = 5_000_000;

/** Sends as fast as the limiter allows and returns the send times. */
function greedy(limiter: ConversationRateLimiter, conv: string, count: number, start = T0): number[] {
  const times: number[] = [];
  let now = start;
  for (let i = 0; i < count; i++) {
    now = limiter.nextSlot(conv, now);
    limiter.record(conv, now);
    times.push(now);
  }
  return times;
}

function maxInWindow(times: readonly number[], windowMs: number): number {
  let best = 0;
  for (let i = 0; i < times.length; i++) {
    let n = 0;
    for (let j = i; j < times.length && times[j] < times[i] + windowMs; j++) n++;
    best = Math.max(best, n);
  }
  return best;
}

describe('ConversationRateLimiter (Teams: 7 per second, 60 per 30 s)', () => {
  it('lets 7 messages go at once, the 8th a second later', () => {
    const times = greedy(new ConversationRateLimiter(), 'c', 8);
    expect(times.slice(0, 7).every((t) => t === T0)).toBe(true);
    expect(times[7]).toBe(T0 + 1_000);
  });

  it('never exceeds either window under a long burst', () => {
    const times = greedy(new ConversationRateLimiter(), 'c', 200);
    expect(maxInWindow(times, 1_000)).toBeLessThanOrEqual(7);
    expect(maxInWindow(times, 30_000)).toBeLessThanOrEqual(60);
    // 60 go in the first ~8.4 s; the 61st waits for the first to leave the 30 s window.
    expect(times[60]).toBe(T0 + 30_000);
  });

  it('keeps conversations independent', () => {
    const l = new ConversationRateLimiter();
    greedy(l, 'a', 7);
    expect(l.nextSlot('a', T0)).toBe(T0 + 1_000);
    expect(l.nextSlot('b', T0)).toBe(T0);
  });

  it('projects the slots of a backlog without recording them', () => {
    const l = new ConversationRateLimiter();
    greedy(l, 'a', 7);
    const slots = l.projectSlots('a', T0, 10);
    expect(slots.slice(0, 7).every((s) => s === T0 + 1_000)).toBe(true);
    expect(slots[7]).toBe(T0 + 2_000);
    expect(l.nextSlot('a', T0)).toBe(T0 + 1_000);
  });

  it('forgets idle conversations', () => {
    const l = new ConversationRateLimiter();
    greedy(l, 'a', 3);
    l.prune(T0 + 30_001);
    expect(l.size()).toBe(0);
  });

  it('respects both windows for any arrival pattern', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3_000 }), { minLength: 1, maxLength: 150 }), (gaps) => {
        const l = new ConversationRateLimiter();
        const sent: number[] = [];
        let arrival = T0;
        let last = T0;
        for (const g of gaps) {
          arrival += g;
          const at = l.nextSlot('c', Math.max(arrival, last));
          expect(at).toBeGreaterThanOrEqual(Math.max(arrival, last));
          l.record('c', at);
          sent.push(at);
          last = at;
        }
        return maxInWindow(sent, 1_000) <= 7 && maxInWindow(sent, 30_000) <= 60;
      }),
    );
  });
});
