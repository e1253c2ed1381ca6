/**
 * The production build and start, as a host would run them: `npm run build` (here into a temp
 * outDir), then `npm ci --omit=dev` (simulated from package-lock.json, no network) and `npm start`.
 * The output holds only src/ and its assets, requires only production dependencies, and the bot it
 * starts answers a message through the recording connector and stops with exit code 0.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../../../src/core/clock';
import { silentLogger } from '../../../src/core/logger';
import { SimulatorServer } from '../../../tools/simulator/server';
import { scriptedJobs, type SimJobSpec } from '../../../tools/simulator/spec';
import { randomUUID } from 'node:crypto';
import { RecordingConnector } from '../../support/recording-connector';
import { describeWithRedis, startRedisServer, type RedisServer } from '../../support/redis-server';
import { channelMessage, postActivity } from '../../support/teams-activities';
import { startBot, type BotProcess } from '../scaleout/bot-process';
import { LOAD_LOG_ENV, readLoadLog, writeWatchScript } from './load-watch';
import { devPackageNames, filesUnder, isBuiltin, linkProductionTree, packageName, requiredModules } from './production-tree';

const ROOT = path.resolve(__dirname, '../../..');
const SUB = '5d0c4b6a-2f1e-4c3d-9a8b-7e6f5a4b3c2d';
/** The build steps this test runs (with its own outDir); if package.json changes them, so must the test. */
const BUILD_SCRIPT = 'tsc -p tsconfig.build.json && node scripts/copy-assets.js dist';

interface Scenario {
  readonly bot: BotProcess;
  readonly sim: SimulatorServer;
  readonly connector: RecordingConnector;
  readonly jobs: SimJobSpec[];
}

interface PackageJson {
  readonly scripts: Readonly<Record<string, string>>;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
}

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson;

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited ${code}:\n${out}`))));
  });
}

/**
 * A temp folder with no node_modules in any ancestor: Node's resolution walks up from the package
 * folder, so a stray /tmp/node_modules (another tool's) would hand the bot packages that are not in
 * the production tree. This was seen here: /tmp/node_modules held supports-color, which debug loads.
 */
function isolatedTempBase(): string {
  const clean = (dir: string): boolean => {
    for (let d = path.resolve(dir); ; d = path.dirname(d)) {
      if (fs.existsSync(path.join(d, 'node_modules'))) return false;
      if (path.dirname(d) === d) return true;
    }
  };
  const base = [os.tmpdir(), '/var/tmp', '/dev/shm', os.homedir()].find((d) => fs.existsSync(d) && clean(d));
  if (!base) throw new Error('every temp folder candidate has a node_modules folder above it; the production tree would not be isolated');
  return base;
}

/** Exported value names of tools/simulator that src never uses: one of them in the build means simulator code. */
function simulatorOnlyNames(): string[] {
  const source = (dir: string): string =>
    filesUnder(path.join(ROOT, dir))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => fs.readFileSync(path.join(ROOT, dir, f), 'utf8'))
      .join('\n');
  const exported = [...source('tools/simulator').matchAll(/^export (?:async )?(?:class|function|const) (\w+)/gm)].map((m) => m[1]);
  const src = source('src');
  return exported.filter((name) => !new RegExp(`\\b${name}\\b`).test(src));
}

describe('the production build and start', () => {
  let tmp: string;
  let app: string;
  let dist: string;
  let watchScript: string;
  const devNames = devPackageNames(ROOT);

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(isolatedTempBase(), 'bj-prod-'));
    app = path.join(tmp, 'app');
    dist = path.join(app, 'dist');
    fs.mkdirSync(app);
    watchScript = writeWatchScript(tmp);
    expect(pkg.scripts['build']).toBe(BUILD_SCRIPT);
    await run([require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', dist]);
    await run([path.join(ROOT, 'scripts', 'copy-assets.js'), dist]);
  }, 300_000);
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('holds only src: every file is compiled from a src/*.ts file or is a src asset, byte for byte', () => {
    expect(fs.readdirSync(dist)).toEqual(['src']);
    const built = filesUnder(path.join(dist, 'src'));
    const sources = new Set(filesUnder(path.join(ROOT, 'src')));
    const assets = [...sources].filter((f) => !f.endsWith('.ts'));
    expect(assets.length).toBeGreaterThan(0);
    for (const file of built) {
      const from = file.replace(/\.js(\.map)?$/, '.ts');
      expect({ file, fromSrc: sources.has(from) }).toEqual({ file, fromSrc: true });
    }
    // Read at run time (a locale tsc did not emit because nothing imports it, Lua scripts): all copied.
    for (const asset of assets) {
      expect({ asset, copied: built.includes(asset) }).toEqual({ asset, copied: true });
      expect(fs.readFileSync(path.join(dist, 'src', asset)).equals(fs.readFileSync(path.join(ROOT, 'src', asset)))).toBe(true);
    }
  });

  it('contains no simulator identifier', () => {
    const names = simulatorOnlyNames();
    expect(names).toEqual(expect.arrayContaining(['SimulatorServer', 'startSimulator', 'scriptedJobs', 'generatedJobs']));
    const hits = filesUnder(dist)
      .filter((f) => f.endsWith('.js'))
      .flatMap((f) => {
        const js = fs.readFileSync(path.join(dist, f), 'utf8');
        return names.filter((n) => new RegExp(`\\b${n}\\b`).test(js)).map((n) => `${f}: ${n}`);
      });
    expect(hits).toEqual([]);
  });

  it('requires only Node builtins, production dependencies and its own files', () => {
    const allowed = new Set(Object.keys(pkg.dependencies));
    const offending: string[] = [];
    const used = new Set<string>();
    for (const file of filesUnder(dist).filter((f) => f.endsWith('.js'))) {
      for (const spec of requiredModules(fs.readFileSync(path.join(dist, file), 'utf8'))) {
        if (spec === null) offending.push(`${file}: require() of a computed name`);
        else if (spec.startsWith('.')) {
          const target = path.resolve(path.dirname(path.join(dist, file)), spec);
          const found = [target, `${target}.js`, `${target}.json`, path.join(target, 'index.js')].some((p) => fs.existsSync(p));
          if (!found || !target.startsWith(path.join(dist, 'src') + path.sep)) offending.push(`${file}: ${spec}`);
        } else if (!isBuiltin(spec)) {
          used.add(packageName(spec));
          if (!allowed.has(packageName(spec))) offending.push(`${file}: ${spec}`);
        }
      }
    }
    expect(offending).toEqual([]);
    // The check saw the real imports (a regex that matched nothing would pass the line above).
    expect([...used]).toEqual(expect.arrayContaining(['botbuilder', 'better-sqlite3', 'restify', 'undici', 'zod']));
  });

  /**
   * `npm start` (package.json "start", run in the package folder) against the simulated vault with
   * `stateStore`, through `scenario` (messages over HTTP, answers through the recording connector);
   * SIGTERM then ends the process with exit code 0 and no error logged. The production tree is linked
   * once (or, with PRODUCTION_NODE_MODULES, is the one a real `npm ci --omit=dev` made: .ci/run).
   * Every module the process loaded or failed to find is recorded (load-watch.ts) and checked: no
   * devDependency, nothing from the repository outside the package folder.
   */
  async function productionStart(stateStore: string, scenario: (s: Scenario) => Promise<void>): Promise<void> {
    if (!fs.existsSync(path.join(app, 'node_modules'))) {
      const installed = process.env['PRODUCTION_NODE_MODULES'];
      if (installed) fs.symlinkSync(path.resolve(installed), path.join(app, 'node_modules'), 'dir');
      else {
        const tree = linkProductionTree(ROOT, app);
        expect(tree.linked).toEqual(expect.arrayContaining(['node_modules/botbuilder', 'node_modules/better-sqlite3', 'node_modules/bullmq']));
      }
    }
    for (const dev of ['typescript', 'adaptivecards', 'jest', '@swc/core']) expect(fs.existsSync(path.join(app, 'node_modules', dev))).toBe(false);
    const start = /^node (\S+)$/.exec(pkg.scripts['start'] ?? '');
    expect(start).not.toBeNull();

    const jobs = scriptedJobs({ subscriptionId: SUB, resourceGroup: 'rg-backup', vaultName: 'vault-prod', start: Date.now() });
    const sim = new SimulatorServer({ clock: systemClock, jobs, logger: silentLogger() });
    const connector = await RecordingConnector.start();
    const loadLog = path.join(tmp, `loaded-${path.basename(stateStore).replace(/\W/g, '_')}.json`);
    try {
      const env = {
        AZURE_SUBSCRIPTION_ID: SUB,
        BACKUP_VAULTS: 'rg-backup/vault-prod',
        ARM_ENDPOINT: await sim.start(0, '127.0.0.1'),
        ARM_AUTH: 'none',
        HOST: '127.0.0.1',
        PORT: '0',
        POLL_INTERVAL_SECONDS: '1',
        STATE_STORE: stateStore,
        [LOAD_LOG_ENV]: loadLog,
      };
      // See production-tree.ts for --preserve-symlinks.
      const bot = await startBot('prod', env, 120_000, { cwd: app, args: ['--preserve-symlinks', '--require', watchScript, start![1]] });
      try {
        await scenario({ bot, sim, connector, jobs });
      } finally {
        bot.signal('SIGTERM');
      }
      expect(await bot.exited).toEqual({ code: 0, signal: null });
      expect(bot.errors).toEqual([]);
    } finally {
      await connector.close();
      await sim.stop();
    }
    const loads = readLoadLog(loadLog, app);
    // The watch saw the real loads (an empty log would pass the checks below).
    expect(loads.packages).toEqual(expect.arrayContaining(['botbuilder', 'restify', 'undici', 'pino']));
    // Loaded: any dev-only package, direct or transitive. Looked for and not found: our own
    // devDependencies, ts-node, or the simulator and test code (debug's optional probe for
    // supports-color, a dev-only package here, is its own business and not counted).
    const wanted = (spec: string): boolean =>
      pkg.devDependencies[packageName(spec)] !== undefined || packageName(spec) === 'ts-node' || /(^|[\\/])(tools|test)[\\/]/.test(spec);
    expect({ devLoaded: loads.packages.filter((p) => devNames.has(p)), devWanted: loads.missing.filter(wanted) }).toEqual({ devLoaded: [], devWanted: [] });
    expect(loads.outside).toEqual([]);
    // No exporter configured: no OpenTelemetry or Azure Monitor code is even loaded (no cost).
    expect(loads.packages.filter((p) => p.startsWith('@opentelemetry/') || p.startsWith('@azure/monitor'))).toEqual([]);
  }

  /**
   * Tracks a job the simulated vault holds in progress: the job card arrives; once released, the
   * job ends and its completion notice is sent to the conversation, all over HTTP.
   */
  async function trackToCompletion({ bot, sim, connector }: Scenario, name: string): Promise<void> {
    const jobId = randomUUID();
    // Its scheduled end is already past, so the release ends it at once (see SimulatorServer.release).
    sim.addJob(
      {
        vault: { subscriptionId: SUB, resourceGroup: 'rg-backup', vaultName: 'vault-prod' },
        jobId,
        jobType: 'AzureIaaSVMJob',
        operation: 'Backup',
        entityFriendlyName: name,
        backupManagementType: 'AzureIaasVM',
        workloadType: 'VM',
        startAt: Date.now() - 60_000,
        tasks: [{ name: 'Take Snapshot', durationMs: 1_000 }],
        outcome: 'Completed',
      },
      { held: true },
    );
    const res = await postActivity(bot.url, channelMessage(`track job ${jobId}`, { serviceUrl: connector.serviceUrl }));
    expect(res.status).toBe(200);
    await connector.waitFor(() => connector.activities.find((a) => JSON.stringify(a.activity).includes(name)), 60_000, 'the job card');
    sim.release(jobId);
    const notice = await connector.waitFor(
      () => connector.activities.find((a) => a.op !== 'update' && /completed/i.test(a.activity.text ?? '') && (a.activity.text ?? '').includes(name)),
      60_000,
      'the completion notice',
    );
    expect(notice.activity.text).toContain(name);
  }

  it('starts with production dependencies only on SQLite, answers help in German, tracks a job to its completion notice, loads no devDependency, and stops on SIGTERM with exit code 0', async () => {
    const stateDb = path.join(tmp, 'state.db');
    await productionStart(`sqlite:${stateDb}`, async (s) => {
      // German: its catalog is only in the build because copy-assets put it there.
      const res = await postActivity(s.bot.url, channelMessage('help', { serviceUrl: s.connector.serviceUrl, locale: 'de-DE' }));
      expect(res.status).toBe(200);
      const reply = await s.connector.waitFor(() => s.connector.activities[0], 60_000, 'the reply');
      expect(JSON.stringify(reply.activity)).toContain('Was ich kann');
      await trackToCompletion(s, 'vm-prod-sqlite');
    });
    expect(fs.existsSync(stateDb)).toBe(true);
  }, 180_000);

  describeWithRedis('on Redis', () => {
    let redis: RedisServer | undefined;
    beforeAll(async () => {
      redis = await startRedisServer();
    });
    afterAll(async () => {
      await redis?.stop();
    });

    it('reads the Lua scripts from the build and tracks a job in Redis to its completion notice', async () => {
      await productionStart(`${redis!.url}/5`, (s) => trackToCompletion(s, 'vm-prod-redis'));
    }, 180_000);
  });
});
