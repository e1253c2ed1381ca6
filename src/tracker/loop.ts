/**
 * The background loop shared by the engine and the dispatcher: run a round, sleep on the injected
 * clock until the next due time (or a wake-up), repeat. Never throws: failures are logged and the
 * loop backs off. stop() is bounded and idempotent.
 */
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';

export interface LoopOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  /** One round of work; resolves true when more work is due right away. */
  readonly round: () => Promise<boolean>;
  /** Earliest due time of pending work, if any. */
  readonly nextAt: () => Promise<number | undefined>;
  /** Longest sleep (work may appear from another process without a wake-up). */
  readonly idleMs: number;
  /** Pause after a failed round. */
  readonly errorBackoffMs?: number;
}

export class BackgroundLoop {
  private running?: Promise<void>;
  private stopping = false;
  private woken = false;
  private sleepCtl?: AbortController;

  constructor(private readonly o: LoopOptions) {}

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.run();
  }

  wake(): void {
    this.woken = true;
    this.sleepCtl?.abort();
  }

  /** Resolves true when the current round finished within `timeoutMs`, false when it was left running. */
  async stop(timeoutMs: number): Promise<boolean> {
    this.stopping = true;
    this.wake();
    const running = this.running;
    if (!running) return true;
    const timer = new AbortController();
    const timeout = this.o.clock.sleep(timeoutMs, timer.signal).then(
      () => false,
      () => false,
    );
    const finished = await Promise.race([running.then(() => true), timeout]);
    timer.abort();
    this.running = undefined;
    return finished;
  }

  private async run(): Promise<void> {
    const { clock, logger } = this.o;
    while (!this.stopping) {
      let more = false;
      try {
        more = await this.o.round();
      } catch (error) {
        logger.error({ err: error }, 'background round failed; backing off');
        await this.pause(this.o.errorBackoffMs ?? Math.min(5_000, this.o.idleMs));
        continue;
      }
      if (this.stopping) break;
      if (more) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      let wait = this.o.idleMs;
      try {
        const next = await this.o.nextAt();
        // Work already due but not claimable (another process holds its lease): look again soon, not in a tight loop.
        if (next !== undefined) wait = Math.min(this.o.idleMs, Math.max(Math.min(1_000, this.o.idleMs), next - clock.now()));
      } catch (error) {
        logger.error({ err: error }, 'reading the next due time failed');
      }
      await this.pause(wait);
    }
  }

  private async pause(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return;
    }
    const ctl = new AbortController();
    this.sleepCtl = ctl;
    try {
      await this.o.clock.sleep(ms, ctl.signal);
    } catch {
      // Woken up.
    } finally {
      this.sleepCtl = undefined;
      this.woken = false;
    }
  }
}
