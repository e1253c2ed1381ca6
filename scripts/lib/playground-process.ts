/**
 * Starts the Microsoft 365 Agents Playground (pinned 0.2.28, see ../shared/PLAYGROUND.md) as a
 * child process on loopback, with telemetry off and no browser, and waits until it answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const CLI = path.resolve(__dirname, '..', '..', 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js');

export interface PlaygroundProcessOptions {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages */
  appEndpoint: string;
  /** Port to ask for; default a free one. The playground may still pick another (it says so). */
  port?: number;
  /** Fixed personal chat id (otherwise random per start). */
  conversationId?: string;
  /** Milliseconds to wait for it to answer; default 30 s. */
  startTimeoutMs?: number;
}

export interface PlaygroundProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** http://127.0.0.1:<port> — the web UI and the headless routes. */
  readonly url: string;
  /** Its log file (kept in a temporary directory, removed by stop). */
  readonly logFile: string;
  /** Everything it printed so far. */
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s; idempotent. */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Ends a child process: SIGTERM, then SIGKILL if it is still there after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function startPlaygroundProcess(options: PlaygroundProcessOptions): Promise<PlaygroundProcess> {
  // Its working directory receives devTools/; keep that out of the repository.
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'playground-'));
  const logFile = path.join(workDir, 'playground.log');
  const requested = options.port ?? (await freePort());
  const args = [CLI, '--app-endpoint', options.appEndpoint, '--channel-id', 'msteams', '--port', String(requested), '--disable-telemetry'];
  if (options.conversationId) args.push('--conversation-id', options.conversationId);
  const child = spawn(process.execPath, args, {
    cwd: workDir,
    env: {
      ...process.env,
      TEAMSAPPTESTER_BROWSER: 'none',
      APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
      M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  const output = (): string => chunks.join('');
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= stopChild(child).then(() => rmSync(workDir, { recursive: true, force: true }));
    return stopping;
  };
  try {
    const timeoutMs = options.startTimeoutMs ?? 30_000;
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the playground did not start within ${timeoutMs} ms:\n${output()}`)), timeoutMs);
      const check = (): void => {
        // It silently picks another port when the requested one is taken: trust only this line.
        const match = /Listening on (\d+)/.exec(output());
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      child.stdout?.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the playground exited with ${String(code)} before listening:\n${output()}`));
      });
    });
    const url = `http://127.0.0.1:${port}`;
    for (let attempt = 0; ; attempt++) {
      const pong = await fetch(`${url}/_debug/ping`)
        .then((r) => r.text())
        .catch(() => '');
      if (pong.includes('pong')) break;
      if (attempt > 100) throw new Error(`the playground on port ${port} never answered /_debug/ping`);
      await sleep(100);
    }
    return { child, port, url, logFile, output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
