/**
 * Azure RBAC as the simulated ARM enforces it, when a test turns it on: role assignments per
 * principal (the token's `oid`) per vault, and ARM's 401/403 answers. A request without a token
 * is the bot's own identity (the tests run it with ARM_AUTH=none), which has `botRole`.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { VaultId } from '../../src/domain/job';
import { canonicalVaultPath } from './job-body';
import { vaultKeyOf } from './job-state';
import { armError, type Reply } from './vault';

export type SimRole = 'Backup Reader' | 'Backup Operator' | 'Backup Contributor' | 'Contributor' | 'Owner' | 'Reader';

export interface RoleOptions {
  /** PEM of the key that signs user tokens (the fake Entra's); tokens with another signature get 401. */
  readonly tokenKeyPem: string;
  /** Role of requests without a token (the bot's identity); default Backup Reader. */
  readonly botRole?: SimRole;
}

/** The actions a request needs, named as ARM names them in AuthorizationFailed messages. */
export type SimAction = 'read' | 'cancel' | 'backup';
const ACTION_NAMES: Record<SimAction, string> = {
  read: 'Microsoft.RecoveryServices/vaults/backupJobs/read',
  cancel: 'Microsoft.RecoveryServices/vaults/backupJobs/cancel/action',
  backup: 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/backup/action',
};
const WRITERS = new Set<SimRole>(['Backup Operator', 'Backup Contributor', 'Contributor', 'Owner']);

export class RoleBook {
  private readonly assignments = new Map<string, SimRole>();
  /** Every refused request, in order: who (`the bot` without a token) tried what. */
  readonly denials: Array<{ principal: string; action: SimAction; status: number }> = [];
  private readonly key: KeyObject;

  constructor(private readonly opts: RoleOptions) {
    this.key = createPublicKey(opts.tokenKeyPem);
  }

  assign(principalId: string, vault: VaultId, role: SimRole): void {
    this.assignments.set(`${principalId.toLowerCase()}|${vaultKeyOf(vault)}`, role);
  }

  revoke(principalId: string, vault: VaultId): void {
    this.assignments.delete(`${principalId.toLowerCase()}|${vaultKeyOf(vault)}`);
  }

  /** undefined when allowed, else ARM's answer. */
  check(authorization: string | undefined, vault: VaultId, action: SimAction): Reply | undefined {
    let role: SimRole | undefined;
    let principal = 'the bot';
    if (authorization === undefined || authorization === '') {
      role = this.opts.botRole ?? 'Backup Reader';
    } else {
      const oid = this.principalOf(authorization);
      if (oid === undefined) {
        this.denials.push({ principal: 'unknown', action, status: 401 });
        return armError(401, 'InvalidAuthenticationToken', 'The access token is invalid.', {
          'www-authenticate': 'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token"',
        });
      }
      principal = oid;
      role = this.assignments.get(`${oid}|${vaultKeyOf(vault)}`);
    }
    const allowed = role !== undefined && (action === 'read' || WRITERS.has(role));
    if (allowed) return undefined;
    this.denials.push({ principal, action, status: 403 });
    return armError(
      403,
      'AuthorizationFailed',
      `The client '${principal}' with object id '${principal}' does not have authorization to perform action '${ACTION_NAMES[action]}' over scope '${canonicalVaultPath(vault)}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  }

  /** The `oid` of a well-signed, unexpired RS256 token; undefined otherwise. */
  private principalOf(authorization: string): string | undefined {
    const m = /^Bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(authorization);
    if (!m) return undefined;
    const ok = verify('RSA-SHA256', Buffer.from(`${m[1]}.${m[2]}`), this.key, Buffer.from(m[3], 'base64url'));
    if (!ok) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(m[2], 'base64url').toString('utf8')) as { oid?: unknown; exp?: unknown };
      if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return undefined;
      return typeof claims.oid === 'string' ? claims.oid.toLowerCase() : undefined;
    } catch {
      return undefined;
    }
  }
}
