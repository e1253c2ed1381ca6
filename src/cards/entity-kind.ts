/**
 * What kind of thing a job's entity is (VM, SQL database, file share…), from exact enum values of
 * the Azure Backup API, never substrings: `SQLDataBase` contains "ase" and is not SAP ASE.
 */
import type { BackupJob } from '../domain/job';
import type { MessageId } from './i18n';

type EntityKindId = Extract<MessageId, `entityKind.${string}`>;

/**
 * Every value of the spec's WorkloadType enum (test/unit/cards/entity-kind.test.ts reads the enum
 * from the spec, so a new value fails until it is listed). `null`: the value says nothing of its
 * own, the management type decides.
 */
export const WORKLOAD_KINDS: Readonly<Record<string, EntityKindId | null>> = {
  Invalid: null,
  VM: 'entityKind.vm',
  FileFolder: 'entityKind.files',
  AzureSqlDb: 'entityKind.sqlDatabase',
  SQLDB: 'entityKind.sqlDatabase',
  // DPM protects Exchange mailbox databases and SharePoint farms (their content databases).
  Exchange: 'entityKind.database',
  Sharepoint: 'entityKind.database',
  VMwareVM: 'entityKind.vm',
  SystemState: 'entityKind.server',
  Client: 'entityKind.server',
  GenericDataSource: 'entityKind.item',
  SQLDataBase: 'entityKind.sqlDatabase',
  AzureFileShare: 'entityKind.share',
  SAPHanaDatabase: 'entityKind.hanaDatabase',
  SAPAseDatabase: 'entityKind.aseDatabase',
  SAPHanaDBInstance: 'entityKind.hanaDatabase',
};

/** Every value of the spec's BackupManagementType enum, for jobs whose workload type is absent or says nothing. */
export const MANAGEMENT_KINDS: Readonly<Record<string, EntityKindId | null>> = {
  Invalid: null,
  AzureIaasVM: 'entityKind.vm',
  MAB: 'entityKind.server',
  DPM: 'entityKind.server',
  AzureBackupServer: 'entityKind.server',
  AzureSql: 'entityKind.sqlDatabase',
  AzureStorage: 'entityKind.share',
  AzureWorkload: 'entityKind.database',
  DefaultBackup: null,
};

/** ARM is not consistent about the casing of enum values: match the exact value, any case. */
function lookup(table: Readonly<Record<string, EntityKindId | null>>): (value: string | undefined) => EntityKindId | undefined {
  const byLowerCase = new Map(Object.entries(table).map(([k, v]) => [k.toLowerCase(), v]));
  return (value) => (value === undefined ? undefined : (byLowerCase.get(value.trim().toLowerCase()) ?? undefined));
}
const workloadKind = lookup(WORKLOAD_KINDS);
const managementKind = lookup(MANAGEMENT_KINDS);

/** The job type where it names the entity, then the workload type, then the management type. */
export function entityKindId(job: BackupJob): MessageId {
  switch (job.jobType) {
    case 'AzureIaaSVMJob':
    case 'AzureIaaSVMJobV2':
      return 'entityKind.vm';
    case 'AzureStorageJob':
      return 'entityKind.share';
    case 'VaultJob':
      return 'entityKind.vault';
    default:
      break;
  }
  const kind = workloadKind(job.workloadType) ?? managementKind(job.backupManagementType);
  if (kind) return kind;
  if (job.jobType === 'DpmJob' || job.jobType === 'MabJob') return 'entityKind.server';
  return 'entityKind.item';
}
