/**
 * Protected items as the bot needs them for "Back up again": which item a job backed up. The list
 * is Azure's data, so every item is validated; ids are parsed into container and item names.
 */
import { z } from 'zod';
import type { BackupJob, VaultId } from '../domain/job';
import { isItemName } from './id-rules';
import { sameVault } from './ids';
import { MalformedResponseError } from './errors';

export interface ProtectedItem {
  readonly vault: VaultId;
  readonly containerName: string;
  readonly name: string;
  readonly friendlyName: string;
  readonly backupManagementType: string;
  readonly workloadType?: string;
  /** `properties.containerName` as the item reports it (IaaS VMs: without the `IaasVMContainer;` prefix). */
  readonly reportedContainer?: string;
}

const itemSchema = z.object({
  id: z.string().max(2000),
  name: z.string().max(300),
  properties: z.object({
    friendlyName: z.string().max(300),
    backupManagementType: z.string().max(60),
    workloadType: z.string().max(60).optional(),
    containerName: z.string().max(300).optional(),
  }),
});
const listSchema = z.object({ value: z.array(z.unknown()) });

/** `…/vaults/{v}/backupFabrics/{f}/protectionContainers/{c}/protectedItems/{i}` → container and item. */
function namesFromId(id: string): { containerName: string; name: string } | undefined {
  const seg = id.split('/');
  const i = seg.findIndex((s) => s.toLowerCase() === 'protectioncontainers');
  if (i < 0 || seg[i + 2]?.toLowerCase() !== 'protecteditems' || seg.length !== i + 4) return undefined;
  const containerName = seg[i + 1];
  const name = seg[i + 3];
  return isItemName(containerName) && isItemName(name) ? { containerName, name } : undefined;
}

export function parseProtectedItems(body: unknown, vault: VaultId): ProtectedItem[] {
  const list = listSchema.safeParse(body);
  if (!list.success) throw new MalformedResponseError('a protected item list without a value array');
  const items: ProtectedItem[] = [];
  for (const raw of list.data.value) {
    const parsed = itemSchema.safeParse(raw);
    const names = parsed.success ? namesFromId(parsed.data.id) : undefined;
    if (!parsed.success || !names) continue; // an item the bot cannot act on is not a candidate
    const p = parsed.data.properties;
    items.push({
      vault,
      ...names,
      friendlyName: p.friendlyName,
      backupManagementType: p.backupManagementType,
      ...(p.workloadType ? { workloadType: p.workloadType } : {}),
      ...(p.containerName ? { reportedContainer: p.containerName } : {}),
    });
  }
  return items;
}

export type ItemMatch = { readonly ok: true; readonly item: ProtectedItem } | { readonly ok: false; readonly candidates: number };

const eq = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

/**
 * The protected item a job backed up, or how many items fit when not exactly one: never a guess.
 * AzureIaaSVMJob: the job's containerName names the container (with or without its type prefix).
 * Others: the same backupManagementType (and workloadType when both know it) and friendly name.
 */
export function itemForJob(job: BackupJob, vault: VaultId, items: readonly ProtectedItem[]): ItemMatch {
  const inVault = items.filter((i) => sameVault(i.vault, vault));
  const container = typeof job.extra['containerName'] === 'string' ? job.extra['containerName'] : undefined;
  let found: ProtectedItem[];
  if ((job.jobType === 'AzureIaaSVMJob' || job.jobType === 'AzureIaaSVMJobV2') && container !== undefined) {
    found = inVault.filter(
      (i) => eq(i.containerName, container) || eq(i.reportedContainer, container) || eq(i.containerName, `IaasVMContainer;${container}`),
    );
  } else {
    found = inVault.filter(
      (i) =>
        eq(i.backupManagementType, job.backupManagementType) &&
        eq(i.friendlyName, job.entityFriendlyName) &&
        (job.workloadType === undefined || i.workloadType === undefined || eq(i.workloadType, job.workloadType)),
    );
  }
  return found.length === 1 ? { ok: true, item: found[0] } : { ok: false, candidates: found.length };
}

/** Items whose friendly name is `name` (the `backup <item>` command). */
export function itemsNamed(name: string, items: readonly ProtectedItem[]): ProtectedItem[] {
  return items.filter((i) => eq(i.friendlyName, name));
}
