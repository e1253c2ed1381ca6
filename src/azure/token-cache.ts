import type { AccessToken, TokenCredential } from '@azure/identity';
import type { Clock } from '../core/clock';
import { ArmError } from './errors';

/** Refresh this long before expiry so a token never lapses mid-request. */
export const REFRESH_MARGIN_MS = 2 * 60_000;

/**
 * Reuses one ARM token until shortly before it expires; concurrent callers share one fetch.
 * The credential is created on first use so that building a client never touches the environment.
 */
export class TokenCache {
  private cached?: AccessToken;
  private pending?: Promise<string>;
  private credential?: TokenCredential;

  constructor(
    private readonly makeCredential: () => TokenCredential,
    private readonly scope: string,
    private readonly clock: Clock,
  ) {}

  async get(): Promise<string> {
    if (this.cached && this.cached.expiresOnTimestamp - REFRESH_MARGIN_MS > this.clock.now()) return this.cached.token;
    this.pending ??= this.fetch().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forget the token (ARM answered 401: it may have been revoked). */
  invalidate(): void {
    this.cached = undefined;
  }

  private async fetch(): Promise<string> {
    let token: AccessToken | null;
    try {
      this.credential ??= this.makeCredential();
      token = await this.credential.getToken(this.scope);
    } catch (e) {
      // A credential that already says what to do (the user's On-Behalf-Of one) is passed on as it is.
      if (e instanceof ArmError) throw e;
      const why = e instanceof Error ? e.message : String(e);
      throw new ArmError(
        'unauthorized',
        `Could not get an Azure token for ${this.scope}: ${why}. Give the bot a managed identity or workload identity, sign in with the Azure CLI, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET.`,
        { cause: e },
      );
    }
    if (!token) throw new ArmError('unauthorized', `The Azure credential returned no token for ${this.scope}.`);
    this.cached = token;
    return token.token;
  }
}
