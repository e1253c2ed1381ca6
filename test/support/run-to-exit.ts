/**
 * Runs the real bot (src/index.ts through scripts/register-ts.js) as a child process, configured
 * only through `env`, in an empty working directory (no .env), and collects everything it writes
 * until it exits. For start-up paths that end the process (a refused configuration, a store that
 * cannot be opened).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runBotToExit(env: Record<string, string>): Promise<Exit> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'bj-exit-'));
  const child = spawn(process.execPath, ['-r', path.join(ROOT, 'scripts', 'register-ts.js'), path.join(ROOT, 'src', 'index.ts')], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', NODE_NO_WARNINGS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise<Exit>((resolve) => {
    // 'close', not 'exit': every byte of both pipes has been read by then.
    child.once('close', (code, signal) => {
      fs.rmSync(cwd, { recursive: true, force: true });
      resolve({ code, signal, stdout, stderr });
    });
  });
}
