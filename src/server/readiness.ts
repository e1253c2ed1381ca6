/**
 * Readiness (`GET /readyz`), as opposed to liveness (`/healthz`): may this instance take traffic
 * now? It is ready when it has started and is not stopping, and every dependency check passes
 * within its bound (the store answers; with Redis, the connections are up). A platform probe
 * then routes around an instance whose Redis dropped, without restarting it: it reconnects by itself.
 */
import type { Logger } from 'pino';

export type Readiness = 'starting' | 'ready' | 'stopping';

/** Resolves when the dependency is usable now; rejects (or outlasts the bound) when not. */
export type ReadinessCheck = () => Promise<void>;

export interface ReadinessReport {
  readonly ready: boolean;
  /** `state` (starting, ready, stopping), then each check: ok, failed or timeout. */
  readonly checks: Readonly<Record<string, string>>;
}

/** A probe answer in well under the platforms' probe timeouts (Container Apps: 1 s default, we set 5 s). */
export const READINESS_CHECK_TIMEOUT_MS = 2_000;

/** Runs the checks at once, each within `timeoutMs`; never rejects. Failures are logged at debug (the probe repeats). */
export async function checkReadiness(
  state: Readiness,
  checks: Readonly<Record<string, ReadinessCheck>>,
  logger: Logger,
  timeoutMs = READINESS_CHECK_TIMEOUT_MS,
): Promise<ReadinessReport> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, string]> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
        timer.unref();
      });
      try {
        const outcome = await Promise.race([check().then(() => 'ok' as const), timeout]);
        if (outcome === 'timeout') logger.debug({ check: name, timeoutMs }, 'readiness check timed out');
        return [name, outcome];
      } catch (err) {
        logger.debug({ check: name, err }, 'readiness check failed');
        return [name, 'failed'];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const ready = state === 'ready' && results.every(([, r]) => r === 'ok');
  return { ready, checks: Object.fromEntries([['state', state], ...results]) };
}
