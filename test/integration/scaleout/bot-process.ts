/**
 * The real bot (src/index.ts) as a child process, configured only through its environment, as a
 * hosting platform would run it. Ready when it logs "bot ready" (its URL and lease owner id are
 * read from that line). The child runs in an empty working directory, so no .env is picked up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const ROOT = path.resolve(__dirname, '../../..');
const TS_REGISTER = path.join(ROOT, 'scripts', 'register-ts.js');

export interface BotProcess {
  readonly name: string;
  readonly pid: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** The id this instance writes on its leases. */
  readonly owner: string;
  /** Log lines at error level or above. */
  readonly errors: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly running: boolean;
  signal(sig: NodeJS.Signals): void;
}

/** Another way to start the bot: node with these arguments, in this (kept) working directory. */
export interface BotCommand {
  readonly args: readonly string[];
  readonly cwd: string;
}

/**
 * Starts `node -r scripts/register-ts.js src/index.ts` (or `command`) with `env` and waits for
 * "bot ready".
 */
export async function startBot(
  name: string,
  env: Record<string, string>,
  readyTimeoutMs = 60_000,
  command?: BotCommand,
): Promise<BotProcess> {
  const cwd = command?.cwd ?? fs.mkdtempSync(path.join(os.tmpdir(), `bj-${name}-`));
  const args = command?.args ?? ['-r', TS_REGISTER, path.join(ROOT, 'src', 'index.ts')];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', NODE_NO_WARNINGS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running = false;
      // The pipes can outlive the process and would keep jest from exiting.
      child.stdout?.destroy();
      child.stderr?.destroy();
      if (!command) fs.rmSync(cwd, { recursive: true, force: true });
      resolve({ code, signal });
    }),
  );
  const errors: string[] = [];
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const ready = new Promise<{ url: string; owner: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready after ${readyTimeoutMs} ms; stderr:\n${stderr}`)), readyTimeoutMs);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready; stderr:\n${stderr}`));
    });
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: { level?: number; msg?: string; url?: string; owner?: string };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if ((entry.level ?? 0) >= 50) errors.push(line);
      if (entry.msg === 'bot ready' && entry.url && entry.owner) {
        clearTimeout(timer);
        resolve({ url: entry.url, owner: entry.owner });
      }
    });
  });
  const { url, owner } = await ready.catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  return {
    name,
    pid: child.pid!,
    url,
    owner,
    errors,
    exited,
    get running() {
      return running;
    },
    signal: (sig) => {
      if (running) child.kill(sig);
    },
  };
}
