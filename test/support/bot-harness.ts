/**
 * The whole bot in-process over real HTTP on 127.0.0.1: its restify server and CloudAdapter
 * (startApp), the simulated vault as ARM (ARM_AUTH=none) and a recording Bot Connector as the
 * serviceUrl. Time is a VirtualClock shared by the simulator and the tracker; tests move it and
 * drive the tracker and dispatcher rounds themselves (runLoops: false), so nothing waits on wall
 * time. Reusable by the e2e helpers and the inbound benchmark (runLoops: true, system clock).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp, type AppOverrides, type RunningApp } from '../../src/app';
import { readConfig, type Config } from '../../src/config/config';
import { VirtualClock, type Clock } from '../../src/core/clock';
import { silentLogger } from '../../src/core/logger';
import { SimulatorServer, type SimulatorServerOptions } from '../../tools/simulator/server';
import { scriptedJobs, type SimJobSpec } from '../../tools/simulator/spec';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { RecordingConnector } from './recording-connector';
import { postActivity, type Activity, type PostResult } from './teams-activities';

export const SIM_SUBSCRIPTION = '8f7e6d5c-4b3a-4291-8807-162534435261';
export const SIM_RESOURCE_GROUP = 'rg-backup';
export const SIM_VAULT = 'vault-prod';

export interface HarnessOptions {
  /** Extra environment for readConfig (e.g. MicrosoftAppId). */
  readonly env?: Record<string, string>;
  /** Defaults to a VirtualClock at 2026-01-01. */
  readonly clock?: Clock;
  readonly runLoops?: boolean;
  /** SQLite file; default a fresh temp file. Reuse it to simulate a restart. */
  readonly dbPath?: string;
  readonly jobs?: (start: number) => SimJobSpec[];
  readonly simulator?: Partial<Omit<SimulatorServerOptions, 'clock' | 'jobs'>>;
  readonly overrides?: AppOverrides;
  /** Reuse a running simulator / connector (restart tests). */
  readonly sim?: SimulatorServer;
  readonly connector?: RecordingConnector;
}

export interface BotHarness {
  readonly app: RunningApp;
  readonly config: Config;
  readonly clock: Clock;
  readonly sim: SimulatorServer;
  readonly simUrl: string;
  readonly connector: RecordingConnector;
  readonly jobs: readonly SimJobSpec[];
  readonly dbPath: string;
  /** POSTs an activity to /api/messages (its serviceUrl must be `connector.serviceUrl`). */
  send(activity: Activity, headers?: Record<string, string>): Promise<PostResult>;
  /** One tracker round, one watcher round, then one delivery round. */
  round(): Promise<void>;
  /** Moves virtual time in steps of `stepMs`, running a round after each step. */
  advance(ms: number, stepMs?: number): Promise<void>;
  /** Closes the app only (keeps simulator, connector and the database file). */
  closeApp(): Promise<void>;
  /** Closes everything this harness created. */
  close(): Promise<void>;
}

export function tempDbPath(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'backup-jobs-')), 'state.db');
}

export async function startBotHarness(opts: HarnessOptions = {}): Promise<BotHarness> {
  const clock = opts.clock ?? new VirtualClock(Date.UTC(2026, 0, 1, 9, 0, 0));
  const start = clock.now();
  const jobs = opts.jobs
    ? opts.jobs(start)
    : scriptedJobs({ subscriptionId: SIM_SUBSCRIPTION, resourceGroup: SIM_RESOURCE_GROUP, vaultName: SIM_VAULT, start });
  const ownsSim = opts.sim === undefined;
  const sim = opts.sim ?? new SimulatorServer({ clock, jobs, logger: silentLogger(), ...opts.simulator });
  const simUrl = ownsSim ? await sim.start(0, '127.0.0.1') : (opts.env?.ARM_ENDPOINT ?? '');
  const ownsConnector = opts.connector === undefined;
  const connector = opts.connector ?? (await RecordingConnector.start());
  const dbPath = opts.dbPath ?? tempDbPath();
  const config = readConfig({
    AZURE_SUBSCRIPTION_ID: SIM_SUBSCRIPTION,
    BACKUP_VAULTS: `${SIM_RESOURCE_GROUP}/${SIM_VAULT}, rg-backup/vault-dev`,
    ARM_ENDPOINT: simUrl,
    ARM_AUTH: 'none',
    POLL_INTERVAL_SECONDS: '1',
    STATE_STORE: `sqlite:${dbPath}`,
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    ...opts.env,
  });
  const store = new SqliteStore({ path: dbPath, logger: silentLogger() });
  await store.init();
  let app: RunningApp;
  try {
    app = await startApp(config, {
      clock,
      logger: silentLogger(),
      runLoops: opts.runLoops ?? false,
      store,
      // One attempt: a failing ARM call answers at once instead of sleeping on the virtual clock.
      armMaxAttempts: 1,
      ...opts.overrides,
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  let appClosed = false;
  const closeApp = async (): Promise<void> => {
    if (appClosed) return;
    appClosed = true;
    await app.close();
    await store.close();
  };
  const round = async (): Promise<void> => {
    await app.tracker.tick();
    await app.watcher.tick();
    await app.digester.tick();
    await app.dispatcher.tick();
  };
  return {
    app,
    config,
    clock,
    sim,
    simUrl,
    connector,
    jobs,
    dbPath,
    send: (activity, headers) => postActivity(app.url, activity, headers),
    round,
    async advance(ms, stepMs = 1000) {
      if (!(clock instanceof VirtualClock)) throw new Error('advance needs a VirtualClock');
      for (let done = 0; done < ms; done += stepMs) {
        await clock.advance(Math.min(stepMs, ms - done));
        await round();
      }
    },
    closeApp,
    async close() {
      await closeApp();
      if (ownsConnector) await connector.close();
      if (ownsSim) await sim.stop();
    },
  };
}
