import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths never written to logs, whatever a caller passes. */
const REDACT = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'request.headers.authorization',
  'token',
  'accessToken',
  'password',
  'MicrosoftAppPassword',
  '*.authorization',
  '*.token',
  '*.accessToken',
  '*.password',
];

/** The one root logger of a process (JSON lines on stdout, or into `destination`). */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'backup-jobs' } }, destination);
}

/** A logger that drops everything, for tests and benchmarks. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
