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
