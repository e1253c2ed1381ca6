/**
 * Runs the real bot (src/index.ts, the composition root) as a child process pointed at a simulated
 * vault, in local mode (no Bot Framework auth), for the demo and the end-to-end tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stopChild } from './playground-process';

const ROOT = path.resolve(__dirname, '..', '..');

export interface BotProcessOptions {
  port: number;
  armEndpoint: string;
  subscriptionId: string;
  /** BACKUP_VAULTS, e.g. rg-backup/vault-demo */
  vaults: string;
  /** STATE_STORE, e.g. sqlite:/abs/path/state.db */
  stateStore: string;
  pollIntervalSeconds: number;
  /** Where the bot's stdout and stderr go (JSON log lines). */
  logFile: string;
  logLevel?: string;
  /** Extra environment, applied last (e.g. ACTIONS, SSO settings, NODE_EXTRA_CA_CERTS). */
  env?: Record<string, string>;
}

export interface BotProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** http://127.0.0.1:<port>/api/messages */
  readonly endpoint: string;
  /** Resolves when GET /healthz answers 200; rejects if the process exits first or `timeoutMs` passes. */
  healthy(timeoutMs?: number): Promise<void>;
  /** SIGTERM (graceful stop), SIGKILL after `graceMs`. Resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  /** SIGKILL at once, as a crash would. */
  kill(): Promise<void>;
}

export function startBotProcess(options: BotProcessOptions): BotProcess {
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  // An empty working directory: a developer's .env in the repository must not leak into the bot.
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'backup-jobs-bot-'));
  const child = spawn(process.execPath, ['-r', path.join(ROOT, 'scripts', 'register-ts.js'), path.join(ROOT, 'src', 'index.ts')], {
    cwd,
    env: {
      ...process.env,
      TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
      PORT: String(options.port),
      HOST: '127.0.0.1',
      // Local mode: the playground sends no Bot Framework token.
      MicrosoftAppId: '',
      MicrosoftAppPassword: '',
      MicrosoftAppType: 'MultiTenant',
      MicrosoftAppTenantId: '',
      AZURE_SUBSCRIPTION_ID: options.subscriptionId,
      BACKUP_VAULTS: options.vaults,
      ARM_ENDPOINT: options.armEndpoint,
      ARM_AUTH: 'none',
      POLL_INTERVAL_SECONDS: String(options.pollIntervalSeconds),
      STATE_STORE: options.stateStore,
      LOG_LEVEL: options.logLevel ?? 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      log.end();
      rmSync(cwd, { recursive: true, force: true });
      resolve(code);
    }),
  );
  const endpoint = `http://127.0.0.1:${options.port}/api/messages`;
  const logTail = (): string => {
    try {
      return readFileSync(options.logFile, 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      return '(no log)';
    }
  };
  return {
    child,
    port: options.port,
    endpoint,
    async healthy(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`the bot exited (${String(child.exitCode ?? child.signalCode)}) before it was healthy:\n${logTail()}`);
        }
        const status = await fetch(`http://127.0.0.1:${options.port}/healthz`)
          .then((r) => r.status)
          .catch(() => 0);
        if (status === 200) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`the bot was not healthy within ${timeoutMs} ms:\n${logTail()}`);
    },
    async stop(graceMs = 10_000) {
      await stopChild(child, graceMs);
      return exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
