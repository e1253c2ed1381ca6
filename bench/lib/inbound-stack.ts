/**
 * The inbound benchmark's world, all on 127.0.0.1 in this process: the simulated vault answering
 * every ARM call after `latencyMs` of real time, a recording Bot Connector as the serviceUrl, a
 * temp SQLite store, and the real bot (startApp: restify + CloudAdapter + commands + tracker loops)
 * on the system clock with ARM_AUTH=none. Logs go, at the configured level, into a file, so their
 * cost is paid as in production without flooding the table.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startApp, type RunningApp } from '../../src/app';
import { ArmClient } from '../../src/azure/arm-client';
import { readConfig, type Config } from '../../src/config/config';
import { systemClock } from '../../src/core/clock';
import { createLogger, silentLogger, type Logger } from '../../src/core/logger';
import { generatedJobs } from '../../tools/simulator/generated-jobs';
import { SimulatorServer } from '../../tools/simulator/server';
import type { SimJobSpec } from '../../tools/simulator/spec';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { RecordingConnector } from '../../test/support/recording-connector';
import { MeteredApi } from './inbound-metered-api';

export const BENCH_SUBSCRIPTION = '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e00';

/** A running job and the vault a user names to reach it. */
export interface BenchJob {
  readonly jobId: string;
  readonly vaultName: string;
}

export interface InboundStackOptions {
  /** Running jobs in the default vault (rg-bench/vault-001 of AZURE_SUBSCRIPTION_ID). */
  readonly jobs: number;
  /**
   * Further vaults, each in a subscription of its own (so each has its own ARM read budget),
   * with `jobsPerExtraVault` running jobs each; users name them with `in vault-NNN`.
   */
  readonly extraVaults?: number;
  readonly jobsPerExtraVault?: number;
  readonly latencyMs: number;
  /** LOG_LEVEL of the bot; default info, as deployed. */
  readonly logLevel?: string;
}

export interface InboundStack {
  readonly app: RunningApp;
  readonly config: Config;
  readonly sim: SimulatorServer;
  readonly connector: RecordingConnector;
  /** The bot's logger (into `logFile`); reused by the echo bot so both pay the same. */
  readonly logger: Logger;
  readonly logFile: string;
  /** What the bot's ARM client did (peak concurrent reads, their wire times). */
  readonly api: MeteredApi;
  /** Jobs of the default vault, in a fixed order; hand each out once. */
  readonly jobs: readonly BenchJob[];
  /** Jobs of the extra vaults, interleaved across vaults. */
  readonly extraJobs: readonly BenchJob[];
  /** Bytes the bot has logged so far. */
  logBytes(): number;
  close(): Promise<void>;
}

export async function startInboundStack(o: InboundStackOptions): Promise<InboundStack> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-inbound-'));
  const now = Date.now();
  const main = runningJobs(BENCH_SUBSCRIPTION, 'vault-001', o.jobs, now, 5);
  const extras: SimJobSpec[][] = [];
  for (let v = 0; v < (o.extraVaults ?? 0); v++) {
    extras.push(runningJobs(subscriptionOf(v + 1), vaultName(v + 2), o.jobsPerExtraVault ?? 0, now, 100 + v));
  }
  const jobs = [...main, ...extras.flat()];
  const sim = new SimulatorServer({ clock: systemClock, jobs, latencyMs: o.latencyMs, logger: silentLogger() });
  const simUrl = await sim.start(0, '127.0.0.1');
  const connector = await RecordingConnector.start();
  const dbPath = join(dir, 'state.db');
  const logFile = join(dir, 'bot.log');
  const config = readConfig({
    AZURE_SUBSCRIPTION_ID: BENCH_SUBSCRIPTION,
    BACKUP_VAULTS: [
      'rg-bench/vault-001',
      ...extras.map(
        (_, v) =>
          `/subscriptions/${subscriptionOf(v + 1)}/resourceGroups/rg-bench/providers/Microsoft.RecoveryServices/vaults/${vaultName(v + 2)}`,
      ),
    ].join(','),
    ARM_ENDPOINT: simUrl,
    ARM_AUTH: 'none',
    STATE_STORE: `sqlite:${dbPath}`,
    LOG_LEVEL: o.logLevel ?? 'info',
    HOST: '127.0.0.1',
    PORT: '0',
  });
  const destination = pino.destination({ dest: logFile, sync: false, mkdir: true });
  // flushSync throws until the file is open.
  await once(destination, 'ready');
  const logger = createLogger(config.logLevel, destination);
  const store = new SqliteStore({ path: dbPath, logger });
  await store.init();
  // Built as startApp builds it; passed in only to be metered.
  const arm = new ArmClient({
    endpoint: config.azure.armEndpoint,
    apiVersion: config.azure.apiVersion,
    credential: 'none',
    clock: systemClock,
    logger,
  });
  const api = new MeteredApi(arm);
  const app = await startApp(config, { logger, store, api });
  let closed: Promise<void> | undefined;
  return {
    app,
    config,
    sim,
    connector,
    logger,
    logFile,
    api,
    jobs: main.map(benchJob),
    extraJobs: interleave(extras).map(benchJob),
    logBytes: () => {
      destination.flushSync();
      return statSync(logFile).size;
    },
    close: () =>
      (closed ??= (async () => {
        await app.close();
        await store.close();
        await arm.close();
        await connector.close();
        await sim.stop();
        destination.flushSync();
        destination.end();
        rmSync(dir, { recursive: true, force: true });
      })()),
  };
}

/** Started a minute ago and lasting hours: InProgress for the whole run, so `track job` subscribes. */
function runningJobs(subscriptionId: string, name: string, count: number, now: number, seed: number): SimJobSpec[] {
  const vault = { subscriptionId, resourceGroup: 'rg-bench', vaultName: name };
  const specs = generatedJobs({
    seed,
    jobs: count,
    vaults: 1,
    subscriptionId,
    start: now - 60_000,
    startSpreadMs: 1,
    minDurationMs: 3 * 3_600_000,
    maxDurationMs: 6 * 3_600_000,
  });
  return specs.map((spec) => ({ ...spec, vault }));
}

function subscriptionOf(n: number): string {
  return `${BENCH_SUBSCRIPTION.slice(0, -2)}${n.toString(16).padStart(2, '0')}`;
}

function vaultName(n: number): string {
  return `vault-${String(n).padStart(3, '0')}`;
}

function benchJob(spec: SimJobSpec): BenchJob {
  return { jobId: spec.jobId, vaultName: spec.vault.vaultName };
}

function interleave<T>(lists: readonly T[][]): T[] {
  const out: T[] = [];
  for (let i = 0; lists.some((l) => i < l.length); i++) for (const l of lists) if (i < l.length) out.push(l[i]);
  return out;
}
