/**
 * The whole system on loopback for end-to-end tests: the simulated vault (real time), the real bot
 * as a child process (src/index.ts, ARM_AUTH=none, SQLite state) and the Agents Playground in
 * front of it. Jobs are added per test, held in their last task until the test releases them, so
 * no job can end before the step that needs it running, however slow the machine.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../../../src/core/clock';
import { silentLogger } from '../../../src/core/logger';
import { startSimulator, type RunningSimulator } from '../../../tools/simulator/main';
import type { RoleOptions } from '../../../tools/simulator/roles';
import type { SimErrorSpec, SimJobSpec, SimTaskSpec } from '../../../tools/simulator/spec';
import { startBotProcess, type BotProcess } from '../../../scripts/lib/bot-process';
import { freePort } from '../../../scripts/lib/playground-process';
import { startLocaleRelay, type LocaleRelay } from './locale-relay';
import { cardText, Playground, type StreamMessage } from './playground';

export interface JobInput {
  entity: string;
  tasks: SimTaskSpec[];
  outcome: SimJobSpec['outcome'];
  errorDetails?: SimErrorSpec[];
  operation?: string;
}

export interface Stack {
  readonly sim: RunningSimulator;
  readonly playground: Playground;
  /** With `localeRelay`: set its `locale` to send as a user whose Teams is in that language. */
  readonly relay?: LocaleRelay;
  bot: BotProcess;
  /** Adds a VM backup job to the simulated vault, started now and held (it cannot end before `release`); returns its job GUID. */
  addJob(input: JobInput): string;
  /** Lets a job end (at once when its scripted tasks are over). */
  release(jobId: string): void;
  /** A job spec (not yet in the vault) for `triggerOperation`. */
  jobSpec(input: JobInput): SimJobSpec;
  /** Kills the bot (SIGKILL, as a crash) and starts it again on the same port and state. */
  restartBot(): Promise<void>;
  /** The bot's log so far (JSON lines), for failure messages. */
  botLog(): string;
  stop(): Promise<void>;
}

export interface StackOptions {
  pollIntervalSeconds?: number;
  /** Extra bot environment (ACTIONS, SSO settings, NODE_EXTRA_CA_CERTS). */
  botEnv?: Record<string, string>;
  /** The simulated vault's role assignments (roles.ts). */
  roles?: RoleOptions;
  /** Simulated time a cancelled job stays Cancelling. */
  cancelDelayMs?: number;
  /** Put a LocaleRelay between the playground and the bot (its `locale` is then settable on the stack). */
  localeRelay?: boolean;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'backup-jobs-e2e-'));
  const logFile = path.join(workDir, 'bot.log');
  const sim = await startSimulator({
    clock: systemClock,
    logger: silentLogger(),
    ...(options.roles ? { roles: options.roles } : {}),
    cancelDelayMs: options.cancelDelayMs,
  });
  const vault = sim.jobs[0].vault;
  const port = await freePort();
  const launch = (): BotProcess =>
    startBotProcess({
      port,
      armEndpoint: sim.url,
      subscriptionId: sim.subscriptionId,
      vaults: sim.vault,
      stateStore: `sqlite:${path.join(workDir, 'state.db')}`,
      pollIntervalSeconds: options.pollIntervalSeconds ?? 1,
      logFile,
      logLevel: 'info',
      ...(options.botEnv ? { env: options.botEnv } : {}),
    });
  let bot = launch();
  let playground: Playground | undefined;
  let relay: LocaleRelay | undefined;
  try {
    await bot.healthy();
    relay = options.localeRelay ? await startLocaleRelay(bot.endpoint) : undefined;
    playground = await Playground.start({ appEndpoint: relay?.endpoint ?? bot.endpoint });
  } catch (error) {
    await relay?.close();
    await bot.kill();
    await sim.stop();
    rmSync(workDir, { recursive: true, force: true });
    throw error;
  }

  const jobSpec = (input: JobInput): SimJobSpec => ({
    vault,
    jobId: randomUUID(),
    jobType: 'AzureIaaSVMJob',
    operation: input.operation ?? 'Backup',
    entityFriendlyName: input.entity,
    backupManagementType: 'AzureIaasVM',
    workloadType: 'VM',
    startAt: systemClock.now(),
    tasks: input.tasks,
    outcome: input.outcome,
    errorDetails: input.errorDetails,
    propertyBag: { 'VM Name': input.entity },
  });
  const pg = playground;
  const stack: Stack = {
    sim,
    playground: pg,
    ...(relay === undefined ? {} : { relay }),
    bot,
    jobSpec,
    addJob(input) {
      const spec = jobSpec(input);
      sim.server.addJob(spec, { held: true });
      return spec.jobId;
    },
    release(jobId) {
      sim.server.release(jobId);
    },
    async restartBot() {
      await stack.bot.kill();
      bot = launch();
      stack.bot = bot;
      await bot.healthy();
    },
    botLog() {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    },
    async stop() {
      // Bot first: a turn in flight must still reach the playground.
      await stack.bot.stop();
      await pg.stop();
      await relay?.close();
      await sim.stop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
  return stack;
}

/** True when the message carries an Adaptive Card whose visible text contains `needle`. */
export function cardShows(message: StreamMessage, needle: string | RegExp): boolean {
  return message.attachments.some((a) => {
    if (a.contentType !== 'application/vnd.microsoft.card.adaptive') return false;
    const text = cardText(a.content);
    return typeof needle === 'string' ? text.includes(needle) : needle.test(text);
  });
}

/** The `data` of the card's Action.Submit button titled `title`, as a press would send it. */
export function submitData(message: StreamMessage, title: string): unknown {
  for (const attachment of message.attachments) {
    const actions = (attachment.content as { actions?: { type?: string; title?: string; data?: unknown }[] }).actions ?? [];
    const action = actions.find((a) => a.type === 'Action.Submit' && a.title === title);
    if (action) return action.data;
  }
  throw new Error(`the card has no "${title}" button`);
}

/** Every Action title on the message's cards. */
export function buttonTitles(message: StreamMessage): string[] {
  return message.attachments.flatMap((a) =>
    ((a.content as { actions?: { title?: string }[] }).actions ?? []).map((action) => action.title ?? ''),
  );
}
