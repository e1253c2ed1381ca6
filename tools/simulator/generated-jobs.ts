import type { KnownJobType, VaultId } from '../../src/domain/job';
import { normal, randomGuid, seededRandom } from './random';
import type { SimJobSpec, SimTaskSpec } from './spec';

interface Kind {
  weight: number;
  jobType: KnownJobType;
  backupManagementType: string;
  workloadType: string;
  entity: (n: number) => string;
  tasks: (durationMs: number) => SimTaskSpec[];
}

const vmTasks = (d: number): SimTaskSpec[] => {
  // Snapshots are a small, fairly constant share of an IaaS VM backup; the transfer dominates.
  const snapshot = Math.round(d * 0.15);
  return [
    { name: 'Take Snapshot', durationMs: snapshot },
    { name: 'Transfer data to vault', durationMs: d - snapshot },
  ];
};
const single =
  (name: string) =>
  (d: number): SimTaskSpec[] => [{ name, durationMs: d }];

/** A nightly estate: mostly IaaS VMs, then SQL in VMs and file shares, a few on-premises agents. */
const KINDS: Kind[] = [
  {
    weight: 70,
    jobType: 'AzureIaaSVMJob',
    backupManagementType: 'AzureIaasVM',
    workloadType: 'VM',
    entity: (n) => `vm-${n}`,
    tasks: vmTasks,
  },
  {
    weight: 5,
    jobType: 'AzureIaaSVMJobV2',
    backupManagementType: 'AzureIaasVM',
    workloadType: 'VM',
    entity: (n) => `vm2-${n}`,
    tasks: vmTasks,
  },
  {
    weight: 10,
    jobType: 'AzureWorkloadJob',
    backupManagementType: 'AzureWorkload',
    workloadType: 'SQLDataBase',
    entity: (n) => `db-${n}`,
    tasks: single('Transfer data to vault'),
  },
  {
    weight: 7,
    jobType: 'AzureStorageJob',
    backupManagementType: 'AzureStorage',
    workloadType: 'AzureFileShare',
    entity: (n) => `share-${n}`,
    tasks: single('Take Snapshot'),
  },
  {
    weight: 3,
    jobType: 'MabJob',
    backupManagementType: 'MAB',
    workloadType: 'FileFolder',
    entity: (n) => `SRV${n}`,
    tasks: single('Backup'),
  },
  {
    weight: 3,
    jobType: 'DpmJob',
    backupManagementType: 'DPM',
    workloadType: 'SQLDB',
    entity: (n) => `SQL${n}\\DB`,
    tasks: single('Transfer data to vault'),
  },
  {
    weight: 2,
    jobType: 'VaultJob',
    backupManagementType: 'Invalid',
    workloadType: 'Invalid',
    entity: () => 'vault',
    tasks: single('Update encryption settings'),
  },
];
const TOTAL_WEIGHT = KINDS.reduce((s, k) => s + k.weight, 0);

const OUTCOMES: Array<[SimJobSpec['outcome'], number]> = [
  ['Completed', 0.85],
  ['CompletedWithWarnings', 0.07],
  ['Failed', 0.06],
  ['Cancelled', 0.02],
];

/**
 * Load scenario: `jobs` jobs spread uniformly over `vaults` vaults (`rg-bench/vault-NNN`), start
 * times uniform in `[start, start + startSpreadMs)`, durations lognormal (median the geometric mean
 * of the bounds, ±2σ spanning them) clamped to `[minDurationMs, maxDurationMs]`. Same seed, same jobs.
 */
export function generatedJobs(opts: {
  seed: number;
  jobs: number;
  vaults: number;
  subscriptionId: string;
  start: number;
  startSpreadMs: number;
  minDurationMs: number;
  maxDurationMs: number;
}): SimJobSpec[] {
  if (opts.vaults < 1 || opts.jobs < 0) throw new RangeError('generatedJobs needs vaults >= 1 and jobs >= 0');
  if (opts.minDurationMs <= 0 || opts.maxDurationMs < opts.minDurationMs) {
    throw new RangeError('generatedJobs needs 0 < minDurationMs <= maxDurationMs');
  }
  const random = seededRandom(opts.seed);
  const vaults: VaultId[] = [];
  for (let v = 0; v < opts.vaults; v++) {
    vaults.push({ subscriptionId: opts.subscriptionId, resourceGroup: 'rg-bench', vaultName: `vault-${String(v + 1).padStart(3, '0')}` });
  }
  const mu = (Math.log(opts.minDurationMs) + Math.log(opts.maxDurationMs)) / 2;
  const sigma = Math.max((Math.log(opts.maxDurationMs) - Math.log(opts.minDurationMs)) / 4, 1e-9);

  const out: SimJobSpec[] = [];
  for (let i = 0; i < opts.jobs; i++) {
    const vault = vaults[Math.floor(random() * vaults.length)];
    const kind = pickKind(random());
    const duration = Math.round(Math.min(opts.maxDurationMs, Math.max(opts.minDurationMs, Math.exp(mu + sigma * normal(random)))));
    const startAt = opts.start + Math.floor(random() * opts.startSpreadMs);
    const outcome = pickOutcome(random());
    const restore = kind.jobType === 'AzureIaaSVMJob' && random() < 0.05;
    const entity = kind.jobType === 'VaultJob' ? vault.vaultName : kind.entity(i + 1);
    const spec: SimJobSpec = {
      vault,
      jobId: randomGuid(random),
      jobType: kind.jobType,
      operation: kind.jobType === 'VaultJob' ? 'UpdateCustomerManagedKey' : restore ? 'Restore' : 'Backup',
      entityFriendlyName: entity,
      backupManagementType: kind.backupManagementType,
      workloadType: kind.workloadType,
      startAt,
      tasks: kind.tasks(duration),
      outcome,
      durationFormat: i % 2 === 0 ? 'timespan' : 'iso',
    };
    if (kind.backupManagementType === 'AzureIaasVM') spec.propertyBag = { 'VM Name': entity };
    if (outcome === 'Failed' || outcome === 'CompletedWithWarnings') {
      spec.errorDetails = [
        {
          code: outcome === 'Failed' ? 'UserErrorBackupFailed' : 'UserErrorCompletedWithWarnings',
          message: outcome === 'Failed' ? `Backup of ${entity} failed.` : `Backup of ${entity} completed with warnings.`,
          recommendations: ['Retry the operation after a few minutes.'],
        },
      ];
    }
    out.push(spec);
  }
  return out;
}

function pickKind(r: number): Kind {
  let acc = 0;
  for (const k of KINDS) {
    acc += k.weight / TOTAL_WEIGHT;
    if (r < acc) return k;
  }
  return KINDS[0];
}

function pickOutcome(r: number): SimJobSpec['outcome'] {
  let acc = 0;
  for (const [o, p] of OUTCOMES) {
    acc += p;
    if (r < acc) return o;
  }
  return 'Completed';
}
