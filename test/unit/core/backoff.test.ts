import { backoffCeiling, fullJitter, retryDelay } from '../../../src/core/backoff';

describe('backoff with full jitter', () => {
  const opts = { baseMs: 1000, capMs: 8000, minMs: 100 };

  it('doubles the ceiling per attempt up to the cap', () => {
    expect([1, 2, 3, 4, 5, 40].map((a) => backoffCeiling(a, opts))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('draws uniformly below the ceiling, never under the minimum', () => {
    expect(fullJitter(3, opts, () => 0.5)).toBe(2000);
    expect(fullJitter(3, opts, () => 0)).toBe(100);
    expect(fullJitter(3, opts, () => 0.999999)).toBe(3999);
  });

  it("waits at least the server's Retry-After", () => {
    expect(retryDelay(1, opts, () => 0.5, 30_000)).toBe(30_000);
    expect(retryDelay(4, opts, () => 0.5, 10)).toBe(4000);
    expect(retryDelay(4, opts, () => 0.5, 0)).toBe(4000);
  });
});
