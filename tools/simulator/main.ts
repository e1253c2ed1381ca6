import { isGuid } from '../../src/azure/id-rules';
import type { Clock } from '../../src/core/clock';
import { createLogger, type Logger } from '../../src/core/logger';
import { describeLife } from './life-describe';
import { lifeItems, lifeJobs, type LifeItem, type LifeOptions } from './life';
import { ScaledClock } from './scaled-clock';
import { SimulatorServer, type SimulatorServerOptions } from './server';
import { scriptedJobs, type SimJobSpec } from './spec';

export const DEFAULT_SUBSCRIPTION_ID = '5f3e0c1a-7b2d-4e8f-9a61-0c4d2b7e8f10';
export const DEMO_RESOURCE_GROUP = 'rg-backup';
export const DEMO_VAULT = 'vault-demo';
/** The living vaults besides the demo vault (`life`): production and disaster recovery. */
export const LIFE_VAULTS = [
  { resourceGroup: 'rg-backup', vaultName: 'vault-prod' },
  { resourceGroup: 'rg-dr', vaultName: 'vault-dr' },
] as const;

/** A living vault (tools/simulator/life.ts) beside the scripted jobs; every field optional. */
export type SimulatorLife = Partial<Omit<LifeOptions, 'subscriptionId' | 'now'>>;

export interface SimulatorOptions {
  port?: number;
  /** Simulated ms per real ms when no clock is given; default 1. */
  speed?: number;
  clock?: Clock;
  subscriptionId?: string;
  resourceGroup?: string;
  vaultName?: string;
  /** Scripted job durations multiplier; default 1. */
  scale?: number;
  logger?: Logger;
  latencyMs?: number;
  /** Role assignments per principal (roles.ts); default off. */
  roles?: SimulatorServerOptions['roles'];
  /** Simulator time a cancelled job spends in Cancelling (default 20 s). */
  cancelDelayMs?: number;
  /**
   * Adds a history and a schedule of jobs (life.ts) to the demo vault and, unless `vaults` says
   * otherwise, to LIFE_VAULTS. Off by default: tests that count the scripted jobs stay exact.
   */
  life?: SimulatorLife | boolean;
}

export interface RunningSimulator {
  readonly url: string;
  readonly server: SimulatorServer;
  /** The simulator's clock (scaled, or the caller's). */
  readonly clock: Clock;
  readonly jobs: readonly SimJobSpec[];
  readonly subscriptionId: string;
  /** `resourceGroup/vaultName`, as BACKUP_VAULTS takes it. */
  readonly vault: string;
  /** Every vault served, the demo vault first, as BACKUP_VAULTS takes them (comma-joined). */
  readonly vaults: readonly string[];
  /** The living vaults' items and jobs, when `life` was asked for. */
  readonly life?: { readonly items: readonly LifeItem[]; readonly jobs: readonly SimJobSpec[] };
  /** Full ARM id of every served job, with its type and scripted outcome. */
  readonly jobIds: ReadonlyArray<{ id: string; jobType: string; operation: string; entity: string; outcome: string }>;
  stop(): Promise<void>;
}

/** Starts the simulated vault with the scripted jobs (for `npm run simulator` and the demo, in-process). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const clock = options.clock ?? new ScaledClock(options.speed ?? 1);
  const subscriptionId = options.subscriptionId ?? DEFAULT_SUBSCRIPTION_ID;
  const resourceGroup = options.resourceGroup ?? DEMO_RESOURCE_GROUP;
  const vaultName = options.vaultName ?? DEMO_VAULT;
  const jobs = scriptedJobs({ subscriptionId, resourceGroup, vaultName, start: clock.now(), scale: options.scale });
  let life: RunningSimulator['life'];
  if (options.life) {
    const given = options.life === true ? {} : options.life;
    const lifeOpts: LifeOptions = {
      vaults: [{ resourceGroup, vaultName }, ...LIFE_VAULTS],
      ...given,
      subscriptionId,
      now: clock.now(),
    };
    life = { items: lifeItems(lifeOpts), jobs: lifeJobs(lifeOpts) };
  }
  const server = new SimulatorServer({
    clock,
    jobs: [...jobs, ...(life?.jobs ?? [])],
    logger: options.logger,
    latencyMs: options.latencyMs,
    roles: options.roles,
    cancelDelayMs: options.cancelDelayMs,
  });
  const url = await server.start(options.port ?? 0);
  const base = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${vaultName}/backupJobs/`;
  return {
    url,
    server,
    clock,
    jobs,
    subscriptionId,
    vault: `${resourceGroup}/${vaultName}`,
    vaults: vaultsServed(`${resourceGroup}/${vaultName}`, life?.items),
    ...(life ? { life } : {}),
    jobIds: jobs.map((j) => ({
      id: `${base}${j.jobId}`,
      jobType: j.jobType,
      operation: j.operation,
      entity: j.entityFriendlyName,
      outcome: j.outcome,
    })),
    stop: () => server.stop(),
  };
}

function vaultsServed(first: string, items: readonly LifeItem[] | undefined): string[] {
  const out = [first];
  for (const i of items ?? []) {
    const v = `${i.vault.resourceGroup}/${i.vault.vaultName}`;
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

/** What `npm run simulator` prints: where it is, how to point the bot at it, and what it serves. */
export function describeSimulator(sim: RunningSimulator, speed: number): string {
  const lines = [
    `Simulated Recovery Services vault listening on ${sim.url} (speed x${speed})`,
    '',
    'Point the bot at it with:',
    `  ARM_ENDPOINT=${sim.url}`,
    '  ARM_AUTH=none',
    `  AZURE_SUBSCRIPTION_ID=${sim.subscriptionId}`,
    `  BACKUP_VAULTS=${sim.vaults.join(',')}`,
    '',
    `Scripted jobs in ${sim.vault}, running now:`,
    ...sim.jobIds.map(
      (j) => `  ${j.jobType.padEnd(17)} ${j.operation.padEnd(24)} ${j.entity.padEnd(14)} -> ${j.outcome.padEnd(21)} ${j.id}`,
    ),
    '',
    ...(sim.life ? describeLife(sim.life, sim.clock.now()) : []),
    'Ctrl-C to stop.',
  ];
  return `${lines.join('\n')}\n`;
}

function envNumber(env: NodeJS.ProcessEnv, key: string, fallback: number, valid: (n: number) => boolean): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!valid(n)) throw new Error(`${key}=${raw} is not valid`);
  return n;
}

async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const port = envNumber(env, 'SIM_PORT', 7071, (n) => Number.isInteger(n) && n >= 0 && n < 65536);
  const speed = envNumber(env, 'SIM_SPEED', 1, (n) => Number.isFinite(n) && n > 0);
  const subscriptionId = env['SIM_SUBSCRIPTION_ID'] || DEFAULT_SUBSCRIPTION_ID;
  if (!isGuid(subscriptionId) || subscriptionId !== subscriptionId.toLowerCase()) {
    throw new Error(`SIM_SUBSCRIPTION_ID=${subscriptionId} is not a lower-case GUID`);
  }
  const logger = createLogger(env['LOG_LEVEL'] ?? 'warn');
  // The command line serves living vaults unless SIM_LIFE=0 (then only the scripted jobs).
  const life = env['SIM_LIFE'] !== '0';
  const sim = await startSimulator({ port, speed, subscriptionId, logger, life });
  process.stdout.write(describeSimulator(sim, speed));
  const shutdown = (): void => {
    sim.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`simulator failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
