import { ReadBudget } from '../../../src/tracker/budget';

const T0 = 1_000_000;

describe('ReadBudget', () => {
  it('lets a burst of `capacity` reads through, then refills at the configured rate', () => {
    const b = new ReadBudget({ capacity: 100, refillPerSec: 10 });
    let taken = 0;
    while (b.tryTake('s1', T0)) taken++;
    expect(taken).toBe(100);
    expect(b.nextAvailableAt('s1', T0)).toBe(T0 + 100);
    expect(b.tryTake('s1', T0 + 99)).toBe(false);
    expect(b.tryTake('s1', T0 + 100)).toBe(true);
    // One second later: ten more reads, not more.
    let later = 0;
    while (b.tryTake('s1', T0 + 1_100)) later++;
    expect(later).toBe(10);
  });

  it('keeps one bucket per subscription', () => {
    const b = new ReadBudget({ capacity: 2, refillPerSec: 1 });
    expect(b.tryTake('a', T0) && b.tryTake('a', T0)).toBe(true);
    expect(b.tryTake('a', T0)).toBe(false);
    expect(b.tryTake('b', T0)).toBe(true);
  });

  it('slows down when ARM reports few remaining reads', () => {
    const b = new ReadBudget({ capacity: 1, refillPerSec: 10, lowRemaining: 100, veryLowRemaining: 25 });
    expect(b.tryTake('s', T0)).toBe(true);
    expect(b.nextAvailableAt('s', T0)).toBe(T0 + 100);
    b.onRemaining('s', 80, T0);
    expect(b.nextAvailableAt('s', T0)).toBe(T0 + 200);
    b.onRemaining('s', 10, T0);
    expect(b.nextAvailableAt('s', T0)).toBe(T0 + 400);
    b.onRemaining('s', 240, T0);
    expect(b.nextAvailableAt('s', T0)).toBe(T0 + 100);
  });

  it('pauses only the throttled subscription for its Retry-After, without refilling meanwhile', () => {
    const b = new ReadBudget({ capacity: 50, refillPerSec: 10 });
    b.onThrottled('s1', 20_000, T0);
    expect(b.tryTake('s1', T0 + 19_999)).toBe(false);
    expect(b.tryTake('s2', T0 + 1)).toBe(true);
    expect(b.nextAvailableAt('s1', T0)).toBe(T0 + 20_100);
    expect(b.tryTake('s1', T0 + 20_100)).toBe(true);
    expect(b.tryTake('s1', T0 + 20_100)).toBe(false);
  });

  it('uses a default pause when a 429 has no Retry-After', () => {
    const b = new ReadBudget({ defaultThrottleMs: 5_000 });
    b.onThrottled('s', undefined, T0);
    expect(b.tryTake('s', T0 + 4_000)).toBe(false);
    expect(b.nextAvailableAt('s', T0)).toBeGreaterThanOrEqual(T0 + 5_000);
  });

  it('carries a debt of reads charged after the fact (extra list pages)', () => {
    const b = new ReadBudget({ capacity: 5, refillPerSec: 1 });
    expect(b.tryTake('s', T0)).toBe(true);
    b.charge('s', 9, T0);
    expect(b.available('s', T0)).toBe(-5);
    expect(b.nextAvailableAt('s', T0)).toBe(T0 + 6_000);
  });

  it('reserves tokens for waiting callers first come, first served, within the longest wait asked for', () => {
    const b = new ReadBudget({ capacity: 1, refillPerSec: 10 });
    expect(b.tryTake('s', T0)).toBe(true);
    const times: number[] = [];
    for (let at = b.reserve('s', T0, 3_000); at !== undefined; at = b.reserve('s', T0, 3_000)) times.push(at);
    // Each reservation gets the next token: 100 ms apart, none at the same moment.
    expect(times).toEqual(Array.from({ length: 30 }, (_, i) => T0 + 100 * (i + 1)));
    // The refused caller reserved nothing, and is told the wait behind all of them.
    expect(b.nextAvailableAt('s', T0)).toBe(T0 + 3_100);
    // Reserved tokens are not for the taking: a background read waits until they are paid for.
    expect(b.tryTake('s', T0 + 2_000)).toBe(false);
    expect(b.tryTake('s', T0 + 3_100)).toBe(true);
    expect(b.reserve('t', T0, 0)).toBe(T0);
  });

  it('counts a pause into reservations, and tells waiters when a 429 paused the subscription after they reserved', () => {
    const b = new ReadBudget({ capacity: 1, refillPerSec: 10 });
    b.onThrottled('s', 1_000, T0);
    expect(b.isPaused('s', T0 + 999)).toBe(true);
    expect(b.reserve('s', T0, 3_000)).toBe(T0 + 1_100);
    expect(b.reserve('s', T0, 1_150)).toBeUndefined();
    expect(b.isPaused('s', T0 + 1_000)).toBe(false);
    b.onThrottled('s', 60_000, T0 + 500);
    expect(b.isPaused('s', T0 + 1_100)).toBe(true);
  });
});
