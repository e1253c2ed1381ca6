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
import { RecordingConnector } from '../../support/recording-connector';
import { describeWithRedis, startRedisServer, type RedisServer } from '../../support/redis-server';
import { channelMessage, postActivity, type Activity } from '../../support/teams-activities';
import { startBot } from '../scaleout/bot-process';
import { filesUnder, isBuiltin, linkProductionTree, packageName, requiredModules } from './production-tree';

const ROOT = path.resolve(__dirname, '../../..');
const SUB = '5d0c4b6a-2f1e-4c3d-9a8b-7e6f5a4b3c2d';
/** The build steps this test runs (with its own outDir); if package.json changes them, so must the test. */
const BUILD_SCRIPT = 'tsc -p tsconfig.build.json && node scripts/copy-assets.js dist';

interface PackageJson {
  readonly scripts: Readonly<Record<string, string>>;
  readonly dependencies: Readonly<Record<string, string>>;
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

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bj-prod-'));
    app = path.join(tmp, 'app');
    dist = path.join(app, 'dist');
    fs.mkdirSync(app);
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
   * `stateStore`; `message` gets a reply through the recording connector, checked by `check`; SIGTERM
   * then ends the process with exit code 0 and no error logged. The production tree is linked once.
   */
  async function productionStart(stateStore: string, message: (jobs: SimJobSpec[], serviceUrl: string) => Activity, check: (reply: string) => void): Promise<void> {
    if (!fs.existsSync(path.join(app, 'node_modules'))) {
      const tree = linkProductionTree(ROOT, app);
      expect(tree.linked).toEqual(expect.arrayContaining(['node_modules/botbuilder', 'node_modules/better-sqlite3', 'node_modules/bullmq']));
    }
    for (const dev of ['typescript', 'adaptivecards', 'jest', '@swc/core']) expect(fs.existsSync(path.join(app, 'node_modules', dev))).toBe(false);
    const start = /^node (\S+)$/.exec(pkg.scripts['start'] ?? '');
    expect(start).not.toBeNull();

    const jobs = scriptedJobs({ subscriptionId: SUB, resourceGroup: 'rg-backup', vaultName: 'vault-prod', start: Date.now() });
    const sim = new SimulatorServer({ clock: systemClock, jobs, logger: silentLogger() });
    const connector = await RecordingConnector.start();
    try {
      const env = {
        AZURE_SUBSCRIPTION_ID: SUB,
        BACKUP_VAULTS: 'rg-backup/vault-prod',
        ARM_ENDPOINT: await sim.start(0, '127.0.0.1'),
        ARM_AUTH: 'none',
        HOST: '127.0.0.1',
        PORT: '0',
        STATE_STORE: stateStore,
      };
      // See production-tree.ts for --preserve-symlinks.
      const bot = await startBot('prod', env, 120_000, { cwd: app, args: ['--preserve-symlinks', start![1]] });
      try {
        const res = await postActivity(bot.url, message(jobs, connector.serviceUrl));
        expect(res.status).toBe(200);
        const reply = await connector.waitFor(() => connector.activities[0], 60_000, 'the reply');
        check(JSON.stringify(reply.activity));
      } finally {
        bot.signal('SIGTERM');
      }
      expect(await bot.exited).toEqual({ code: 0, signal: null });
      expect(bot.errors).toEqual([]);
    } finally {
      await connector.close();
      await sim.stop();
    }
  }

  it('starts with production dependencies only on SQLite, answers help in German, and stops on SIGTERM with exit code 0', async () => {
    const stateDb = path.join(tmp, 'state.db');
    await productionStart(
      `sqlite:${stateDb}`,
      // German: its catalog is only in the build because copy-assets put it there.
      (_, serviceUrl) => channelMessage('help', { serviceUrl, locale: 'de-DE' }),
      (reply) => expect(reply).toContain('Was ich kann'),
    );
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

    it('reads the Lua scripts from the build, tracks a job in Redis and posts its card', async () => {
      let jobId = '';
      await productionStart(
        `${redis!.url}/5`,
        (jobs, serviceUrl) => {
          jobId = jobs.find((j) => j.startAt <= Date.now())!.jobId;
          return channelMessage(`track job ${jobId}`, { serviceUrl });
        },
        (reply) => expect(reply.toLowerCase()).toContain(`"jobid":"${jobId.toLowerCase()}"`),
      );
    }, 180_000);
  });
});
