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
});
