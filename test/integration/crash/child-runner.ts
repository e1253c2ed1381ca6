/** Starts crash-child.ts processes, reads their stdout lines, and kills them, recording when. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { parseChildLine, type ChildLine } from './protocol';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const CHILD_ENTRY = path.join(__dirname, 'crash-child.ts');

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class CrashChild {
  readonly lines: ChildLine[] = [];
  /** Delivery numbers this child reported committed. */
  readonly done = new Set<number>();
  readonly spawnedAt = Date.now();
  readyAt?: number;
  /** Real epoch ms the parent sent SIGKILL. */
  killedAt?: number;
  stderr = '';
  /** Resolves once the process exited and its stdout and stderr are fully read. */
  readonly closed: Promise<ChildExit>;
  private exit?: ChildExit;
  private readonly listeners = new Set<() => void>();
  private readonly proc: ChildProcess;

  constructor(
    readonly generation: number,
    env: Readonly<Record<string, string>>,
  ) {
    this.proc = spawn(process.execPath, ['-r', path.join(REPO_ROOT, 'scripts', 'register-ts.js'), CHILD_ENTRY], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let partial = '';
    this.proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      partial += chunk;
      const parts = partial.split('\n');
      partial = parts.pop()!;
      for (const p of parts) this.onLine(p);
    });
    this.proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      // Keep the tail only: enough to explain a failure.
      this.stderr = (this.stderr + chunk).slice(-8_000);
    });
    this.closed = new Promise<ChildExit>((resolve) => {
      this.proc.once('close', (code, signal) => {
        if (partial) this.onLine(partial);
        this.exit = { code, signal };
        this.notify();
        resolve(this.exit);
      });
    });
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Resolves when the child has written a line of this type; rejects when it exits first or after `timeoutMs`. */
  waitFor(type: 'READY' | 'TRACKED', timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (this.lines.some((l) => l.type === type)) finish();
        else if (this.exit)
          finish(new Error(`child ${this.generation} exited (${JSON.stringify(this.exit)}) before ${type}; stderr:\n${this.stderr}`));
      };
      const timer = setTimeout(
        () => finish(new Error(`child ${this.generation} wrote no ${type} within ${timeoutMs} ms; stderr:\n${this.stderr}`)),
        timeoutMs,
      );
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        if (error) reject(error);
        else resolve();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** SIGKILL (the crash) or SIGTERM (the graceful stop). Only this child's own pid is signalled. */
  kill(signal: 'SIGKILL' | 'SIGTERM'): void {
    if (!this.running || this.killedAt !== undefined) return;
    if (signal === 'SIGKILL') this.killedAt = Date.now();
    this.proc.kill(signal);
  }

  private onLine(text: string): void {
    const line = parseChildLine(text);
    if (!line) return;
    this.lines.push(line);
    if (line.type === 'READY') this.readyAt = Date.now();
    if (line.type === 'DONE') this.done.add(line.deliveryNo);
    this.notify();
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }
}
