import { ARM_WRITES_PER_HOUR, WriteBudget } from '../../../src/tracker/write-budget';

describe('write budget', () => {
  it('allows ARM’s 1,200 writes per hour per subscription, then says how long to wait; other subscriptions are unaffected', () => {
    const b = new WriteBudget();
    let ok = 0;
    for (let i = 0; i < ARM_WRITES_PER_HOUR + 5; i++) if (b.take('sub-a', 0).ok) ok++;
    expect(ok).toBe(ARM_WRITES_PER_HOUR);
    expect(b.take('sub-a', 0)).toEqual({ ok: false, retryAfterMs: 3000 });
    expect(b.take('sub-b', 0).ok).toBe(true);
    expect(b.take('sub-a', 3000).ok).toBe(true); // one write refills every 3 s
  });

  it('a 429 pauses writes to that subscription for Retry-After', () => {
    const b = new WriteBudget();
    b.onThrottled('sub-a', 60_000, 0);
    expect(b.take('sub-a', 59_000).ok).toBe(false);
    // After the pause the bucket starts empty (ARM's did not refill for us) and refills one write per 3 s.
    expect(b.take('sub-a', 60_000).ok).toBe(false);
    expect(b.take('sub-a', 63_000).ok).toBe(true);
  });
});
