import { AuthenticationError, AuthenticationRequiredError } from '@azure/identity';
import { needsUser } from '../../../src/azure/user-credential';

describe('which Entra failures ask the user to sign in', () => {
  const entra = (error: string, description: string): AuthenticationError =>
    new AuthenticationError(400, { error, error_description: description });

  it('consent, MFA and conditional access do', () => {
    expect(needsUser(entra('invalid_grant', 'AADSTS65001: The user or administrator has not consented to use the application.'))).toBe(
      true,
    );
    expect(needsUser(entra('interaction_required', 'AADSTS50076: you must use multi-factor authentication.'))).toBe(true);
    expect(needsUser(entra('interaction_required', 'AADSTS50158: External security challenge not satisfied.'))).toBe(true);
    expect(needsUser(new AuthenticationRequiredError({ scopes: ['https://management.azure.com/.default'] }))).toBe(true);
  });

  it('a wrong secret, a foreign assertion or a network failure do not (signing in again would not help)', () => {
    expect(needsUser(entra('invalid_client', 'AADSTS7000215: Invalid client secret provided.'))).toBe(false);
    expect(needsUser(entra('invalid_grant', 'AADSTS50013: Assertion failed signature validation.'))).toBe(false);
    expect(needsUser(new Error('connect ECONNREFUSED 127.0.0.1:443'))).toBe(false);
    expect(needsUser('AADSTS65001')).toBe(false);
  });
});
