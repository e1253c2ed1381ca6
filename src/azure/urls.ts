/**
 * ARM paths built only from validated values. Each function re-checks what it is given (a VaultId
 * may come from storage, not from the parser) so that nothing unchecked is ever spliced into a URL.
 */
import type { JobListFilter } from './types';
import type { JobKey, OperationRef, VaultId } from '../domain/job';
import {
  FILTER_FORMS,
  IdError,
  JOB_FORMS,
  OPERATION_FORMS,
  VAULT_ID_FORMS,
  checkGuid,
  checkResourceGroup,
  checkVaultName,
  isItemName,
} from './id-rules';
import { matchOperationTail, sameVault } from './ids';
import { trimTrailing } from '../core/text';

/** encodeURIComponent, except `;`: a legal path character that Azure itself writes unencoded in container names. */
function seg(s: string): string {
  return encodeURIComponent(s).replace(/%3B/g, ';');
}

export function vaultPath(v: VaultId): string {
  const sub = checkGuid(v.subscriptionId, 'subscription', VAULT_ID_FORMS);
  const rg = checkResourceGroup(v.resourceGroup, VAULT_ID_FORMS);
  const name = checkVaultName(v.vaultName, VAULT_ID_FORMS);
  return `/subscriptions/${seg(sub)}/resourceGroups/${seg(rg)}/providers/Microsoft.RecoveryServices/vaults/${seg(name)}`;
}

export function jobsPath(v: VaultId): string {
  return `${vaultPath(v)}/backupJobs`;
}

export function jobPath(key: JobKey): string {
  return `${jobsPath(key.vault)}/${seg(checkGuid(key.jobId, 'job', JOB_FORMS))}`;
}

export function cancelPath(key: JobKey): string {
  return `${jobPath(key)}/cancel`;
}

/** BackupProtectedItems_List. */
export function protectedItemsPath(v: VaultId): string {
  return `${vaultPath(v)}/backupProtectedItems`;
}

/** Backups_Trigger of one protected item; container and item names by ARM's item-name rule. */
export function backupTriggerPath(v: VaultId, containerName: string, itemName: string): string {
  const name = (s: string, what: 'container' | 'item'): string => {
    if (!isItemName(s)) throw new IdError(`The ${what} name is not a protected item name Azure uses`, VAULT_ID_FORMS, 'itemName', { what });
    return seg(s);
  };
  return `${vaultPath(v)}/backupFabrics/Azure/protectionContainers/${name(containerName, 'container')}/protectedItems/${name(itemName, 'item')}/backup`;
}

export function backupOperationPath(v: VaultId, operationId: string): string {
  return `${vaultPath(v)}/backupOperations/${seg(checkGuid(operationId, 'operation', OPERATION_FORMS))}`;
}

/** Path of an operation reference; a URL reference must point into `v`. */
export function operationRefPath(v: VaultId, ref: OperationRef): string {
  if (ref.kind === 'guid') return backupOperationPath(v, ref.operationId);
  if (!sameVault(v, ref.vault)) throw new IdError('The operation URL points into another vault', OPERATION_FORMS, 'operationOtherVault');
  const tail = matchOperationTail(ref.pathBelowVault.split('/'));
  if (!tail) throw new IdError('The operation path is not one Azure returns', OPERATION_FORMS, 'operationPathUnknown');
  return `${vaultPath(v)}/${tail.segments.map(seg).join('/')}`;
}

/**
 * A link that opens the job in the Azure portal. `#resource/{id}` is the portal's tenant-agnostic
 * deep link form; the portal picks the signed-in user's directory.
 */
export function portalJobUrl(key: JobKey, portalBase = 'https://portal.azure.com'): string {
  const base = trimTrailing(portalBase, '/');
  return `${base}/#resource${jobPath(key)}`;
}

const FILTER_STATUSES = ['Invalid', 'InProgress', 'Completed', 'Failed', 'CompletedWithWarnings', 'Cancelled', 'Cancelling'] as const;
const FILTER_OPERATIONS = [
  'Invalid',
  'Register',
  'UnRegister',
  'ConfigureBackup',
  'Backup',
  'Restore',
  'DisableBackup',
  'DeleteBackupData',
  'CrossRegionRestore',
  'Undelete',
  'UpdateCustomerManagedKey',
] as const;
const FILTER_MANAGEMENT_TYPES = [
  'Invalid',
  'AzureIaasVM',
  'MAB',
  'DPM',
  'AzureBackupServer',
  'AzureSql',
  'AzureStorage',
  'AzureWorkload',
  'DefaultBackup',
] as const;

function enumValue(value: string, allowed: readonly string[], what: string): string {
  const found = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (!found) throw new IdError(`Unknown ${what} for the job filter`, FILTER_FORMS, 'jobFilter');
  return found;
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * ARM's job filter wants `yyyy-MM-dd hh:mm:ss AM` in UTC (as in the official examples and the
 * Azure CLI); an ISO timestamp is validated and rewritten into that form.
 */
function filterTime(iso: string, what: string): string {
  const ms = ISO_RE.test(iso) ? Date.parse(iso) : NaN;
  if (!Number.isFinite(ms)) throw new IdError(`The ${what} of the job filter must be an ISO 8601 timestamp`, FILTER_FORMS, 'jobFilter');
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  const h = d.getUTCHours();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(h12)}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

/** The `$filter` value for BackupJobs_List; empty string when nothing is filtered. */
export function buildFilter(filter: JobListFilter): string {
  const parts: string[] = [];
  if (filter.status !== undefined) parts.push(`status eq '${enumValue(filter.status, FILTER_STATUSES, 'status')}'`);
  if (filter.operation !== undefined) parts.push(`operation eq '${enumValue(filter.operation, FILTER_OPERATIONS, 'operation')}'`);
  if (filter.backupManagementType !== undefined) {
    parts.push(`backupManagementType eq '${enumValue(filter.backupManagementType, FILTER_MANAGEMENT_TYPES, 'backup management type')}'`);
  }
  if ((filter.startTime === undefined) !== (filter.endTime === undefined)) {
    throw new IdError('The job filter needs both startTime and endTime, or neither', FILTER_FORMS, 'jobFilter');
  }
  if (filter.startTime !== undefined && filter.endTime !== undefined) {
    parts.push(`startTime eq '${filterTime(filter.startTime, 'startTime')}'`, `endTime eq '${filterTime(filter.endTime, 'endTime')}'`);
  }
  return parts.join(' and ');
}
