import type { KnownJobType, VaultId } from '../../src/domain/job';
import { FAILURES, WARNINGS, type ErrorFamily } from './life-errors';
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

const DAY = 24 * 60 * 60_000;
const FAMILY: Readonly<Record<string, ErrorFamily>> = {
  AzureIaasVM: 'vm',
  AzureWorkload: 'sql',
  AzureStorage: 'share',
  MAB: 'agent',
  DPM: 'agent',
};

/**
 * Past runs of the protected items behind `current` (generatedJobs' jobs): each item's backup on
 * each of the `nights` previous nights, same vault, entity and type, started at the same time of
 * day (± 5 min), each run's duration the current job's × a seeded factor in [0.9, 1.1) with its
 * tasks in proportion, so an item backs up in similar times night after night. About 5 % of the
 * runs end with warnings and 5 % fail (partway: after 20–90 % of the run), with the service's codes.
 * A restore's item gets past backups; vault jobs (key updates) get none. Its own random stream:
 * `current` is read, never changed, and the same for any history. Every run must end before
 * `before` (T0: the tracked jobs alone are running then), or this throws.
 */
export function itemHistory(current: readonly SimJobSpec[], opts: { seed: number; nights: number; before: number }): SimJobSpec[] {
  const random = seededRandom(opts.seed);
  const out: SimJobSpec[] = [];
  for (const job of current) {
    if (job.jobType === 'VaultJob') continue;
    const duration = job.tasks.reduce((s, t) => s + t.durationMs, 0);
    for (let night = 1; night <= opts.nights; night++) {
      const noise = 0.9 + 0.2 * random();
      const startAt = job.startAt - night * DAY + Math.round((random() - 0.5) * 10 * 60_000);
      const r = random();
      const outcome: SimJobSpec['outcome'] = r < 0.05 ? 'Failed' : r < 0.1 ? 'CompletedWithWarnings' : 'Completed';
      // A failed run stops partway; its tasks after that point never ran, so the run is cut there.
      const cut = outcome === 'Failed' ? 0.2 + 0.7 * random() : 1;
      const tasks = cutTasks(
        job.tasks.map((t) => ({ name: t.name, durationMs: Math.max(1, Math.round(t.durationMs * noise)) })),
        Math.max(1, Math.round(duration * noise * cut)),
      );
      const run: SimJobSpec = {
        vault: job.vault,
        jobId: randomGuid(random),
        jobType: job.jobType,
        operation: 'Backup',
        entityFriendlyName: job.entityFriendlyName,
        backupManagementType: job.backupManagementType,
        startAt,
        tasks,
        outcome,
        durationFormat: job.durationFormat ?? 'iso',
      };
      if (job.workloadType !== undefined) run.workloadType = job.workloadType;
      if (job.propertyBag) run.propertyBag = { ...job.propertyBag };
      if (outcome !== 'Completed') {
        const catalogue = (outcome === 'Failed' ? FAILURES : WARNINGS)[FAMILY[job.backupManagementType] ?? 'agent'];
        run.errorDetails = [catalogue[Math.floor(random() * catalogue.length)]];
      }
      const end = startAt + tasks.reduce((s, t) => s + t.durationMs, 0);
      if (end >= opts.before) throw new RangeError(`history run of ${job.entityFriendlyName} ${night} night(s) back ends after 'before'`);
      out.push(run);
    }
  }
  return out;
}

/** The tasks up to `total` ms in all: those that ran, the last one cut short. */
function cutTasks(tasks: SimTaskSpec[], total: number): SimTaskSpec[] {
  const out: SimTaskSpec[] = [];
  let left = total;
  for (const t of tasks) {
    if (left <= 0) break;
    out.push({ name: t.name, durationMs: Math.min(t.durationMs, left) });
    left -= t.durationMs;
  }
  return out;
}
