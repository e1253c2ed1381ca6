import fs from 'node:fs';
import path from 'node:path';
import { parseJobResource } from '../../../src/azure/models';
import { t } from '../../../src/cards';
import { entityKindId, MANAGEMENT_KINDS, WORKLOAD_KINDS } from '../../../src/cards/entity-kind';
import { KEY, SHARED_API } from './fixtures';

/** The enum values straight from the spec, so a value Azure adds fails here until it is mapped. */
function specEnum(name: string): string[] {
  const dir = path.join(SHARED_API, 'spec');
  const [file] = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
  const spec = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { definitions: Record<string, { enum?: string[] }> };
  const values = spec.definitions[name]?.enum;
  if (!values?.length) throw new Error(`no enum ${name} in ${file}`);
  return values;
}

function job(properties: Record<string, unknown>) {
  return parseJobResource({
    id: `/subscriptions/${KEY.vault.subscriptionId}/resourceGroups/${KEY.vault.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${KEY.vault.vaultName}/backupJobs/${KEY.jobId}`,
    name: KEY.jobId,
    properties: { operation: 'Backup', status: 'Failed', startTime: '2026-03-01T10:00:00Z', ...properties },
  });
}

describe('entity kind', () => {
  test.each([
    ['WorkloadType', WORKLOAD_KINDS],
    ['BackupManagementType', MANAGEMENT_KINDS],
  ])('maps every value of the spec enum %s, and nothing else', (name, table) => {
    const values = specEnum(name);
    expect(values.filter((v) => !Object.hasOwn(table, v))).toEqual([]);
    expect(Object.keys(table).filter((k) => !values.includes(k))).toEqual([]);
  });

  test('the demo SQL Server database is a SQL database, not SAP ASE (SQLDataBase contains "ase")', () => {
    const salesdb = job({ jobType: 'AzureWorkloadJob', backupManagementType: 'AzureWorkload', workloadType: 'SQLDataBase' });
    expect(t('en', entityKindId(salesdb))).toBe('SQL database');
    const ase = job({ jobType: 'AzureWorkloadJob', backupManagementType: 'AzureWorkload', workloadType: 'SAPAseDatabase' });
    expect(t('en', entityKindId(ase))).toBe('SAP ASE database');
  });

  test('exact values in any case; the management type decides when the workload says nothing; else the job type', () => {
    expect(entityKindId(job({ jobType: 'AzureWorkloadJob', workloadType: 'saphanadatabase' }))).toBe('entityKind.hanaDatabase');
    expect(entityKindId(job({ jobType: 'AzureWorkloadJob', workloadType: 'Invalid', backupManagementType: 'AzureWorkload' }))).toBe(
      'entityKind.database',
    );
    // A substring of a known value is not that value.
    expect(entityKindId(job({ jobType: 'AzureWorkloadJob', workloadType: 'SQLDataBaseX' }))).toBe('entityKind.item');
    expect(entityKindId(job({ jobType: 'DpmJob', workloadType: 'NewThing' }))).toBe('entityKind.server');
    expect(entityKindId(job({ jobType: 'AzureIaaSVMJobV2', workloadType: 'SQLDataBase' }))).toBe('entityKind.vm');
    expect(entityKindId(job({ jobType: 'VaultJob' }))).toBe('entityKind.vault');
    expect(entityKindId(job({ jobType: 'SomethingNew' }))).toBe('entityKind.item');
  });
});
