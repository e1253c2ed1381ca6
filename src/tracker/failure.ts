/**
 * Maps whatever a BackupJobsApi call threw to the schedule's PollFailure. ArmError (azure/errors)
 * is recognised by shape, so the tracker does not depend on the client's class identity.
 */
import type { ArmErrorKind } from '../domain/job';
import type { PollFailure } from './schedule';

const KINDS: ReadonlySet<string> = new Set<ArmErrorKind>([
  'throttled',
  'transient',
  'notFound',
  'forbidden',
  'unauthorized',
  'malformed',
  'badRequest',
]);

export function toPollFailure(error: unknown): PollFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (typeof error === 'object' && error !== null) {
    const e = error as { kind?: unknown; retryAfterMs?: unknown; requiredRole?: unknown };
    if (typeof e.kind === 'string' && KINDS.has(e.kind)) {
      return {
        kind: e.kind as ArmErrorKind,
        message,
        ...(typeof e.retryAfterMs === 'number' && e.retryAfterMs >= 0 ? { retryAfterMs: e.retryAfterMs } : {}),
        ...(typeof e.requiredRole === 'string' && e.requiredRole ? { requiredRole: e.requiredRole } : {}),
      };
    }
  }
  // Not an ArmError (a network error that escaped the client, a bug): worth another try later.
  return { kind: 'transient', message };
}
