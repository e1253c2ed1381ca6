/**
 * BACKUP_VAULTS: the allow-list of vaults. Entries are `resourceGroup/vaultName` (in
 * AZURE_SUBSCRIPTION_ID) or full ARM vault ids; segments follow ARM's naming rules so that nothing
 * from configuration can later be turned into an unexpected URL either.
 */
import { IdError, parseVaultId, parseVaultRef, sameVault } from '../azure/ids';
import { isGuid } from '../azure/id-rules';
import type { VaultId } from '../domain/job';

const EXPECTED =
  'a comma list of resourceGroup/vaultName or /subscriptions/{guid}/resourceGroups/{rg}/providers/Microsoft.RecoveryServices/vaults/{name}';

export type VaultListResult =
  { readonly ok: true; readonly vaults: VaultId[] } | { readonly ok: false; readonly entry: string; readonly expected: string };

export function parseVaultList(list: string, subscriptionId: string): VaultListResult {
  const vaults: VaultId[] = [];
  const entries = list.split(',').map((e) => e.trim());
  for (const entry of entries) {
    if (entry === '') continue;
    const vault = parseVaultEntry(entry, subscriptionId);
    if (!vault) return { ok: false, entry, expected: EXPECTED };
    if (!vaults.some((v) => sameVault(v, vault))) vaults.push(vault);
  }
  if (vaults.length === 0) return { ok: false, entry: list, expected: EXPECTED };
  return { ok: true, vaults };
}

/**
 * One BACKUP_VAULTS entry (`resourceGroup/vaultName` or a full vault id); undefined when malformed.
 * The user-facing parsers, restricted to the two forms configuration takes (no bare names, no links).
 */
export function parseVaultEntry(entry: string, subscriptionId: string): VaultId | undefined {
  try {
    if (entry.startsWith('/')) return parseVaultId(entry);
    const ref = parseVaultRef(entry);
    if (ref.kind !== 'groupAndName' || !isGuid(subscriptionId)) return undefined;
    return { subscriptionId: subscriptionId.toLowerCase(), resourceGroup: ref.resourceGroup, vaultName: ref.vaultName };
  } catch (e) {
    if (e instanceof IdError) return undefined;
    throw e;
  }
}
