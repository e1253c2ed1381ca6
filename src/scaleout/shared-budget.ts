/**
 * The per-subscription ARM read budget held in Redis, so that N instances together stay inside
 * it (each instance's in-process ReadBudget alone would allow N times as much).
 *
 * Why a Lua token bucket and not BullMQ's rate limiter: BullMQ limits jobs per queue (per group
 * only in BullMQ Pro), while one poll round spends a varying number of reads across several
 * subscriptions; the bucket is charged per HTTP request, per subscription, like ARM's own.
 *
 * It sits in front of the BackupJobsApi: a read without a token is not sent but fails as
 * `throttled` with the wait, which the tracker's ArmGate already turns into "defer this poll and
 * pause this subscription" — the same path as a real 429, with no request spent.
 */
import type { Redis } from 'ioredis';
import { armFailureOf } from '../azure/arm-failure';
import type { ArmResult, BackupJobsApi } from '../azure/types';
import type { VaultId } from '../domain/job';
import type { Clock } from '../core/clock';
import { DEFAULT_BUDGET, type BudgetOptions } from '../tracker/budget';
import { ReadBudgetExhausted, ReadGuardApi } from '../tracker/read-guard';

/** ARGV: key, op (take|charge|throttle|remaining), now, capacity, refillPerMs, value, lowRemaining, veryLowRemaining → {granted, waitMs}. */
const BUCKET_LUA = `
local key, op, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local capacity, rate, value = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local b = redis.call('HMGET', key, 'tokens', 'at', 'factor', 'pausedUntil')
local tokens, at, factor, paused = tonumber(b[1]) or capacity, tonumber(b[2]) or now, tonumber(b[3]) or 1, tonumber(b[4]) or 0
-- No refill while paused: ARM's bucket did not refill for us either.
local from = math.max(at, math.min(now, paused))
if now > from then tokens = math.min(capacity, tokens + (now - from) * rate * factor) end
at = math.max(at, now)
local granted = 0
if op == 'take' then
  if now >= paused and tokens >= 1 then tokens = tokens - 1; granted = 1 end
elseif op == 'charge' then
  tokens = tokens - value
elseif op == 'throttle' then
  paused = math.max(paused, now + value)
  tokens = math.min(tokens, 0)
elseif op == 'remaining' then
  if value < tonumber(ARGV[8]) then factor = 0.25 elseif value < tonumber(ARGV[7]) then factor = 0.5 else factor = 1 end
end
local wait = 0
if granted == 0 then
  wait = math.max(0, paused - now)
  if tokens < 1 then wait = wait + math.ceil((1 - tokens) / (rate * factor)) end
end
redis.call('HSET', key, 'tokens', tostring(tokens), 'at', string.format('%d', at), 'factor', tostring(factor), 'pausedUntil', string.format('%d', paused))
-- An idle bucket refills to full; let Redis forget it then.
redis.call('PEXPIRE', key, math.ceil(math.max(0, paused - now) + (capacity - math.min(tokens, 0) + 1) / (rate * factor)) + 1000)
return { granted, wait }
`;

type BucketOp = 'take' | 'charge' | 'throttle' | 'remaining';

/** The token bucket itself; one hash per subscription under `keyPrefix`. */
export class SharedReadBudget {
  readonly options: BudgetOptions;

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    options: Partial<BudgetOptions> = {},
  ) {
    this.options = { ...DEFAULT_BUDGET, ...options };
    if (!('bjBudget' in redis)) redis.defineCommand('bjBudget', { numberOfKeys: 0, lua: BUCKET_LUA });
  }

  /** Takes one read token; when none is left, says how long until one is. */
  async take(sub: string, now: number): Promise<{ granted: boolean; waitMs: number }> {
    const [granted, waitMs] = await this.call('take', sub, now, 0);
    return { granted: granted === 1, waitMs };
  }

  /** Reads already spent beyond the token taken (pages, the client's own retries); the debt delays later reads. */
  async charge(sub: string, reads: number, now: number): Promise<void> {
    if (reads > 0) await this.call('charge', sub, now, reads);
  }

  /** A 429 seen by any instance pauses the subscription for all of them. */
  async throttle(sub: string, retryAfterMs: number | undefined, now: number): Promise<void> {
    await this.call('throttle', sub, now, retryAfterMs !== undefined && retryAfterMs > 0 ? retryAfterMs : this.options.defaultThrottleMs);
  }

  /** ARM's remaining-reads header: every instance slows down together. */
  async remaining(sub: string, remaining: number, now: number): Promise<void> {
    await this.call('remaining', sub, now, remaining);
  }

  private async call(op: BucketOp, sub: string, now: number, value: number): Promise<[number, number]> {
    const o = this.options;
    const run = (this.redis as unknown as { bjBudget: (...a: string[]) => Promise<[number, number]> }).bjBudget;
    const reply = await run.call(
      this.redis,
      `${this.keyPrefix}budget:${sub}`,
      op,
      String(Math.round(now)),
      String(o.capacity),
      String(o.refillPerSec / 1000),
      String(value),
      String(o.lowRemaining),
      String(o.veryLowRemaining),
    );
    return [Number(reply[0]), Number(reply[1])];
  }
}

/** A BackupJobsApi whose reads spend from the shared budget first. Cancels (writes) pass through. */
export class SharedBudgetApi extends ReadGuardApi {
  constructor(
    inner: BackupJobsApi,
    private readonly budget: SharedReadBudget,
    private readonly clock: Clock,
  ) {
    super(inner);
  }

  protected async read<T>(vault: VaultId, _signal: AbortSignal | undefined, fn: () => Promise<ArmResult<T>>): Promise<ArmResult<T>> {
    const sub = vault.subscriptionId;
    const token = await this.budget.take(sub, this.clock.now());
    if (!token.granted) throw new ReadBudgetExhausted(Math.max(1, token.waitMs));
    try {
      const result = await fn();
      const now = this.clock.now();
      await this.budget.charge(sub, Math.max(1, result.meta.attempts) - 1, now);
      if (result.meta.remainingReads !== undefined) await this.budget.remaining(sub, result.meta.remainingReads, now);
      return result;
    } catch (error) {
      const failure = armFailureOf(error);
      if (failure?.kind === 'throttled') await this.budget.throttle(sub, failure.retryAfterMs, this.clock.now());
      throw error;
    }
  }
}
