/**
 * Protected items of the simulated vaults: derived from the backup jobs the vault knows (one item
 * per datasource) plus any a test adds, named and shaped as the service does per workload
 * (BackupProtectedItems_List, ProtectedItems_Get). Backups_Trigger starts a new job for an item.
 */
import type { VaultId } from '../../src/domain/job';
import { canonicalVaultPath, type Json } from './job-body';
import { vaultKeyOf } from './job-state';
import { itemNamesOf } from './item-names';
import type { SimJobSpec, SimTaskSpec } from './spec';

export { itemNamesOf } from './item-names';

/** One protected item; `template` is what a backup of it looks like (job type, workload, property bag). */
export interface SimProtectedItem {
  readonly vault: VaultId;
  readonly containerName: string;
  readonly name: string;
  readonly friendlyName: string;
  readonly template: Omit<SimJobSpec, 'jobId' | 'startAt' | 'tasks' | 'outcome' | 'errorDetails'>;
  /** What the next triggered backup does; default a short successful snapshot and transfer. */
  next?: { tasks: SimTaskSpec[]; outcome: SimJobSpec['outcome']; held?: boolean };
}

const ITEM_TYPES: Record<string, { protectedItemType: string; workloadType: string }> = {
  AzureIaasVM: { protectedItemType: 'Microsoft.Compute/virtualMachines', workloadType: 'VM' },
  AzureWorkload: { protectedItemType: 'AzureVmWorkloadSQLDatabase', workloadType: 'SQLDataBase' },
  AzureStorage: { protectedItemType: 'AzureFileShareProtectedItem', workloadType: 'AzureFileShare' },
};

/** Path of a protected item below ARM's origin. */
export function protectedItemPath(vault: VaultId, containerName: string, name: string): string {
  return `${canonicalVaultPath(vault)}/backupFabrics/Azure/protectionContainers/${containerName}/protectedItems/${name}`;
}

export class ProtectedItems {
  private readonly items = new Map<string, SimProtectedItem>();

  /** Registers the datasource of a job that backs something up (not vault jobs, not DPM/MAB: those are on-premises agents). */
  learnFrom(spec: SimJobSpec): void {
    if (!(spec.backupManagementType in ITEM_TYPES)) return;
    const { containerName, name } = itemNamesOf(spec);
    const key = this.key(spec.vault, containerName, name);
    if (this.items.has(key)) return;
    const { vault, jobType, backupManagementType, workloadType, entityFriendlyName, propertyBag, durationFormat } = spec;
    this.items.set(key, {
      vault,
      containerName,
      name,
      friendlyName: entityFriendlyName,
      template: {
        vault,
        jobType,
        operation: 'Backup',
        backupManagementType,
        workloadType,
        entityFriendlyName,
        propertyBag,
        durationFormat,
      },
    });
  }

  find(vault: VaultId, containerName: string, name: string): SimProtectedItem | undefined {
    return this.items.get(this.key(vault, containerName, name));
  }

  /** Every item of `vault`, optionally only one backupManagementType (the list's `$filter`). */
  list(vault: VaultId, backupManagementType?: string): SimProtectedItem[] {
    const vk = vaultKeyOf(vault);
    return [...this.items.values()].filter(
      (i) =>
        vaultKeyOf(i.vault) === vk &&
        (backupManagementType === undefined || i.template.backupManagementType.toLowerCase() === backupManagementType.toLowerCase()),
    );
  }

  body(item: SimProtectedItem, lastBackup?: { status: string; time?: string }): { [key: string]: Json } {
    const types = ITEM_TYPES[item.template.backupManagementType];
    const vmLike = item.template.backupManagementType === 'AzureIaasVM';
    const properties: { [key: string]: Json } = {
      protectedItemType: types.protectedItemType,
      friendlyName: item.friendlyName,
      backupManagementType: item.template.backupManagementType,
      workloadType: types.workloadType,
      containerName: vmLike ? item.containerName.replace(/^IaasVMContainer;/, '') : item.containerName,
      protectionStatus: 'Healthy',
      protectionState: 'Protected',
      healthStatus: 'Passed',
      lastBackupStatus: lastBackup?.status ?? 'Completed',
      policyId: `${canonicalVaultPath(item.vault)}/backupPolicies/DefaultPolicy`,
    };
    if (lastBackup?.time) properties['lastBackupTime'] = lastBackup.time;
    if (vmLike) {
      properties['virtualMachineId'] =
        `/subscriptions/${item.vault.subscriptionId}/resourceGroups/${item.vault.resourceGroup}/providers/Microsoft.Compute/virtualMachines/${item.friendlyName}`;
      properties['sourceResourceId'] = properties['virtualMachineId'];
    }
    return {
      id: protectedItemPath(item.vault, item.containerName, item.name),
      name: item.name,
      type: 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems',
      properties,
    };
  }

  private key(vault: VaultId, containerName: string, name: string): string {
    return `${vaultKeyOf(vault)}|${containerName.toLowerCase()}|${name.toLowerCase()}`;
  }
}
