import { ArmError } from '../azure/errors';
import type { ArmFailure } from './views';

/** The user-relevant part of an ArmError; undefined for anything else (a bug, rethrown). */
export function armFailureOf(err: unknown): ArmFailure | undefined {
  if (!(err instanceof ArmError)) return undefined;
  return {
    kind: err.kind,
    message: err.message,
    ...(err.requiredRole === undefined ? {} : { requiredRole: err.requiredRole }),
    ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }),
  };
}
