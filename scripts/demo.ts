/**
 * `npm run demo`: the simulated Recovery Services vault, the bot against it and the Microsoft 365
 * Agents Playground, all on 127.0.0.1, with no Azure account and no Teams tenant. Prints the URL to
 * open and commands to paste; Ctrl-C stops everything.
 *
 * Settings (all optional): DEMO_PLAYGROUND_PORT (default 56150), DEMO_SPEED (simulated seconds per
 * real second, default 1), DEMO_POLL_INTERVAL_SECONDS (default 2).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { silentLogger } from '../src/core/logger';
import { startSimulator, type RunningSimulator } from '../tools/simulator/main';
import { ScaledClock } from '../tools/simulator/scaled-clock';
import { startBotProcess, type BotProcess } from './lib/bot-process';
import { freePort, startPlaygroundProcess, type PlaygroundProcess } from './lib/playground-process';

const ROOT = path.resolve(__dirname, '..');
const DATA = path.join(ROOT, 'data');
const DB = path.join(DATA, 'demo.db');
const BOT_LOG = path.join(DATA, 'demo-bot.log');

function envNumber(key: string, fallback: number): number {
  const raw = process.env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${key} must be a positive number, got "${raw}"`);
  return value;
}

function minutes(ms: number): string {
  const m = Math.max(0, ms) / 60_000;
  return m < 1 ? 'under a minute' : `about ${Math.round(m)} minute${Math.round(m) === 1 ? '' : 's'}`;
}

/** The banner: where to click and what to paste, with ids the simulator really serves. */
export function describeDemo(sim: RunningSimulator, playgroundUrl: string, botPort: number, clock: ScaledClock, speed: number): string {
  const now = clock.now();
  const endOf = (jobId: string): number => {
    const spec = sim.jobs.find((j) => jobId.endsWith(j.jobId))!;
    return spec.startAt + spec.tasks.reduce((sum, t) => sum + t.durationMs, 0);
  };
  const pick = (predicate: (j: RunningSimulator['jobIds'][number]) => boolean): RunningSimulator['jobIds'][number] => {
    const found = sim.jobIds.find(predicate);
    if (!found) throw new Error('the simulator no longer serves the job the demo expects');
    return found;
  };
  const shortId = (id: string): string => id.slice(id.lastIndexOf('/') + 1);
  const success = pick((j) => j.operation === 'Backup' && j.outcome === 'Completed' && j.jobType === 'AzureIaaSVMJob');
  const failure = pick((j) => j.outcome === 'Failed');
  const restore = pick((j) => j.operation === 'Restore');
  const warnings = pick((j) => j.outcome === 'CompletedWithWarnings');
  const line = (job: typeof success, what: string): string =>
    `  track job ${shortId(job.id)}\n      ${job.entity} ${job.operation.toLowerCase()}: ${what} in ${minutes((endOf(job.id) - now) / speed)}`;
  return [
    '',
    'Backup Jobs demo is running: simulated vault, bot and Microsoft 365 Agents Playground, all on 127.0.0.1.',
    '',
    `  Open ${playgroundUrl}/ in your browser.`,
    '',
    'Paste into Personal Chat (in a channel, @mention Test Bot first):',
    line(success, 'succeeds'),
    line(failure, 'fails, with its error details,'),
    line(restore, 'completes'),
    `Also try: track job ${shortId(warnings.id)} (ends with warnings) · jobs all · tracking · help`,
    '',
    'Watch a vault and get its digest, without a job id:',
    `  watch failures\n      each failed, warned or cancelled job of ${sim.vault} gets a card here (salesdb fails in ${minutes((endOf(failure.id) - now) / speed)})`,
    '  digest now\n      the last 24 hours of the vault (its history is simulated); `digest daily at 08:00` sends it each morning',
    '',
    `Simulated vault ${sim.url} (${sim.vault}) · bot http://127.0.0.1:${botPort}/api/messages · bot log ${path.relative(process.cwd(), BOT_LOG)}`,
    'Ctrl-C stops everything.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const playgroundPort = envNumber('DEMO_PLAYGROUND_PORT', 56150);
  const speed = envNumber('DEMO_SPEED', 1);
  const pollSeconds = envNumber('DEMO_POLL_INTERVAL_SECONDS', 2);
  // Playground conversations live in memory and die with it: subscriptions of an earlier demo
  // could only point at conversations that no longer exist, so every demo starts clean.
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${DB}${suffix}`, { force: true });

  let sim: RunningSimulator | undefined;
  let bot: BotProcess | undefined;
  let playground: PlaygroundProcess | undefined;
  let stopping = false;
  const stopAll = async (): Promise<void> => {
    stopping = true;
    await playground?.stop();
    await bot?.stop();
    await sim?.stop();
  };
  const onSignal = (): void => {
    if (stopping) return;
    console.log('\nstopping the playground, the bot and the simulated vault…');
    stopAll().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const clock = new ScaledClock(speed);
    // Living vaults (history, nightly and hourly backups) beside the scripted jobs: watch and digest have something to show.
    sim = await startSimulator({ clock, logger: silentLogger(), life: true });
    const botPort = await freePort();
    mkdirSync(DATA, { recursive: true });
    writeFileSync(BOT_LOG, '');
    bot = startBotProcess({
      port: botPort,
      armEndpoint: sim.url,
      subscriptionId: sim.subscriptionId,
      vaults: sim.vaults.join(','),
      stateStore: `sqlite:${DB}`,
      pollIntervalSeconds: pollSeconds,
      logFile: BOT_LOG,
      logLevel: process.env.LOG_LEVEL || 'info',
    });
    bot.child.once('exit', (code) => {
      if (stopping) return;
      console.error(`the bot stopped unexpectedly (exit code ${String(code)}); last lines of ${BOT_LOG}:`);
      console.error(readFileSync(BOT_LOG, 'utf8').split('\n').slice(-15).join('\n'));
      void stopAll().finally(() => process.exit(1));
    });
    await bot.healthy(60_000);
    playground = await startPlaygroundProcess({ appEndpoint: `http://127.0.0.1:${botPort}/api/messages`, port: playgroundPort });
    if (playground.port !== playgroundPort) console.log(`(port ${playgroundPort} was taken; the playground chose ${playground.port})`);
    console.log(describeDemo(sim, playground.url, botPort, clock, speed));
  } catch (error) {
    console.error(`the demo could not start: ${error instanceof Error ? error.message : String(error)}`);
    await stopAll();
    process.exit(1);
  }
}

if (require.main === module) {
  void main();
}
