/**
 * BACKUP_VAULTS: the allow-list of vaults. Entries are `resourceGroup/vaultName` (in
 * AZURE_SUBSCRIPTION_ID) or full ARM vault ids; segments follow ARM's naming rules so that nothing
 * from configuration can later be turned into an unexpected URL either.
 */
import type { VaultId } from '../domain/job';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VAULT_NAME = /^[A-Za-z][A-Za-z0-9-]{1,49}$/;
const RESOURCE_GROUP = /^[A-Za-z0-9_\-.()]{0,89}[A-Za-z0-9_\-()]$/;
const FULL_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.RecoveryServices\/vaults\/([^/]+)\/?$/i;

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
    if (!vaults.some((v) => sameVaultId(v, vault))) vaults.push(vault);
  }
  if (vaults.length === 0) return { ok: false, entry: list, expected: EXPECTED };
  return { ok: true, vaults };
}

/** One BACKUP_VAULTS entry (`resourceGroup/vaultName` or a full vault id); undefined when malformed. */
export function parseVaultEntry(entry: string, subscriptionId: string): VaultId | undefined {
  const full = FULL_ID.exec(entry);
  const [sub, rg, name] = full ? [full[1], full[2], full[3]] : [subscriptionId, ...entry.split('/')];
  if (!full && entry.split('/').length !== 2) return undefined;
  if (!sub || !rg || !name || !GUID.test(sub) || !RESOURCE_GROUP.test(rg) || !VAULT_NAME.test(name)) return undefined;
  return { subscriptionId: sub.toLowerCase(), resourceGroup: rg, vaultName: name };
}

/** ARM names are case-insensitive. */
export function sameVaultId(a: VaultId, b: VaultId): boolean {
  return (
    a.subscriptionId.toLowerCase() === b.subscriptionId.toLowerCase() &&
    a.resourceGroup.toLowerCase() === b.resourceGroup.toLowerCase() &&
    a.vaultName.toLowerCase() === b.vaultName.toLowerCase()
  );
}
