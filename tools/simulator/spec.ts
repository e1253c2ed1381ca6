import type { KnownJobType, VaultId } from '../../src/domain/job';
import { hash32, randomGuid, seededRandom } from './random';

export { generatedJobs } from './generated-jobs';

/** One step of a job, as listed in `extendedInfo.tasksList`. */
export interface SimTaskSpec {
  name: string;
  durationMs: number;
}

/** An error (or, for CompletedWithWarnings, a warning) the job reports in `errorDetails`. */
export interface SimErrorSpec {
  code: string;
  message: string;
  recommendations: string[];
  /** The spec's `errorCode` is an int32; when absent a stable number is derived from `code`. */
  errorCode?: number;
}

/**
 * A simulated job's whole life, fixed in advance: its state at any instant is a pure function of
 * this spec, the simulator clock and a cancellation request, if any.
 */
export interface SimJobSpec {
  vault: VaultId;
  /** Lower-case GUID. */
  jobId: string;
  jobType: KnownJobType;
  /** 'Backup' | 'Restore' | 'ConfigureBackup' | ... */
  operation: string;
  entityFriendlyName: string;
  /** 'AzureIaasVM' | 'AzureWorkload' | 'AzureStorage' | 'DPM' | 'MAB' | ... */
  backupManagementType: string;
  workloadType?: string;
  /** Epoch ms (simulator clock) when the job appears, InProgress. Before that it does not exist (404). */
  startAt: number;
  /** Run one after the other; the job ends when the last one ends. */
  tasks: SimTaskSpec[];
  outcome: 'Completed' | 'CompletedWithWarnings' | 'Failed' | 'Cancelled';
  errorDetails?: SimErrorSpec[];
  /** Shown from the start (e.g. 'VM Name'). */
  propertyBag?: Record<string, string>;
  /** Merged into the property bag once the job completed (e.g. 'Backup Size'). */
  finalPropertyBag?: Record<string, string>;
  /** Real responses use .NET TimeSpan; the spec uses ISO 8601. Default 'iso'. */
  durationFormat?: 'iso' | 'timespan';
}

const MIN = 60_000;
const SEC = 1000;

/**
 * The demo's cast: every job type at least once and every outcome, a few minutes each at scale 1.
 * All of them already exist at `start` (started a few seconds earlier), so ids printed at start-up
 * can be tracked at once. Ids are stable for a given vault.
 */
export function scriptedJobs(opts: {
  subscriptionId: string;
  resourceGroup: string;
  vaultName: string;
  start: number;
  scale?: number;
}): SimJobSpec[] {
  const scale = opts.scale ?? 1;
  const vault: VaultId = { subscriptionId: opts.subscriptionId, resourceGroup: opts.resourceGroup, vaultName: opts.vaultName };
  const ids = seededRandom(hash32(`${opts.subscriptionId}/${opts.resourceGroup}/${opts.vaultName}`.toLowerCase()));
  const t = (ms: number): number => Math.round(ms * scale);
  let order = 0;
  const job = (s: Omit<SimJobSpec, 'vault' | 'jobId' | 'startAt' | 'tasks'> & { tasks: SimTaskSpec[] }): SimJobSpec => {
    // Each job started a little before `start`, newest last, so a list shows them in a stable order.
    const startAt = opts.start - t((12 - order++) * 2 * SEC);
    return { ...s, vault, jobId: randomGuid(ids), startAt, tasks: s.tasks.map((k) => ({ ...k, durationMs: t(k.durationMs) })) };
  };
  const vmBag = (vm: string): Record<string, string> => ({ 'VM Name': vm });
  const snapshotThenTransfer = (snapshotMs: number, transferMs: number): SimTaskSpec[] => [
    { name: 'Take Snapshot', durationMs: snapshotMs },
    { name: 'Transfer data to vault', durationMs: transferMs },
  ];

  return [
    job({
      jobType: 'AzureIaaSVMJob',
      operation: 'Backup',
      entityFriendlyName: 'vm-web-01',
      backupManagementType: 'AzureIaasVM',
      workloadType: 'VM',
      tasks: snapshotThenTransfer(40 * SEC, 2 * MIN + 20 * SEC),
      outcome: 'Completed',
      propertyBag: vmBag('vm-web-01'),
      finalPropertyBag: { 'Backup Size': '2332 MB' },
      durationFormat: 'timespan',
    }),
    job({
      jobType: 'AzureIaaSVMJob',
      operation: 'Backup',
      entityFriendlyName: 'vm-app-02',
      backupManagementType: 'AzureIaasVM',
      workloadType: 'VM',
      tasks: snapshotThenTransfer(1 * MIN, 2 * MIN + 30 * SEC),
      outcome: 'CompletedWithWarnings',
      propertyBag: vmBag('vm-app-02'),
      finalPropertyBag: { 'Backup Size': '5120 MB' },
      durationFormat: 'timespan',
      errorDetails: [
        {
          code: 'UserErrorVmNotInDesirableState',
          message: 'The VM was not in a state that allows an application-consistent snapshot; a crash-consistent recovery point was taken.',
          recommendations: [
            'Make sure the VM agent is running and up to date.',
            'Check the VSS writers inside the VM (vssadmin list writers).',
          ],
        },
      ],
    }),
    job({
      jobType: 'AzureWorkloadJob',
      operation: 'Backup',
      entityFriendlyName: 'salesdb',
      backupManagementType: 'AzureWorkload',
      workloadType: 'SQLDataBase',
      tasks: [{ name: 'Transfer data to vault', durationMs: 2 * MIN }],
      outcome: 'Failed',
      propertyBag: { 'Backup Type': 'Full', 'Server Name': 'sqlvm-01' },
      errorDetails: [
        {
          code: 'UserErrorOpeningSQLConnection',
          message: 'Azure Backup is not able to connect to the SQL instance sqlvm-01\\MSSQLSERVER.',
          recommendations: [
            'Make sure the SQL instance is running and reachable from the VM.',
            'Grant the NT SERVICE\\AzureWLBackupPluginSvc account the sysadmin role on the instance.',
          ],
        },
      ],
    }),
    job({
      jobType: 'AzureIaaSVMJob',
      operation: 'Restore',
      entityFriendlyName: 'vm-web-01',
      backupManagementType: 'AzureIaasVM',
      workloadType: 'VM',
      tasks: [{ name: 'Transfer data', durationMs: 4 * MIN }],
      outcome: 'Completed',
      propertyBag: { 'Recovery point time': '2026-01-01 02:00:00Z', 'Target VM Name': 'vm-web-01-restored' },
    }),
    job({
      jobType: 'AzureStorageJob',
      operation: 'Backup',
      entityFriendlyName: 'share-finance',
      backupManagementType: 'AzureStorage',
      workloadType: 'AzureFileShare',
      tasks: [{ name: 'Take Snapshot', durationMs: 90 * SEC }],
      outcome: 'Completed',
      propertyBag: { 'Storage Account Name': 'stfinance01' },
    }),
    job({
      jobType: 'MabJob',
      operation: 'Backup',
      entityFriendlyName: 'FILESRV01',
      backupManagementType: 'MAB',
      workloadType: 'FileFolder',
      tasks: [{ name: 'Backup', durationMs: 2 * MIN + 30 * SEC }],
      outcome: 'Completed',
      durationFormat: 'timespan',
    }),
    job({
      jobType: 'DpmJob',
      operation: 'Backup',
      entityFriendlyName: 'SQLSRV02\\HRDB',
      backupManagementType: 'DPM',
      workloadType: 'SQLDB',
      tasks: [
        { name: 'Consistency check', durationMs: 50 * SEC },
        { name: 'Transfer data to vault', durationMs: 2 * MIN },
      ],
      outcome: 'Completed',
    }),
    job({
      jobType: 'VaultJob',
      operation: 'UpdateCustomerManagedKey',
      entityFriendlyName: opts.vaultName,
      backupManagementType: 'Invalid',
      tasks: [{ name: 'Update encryption settings', durationMs: 75 * SEC }],
      outcome: 'Completed',
    }),
    job({
      jobType: 'AzureIaaSVMJobV2',
      operation: 'Backup',
      entityFriendlyName: 'vm-db-03',
      backupManagementType: 'AzureIaasVM',
      workloadType: 'VM',
      tasks: snapshotThenTransfer(30 * SEC, 3 * MIN),
      outcome: 'Completed',
      propertyBag: vmBag('vm-db-03'),
      finalPropertyBag: { 'Backup Size': '10240 MB' },
    }),
    job({
      jobType: 'AzureIaaSVMJob',
      operation: 'Backup',
      entityFriendlyName: 'vm-batch-04',
      backupManagementType: 'AzureIaasVM',
      workloadType: 'VM',
      tasks: snapshotThenTransfer(30 * SEC, 2 * MIN),
      outcome: 'Cancelled',
      propertyBag: vmBag('vm-batch-04'),
      durationFormat: 'timespan',
    }),
    job({
      // Long enough to try "stop tracking" or cancel by hand during a demo.
      jobType: 'AzureIaaSVMJob',
      operation: 'Backup',
      entityFriendlyName: 'vm-files-05',
      backupManagementType: 'AzureIaasVM',
      workloadType: 'VM',
      tasks: snapshotThenTransfer(1 * MIN, 9 * MIN),
      outcome: 'Completed',
      propertyBag: vmBag('vm-files-05'),
      finalPropertyBag: { 'Backup Size': '40960 MB' },
    }),
  ];
}
