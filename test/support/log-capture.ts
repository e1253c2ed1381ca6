/** A real root logger (createLogger: same scrubbing as production) whose JSON lines are kept for assertions. */
import { createLogger, type Logger } from '../../src/core/logger';

export interface CapturedLog {
  readonly logger: Logger;
  /** Every line written, raw. */
  readonly lines: string[];
  /** The lines parsed. */
  records(): Array<Record<string, unknown>>;
}

export function captureLog(level = 'debug', secrets: readonly string[] = []): CapturedLog {
  const lines: string[] = [];
  const logger = createLogger(level, { write: (line: string) => void lines.push(line) }, { secrets });
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}
