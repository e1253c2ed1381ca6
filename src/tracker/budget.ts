/**
 * ARM read budget: one token bucket per subscription, shared by every poll of that subscription.
 * Pure (the caller passes `now`), so the engine, the track command and the benchmark share it.
 */
export interface BudgetOptions {
  /** Bucket size (ARM's own is 250). */
  readonly capacity: number;
  /** Tokens per second (ARM refills 25/s). */
  readonly refillPerSec: number;
  /** Below this many remaining reads reported by ARM, refill at half rate… */
  readonly lowRemaining: number;
  /** …and below this one at a quarter. */
  readonly veryLowRemaining: number;
  /** Pause after a 429 without Retry-After. */
  readonly defaultThrottleMs: number;
}

export const DEFAULT_BUDGET: BudgetOptions = {
  capacity: 100,
  refillPerSec: 10,
  lowRemaining: 100,
  veryLowRemaining: 25,
  defaultThrottleMs: 30_000,
};

interface Bucket {
  tokens: number;
  at: number;
  /** 1, 0.5 or 0.25 depending on ARM's last reported remaining reads. */
  factor: number;
  pausedUntil: number;
}

export class ReadBudget {
  private readonly buckets = new Map<string, Bucket>();
  readonly options: BudgetOptions;

  constructor(options: Partial<BudgetOptions> = {}) {
    this.options = { ...DEFAULT_BUDGET, ...options };
  }

  /** Takes one read token when available. */
  tryTake(sub: string, now: number): boolean {
    const b = this.bucket(sub, now);
    if (now < b.pausedUntil || b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /**
   * Reserves the next read for a caller that will wait for it: first come, first served. Returns
   * when that read may go, or undefined (nothing reserved) when that is more than `maxWaitMs`
   * away. The token is taken at once, so the balance may go negative: each later reservation gets
   * a later time, and `tryTake` refuses until the reserved reads are paid for. Callers that wake
   * during a pause that began after they reserved (a 429 meanwhile) must not read (`isPaused`).
   */
  reserve(sub: string, now: number, maxWaitMs: number): number | undefined {
    const at = this.nextAvailableAt(sub, now);
    if (at - now > maxWaitMs) return undefined;
    this.bucket(sub, now).tokens -= 1;
    return at;
  }

  /** True while a 429 pauses this subscription. */
  isPaused(sub: string, now: number): boolean {
    return now < this.bucket(sub, now).pausedUntil;
  }

  /**
   * Charges reads already spent (e.g. extra pages of a list, or retries inside the client). The
   * balance may go negative: the debt delays later reads instead of being forgotten.
   */
  charge(sub: string, reads: number, now: number): void {
    if (reads <= 0) return;
    this.bucket(sub, now).tokens -= reads;
  }

  /** Earliest time at which `tryTake` can succeed. */
  nextAvailableAt(sub: string, now: number): number {
    const b = this.bucket(sub, now);
    const from = Math.max(now, b.pausedUntil);
    return b.tokens >= 1 ? from : from + Math.ceil((1 - b.tokens) / this.rate(b));
  }

  /** ARM's `x-ms-ratelimit-remaining-subscription-reads`: slow down before ARM says 429. */
  onRemaining(sub: string, remaining: number, now: number): void {
    const b = this.bucket(sub, now);
    const o = this.options;
    b.factor = remaining < o.veryLowRemaining ? 0.25 : remaining < o.lowRemaining ? 0.5 : 1;
  }

  /** A 429: pause this subscription only, for Retry-After. */
  onThrottled(sub: string, retryAfterMs: number | undefined, now: number): void {
    const b = this.bucket(sub, now);
    const pause = retryAfterMs !== undefined && retryAfterMs > 0 ? retryAfterMs : this.options.defaultThrottleMs;
    b.pausedUntil = Math.max(b.pausedUntil, now + pause);
    b.tokens = Math.min(b.tokens, 0);
  }

  /** The subscriptions this budget has seen, for the tokens-left gauge. */
  subscriptions(): string[] {
    return [...this.buckets.keys()];
  }

  /** Tokens currently available (after refill), for metrics and tests. */
  available(sub: string, now: number): number {
    return this.bucket(sub, now).tokens;
  }

  private rate(b: Bucket): number {
    return (this.options.refillPerSec * b.factor) / 1000;
  }

  private bucket(sub: string, now: number): Bucket {
    let b = this.buckets.get(sub);
    if (!b) {
      b = { tokens: this.options.capacity, at: now, factor: 1, pausedUntil: 0 };
      this.buckets.set(sub, b);
      return b;
    }
    // No refill while paused: ARM's bucket did not refill for us either.
    const from = Math.max(b.at, Math.min(now, b.pausedUntil));
    if (now > from) b.tokens = Math.min(this.options.capacity, b.tokens + (now - from) * this.rate(b));
    b.at = Math.max(b.at, now);
    return b;
  }
}
