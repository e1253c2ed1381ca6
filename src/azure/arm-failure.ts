/**
 * The one place a thrown value is recognised as an Azure failure: the tracker (poll failures),
 * the commands (what to tell the user) and the shared read budget (a 429 pauses the subscription)
 * all classify through here.
 */
import type { ArmFailure } from '../domain/job';
import { ArmError } from './errors';

/** The actionable part of an ArmError; undefined for anything else (a bug: callers rethrow it). */
export function armFailureOf(err: unknown): ArmFailure | undefined {
  if (!(err instanceof ArmError)) return undefined;
  return {
    kind: err.kind,
    message: err.message,
    ...(err.retryAfterMs !== undefined && err.retryAfterMs >= 0 ? { retryAfterMs: err.retryAfterMs } : {}),
    ...(err.requiredRole ? { requiredRole: err.requiredRole } : {}),
  };
}

/**
 * Any thrown value as a failure. Not an ArmError (a network error that escaped the client, a bug):
 * transient, worth another try later; background loops must keep going.
 */
export function toArmFailure(err: unknown): ArmFailure {
  return armFailureOf(err) ?? { kind: 'transient', message: err instanceof Error ? err.message : String(err) };
}
