import { armFailureOf, toArmFailure } from '../../../src/azure/arm-failure';
import { ArmError, MalformedResponseError, errorForStatus } from '../../../src/azure/errors';

describe('ArmError classification', () => {
  it('keeps what callers act on: kind, message, Retry-After and the role to assign', () => {
    const forbidden = errorForStatus(403, { error: { code: 'AuthorizationFailed' } }, { what: 'vault v1', purpose: 'read' });
    expect(armFailureOf(forbidden)).toEqual({ kind: 'forbidden', message: forbidden.message, requiredRole: 'Backup Reader' });
    const throttled = errorForStatus(429, {}, { what: 'vault v1', purpose: 'read', retryAfterMs: 7000 });
    expect(armFailureOf(throttled)).toEqual({ kind: 'throttled', message: throttled.message, retryAfterMs: 7000 });
    expect(armFailureOf(new MalformedResponseError('no jobType'))).toMatchObject({ kind: 'malformed' });
    expect(toArmFailure(new ArmError('notFound', 'gone'))).toEqual({ kind: 'notFound', message: 'gone' });
  });

  it('recognises ArmErrors only: a look-alike object or a bug is not an Azure answer', () => {
    expect(armFailureOf({ kind: 'throttled', retryAfterMs: 5 })).toBeUndefined();
    expect(armFailureOf(new TypeError('x is undefined'))).toBeUndefined();
    // Background loops keep going: anything else counts as transient.
    expect(toArmFailure(new TypeError('x is undefined'))).toEqual({ kind: 'transient', message: 'x is undefined' });
    expect(toArmFailure('boom')).toEqual({ kind: 'transient', message: 'boom' });
  });
});
