/**
 * Parsing of what users paste (job, vault and operation references) into validated identifiers.
 * Every segment that can later reach a URL is checked against ARM's naming rules here; anything
 * else is rejected with an IdError naming the accepted forms.
 */
import type { JobKey, JobRef, OperationRef, VaultId, VaultRef } from '../domain/job';
import {
  IdError,
  JOB_FORMS,
  OPERATION_FORMS,
  VAULT_FORMS,
  VAULT_ID_FORMS,
  checkGuid,
  checkRaw,
  checkResourceGroup,
  checkVaultName,
  isGuid,
  isItemName,
} from './id-rules';

export { IdError, isGuid } from './id-rules';

type OperationStyle = Extract<OperationRef, { kind: 'url' }>['style'];

interface Candidate {
  readonly segments: readonly string[];
  /** Pasted as a link: portal blade segments may follow the resource id. */
  readonly fromUrl: boolean;
}

/**
 * Decodes `%XX` byte by byte. Multi-byte sequences become characters above 0x7f, which
 * checkRaw rejects, so no Unicode look-alike survives decoding; a stray `%` stays and fails later.
 */
function decodeBytes(s: string): string {
  return s.replace(/%([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function splitPath(path: string, forms: readonly string[]): string[] {
  const segments = path.split('/').slice(1);
  if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  for (const s of segments) {
    if (s === '.' || s === '..') throw new IdError('The reference contains a path traversal segment (. or ..)', forms, 'pathTraversal');
    if (s === '') throw new IdError('The reference contains an empty path segment (//)', forms, 'emptySegment');
  }
  return segments;
}

/** Turns raw input into candidate ARM paths (split into segments), or throws. */
function candidates(input: string, forms: readonly string[]): Candidate[] {
  checkRaw(input, forms);
  if (/^https?:\/\//i.test(input)) {
    const decoded = decodeBytes(input);
    checkRaw(decoded, forms);
    const lower = decoded.toLowerCase();
    const found: Candidate[] = [];
    let at = lower.indexOf('/subscriptions/');
    if (at < 0) throw new IdError('The link does not contain an Azure resource id (/subscriptions/…)', forms, 'noResourceIdInLink');
    while (at >= 0) {
      // The id ends where the link's query, fragment or next parameter (`&`, or `//` before another id) starts.
      const rest = decoded.slice(at);
      const end = rest.search(/[?#&]|\/\//);
      found.push({ segments: splitPath(end < 0 ? rest : rest.slice(0, end), forms), fromUrl: true });
      at = lower.indexOf('/subscriptions/', at + 1);
    }
    return found;
  }
  let path = input;
  if (/^%2f/i.test(path)) {
    path = decodeBytes(path);
    checkRaw(path, forms);
  } else if (path.includes('%')) {
    throw new IdError('The resource id contains percent-encoded characters (such as %2F)', forms, 'percentEncoded');
  }
  if (/^subscriptions\//i.test(path)) path = `/${path}`;
  if (/[?#]/.test(path)) throw new IdError('The resource id must not contain a query (?) or fragment (#)', forms, 'queryOrFragment');
  if (!path.startsWith('/')) throw new IdError('The reference is not in a recognised form', forms, 'unrecognisedForm');
  return [{ segments: splitPath(path, forms), fromUrl: false }];
}

function keyword(actual: string | undefined, expected: string): boolean {
  return actual !== undefined && actual.toLowerCase() === expected.toLowerCase();
}

/** Parses `subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.RecoveryServices/vaults/{vault}`. */
function vaultPrefix(segments: readonly string[], forms: readonly string[]): { vault: VaultId; rest: string[] } {
  const [s0, sub, r0, rg, p0, ns, v0, name] = segments;
  if (!keyword(s0, 'subscriptions') || sub === undefined)
    throw new IdError('The resource id must start with /subscriptions/{subscriptionId}', forms, 'noSubscription');
  const subscriptionId = checkGuid(sub, 'subscription', forms);
  if (!keyword(r0, 'resourceGroups') || rg === undefined)
    throw new IdError('The resource id must continue with /resourceGroups/{resourceGroup}', forms, 'noResourceGroup');
  const resourceGroup = checkResourceGroup(rg, forms);
  if (!keyword(p0, 'providers') || !keyword(ns, 'Microsoft.RecoveryServices') || !keyword(v0, 'vaults') || name === undefined) {
    throw new IdError(
      'The resource id is not a Recovery Services vault (/providers/Microsoft.RecoveryServices/vaults/{vault})',
      forms,
      'notAVault',
    );
  }
  return { vault: { subscriptionId, resourceGroup, vaultName: checkVaultName(name, forms) }, rest: segments.slice(8) };
}

/** Tries each candidate in order; reports the first candidate's problem if none fits. */
function firstParsed<T>(list: readonly Candidate[], parse: (c: Candidate) => T): T {
  let firstError: unknown;
  for (const c of list) {
    try {
      return parse(c);
    } catch (e) {
      if (!(e instanceof IdError)) throw e;
      firstError ??= e;
    }
  }
  throw firstError;
}

export function parseJobRef(input: string): JobRef {
  if (isGuid(input)) return { kind: 'guid', jobId: input.toLowerCase() };
  return firstParsed(candidates(input, JOB_FORMS), (c) => {
    const { vault, rest } = vaultPrefix(c.segments, JOB_FORMS);
    const [j0, jobId] = rest;
    if (!keyword(j0, 'backupJobs') || jobId === undefined)
      throw new IdError('The resource id is not a backup job (…/backupJobs/{jobId})', JOB_FORMS, 'notAJob');
    // A portal link may carry blade segments after the id (…/overview); they never reach a URL.
    if (rest.length > 2 && !c.fromUrl) throw new IdError('The resource id has extra segments after the job id', JOB_FORMS, 'extraAfterJob');
    return { kind: 'resourceId', key: { vault, jobId: checkGuid(jobId, 'job', JOB_FORMS) } };
  });
}

export function parseVaultRef(input: string): VaultRef {
  checkRaw(input, VAULT_FORMS);
  if (!input.includes('/') && !input.includes('%') && !/^https?:/i.test(input)) {
    return { kind: 'name', vaultName: checkVaultName(input, VAULT_FORMS) };
  }
  const parts = input.split('/');
  if (parts.length === 2 && !/^subscriptions$/i.test(parts[0]) && parts[0] !== '' && !input.includes('%')) {
    return {
      kind: 'groupAndName',
      resourceGroup: checkResourceGroup(parts[0], VAULT_FORMS),
      vaultName: checkVaultName(parts[1], VAULT_FORMS),
    };
  }
  return firstParsed(candidates(input, VAULT_FORMS), (c) => {
    const { vault, rest } = vaultPrefix(c.segments, VAULT_FORMS);
    // Portal links end in a blade name such as /overview.
    const bladeOnly = c.fromUrl && rest.length === 1 && /^[A-Z]{1,40}$/i.test(rest[0]);
    if (rest.length > 0 && !bladeOnly)
      throw new IdError('The resource id has extra segments after the vault name', VAULT_FORMS, 'extraAfterVault');
    return { kind: 'resourceId', vault };
  });
}

/** A full ARM vault id, nothing else (used for configuration and stored state). */
export function parseVaultId(input: string): VaultId {
  checkRaw(input, VAULT_ID_FORMS);
  if (/^https?:/i.test(input))
    throw new IdError('A full vault resource id is required, not a link', VAULT_ID_FORMS, 'vaultLinkNotAccepted');
  const [c] = candidates(input, VAULT_ID_FORMS);
  const { vault, rest } = vaultPrefix(c.segments, VAULT_ID_FORMS);
  if (rest.length > 0) throw new IdError('The resource id has extra segments after the vault name', VAULT_ID_FORMS, 'extraAfterVault');
  return vault;
}

const OPERATION_SHAPES: ReadonlyArray<{ pattern: readonly string[]; style: OperationStyle }> = [
  { pattern: ['backupOperations', '{op}'], style: 'backupOperations' },
  { pattern: ['backupOperationResults', '{op}'], style: 'operationResults' },
  { pattern: ['backupJobs', 'operationResults', '{op}'], style: 'operationResults' },
  { pattern: ['backupJobs', '{guid}', 'operationResults', '{op}'], style: 'operationResults' },
  {
    pattern: ['backupFabrics', '{item}', 'protectionContainers', '{item}', 'protectedItems', '{item}', 'operationsStatus', '{op}'],
    style: 'operationsStatus',
  },
  {
    pattern: ['backupFabrics', '{item}', 'protectionContainers', '{item}', 'protectedItems', '{item}', 'operationResults', '{op}'],
    style: 'operationResults',
  },
];

/**
 * Matches the segments below a vault against the operation URL shapes Azure returns.
 * Returns canonical segments (keywords in ARM casing, GUIDs lower-cased) or undefined.
 */
export function matchOperationTail(
  rest: readonly string[],
): { segments: string[]; operationId: string; style: OperationStyle } | undefined {
  for (const shape of OPERATION_SHAPES) {
    if (shape.pattern.length !== rest.length) continue;
    const out: string[] = [];
    let ok = true;
    for (let i = 0; i < rest.length && ok; i++) {
      const p = shape.pattern[i];
      const s = rest[i];
      if (p === '{op}' || p === '{guid}') ok = isGuid(s) && out.push(s.toLowerCase()) > 0;
      else if (p === '{item}') ok = isItemName(s) && out.push(s) > 0;
      else ok = keyword(s, p) && out.push(p) > 0;
    }
    if (ok) return { segments: out, operationId: out[out.length - 1], style: shape.style };
  }
  return undefined;
}

export function parseOperationRef(input: string): OperationRef {
  if (isGuid(input)) return { kind: 'guid', operationId: input.toLowerCase() };
  // Header URLs carry `?api-version=…`; only the path is kept, the client adds its own query.
  return firstParsed(candidates(input, OPERATION_FORMS), (c) => {
    const { vault, rest } = vaultPrefix(c.segments, OPERATION_FORMS);
    const tail = matchOperationTail(rest);
    if (!tail) {
      throw new IdError(
        'The URL is not an operation status or result (…/operationsStatus/{id}, …/backupOperations/{id}, …/operationResults/{id})',
        OPERATION_FORMS,
        'notAnOperationUrl',
      );
    }
    return { kind: 'url', operationId: tail.operationId, vault, pathBelowVault: tail.segments.join('/'), style: tail.style };
  });
}

/** Canonical, case-insensitive key of a job: `sub/rg/vault/jobId`, lower case. */
export function jobKeyString(key: JobKey): string {
  return `${vaultKeyString(key.vault)}/${key.jobId.toLowerCase()}`;
}

/** Canonical, case-insensitive key of a vault: `sub/rg/vault`, lower case. */
export function vaultKeyString(v: VaultId): string {
  return `${v.subscriptionId}/${v.resourceGroup}/${v.vaultName}`.toLowerCase();
}

/** ARM names are case-insensitive. */
export function sameVault(a: VaultId, b: VaultId): boolean {
  return vaultKeyString(a) === vaultKeyString(b);
}
