/**
 * Resolves what the user typed (job, operation, vault) against the allow-list. Nothing outside
 * BACKUP_VAULTS and nothing the id parsers reject ever leaves this file as a key.
 */
import { IdError, isGuid, jobKeyString, parseJobRef, parseOperationRef, parseVaultRef, sameVault } from '../azure/ids';
import type { JobKey, OperationRef, VaultId } from '../domain/job';
import { t } from '../cards/i18n';
import type { VaultAllowList } from './types';

export type Resolved<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** How vaults are shown to users: `resourceGroup/vaultName`. */
export function vaultLabel(v: VaultId): string {
  return `${v.resourceGroup}/${v.vaultName}`;
}

export function allowedLabels(allow: VaultAllowList, locale: string | undefined): string {
  return allow.vaults.map(vaultLabel).join(t(locale, 'list.separator'));
}

/** Why a reference was refused, in the user's language (the parser's English `reason` is for logs). */
export function idReason(err: IdError, locale: string | undefined): string {
  return t(locale, `idError.${err.code}`, err.params);
}

/** Shown back to users inside quotes: bounded, so a hostile paste cannot flood the thread. */
export function echo(input: string): string {
  const clean = input.replace(/[`*_~<>[\]]/g, '');
  return clean.length > 80 ? `${clean.slice(0, 77)}...` : clean;
}

/** The answer for a conversation the access policy gives no vault. */
export function noVaultText(allow: VaultAllowList, locale: string | undefined): string {
  const ids = { team: 'access.noVault.team', groupChat: 'access.noVault.groupChat', personal: 'access.noVault.personal' } as const;
  return t(locale, ids[allow.scope]);
}

function notAllowed(label: string, allow: VaultAllowList, locale: string | undefined): Resolved<never> {
  if (allow.vaults.length === 0) return { ok: false, message: noVaultText(allow, locale) };
  return { ok: false, message: t(locale, 'error.vaultNotAllowed', { vault: echo(label), allowed: allowedLabels(allow, locale) }) };
}

function allowed(vault: VaultId, allow: VaultAllowList): VaultId | undefined {
  return allow.vaults.find((v) => sameVault(v, vault));
}

/** A vault name, `resourceGroup/name` or full id → the allowed vault it designates. */
export function resolveVault(input: string | undefined, allow: VaultAllowList, locale: string | undefined): Resolved<VaultId> {
  if (input === undefined) {
    const first = allow.vaults[0];
    return first ? { ok: true, value: first } : { ok: false, message: noVaultText(allow, locale) };
  }
  let ref;
  try {
    ref = parseVaultRef(input);
  } catch (err) {
    if (!(err instanceof IdError)) throw err;
    return { ok: false, message: t(locale, 'error.malformedVault', { input: echo(input), reason: idReason(err, locale) }) };
  }
  if (ref.kind === 'resourceId') {
    const hit = allowed(ref.vault, allow);
    return hit ? { ok: true, value: hit } : notAllowed(vaultLabel(ref.vault), allow, locale);
  }
  const name = ref.vaultName.toLowerCase();
  const rg = ref.kind === 'groupAndName' ? ref.resourceGroup.toLowerCase() : undefined;
  const hits = allow.vaults.filter((v) => v.vaultName.toLowerCase() === name && (rg === undefined || v.resourceGroup.toLowerCase() === rg));
  if (hits.length === 1) return { ok: true, value: hits[0] };
  if (hits.length === 0) return notAllowed(input, allow, locale);
  return {
    ok: false,
    message: t(locale, 'error.vaultAmbiguous', { vault: echo(input), candidates: hits.map(vaultLabel).join(t(locale, 'list.separator')) }),
  };
}

/** A job GUID (in `vault` or the default), a job resource id or a portal link → an allowed job key. */
export function resolveJob(
  input: string,
  vaultInput: string | undefined,
  allow: VaultAllowList,
  locale: string | undefined,
): Resolved<JobKey> {
  let ref;
  try {
    ref = parseJobRef(input);
  } catch (err) {
    if (!(err instanceof IdError)) throw err;
    return { ok: false, message: t(locale, 'error.malformedJob', { input: echo(input), reason: idReason(err, locale) }) };
  }
  if (ref.kind === 'resourceId') {
    // The id names its own vault; it must be allowed whatever `in <vault>` says.
    const hit = allowed(ref.key.vault, allow);
    return hit ? { ok: true, value: { vault: hit, jobId: ref.key.jobId } } : notAllowed(vaultLabel(ref.key.vault), allow, locale);
  }
  const vault = resolveVault(vaultInput, allow, locale);
  return vault.ok ? { ok: true, value: { vault: vault.value, jobId: ref.jobId } } : vault;
}

export interface ResolvedOperation {
  readonly vault: VaultId;
  readonly ref: OperationRef;
}

export function resolveOperation(
  input: string,
  vaultInput: string | undefined,
  allow: VaultAllowList,
  locale: string | undefined,
): Resolved<ResolvedOperation> {
  let ref: OperationRef;
  try {
    ref = parseOperationRef(input);
  } catch (err) {
    if (!(err instanceof IdError)) throw err;
    return { ok: false, message: t(locale, 'error.malformedOperation', { input: echo(input), reason: idReason(err, locale) }) };
  }
  if (ref.kind === 'url') {
    const hit = allowed(ref.vault, allow);
    return hit ? { ok: true, value: { vault: hit, ref } } : notAllowed(vaultLabel(ref.vault), allow, locale);
  }
  const vault = resolveVault(vaultInput, allow, locale);
  return vault.ok ? { ok: true, value: { vault: vault.value, ref } } : vault;
}

/** A card button's data → the allowed job it names, or undefined when it names none. */
export function resolveCardJob(jobKey: string, jobId: string, allow: VaultAllowList): JobKey | undefined {
  if (!isGuid(jobId)) return undefined;
  const wanted = jobKey.toLowerCase();
  for (const vault of allow.vaults) {
    const key = { vault, jobId: jobId.toLowerCase() };
    if (jobKeyString(key) === wanted) return key;
  }
  return undefined;
}
