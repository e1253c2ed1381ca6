/**
 * A vault that lives like a real one: protected items with a stable duration profile each, a
 * history of jobs that already ended, and a schedule of nightly and hourly backups (and now and
 * then an ad-hoc restore) that start on their own as the clock passes them. The simulator's job
 * state is a pure function of a spec and the clock, so the whole life is drawn up front from a
 * seed: the same seed and start give the same jobs, which tests compare the bot's figures with.
 */
import type { KnownJobType, VaultId } from '../../src/domain/job';
import { hash32, normal, randomGuid, seededRandom } from './random';
import type { SimErrorSpec, SimJobSpec, SimTaskSpec } from './spec';
import { FAILURES, WARNINGS, type ErrorFamily } from './life-errors';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export interface LifeOptions {
  readonly subscriptionId: string;
  readonly vaults: ReadonlyArray<{ readonly resourceGroup: string; readonly vaultName: string }>;
  /** Simulator clock at start: history lies before it, the schedule after it. */
  readonly now: number;
  readonly seed?: number;
  /** Protected items per vault (default 16). */
  readonly itemsPerVault?: number;
  /** How far back the history goes (default 48 h: the digest compares the last 24 h with the 24 h before). */
  readonly historyMs?: number;
  /** How far ahead the schedule goes (default 7 days). */
  readonly horizonMs?: number;
  /** UTC hour the nightly window opens (default 1). */
  readonly nightlyHourUtc?: number;
  /** Mean ad-hoc restores per vault and day (default 3). */
  readonly restoresPerDay?: number;
}

/** A protected item and its habits: when it backs up, how long that takes, how often it goes wrong. */
export interface LifeItem {
  readonly vault: VaultId;
  readonly name: string;
  readonly jobType: KnownJobType;
  readonly backupManagementType: string;
  readonly workloadType: string;
  readonly family: ErrorFamily;
  /** Median duration of its nightly backup; each run varies by a few per cent around it. */
  readonly nightlyMs: number;
  /** Offset of its nightly start into the window. */
  readonly windowOffsetMs: number;
  /** Hourly (log) backups, for SQL databases: their median duration. */
  readonly hourlyMs?: number;
  readonly failRate: number;
  readonly warnRate: number;
}

interface Profile {
  weight: number;
  jobType: KnownJobType;
  backupManagementType: string;
  workloadType: string;
  family: ErrorFamily;
  name: (n: number) => string;
  /** Median nightly duration bounds, minutes. */
  minutes: [number, number];
  hourly?: [number, number];
}

const PROFILES: Profile[] = [
  {
    weight: 50,
    jobType: 'AzureIaaSVMJob',
    backupManagementType: 'AzureIaasVM',
    workloadType: 'VM',
    family: 'vm',
    name: (n) => `vm-app-${pad(n)}`,
    minutes: [12, 70],
  },
  {
    weight: 10,
    jobType: 'AzureIaaSVMJobV2',
    backupManagementType: 'AzureIaasVM',
    workloadType: 'VM',
    family: 'vm',
    name: (n) => `vm-core-${pad(n)}`,
    minutes: [15, 50],
  },
  {
    weight: 15,
    jobType: 'AzureWorkloadJob',
    backupManagementType: 'AzureWorkload',
    workloadType: 'SQLDataBase',
    family: 'sql',
    name: (n) => `sqldb-${pad(n)}`,
    minutes: [6, 30],
    hourly: [1, 4],
  },
  {
    weight: 10,
    jobType: 'AzureStorageJob',
    backupManagementType: 'AzureStorage',
    workloadType: 'AzureFileShare',
    family: 'share',
    name: (n) => `share-${pad(n)}`,
    minutes: [1, 6],
  },
  {
    weight: 8,
    jobType: 'MabJob',
    backupManagementType: 'MAB',
    workloadType: 'FileFolder',
    family: 'agent',
    name: (n) => `FS${pad(n)}`,
    minutes: [20, 90],
  },
  {
    weight: 7,
    jobType: 'DpmJob',
    backupManagementType: 'DPM',
    workloadType: 'SQLDB',
    family: 'agent',
    name: (n) => `SQL${pad(n)}\\DB`,
    minutes: [10, 40],
  },
];

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The items of every vault; each vault has at least one item of every profile, so every job type appears. */
export function lifeItems(opts: LifeOptions): LifeItem[] {
  const per = Math.max(opts.itemsPerVault ?? 16, PROFILES.length);
  const items: LifeItem[] = [];
  for (const v of opts.vaults) {
    const vault: VaultId = { subscriptionId: opts.subscriptionId, resourceGroup: v.resourceGroup, vaultName: v.vaultName };
    const random = seededRandom(hash32(`${opts.seed ?? 11}/${vault.resourceGroup}/${vault.vaultName}`.toLowerCase()));
    const total = PROFILES.reduce((s, p) => s + p.weight, 0);
    for (let i = 0; i < per; i++) {
      const profile = i < PROFILES.length ? PROFILES[i] : weighted(random() * total);
      const between = (lo: number, hi: number): number => Math.round((lo + (hi - lo) * random()) * MIN);
      // A few items are troubled (a broken agent, a full disk): they fail night after night.
      const troubled = random() < 0.12;
      items.push({
        vault,
        name: profile.name(i + 1),
        jobType: profile.jobType,
        backupManagementType: profile.backupManagementType,
        workloadType: profile.workloadType,
        family: profile.family,
        nightlyMs: between(profile.minutes[0], profile.minutes[1]),
        windowOffsetMs: Math.floor(random() * 2 * HOUR),
        ...(profile.hourly ? { hourlyMs: between(profile.hourly[0], profile.hourly[1]) } : {}),
        failRate: troubled ? 0.6 : 0.03,
        warnRate: 0.06,
      });
    }
  }
  return items;
}

function weighted(r: number): Profile {
  let acc = 0;
  for (const p of PROFILES) {
    acc += p.weight;
    if (r < acc) return p;
  }
  return PROFILES[0];
}

/**
 * Every job of the vaults' life that starts within [now - history, now + horizon]: nightly
 * backups of each item, hourly log backups of the SQL databases, ad-hoc restores, and one vault
 * job a day. Jobs that start before `now` and are long over form the history; the others run or
 * start as the clock moves. Outcomes: mostly Completed; warnings and failures with real error codes.
 */
export function lifeJobs(opts: LifeOptions): SimJobSpec[] {
  const from = opts.now - (opts.historyMs ?? 2 * DAY);
  const to = opts.now + (opts.horizonMs ?? 7 * DAY);
  const hour = opts.nightlyHourUtc ?? 1;
  const out: SimJobSpec[] = [];
  const items = lifeItems(opts);
  for (const item of items) {
    const random = seededRandom(hash32(`${opts.seed ?? 11}/run/${item.vault.vaultName}/${item.name}`));
    const firstNight = Math.floor(from / DAY) * DAY + hour * HOUR;
    for (let night = firstNight; night < to; night += DAY) {
      const startAt = night + item.windowOffsetMs;
      if (startAt < from || startAt >= to) continue;
      out.push(run(item, 'Backup', startAt, vary(item.nightlyMs, random), random));
    }
    if (item.hourlyMs !== undefined) {
      const offset = item.windowOffsetMs % HOUR;
      for (let h = Math.floor(from / HOUR) * HOUR + offset; h < to; h += HOUR) {
        if (h < from) continue;
        out.push(run(item, 'Backup', h, vary(item.hourlyMs, random), random, 'Log'));
      }
    }
  }
  for (const v of opts.vaults) {
    const random = seededRandom(hash32(`${opts.seed ?? 11}/adhoc/${v.resourceGroup}/${v.vaultName}`));
    const vms = items.filter((i) => i.vault.vaultName === v.vaultName && i.family === 'vm');
    const vault = vms[0].vault;
    // Restores arrive as a Poisson process; the vault job once a day at midday.
    const meanGap = DAY / Math.max(opts.restoresPerDay ?? 3, 0.01);
    for (let t = from - Math.log(1 - random()) * meanGap; t < to; t += -Math.log(1 - random()) * meanGap) {
      const item = vms[Math.floor(random() * vms.length)];
      out.push(run(item, 'Restore', Math.round(t), vary(item.nightlyMs * 1.8, random), random));
    }
    for (let d = Math.floor(from / DAY) * DAY + 12 * HOUR; d < to; d += DAY) {
      if (d < from) continue;
      out.push({
        vault,
        jobId: randomGuid(random),
        jobType: 'VaultJob',
        operation: 'UpdateCustomerManagedKey',
        entityFriendlyName: vault.vaultName,
        backupManagementType: 'Invalid',
        startAt: d,
        tasks: [{ name: 'Update encryption settings', durationMs: Math.round(vary(75_000, random)) }],
        outcome: 'Completed',
      });
    }
  }
  return out.sort((a, b) => a.startAt - b.startAt);
}

/** One run of an item's median duration, within a few per cent: the same VM backs up in similar times. */
function vary(medianMs: number, random: () => number): number {
  return Math.max(10_000, Math.round(medianMs * Math.exp(0.08 * normal(random))));
}

function run(
  item: LifeItem,
  operation: string,
  startAt: number,
  durationMs: number,
  random: () => number,
  backupType?: string,
): SimJobSpec {
  const r = random();
  const restore = operation === 'Restore';
  let outcome: SimJobSpec['outcome'] = 'Completed';
  if (r < item.failRate * (restore ? 0.5 : 1)) outcome = 'Failed';
  else if (r < item.failRate + item.warnRate) outcome = 'CompletedWithWarnings';
  else if (r < item.failRate + item.warnRate + 0.01) outcome = 'Cancelled';
  const spec: SimJobSpec = {
    vault: item.vault,
    jobId: randomGuid(random),
    jobType: item.jobType,
    operation,
    entityFriendlyName: item.name,
    backupManagementType: item.backupManagementType,
    workloadType: item.workloadType,
    startAt,
    tasks: tasksOf(item, restore, durationMs),
    outcome,
    durationFormat: random() < 0.5 ? 'timespan' : 'iso',
  };
  if (item.family === 'vm') spec.propertyBag = restore ? { 'Target VM Name': `${item.name}-restored` } : { 'VM Name': item.name };
  if (backupType) spec.propertyBag = { 'Backup Type': backupType };
  if (outcome === 'Failed') spec.errorDetails = [pick(FAILURES[item.family], random, item.name)];
  if (outcome === 'CompletedWithWarnings') spec.errorDetails = [pick(WARNINGS[item.family], random, item.name)];
  if (outcome === 'Completed' && item.family === 'vm' && !restore) {
    spec.finalPropertyBag = { 'Backup Size': `${Math.round(durationMs / 1000)} MB` };
  }
  return spec;
}

function tasksOf(item: LifeItem, restore: boolean, d: number): SimTaskSpec[] {
  if (restore) return [{ name: 'Transfer data', durationMs: d }];
  if (item.family === 'vm') {
    const snapshot = Math.round(d * 0.15);
    return [
      { name: 'Take Snapshot', durationMs: snapshot },
      { name: 'Transfer data to vault', durationMs: d - snapshot },
    ];
  }
  if (item.family === 'share') return [{ name: 'Take Snapshot', durationMs: d }];
  return [{ name: item.family === 'agent' && item.jobType === 'MabJob' ? 'Backup' : 'Transfer data to vault', durationMs: d }];
}

/** A troubled item keeps failing for the same reason: the first code of its family is drawn by its name. */
function pick(list: readonly SimErrorSpec[], random: () => number, name: string): SimErrorSpec {
  const sticky = hash32(name) % list.length;
  return random() < 0.7 ? list[sticky] : list[Math.floor(random() * list.length)];
}
