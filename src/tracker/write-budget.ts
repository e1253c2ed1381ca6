/**
 * ARM write budget beside the read one: Azure allows 1,200 writes per hour per subscription
 * (cancel and Backups_Trigger are writes). One bucket per subscription, refilled continuously, so
 * a burst of actions cannot spend the subscription's writes for every other tool in it.
 */
import { ReadBudget } from './budget';

export const ARM_WRITES_PER_HOUR = 1200;

export type WriteVerdict = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

export class WriteBudget {
  private readonly bucket: ReadBudget;

  constructor(writesPerHour = ARM_WRITES_PER_HOUR) {
    // The same bucket arithmetic as reads; only the size and the rate differ.
    this.bucket = new ReadBudget({ capacity: writesPerHour, refillPerSec: writesPerHour / 3600 });
  }

  take(subscriptionId: string, now: number): WriteVerdict {
    if (this.bucket.tryTake(subscriptionId, now)) return { ok: true };
    return { ok: false, retryAfterMs: Math.max(1000, this.bucket.nextAvailableAt(subscriptionId, now) - now) };
  }

  /** Azure answered 429 to a write: no more writes to that subscription for Retry-After. */
  onThrottled(subscriptionId: string, retryAfterMs: number | undefined, now: number): void {
    this.bucket.onThrottled(subscriptionId, retryAfterMs, now);
  }
}
