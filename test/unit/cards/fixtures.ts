/**
 * BackupJob objects for every job type, shaped after the spec's per-type errorDetails and
 * extendedInfo (see ../shared/azure-backup-api/spec), for cases the real payloads lack:
 * failures, warnings, many tasks, long error texts.
 */
import type { BackupJob, JobKey, KnownJobType } from '../../../src/domain/job';
import fs from 'node:fs';
import path from 'node:path';
import { parseJobList, parseJobResource } from '../../../src/azure/models';
import type { CardContext } from '../../../src/cards';

export const KEY: JobKey = {
  vault: { subscriptionId: '00000000-0000-0000-0000-000000000000', resourceGroup: 'SwaggerTestRg', vaultName: 'NetSDKTestRsVault' },
  jobId: '7ddead57-bcb9-4269-ac31-6a1b57588700',
};

/** 2017-08-03T05:43:07Z: twelve minutes after the examples' running job started. */
export const NOW = Date.parse('2017-08-03T05:43:07.014Z');

export function ctx(overrides: Partial<CardContext> = {}): CardContext {
  return {
    key: KEY,
    now: NOW,
    vaultLabel: 'SwaggerTestRg/NetSDKTestRsVault',
    portalUrl:
      'https://portal.azure.com/#@/resource/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/SwaggerTestRg/providers/Microsoft.RecoveryServices/vaults/NetSDKTestRsVault/backupJobs',
    final: false,
    tracking: true,
    ...overrides,
  };
}

type Overrides = Partial<Omit<BackupJob, 'jobType'>>;

function base(jobType: KnownJobType, overrides: Overrides): BackupJob {
  const job = {
    id: `/subscriptions/${KEY.vault.subscriptionId}/resourceGroups/${KEY.vault.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${KEY.vault.vaultName}/backupJobs/${KEY.jobId}`,
    jobId: KEY.jobId,
    jobType,
    status: 'InProgress',
    rawStatus: 'InProgress',
    operation: 'Backup',
    entityFriendlyName: 'item',
    startTime: '2017-08-03T05:31:07.014604Z',
    actionsInfo: [],
    isCancellable: false,
    tasks: [],
    propertyBag: {},
    errors: [],
    extra: {},
    ...overrides,
  };
  return job as BackupJob;
}

const FINISHED = { endTime: '2017-08-03T06:36:12.000Z', durationMs: 3_905_000 } as const;

/** A job resource as Azure sends it (spec shape: errorDetails per type, TimeSpan durations). */
function raw(jobType: string, properties: Record<string, unknown>): unknown {
  return {
    id: `/Subscriptions/${KEY.vault.subscriptionId}/resourceGroups/${KEY.vault.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${KEY.vault.vaultName}/backupJobs/${KEY.jobId}`,
    name: KEY.jobId,
    type: 'Microsoft.RecoveryServices/vaults/backupJobs',
    properties: { jobType, operation: 'Backup', startTime: '2017-08-03T05:31:07.014604Z', status: 'InProgress', ...properties },
  };
}

const ENDED = { endTime: '2017-08-03T06:36:12Z', duration: '01:05:05' };

/**
 * Running and failed payloads of all seven job types, each with the errorDetails shape the
 * spec gives that type, run through the real model parser.
 */
export function allTypeJobs(): Array<{ readonly name: string; readonly job: BackupJob }> {
  const payloads: Array<[string, unknown]> = [
    [
      'AzureIaaSVMJob running with progress',
      raw('AzureIaaSVMJob', {
        entityFriendlyName: 'vm-web-01',
        backupManagementType: 'AzureIaasVM',
        duration: 'PT12M',
        actionsInfo: [1],
        virtualMachineVersion: 'Compute',
        extendedInfo: {
          progressPercentage: 47.5,
          estimatedRemainingDuration: '00:12:34',
          tasksList: [
            { taskId: 'Take Snapshot', status: 'Completed', duration: '00:01:35' },
            { taskId: 'Transfer data to vault', status: 'InProgress', progressPercentage: 31, duration: '00:10:00' },
          ],
          propertyBag: { 'VM Name': 'vm-web-01', 'Backup Size': '2332 MB' },
        },
      }),
    ],
    [
      'AzureIaaSVMJobV2 failed',
      raw('AzureIaaSVMJobV2', {
        entityFriendlyName: 'vm-db-02',
        status: 'Failed',
        ...ENDED,
        errorDetails: [
          {
            errorCode: 400068,
            errorTitle: 'UserErrorVmNotInDesirableState',
            errorString: 'VM is not in a state that allows backups.',
            recommendations: ['Ensure the VM is running or stopped, not in a transitional state.', 'Retry the operation.'],
          },
        ],
        extendedInfo: { tasksList: [{ taskId: 'Take Snapshot', status: 'Failed', duration: '00:00:12' }], propertyBag: {} },
      }),
    ],
    [
      'AzureStorageJob completed with warnings',
      raw('AzureStorageJob', {
        entityFriendlyName: 'share-finance',
        status: 'CompletedWithWarnings',
        storageAccountName: 'stfinance',
        ...ENDED,
        errorDetails: [{ errorCode: 25001, errorString: 'Some files were skipped.', recommendations: ['Check file locks.'] }],
        extendedInfo: { tasksList: [{ taskId: 'Take snapshot of share', status: 'CompletedWithWarnings' }] },
      }),
    ],
    [
      'AzureWorkloadJob (SQL) failed',
      raw('AzureWorkloadJob', {
        entityFriendlyName: 'SalesDb',
        workloadType: 'SQLDataBase',
        operation: 'Log',
        status: 'Failed',
        ...ENDED,
        errorDetails: [
          {
            errorCode: 59010,
            errorTitle: 'UserErrorSQLNoSysadminMembership',
            errorString: 'Azure Backup does not have sysadmin rights on the SQL instance.',
            recommendations: ['Add NT SERVICE\\AzureWLBackupPluginSvc to the sysadmin role.'],
            additionalDetails: 'Instance MSSQLSERVER',
          },
        ],
      }),
    ],
    ['AzureWorkloadJob (SAP HANA) running', raw('AzureWorkloadJob', { entityFriendlyName: 'HXE', workloadType: 'SAPHanaDatabase' })],
    [
      'DpmJob cancelled',
      raw('DpmJob', {
        entityFriendlyName: 'fileserver01',
        workloadType: 'FileFolder',
        dpmServerName: 'dpm01.contoso.local',
        status: 'Cancelled',
        ...ENDED,
        errorDetails: [{ errorString: 'The job was cancelled by an administrator.', recommendations: [] }],
        extendedInfo: {
          tasksList: [
            {
              taskId: 'Replica creation',
              status: 'Cancelled',
              startTime: '2017-08-03T05:31:07Z',
              endTime: '2017-08-03T05:40:07Z',
              duration: '00:09:00',
            },
          ],
        },
      }),
    ],
    [
      'MabJob failed',
      raw('MabJob', {
        entityFriendlyName: 'laptop-17',
        workloadType: 'FileFolder',
        mabServerName: 'laptop-17.contoso.local',
        mabServerType: 'Windows',
        status: 'Failed',
        ...ENDED,
        errorDetails: [{ errorString: 'The agent lost its connection to the vault.', recommendations: ['Check the proxy settings.'] }],
      }),
    ],
    [
      'VaultJob completed',
      raw('VaultJob', { entityFriendlyName: 'NetSDKTestRsVault', operation: 'ConfigureBackup', status: 'Completed', ...ENDED }),
    ],
    [
      'Unknown job type with unknown status and no names',
      raw('FutureJob', { status: 'Paused', operation: undefined, entityFriendlyName: undefined, startTime: undefined }),
    ],
  ];
  return payloads.map(([name, body]) => ({ name, job: parseJobResource(body) }));
}

/** A worst case for card size: hundreds of tasks and many long errors. */
export function hugeFailedJob(): BackupJob {
  const long = 'The operation could not complete because the storage account rejected the request. '.repeat(40);
  return base('AzureIaaSVMJob', {
    entityFriendlyName: 'vm-' + 'x'.repeat(200),
    status: 'Failed',
    rawStatus: 'Failed',
    ...FINISHED,
    tasks: Array.from({ length: 400 }, (_, i) => ({
      name: `Transfer disk ${i} of a very long named virtual machine data set`,
      status: i % 3 === 0 ? 'Failed' : 'Completed',
      durationMs: 1000 * i,
      progressPercentage: 100,
    })),
    propertyBag: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`Property ${i}`, long.slice(0, 500)])),
    errors: Array.from({ length: 40 }, (_, i) => ({
      code: String(400000 + i),
      title: `UserErrorNumber${i}`,
      message: long,
      recommendations: Array.from({ length: 20 }, () => long.slice(0, 800)),
    })),
  });
}

export const SHARED_API = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'azure-backup-api');

/** Every job found in the shared real payloads: single job resources and job lists. */
export function exampleJobs(): Array<{ readonly name: string; readonly job: BackupJob }> {
  const found: Array<{ name: string; job: BackupJob }> = [];
  const root = path.join(SHARED_API, 'examples');
  for (const dir of fs.readdirSync(root).sort()) {
    for (const file of fs.readdirSync(path.join(root, dir)).sort()) {
      if (!file.endsWith('.json')) continue;
      const doc = JSON.parse(fs.readFileSync(path.join(root, dir, file), 'utf8')) as {
        responses?: Record<string, { body?: unknown }>;
      };
      const body = (doc.responses?.['200']?.body ?? doc) as { properties?: { jobType?: unknown }; value?: unknown };
      const name = `${dir}/${file}`;
      if (body.properties?.jobType !== undefined) {
        found.push({ name, job: parseJobResource(body) });
      } else if (Array.isArray(body.value) && body.value.some((v: { properties?: { jobType?: unknown } }) => v?.properties?.jobType)) {
        parseJobList(body).jobs.forEach((job, i) => found.push({ name: `${name}[${i}]`, job }));
      }
    }
  }
  return found;
}

/** Jobs of the shared payloads as a list (for list cards). */
export function exampleJobList(): BackupJob[] {
  return exampleJobs().map((e) => e.job);
}
