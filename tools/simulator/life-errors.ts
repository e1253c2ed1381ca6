/**
 * Errors and warnings the living vault's jobs end with. The reference payloads in
 * ../shared/azure-backup-api carry the shape of `errorDetails` but no catalogue of codes: the VM and
 * SQL codes here are the service's own, as Microsoft's Azure Backup troubleshooting articles list
 * them; the file share and agent ones follow the same naming and are illustrative.
 */
import type { SimErrorSpec } from './spec';

export type ErrorFamily = 'vm' | 'sql' | 'share' | 'agent';

export const FAILURES: Readonly<Record<ErrorFamily, readonly SimErrorSpec[]>> = {
  vm: [
    {
      code: 'UserErrorGuestAgentStatusUnavailable',
      message: 'VM Agent unable to communicate with Azure Backup.',
      recommendations: [
        'Ensure the VM agent is installed, running and up to date.',
        'Check that the VM can reach Azure (outbound access to the Azure Backup and storage endpoints).',
      ],
    },
    {
      code: 'ExtensionSnapshotFailedNoNetwork',
      message: 'Snapshot operation failed due to no network connectivity on the virtual machine.',
      recommendations: ['Allow outbound access from the VM to Azure storage and Azure Backup, then retry the backup.'],
    },
    {
      code: 'ExtensionFailedVssWriterInBadState',
      message: 'Snapshot operation failed because VSS writers were in a bad state.',
      recommendations: ['Restart the VSS writers that are in a bad state (vssadmin list writers), then retry the backup.'],
    },
    {
      code: 'UserErrorVmProvisioningStateFailed',
      message: 'The VM is in failed provisioning state.',
      recommendations: ['Restart the VM and make sure it is running or shut down, then retry the backup.'],
    },
  ],
  sql: [
    {
      code: 'UserErrorSQLNoSysadminMembership',
      message: "Azure Backup's service account does not have sysadmin privileges on the SQL instance.",
      recommendations: ['Add NT SERVICE\\AzureWLBackupPluginSvc to the sysadmin server role of the instance.'],
    },
    {
      code: 'UserErrorOpeningSQLConnection',
      message: 'Azure Backup is not able to connect to the SQL instance.',
      recommendations: ['Make sure the SQL instance is running and reachable from the VM.'],
    },
    {
      code: 'UserErrorSQLLSNValidationFailure',
      message: 'The log chain is broken: a log backup was taken outside Azure Backup.',
      recommendations: ['Trigger a full backup to start a new log chain.'],
    },
  ],
  share: [
    {
      code: 'UserErrorStorageAccountNotFound',
      message: 'The storage account of the file share was not found.',
      recommendations: ['Check that the storage account exists and is registered with the vault.'],
    },
    {
      code: 'FileshareBackupFailedWithAzureRpRequestThrottling',
      message: 'File share backup failed because the storage service is throttling requests.',
      recommendations: ['Retry the backup later, or move the schedule away from peak hours.'],
    },
  ],
  agent: [
    {
      code: 'UserErrorServiceNotReachable',
      message: 'The backup agent could not reach the Azure Backup service.',
      recommendations: ['Check the server proxy and firewall settings for the Azure Backup endpoints.'],
    },
    {
      code: 'UserErrorDiskSpaceLow',
      message: 'There is not enough free space on the cache volume of the agent.',
      recommendations: ['Free space on the cache volume (at least 5% of the data to back up) and retry.'],
    },
  ],
};

export const WARNINGS: Readonly<Record<ErrorFamily, readonly SimErrorSpec[]>> = {
  vm: [
    {
      code: 'UserErrorVmNotInDesirableState',
      message: 'The VM was not in a state that allows an application-consistent snapshot; a crash-consistent recovery point was taken.',
      recommendations: [
        'Make sure the VM agent is running and up to date.',
        'Check the VSS writers inside the VM (vssadmin list writers).',
      ],
    },
  ],
  sql: [
    {
      code: 'UserErrorSQLLogBackupSkipped',
      message: 'A log backup was skipped because a full backup was running.',
      recommendations: ['No action needed if this happens rarely; otherwise move the full backup window.'],
    },
  ],
  share: [
    {
      code: 'UserErrorFileShareSnapshotLimitNear',
      message: 'The file share is close to its limit of 200 snapshots.',
      recommendations: ['Shorten the retention of daily recovery points or delete manual snapshots.'],
    },
  ],
  agent: [
    {
      code: 'UserErrorFilesSkipped',
      message: 'Some files could not be backed up because they were in use.',
      recommendations: ['Check the agent log for the skipped files.'],
    },
  ],
};
