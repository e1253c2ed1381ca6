import { armError, type Reply } from './vault';

/** A fault to inject into answers: per job (`jobId`), at a rate, a number of times. */
export interface FaultRule {
  kind: 'throttle' | 'error500' | 'error503' | 'slow' | 'malformed' | 'drop';
  /** Only requests whose path names this job (get, cancel, its operation results). */
  jobId?: string;
  /** Probability 0..1 that a matching request gets the fault; default always. */
  rate?: number;
  /** How many times it fires; default unlimited. */
  count?: number;
  /** For throttle (default 1) and error503 (sent only when given). */
  retryAfterSeconds?: number;
  /** For slow: real milliseconds before the (normal) answer. Default 1000. */
  delayMs?: number;
}

interface ActiveRule {
  readonly rule: FaultRule;
  readonly jobId?: string;
  remaining: number;
}

/** The injected faults, consulted in the order they were added; the first that fires wins. */
export class FaultBook {
  private rules: ActiveRule[] = [];

  constructor(private readonly random: () => number) {}

  add(rule: FaultRule): void {
    if (rule.rate !== undefined && !(rule.rate >= 0 && rule.rate <= 1)) throw new RangeError('fault rate must be within 0..1');
    this.rules.push({ rule, jobId: rule.jobId?.toLowerCase(), remaining: rule.count ?? Infinity });
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault for a request about `jobId` (if any), consuming one use of it. */
  draw(jobId: string | undefined): FaultRule | undefined {
    if (this.rules.length === 0) return undefined;
    for (const active of this.rules) {
      if (active.remaining <= 0) continue;
      if (active.jobId !== undefined && active.jobId !== jobId) continue;
      if (active.rule.rate !== undefined && this.random() >= active.rule.rate) continue;
      active.remaining -= 1;
      if (active.remaining <= 0) this.rules = this.rules.filter((r) => r !== active);
      return active.rule;
    }
    return undefined;
  }
}

/**
 * What a fault answers instead of `real` (which it may use, e.g. to cut its body in half), or
 * 'drop' to close the connection without a word. `slow` answers normally; the server delays it.
 */
export function faultAnswer(fault: FaultRule, real: () => Reply): { reply: Reply; raw?: string } | 'drop' {
  switch (fault.kind) {
    case 'drop':
      return 'drop';
    case 'throttle': {
      const wait = String(fault.retryAfterSeconds ?? 1);
      const message = `Number of read requests for subscription exceeded the limit. Retry after ${wait} seconds.`;
      return { reply: armError(429, 'SubscriptionRequestsThrottled', message, { 'retry-after': wait }) };
    }
    case 'error500':
      return { reply: armError(500, 'InternalServerError', 'Encountered internal server error. Diagnostic information: simulated fault.') };
    case 'error503': {
      const headers = fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : undefined;
      return { reply: armError(503, 'ServiceUnavailable', 'The service is temporarily unavailable (simulated fault).', headers) };
    }
    case 'malformed': {
      // A 200 whose JSON is cut off halfway, like a truncated proxy answer.
      const body = JSON.stringify(real().body ?? { value: [] });
      return { reply: { status: 200 }, raw: body.slice(0, Math.max(1, Math.floor(body.length / 2))) };
    }
    case 'slow':
      return { reply: real() };
  }
}
