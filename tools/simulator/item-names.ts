/** Names of a job's protected item, shared by the job bodies and the protected items (no imports: no cycle). */
import type { SimJobSpec } from './spec';

/** Container and item names of a job's datasource, in the forms the service uses per workload. */
export function itemNamesOf(spec: Pick<SimJobSpec, 'vault' | 'entityFriendlyName' | 'backupManagementType'>): {
  containerName: string;
  name: string;
} {
  const rg = spec.vault.resourceGroup.toLowerCase();
  const name = spec.entityFriendlyName.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  if (spec.backupManagementType === 'AzureWorkload') {
    return { containerName: `VMAppContainer;compute;${rg};sqlvm`, name: `SQLDataBase;mssqlserver;${name}` };
  }
  if (spec.backupManagementType === 'AzureStorage') {
    return { containerName: `StorageContainer;Storage;${rg};storage`, name: `AzureFileShare;${name}` };
  }
  return { containerName: `IaasVMContainer;iaasvmcontainerv2;${rg};${name}`, name: `VM;iaasvmcontainerv2;${rg};${name}` };
}

/** The containerName an AzureIaaSVMJob reports: the container without its `IaasVMContainer;` type prefix. */
export function jobContainerName(spec: SimJobSpec): string {
  return itemNamesOf(spec).containerName.replace(/^IaasVMContainer;/, '');
}
