/** A real root logger (createLogger: same scrubbing as production) whose JSON lines are kept for assertions. */
import { createLogger, type Logger } from '../../src/core/logger';

export interface CapturedLog {
  readonly logger: Logger;
  /** Every line written, raw. */
  readonly lines: string[];
  /** The lines parsed. */
  records(): Array<Record<string, unknown>>;
  /** Resolves once a written line satisfies `predicate` (checked on every line, past ones included). */
  waitFor(predicate: (line: string) => boolean): Promise<string>;
}

export function captureLog(level = 'debug', secrets: readonly string[] = []): CapturedLog {
  const lines: string[] = [];
  const waiters = new Set<{ predicate: (line: string) => boolean; resolve: (line: string) => void }>();
  const write = (line: string): void => {
    lines.push(line);
    for (const w of [...waiters]) {
      if (w.predicate(line)) {
        waiters.delete(w);
        w.resolve(line);
      }
    }
  };
  const logger = createLogger(level, { write }, { secrets });
  return {
    logger,
    lines,
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    waitFor: (predicate) => {
      const seen = lines.find(predicate);
      return seen !== undefined ? Promise.resolve(seen) : new Promise<string>((resolve) => waiters.add({ predicate, resolve }));
    },
  };
}
