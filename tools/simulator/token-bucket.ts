/** ARM's read budget: a bucket of `capacity` tokens refilled continuously at `refillPerSecond`. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whole tokens left, as ARM reports them in `x-ms-ratelimit-remaining-subscription-reads`. */
  remaining(now: number): number {
    this.refill(now);
    return Math.floor(this.tokens);
  }

  /** Seconds until one token is available (at least 1, as ARM's Retry-After never says 0). */
  secondsUntilToken(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) return 1;
    return Math.max(1, Math.ceil((1 - this.tokens) / this.refillPerSecond));
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.refillPerSecond);
    }
    this.last = Math.max(this.last, now);
  }
}
