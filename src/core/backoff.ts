/** Backoff as data, shared by ARM requests, polls and deliveries. */
export interface BackoffOptions {
  /** Delay ceiling before jitter of the first retry. */
  readonly baseMs: number;
  /** Ceiling of any single delay. */
  readonly capMs: number;
  /** Smallest delay, so full jitter never retries in a tight loop. */
  readonly minMs: number;
}

/**
 * "Full jitter": a uniform delay in [minMs, min(cap, base·2^(attempt-1))], so many clients that
 * failed together do not retry together. `attempt` counts from 1. `random` is injected (0 ≤ r < 1).
 */
export function fullJitter(attempt: number, opts: BackoffOptions, random: () => number): number {
  return Math.max(opts.minMs, Math.floor(random() * backoffCeiling(attempt, opts)));
}

/** The exponential ceiling before jitter: min(cap, base·2^(attempt-1)). */
export function backoffCeiling(attempt: number, opts: BackoffOptions): number {
  return Math.min(opts.capMs, opts.baseMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
}

/** The delay to wait after a failure: the server's Retry-After when given, never less than the backoff. */
export function retryDelay(attempt: number, opts: BackoffOptions, random: () => number, retryAfterMs?: number): number {
  const backoff = fullJitter(attempt, opts, random);
  return retryAfterMs !== undefined && retryAfterMs > 0 ? Math.max(retryAfterMs, backoff) : backoff;
}
