import { itemForJob, itemsNamed, parseProtectedItems } from '../../../src/azure/protected-items';
import type { BackupJob, VaultId } from '../../../src/domain/job';

const VAULT: VaultId = { subscriptionId: '11111111-2222-4333-8444-555555555555', resourceGroup: 'rg', vaultName: 'v' };
const base = `/subscriptions/${VAULT.subscriptionId}/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v/backupFabrics/Azure/protectionContainers`;
const raw = (
  container: string,
  name: string,
  friendlyName: string,
  backupManagementType: string,
  workloadType: string,
  containerName?: string,
) => ({
  id: `${base}/${container}/protectedItems/${name}`,
  name,
  properties: { friendlyName, backupManagementType, workloadType, ...(containerName ? { containerName } : {}) },
});
const items = parseProtectedItems(
  {
    value: [
      raw(
        'IaasVMContainer;iaasvmcontainerv2;rg;vm1',
        'VM;iaasvmcontainerv2;rg;vm1',
        'vm1',
        'AzureIaasVM',
        'VM',
        'iaasvmcontainerv2;rg;vm1',
      ),
      raw('IaasVMContainer;iaasvmcontainerv2;rg2;vm1', 'VM;iaasvmcontainerv2;rg2;vm1', 'vm1', 'AzureIaasVM', 'VM'),
      raw('VMAppContainer;compute;rg;sql1', 'SQLDataBase;mssqlserver;salesdb', 'salesdb', 'AzureWorkload', 'SQLDataBase'),
      raw('VMAppContainer;compute;rg;sql2', 'SQLDataBase;mssqlserver;salesdb', 'salesdb', 'AzureWorkload', 'SQLDataBase'),
      raw('VMAppContainer;compute;rg;sql1', 'SQLDataBase;mssqlserver;hrdb', 'hrdb', 'AzureWorkload', 'SQLDataBase'),
      { id: 'not an item id', name: 'x', properties: { friendlyName: 'x', backupManagementType: 'AzureIaasVM' } },
      { nonsense: true },
    ],
  },
  VAULT,
);

const job = (over: Partial<BackupJob>): BackupJob =>
  ({ jobType: 'AzureIaaSVMJob', extra: {}, status: 'Failed', operation: 'Backup', ...over }) as BackupJob;

describe('protected items for Back up again', () => {
  it('keeps only items with an id it can act on', () => {
    expect(items).toHaveLength(5);
  });

  it('an IaaS VM job finds its item by containerName, with or without the type prefix', () => {
    const m = itemForJob(job({ entityFriendlyName: 'vm1', extra: { containerName: 'iaasvmcontainerv2;rg;vm1' } }), VAULT, items);
    expect(m).toMatchObject({ ok: true, item: { name: 'VM;iaasvmcontainerv2;rg;vm1' } });
    const m2 = itemForJob(job({ extra: { containerName: 'iaasvmcontainerv2;rg2;vm1' } }), VAULT, items);
    expect(m2).toMatchObject({ ok: true, item: { name: 'VM;iaasvmcontainerv2;rg2;vm1' } });
  });

  it('without a container an IaaS job is matched by type and name, and two VMs of one name are not guessed', () => {
    expect(itemForJob(job({ entityFriendlyName: 'vm1', backupManagementType: 'AzureIaasVM' }), VAULT, items)).toEqual({
      ok: false,
      candidates: 2,
    });
  });

  it('a workload job: type and friendly name; one match is used, two are refused, none is refused', () => {
    const wl = (name: string) =>
      job({ jobType: 'AzureWorkloadJob', entityFriendlyName: name, backupManagementType: 'AzureWorkload', workloadType: 'SQLDataBase' });
    expect(itemForJob(wl('hrdb'), VAULT, items)).toMatchObject({ ok: true, item: { friendlyName: 'hrdb' } });
    expect(itemForJob(wl('salesdb'), VAULT, items)).toEqual({ ok: false, candidates: 2 });
    expect(itemForJob(wl('nope'), VAULT, items)).toEqual({ ok: false, candidates: 0 });
    expect(itemsNamed('HRDB', items)).toHaveLength(1);
  });
});
