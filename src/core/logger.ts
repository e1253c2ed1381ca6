import pino, { type Logger } from 'pino';
import { scrubLogObject, scrubString, type SecretValues } from './redact';
import { telemetry } from './telemetry';

export type { Logger };

export interface LoggerOptions {
  /** Values never written, wherever they appear (the app password, the Redis password). */
  readonly secrets?: SecretValues;
}

/**
 * The one root logger of a process (JSON lines on stdout, or into `destination`). Every merging
 * object and message string is scrubbed (see redact.ts), so no caller has to remember which of
 * its errors carry a request with an Authorization header. Child bindings are not: they are ids
 * this code chooses (component, conversationId, jobKey), never caller data.
 */
export function createLogger(level: string, destination?: pino.DestinationStream, options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 4);
  return pino(
    {
      level,
      base: { app: 'backup-jobs' },
      // Trace and span ids of the active span (an incoming activity, a poll round), when telemetry is on.
      mixin: () => telemetry().activeIds() ?? {},
      formatters: { log: (obj) => scrubLogObject(obj, secrets) },
      // The formatter already reduced errors to plain scrubbed objects; pino's own err serializer would copy every field back in.
      serializers: { err: (value: unknown) => value },
      hooks: {
        logMethod(args, method) {
          const [first, ...rest] = args as unknown[];
          // pino would take a missing message from err.message unscrubbed: give it the scrubbed one.
          if (first instanceof Error) {
            const msg = rest.length > 0 ? rest : [first.message];
            return method.apply(this, [{ err: first }, ...msg.map((a) => scrubArg(a, secrets))] as Parameters<typeof method>);
          }
          if (first !== null && typeof first === 'object' && rest.length === 0 && (first as { err?: unknown }).err instanceof Error) {
            return method.apply(this, [first, scrubString((first as { err: Error }).err.message, secrets)] as Parameters<typeof method>);
          }
          return method.apply(this, [first, ...rest].map((a) => scrubArg(a, secrets)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

function scrubArg(arg: unknown, secrets: SecretValues): unknown {
  return typeof arg === 'string' ? scrubString(arg, secrets) : arg;
}

/** A logger that drops everything, for tests and benchmarks. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
