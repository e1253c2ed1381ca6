/**
 * The composition root's telemetry: OpenTelemetry is loaded and installed only when an exporter is
 * configured (or a test passes readers), and the gauges that read state (jobs, subscriptions,
 * outbox depth, read budget left per subscription) are registered here, where the store and the
 * budget are at hand. Split from app.ts to keep that file about the order of construction.
 */
import type { Config } from './config/config';
import type { Logger } from './core/logger';
import { installTelemetry, METRICS, telemetry } from './core/telemetry';
import type { StoreLifecycle } from './store/types';
import type { ReadBudget } from './tracker/budget';
import type { OtelOptions } from './telemetry/otel';

/** What a test may add to the exporters (in-memory readers and span processors). */
export type TelemetryOverrides = Pick<OtelOptions, 'metricReaders' | 'spanProcessors'>;

export interface AppTelemetry {
  /** Prometheus text URL, when on. */
  readonly prometheusUrl?: string;
  /** Removes the gauges, flushes and stops the exporters, and uninstalls. Idempotent. */
  stop(): Promise<void>;
}

const NOTHING: AppTelemetry = Object.freeze({ stop: () => Promise.resolve() });

export async function startTelemetry(config: Config, logger: Logger, owner: string, overrides?: TelemetryOverrides): Promise<AppTelemetry> {
  const { connectionString, prometheus } = config.telemetry;
  if (!connectionString && !prometheus && !overrides) return NOTHING;
  const { startOtel } = await import('./telemetry/otel');
  const otel = await startOtel({
    serviceName: 'backup-jobs-bot',
    instanceId: owner,
    logger: logger.child({ component: 'telemetry' }),
    ...(connectionString ? { connectionString } : {}),
    ...(prometheus ? { prometheus } : {}),
    ...overrides,
  });
  const uninstall = installTelemetry(otel.telemetry);
  logger.info({ azureMonitor: connectionString !== '', prometheus: otel.prometheusUrl }, 'telemetry on');
  let stopped: Promise<void> | undefined;
  return {
    ...(otel.prometheusUrl ? { prometheusUrl: otel.prometheusUrl } : {}),
    stop: () =>
      (stopped ??= (async () => {
        uninstall();
        await otel.shutdown();
      })()),
  };
}

/** Gauges read at each collection; a no-op when telemetry is off. Returns the function that removes them. */
export function registerStateGauges(store: StoreLifecycle, budget: ReadBudget, now: () => number): () => void {
  const t = telemetry();
  if (!t.enabled) return () => undefined;
  // One stats() per collection feeds the three store gauges.
  let pending: Promise<Awaited<ReturnType<StoreLifecycle['stats']>>> | undefined;
  const stats = (): Promise<Awaited<ReturnType<StoreLifecycle['stats']>>> => {
    pending ??= store.stats().finally(() => setImmediate(() => (pending = undefined)));
    return pending;
  };
  const removers = [
    t.gauge(METRICS.jobsTracked, 'Jobs being tracked', async () => [[(await stats()).activeJobs]]),
    t.gauge(METRICS.subscriptions, 'Conversations following those jobs (subscriptions)', async () => [[(await stats()).subscriptions]]),
    t.gauge(METRICS.outboxDepth, 'Cards and notices waiting to be delivered', async () => [[(await stats()).pendingMessages]]),
    t.gauge(METRICS.budgetTokens, 'ARM read budget tokens left, per subscription', () =>
      budget.subscriptions().map((subscription) => [budget.available(subscription, now()), { subscription }] as const),
    ),
  ];
  return () => removers.forEach((remove) => remove());
}
