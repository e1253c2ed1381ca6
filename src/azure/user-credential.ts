/**
 * The pressing user's Azure rights: the Teams SSO token (audience: the bot's app registration) is
 * exchanged On-Behalf-Of for an ARM token for that user. Actions run with it; the bot's own
 * identity (Backup Reader) is never used for them.
 */
import {
  OnBehalfOfCredential,
  type AccessToken,
  type OnBehalfOfCredentialSecretOptions,
  type MultiTenantTokenCredentialOptions,
  type AuthorityValidationOptions,
  type GetTokenOptions,
  type TokenCredential,
} from '@azure/identity';
import { ArmError } from './errors';

/**
 * Entra needs the user at the keyboard before it gives a token: consent not given yet (AADSTS65001),
 * MFA or conditional access (interaction_required, AADSTS50076/50079/50158). The bot then asks the
 * user to sign in (the invoke's loginRequest with a sign-in link) instead of reporting a failure.
 */
export class SignInRequiredError extends ArmError {
  override readonly name = 'SignInRequiredError';
}

const NEEDS_USER = /\b(?:consent_required|interaction_required|AADSTS65001|AADSTS50076|AADSTS50079|AADSTS50158)\b/;

/** Whether an Entra failure wants the user at the keyboard (consent, MFA, conditional access). */
export function needsUser(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (e.name === 'AuthenticationRequiredError') return true;
  const response = (e as { errorResponse?: { error?: unknown; errorDescription?: unknown } }).errorResponse;
  const text = [e.message, response?.error, response?.errorDescription].filter((x) => typeof x === 'string').join(' ');
  return NEEDS_USER.test(text);
}

export interface OboSettings {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** https://login.microsoftonline.com by default; sovereign clouds and the tests' fake Entra change it. */
  readonly authorityHost: string;
}

/**
 * A credential for one user's SSO token. Failures (expired token, no consent, wrong app) become an
 * `unauthorized` ArmError that tells the user what to do, never a fallback to another identity.
 */
export function oboCredential(settings: OboSettings, userAssertionToken: string): TokenCredential {
  // OnBehalfOfCredentialOptions includes AuthorityValidationOptions, but the constructor's
  // overloads do not name it: the options go through a variable typed with it.
  const options: OnBehalfOfCredentialSecretOptions & MultiTenantTokenCredentialOptions & AuthorityValidationOptions = {
    tenantId: settings.tenantId,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    userAssertionToken,
    authorityHost: settings.authorityHost,
    // The authority is configured, not discovered: no call to Entra's instance discovery endpoint.
    disableInstanceDiscovery: true,
  };
  const inner = new OnBehalfOfCredential(options);
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      try {
        return await inner.getToken(scopes, options);
      } catch (e) {
        // The library's message can quote the request; only its first line, without tokens, is kept.
        const first = (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300);
        if (needsUser(e)) throw new SignInRequiredError('unauthorized', `Entra ID needs you to sign in first (${first}).`, { cause: e });
        throw new ArmError('unauthorized', `Entra ID did not give an Azure token for your account (${first}).`, { cause: e });
      }
    },
  };
}
