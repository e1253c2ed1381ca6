/**
 * Bounds the log volume of one recurring failure: a Redis that refuses every reconnect attempt
 * (ioredis retries every few hundred ms: 43 lines in 8 s were seen), or a caller who sends forged
 * tokens as fast as it can. The first failure of a streak is logged, then at most one line per
 * interval carrying how many were left out since the previous line, and one line when the streak ends.
 * Time comes from the injected clock, so tests decide what "later" means.
 */
import type { Clock } from './clock';
import type { Logger } from './logger';

/** What to put on a line about a failure that is let through. */
export interface FailureReport {
  /** Failures left unlogged since the previous line of this streak. */
  readonly suppressed: number;
  /** Failures in the streak so far, this one included. */
  readonly failures: number;
}

export const DEFAULT_REPEAT_INTERVAL_MS = 30_000;

export class RepeatLimiter {
  private failures = 0;
  private suppressed = 0;
  private lastLineAt: number | undefined;

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly intervalMs: number = DEFAULT_REPEAT_INTERVAL_MS,
  ) {}

  /** Counts one failure; returns what to log, or undefined when this one is to be left out. */
  fail(): FailureReport | undefined {
    this.failures++;
    const now = this.clock.now();
    if (this.lastLineAt !== undefined && now - this.lastLineAt < this.intervalMs) {
      this.suppressed++;
      return undefined;
    }
    const report = { suppressed: this.suppressed, failures: this.failures };
    this.suppressed = 0;
    this.lastLineAt = now;
    return report;
  }

  /** The thing works again: returns the streak's totals once (undefined when nothing had failed) and starts over. */
  recover(): FailureReport | undefined {
    if (this.failures === 0) return undefined;
    const report = { suppressed: this.suppressed, failures: this.failures };
    this.failures = 0;
    this.suppressed = 0;
    this.lastLineAt = undefined;
    return report;
  }
}

export interface ConnectionLogOptions {
  readonly logger: Logger;
  readonly clock: Pick<Clock, 'now'>;
  /** Message of the failure lines, e.g. "redis connection error"; the recovery line appends ": recovered". */
  readonly message: string;
  readonly intervalMs?: number;
}

/** Listeners for a connection's `error` and `ready` events (an ioredis client; a BullMQ queue and worker). */
export interface ConnectionLog {
  readonly onError: (err: Error) => void;
  readonly onReady: () => void;
}

/** Distinct kinds of error tracked apart in one streak; any further kind shares the last limiter. */
const MAX_KINDS = 8;

/**
 * What tells two connection errors apart: a socket error's code (ECONNREFUSED, ECONNRESET) or a
 * Redis reply's first word (WRONGPASS, NOAUTH, LOADING). Never the rest of the message.
 */
function errorKind(err: Error): string {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code.length <= 40) return code;
  const word = /^[A-Z][A-Z_]{2,39}(?=\s|$)/.exec(err.message)?.[0];
  return word ?? err.name.slice(0, 40);
}

/**
 * Logs a connection's errors (give every emitter that talks to the same Redis the same listeners),
 * each kind of error through a RepeatLimiter of its own: the first WRONGPASS after a key rotation
 * is logged at once even when the dropped connection's ECONNRESET opened the streak. One line when
 * it is ready again after failing.
 */
export function connectionErrorLog(o: ConnectionLogOptions): ConnectionLog {
  const limiters = new Map<string, RepeatLimiter>();
  const limiterFor = (kind: string): RepeatLimiter => {
    let limiter = limiters.get(kind);
    if (!limiter) {
      if (limiters.size >= MAX_KINDS) return [...limiters.values()][MAX_KINDS - 1];
      limiter = new RepeatLimiter(o.clock, o.intervalMs);
      limiters.set(kind, limiter);
    }
    return limiter;
  };
  return {
    onError: (err) => {
      const report = limiterFor(errorKind(err)).fail();
      // The root logger reduces err to name, message and code: ioredis hangs the AUTH arguments (the password) on it.
      if (report) o.logger.warn({ err, ...report }, o.message);
    },
    onReady: () => {
      let failures = 0;
      let suppressed = 0;
      for (const limiter of limiters.values()) {
        const report = limiter.recover();
        failures += report?.failures ?? 0;
        suppressed += report?.suppressed ?? 0;
      }
      limiters.clear();
      if (failures > 0) o.logger.info({ failures, suppressed }, `${o.message}: recovered`);
    },
  };
}
