/**
 * The telemetry port (core/telemetry.ts) on OpenTelemetry: a MeterProvider and a tracer provider
 * with the readers and span processors the configuration asks for: Azure Monitor when
 * APPLICATIONINSIGHTS_CONNECTION_STRING is set, Prometheus text on its own port when
 * METRICS_PROMETHEUS_PORT is set (never the bot's public port), and whatever a test passes
 * (in-memory exporters). app.ts loads this module only when one of them is there: an unconfigured
 * bot never loads OpenTelemetry. Context travels through AsyncLocalStorage, so a span started for
 * an incoming activity is the parent of the command's ARM calls without passing it along.
 */
import {
  context,
  SpanStatusCode,
  trace,
  type Counter,
  type Histogram,
  type ObservableGauge,
  type ObservableResult,
  type Span,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Logger } from '../core/logger';
import { scrubString } from '../core/redact';
import type { Attributes, Observation, SpanHandle, Telemetry } from '../core/telemetry';

export interface OtelOptions {
  readonly serviceName: string;
  /** This process (the lease owner id): tells instances apart. */
  readonly instanceId: string;
  readonly logger: Logger;
  readonly connectionString?: string;
  readonly prometheus?: { readonly port: number; readonly host: string };
  /** Extra readers and processors (tests: in-memory exporters). */
  readonly metricReaders?: readonly MetricReader[];
  readonly spanProcessors?: readonly SpanProcessor[];
  /** Azure Monitor metric export interval (default 60 s). */
  readonly exportIntervalMs?: number;
}

export interface OtelTelemetry {
  readonly telemetry: Telemetry;
  /** http://host:port/metrics when Prometheus is on. */
  readonly prometheusUrl?: string;
  /** Flushes and stops every exporter; bounded by the caller (app.ts runs it as a shutdown step). */
  shutdown(): Promise<void>;
}

export async function startOtel(o: OtelOptions): Promise<OtelTelemetry> {
  const resource = resourceFromAttributes({ 'service.name': o.serviceName, 'service.instance.id': o.instanceId });
  const readers: MetricReader[] = [...(o.metricReaders ?? [])];
  const processors: SpanProcessor[] = [...(o.spanProcessors ?? [])];
  if (o.connectionString) {
    // Loaded only when configured: the Azure SDK pieces are not small.
    const { AzureMonitorMetricExporter, AzureMonitorTraceExporter } = await import('@azure/monitor-opentelemetry-exporter');
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new AzureMonitorMetricExporter({ connectionString: o.connectionString }),
        exportIntervalMillis: o.exportIntervalMs ?? 60_000,
      }),
    );
    processors.push(new BatchSpanProcessor(new AzureMonitorTraceExporter({ connectionString: o.connectionString })));
  }
  let prometheusUrl: string | undefined;
  if (o.prometheus) {
    const { PrometheusExporter } = await import('@opentelemetry/exporter-prometheus');
    const { port, host } = o.prometheus;
    const exporter = await new Promise<InstanceType<typeof PrometheusExporter>>((resolve, reject) => {
      const e: InstanceType<typeof PrometheusExporter> = new PrometheusExporter({ port, host }, (err) => (err ? reject(err) : resolve(e)));
    });
    readers.push(exporter);
    prometheusUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`;
  }

  const meters = new MeterProvider({ resource, readers });
  const tracers = new BasicTracerProvider({ resource, spanProcessors: processors });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const meter = meters.getMeter(o.serviceName);
  const tracer = tracers.getTracer(o.serviceName);

  const counters = new Map<string, Counter>();
  const histograms = new Map<string, Histogram>();
  const gauges = new Map<string, ObservableGauge>();

  const handle = (span: Span): SpanHandle => ({
    setAttributes: (attributes) => span.setAttributes(attributes),
    fail: (err) => span.setStatus({ code: SpanStatusCode.ERROR, message: describe(err) }),
  });

  const telemetry: Telemetry = {
    enabled: true,
    counter(name, description, unit) {
      let c = counters.get(name);
      if (!c) counters.set(name, (c = meter.createCounter(name, { description, ...(unit ? { unit } : {}) })));
      return c;
    },
    histogram(name, description, unit) {
      let h = histograms.get(name);
      if (!h) histograms.set(name, (h = meter.createHistogram(name, { description, ...(unit ? { unit } : {}) })));
      return h;
    },
    gauge(name, description, observe, unit) {
      let g = gauges.get(name);
      if (!g) gauges.set(name, (g = meter.createObservableGauge(name, { description, ...(unit ? { unit } : {}) })));
      const callback = async (result: ObservableResult): Promise<void> => {
        let observations: readonly Observation[];
        try {
          observations = await observe();
        } catch (err) {
          // A store or Redis that does not answer: no value this time, and the metric export goes on.
          o.logger.debug({ err, metric: name }, 'gauge not observed');
          return;
        }
        for (const [value, attributes] of observations) result.observe(value, attributes);
      };
      g.addCallback(callback);
      const gauge = g;
      return () => gauge.removeCallback(callback);
    },
    span(name, attributes: Attributes, fn) {
      return tracer.startActiveSpan(name, { attributes }, async (span) => {
        try {
          return await fn(handle(span));
        } catch (err) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: describe(err) });
          throw err;
        } finally {
          span.end();
        }
      });
    },
    activeIds() {
      const span = trace.getActiveSpan();
      if (!span) return undefined;
      const { traceId, spanId } = span.spanContext();
      return { traceId, spanId };
    },
  };

  let stopped: Promise<void> | undefined;
  return {
    telemetry,
    ...(prometheusUrl ? { prometheusUrl } : {}),
    shutdown: () =>
      (stopped ??= (async () => {
        await Promise.allSettled([meters.shutdown(), tracers.shutdown()]);
        contextManager.disable();
        context.disable();
      })()),
  };
}

/** Name and message only, scrubbed: error details (an SDK's request) may carry secrets. */
function describe(err: unknown): string {
  if (err instanceof Error) return scrubString(`${err.name}: ${err.message}`).slice(0, 300);
  return 'error';
}
