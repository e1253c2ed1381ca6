/**
 * The graceful stop's order and bound: the work in progress (background tasks, the tracker's round,
 * deliveries) first, then closing (server, store, connections, telemetry), all within `boundMs` of
 * wall-clock time (the host's grace period, not the injected clock). The work may use the time up to
 * a reserve kept for closing (2 s, or a quarter of the bound), so closing still runs when a round hung
 * on ARM. A step still running when its time is up is named and left behind; the process exits after.
 */
import type { Logger } from './core/logger';

export interface StopStep {
  readonly name: string;
  /** Receives the milliseconds it may take (steps with their own bound, e.g. tracker.stop(ms), use it). */
  readonly run: (timeLeftMs: number) => Promise<void>;
}

export async function stopWithin(logger: Logger, boundMs: number, work: readonly StopStep[], closing: readonly StopStep[]): Promise<void> {
  const end = Date.now() + boundMs;
  const workEnd = end - Math.min(2_000, boundMs / 4);
  const unfinished: string[] = [];
  logger.info({ stopTimeoutMs: boundMs }, 'stopping');
  for (const step of work) await boundedStep(logger, step, workEnd, unfinished);
  for (const step of closing) await boundedStep(logger, step, end, unfinished);
  if (unfinished.length === 0) logger.info('stopped');
  // What a redeploy with Redis or ARM unreachable looks like: said once, plainly, then the process exits.
  else
    logger.warn(
      { unfinished, stopTimeoutMs: boundMs },
      'stopped at the stop bound with work unfinished (left to a restart or the other instances: leases expire, nothing is lost)',
    );
}

/** Every step runs even when an earlier one failed, and none is waited for past `until`. */
async function boundedStep(logger: Logger, step: StopStep, until: number, unfinished: string[]): Promise<void> {
  const timeLeft = Math.max(0, until - Date.now());
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeLeft);
    timer.unref();
  });
  try {
    const outcome = await Promise.race([step.run(timeLeft).then(() => 'done' as const), timedOut]);
    if (outcome === 'timeout') {
      unfinished.push(step.name);
      logger.warn({ step: step.name }, 'shutdown step still running at the stop bound; not waiting for it');
    }
  } catch (err) {
    logger.warn({ err, step: step.name }, 'shutdown step failed');
  } finally {
    clearTimeout(timer);
  }
}
