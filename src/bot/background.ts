/**
 * Work that outlives a turn (following an operation). Kept here so shutdown can abort it and wait
 * a bounded time; a task never throws into the void, it logs.
 */
import type { Logger } from 'pino';

export class BackgroundTasks {
  private readonly running = new Set<Promise<void>>();
  private readonly abort = new AbortController();

  constructor(private readonly logger: Logger) {}

  run(name: string, task: (signal: AbortSignal) => Promise<void>): void {
    if (this.abort.signal.aborted) {
      this.logger.warn({ task: name }, 'not started: shutting down');
      return;
    }
    const p: Promise<void> = task(this.abort.signal)
      .catch((err: unknown) => {
        if (this.abort.signal.aborted) return;
        this.logger.error({ err, task: name }, 'background task failed');
      })
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }

  get size(): number {
    return this.running.size;
  }

  /** Aborts every task and waits for them up to `timeoutMs`. Idempotent. */
  async stop(timeoutMs = 5_000): Promise<void> {
    this.abort.abort(new Error('shutting down'));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.running]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref();
      }),
    ]);
    if (timer) clearTimeout(timer);
  }
}
