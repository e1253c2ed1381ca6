/**
 * Metrics and traces, read through OpenTelemetry's in-memory exporters while the whole bot runs
 * in-process over real HTTP (bot-harness: the simulated vault as ARM, the recording connector as
 * Teams) and the vault and connector inject faults. The counts asserted are exact by construction:
 * the harness makes one ARM attempt per call, and each fault fires a known number of times.
 */
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  PeriodicExportingMetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { METRICS } from '../../../src/core/telemetry';
import { captureLog } from '../../support/log-capture';
import { SIM_SUBSCRIPTION, startBotHarness, type BotHarness } from '../../support/bot-harness';
import { CHANNEL_ID, channelMessage } from '../../support/teams-activities';

interface Point {
  readonly attributes: Record<string, unknown>;
  readonly value: unknown;
}

function points(all: ResourceMetrics[], name: string): Point[] {
  const last = all.at(-1);
  const metric = last?.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
  return (metric?.dataPoints ?? []).map((p) => ({ attributes: { ...p.attributes }, value: p.value }));
}

/** Sum of a counter's points whose attributes include `where`. */
function sum(all: ResourceMetrics[], name: string, where: Record<string, string> = {}): number {
  return points(all, name)
    .filter((p) => Object.entries(where).every(([k, v]) => p.attributes[k] === v))
    .reduce((s, p) => s + (p.value as number), 0);
}

describe('telemetry: metrics and traces through in-memory exporters', () => {
  let h: BotHarness;
  let metricExporter: InMemoryMetricExporter;
  let reader: PeriodicExportingMetricReader;
  let spans: InMemorySpanExporter;
  const log = captureLog('debug');

  /** The export this flush produced, copied (the exporter keeps appending to one array). */
  const collect = async (): Promise<ResourceMetrics[]> => {
    await reader.forceFlush();
    return [structuredClone(metricExporter.getMetrics().at(-1)!)];
  };

  beforeAll(async () => {
    metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    // Exports only when the test flushes (the interval is far beyond the test).
    reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
    spans = new InMemorySpanExporter();
    h = await startBotHarness({
      overrides: { logger: log.logger, telemetry: { metricReaders: [reader], spanProcessors: [new SimpleSpanProcessor(spans)] } },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const vm = () => h.jobs.find((j) => j.entityFriendlyName === 'vm-web-01' && j.operation === 'Backup')!;

  it('a trace links the incoming message to its command, its ARM call and the reply; log lines carry its trace id', async () => {
    const id = '3000000001';
    expect((await h.send(channelMessage(`track job ${vm().jobId}`, { serviceUrl: h.connector.serviceUrl, id }))).status).toBe(200);
    expect(h.connector.cards(`${CHANNEL_ID};messageid=${id}`)).toHaveLength(1);

    const finished = spans.getFinishedSpans();
    const activity = finished.find((s) => s.name === 'activity message');
    expect(activity).toBeDefined();
    const traceId = activity!.spanContext().traceId;
    const inTrace = finished.filter((s) => s.spanContext().traceId === traceId);
    const byId = new Map(inTrace.map((s) => [s.spanContext().spanId, s]));
    const parentName = (s: ReadableSpan): string | undefined => byId.get(s.parentSpanContext?.spanId ?? '')?.name;
    const command = inTrace.find((s) => s.name === 'command trackJob');
    const arm = inTrace.find((s) => s.name === 'ARM GET');
    const reply = inTrace.find((s) => s.name === 'reply');
    expect({ command: parentName(command!), arm: parentName(arm!), reply: parentName(reply!) }).toEqual({
      command: 'activity message',
      arm: 'command trackJob',
      reply: 'command trackJob',
    });
    expect(activity!.parentSpanContext).toBeUndefined();
    expect(arm!.attributes['http.response.status_code']).toBe(200);

    // The ARM request's debug line, written inside the ARM span, names the trace.
    const armLine = log.records().find((r) => r['msg'] === 'ARM request' && r['traceId'] === traceId);
    expect(armLine).toBeDefined();
    expect(armLine!['spanId']).toBe(arm!.spanContext().spanId);

    const m = await collect();
    expect(sum(m, METRICS.commands, { command: 'trackJob', outcome: 'ok' })).toBe(1);
    expect(points(m, METRICS.jobsTracked)).toEqual([{ attributes: {}, value: 1 }]);
  });

  it('a poll round is one trace: ARM calls and the commit are its children', async () => {
    spans.reset();
    await h.advance(5_000, 1_000);
    const rounds = spans.getFinishedSpans().filter((s) => s.name === 'poll round');
    expect(rounds.length).toBeGreaterThan(0);
    const children = spans.getFinishedSpans().filter((s) => rounds.some((r) => r.spanContext().spanId === s.parentSpanContext?.spanId));
    expect(new Set(children.map((c) => c.name))).toEqual(new Set(['ARM GET', 'commit']));
  });

  it('ARM 429 and 5xx faults move the ARM counters by exactly the faults injected; the budget gauge and poll lag report', async () => {
    const before = await collect();
    const faultsBefore = h.sim.counts()['faults'];
    h.sim.addFault({ kind: 'throttle', count: 2, retryAfterSeconds: 1 });
    h.sim.addFault({ kind: 'error500', count: 3 });
    // Until every fault fired (an event the simulator counts), however many rounds that takes.
    while (h.sim.counts()['faults'] - faultsBefore < 5) await h.advance(2_000, 1_000);
    const after = await collect();
    const delta = (outcome: string): number => sum(after, METRICS.armRequests, { outcome }) - sum(before, METRICS.armRequests, { outcome });
    expect({ '429': delta('429'), '5xx': delta('5xx') }).toEqual({ '429': 2, '5xx': 3 });
    expect(sum(after, METRICS.armRequests, { kind: 'read', outcome: '2xx' })).toBeGreaterThan(0);
    // Every read the simulated vault answered is counted once (each attempt), faults included.
    expect(sum(after, METRICS.armRequests, { kind: 'read' })).toBe(h.sim.counts()['total']);

    const tokens = points(after, METRICS.budgetTokens);
    expect(tokens.map((p) => p.attributes)).toEqual([{ subscription: SIM_SUBSCRIPTION }]);
    expect(tokens[0].value).toBeLessThanOrEqual(100);
    const lag = points(after, METRICS.pollLag);
    expect((lag[0].value as { count: number }).count).toBeGreaterThan(0);
  });

  it('connector 429s are counted, each one a retried delivery; deliveries that went through count as sent', async () => {
    const before = await collect();
    const thread = `${CHANNEL_ID};messageid=3000000001`;
    h.connector.fail(thread, { status: 429, retryAfterSeconds: 0, ops: ['update'] }, 20);
    while (h.connector.rejected.filter((r) => r.status === 429).length === 0) await h.advance(5_000, 1_000);
    h.connector.clearFailures();
    await h.advance(5_000, 1_000);
    const after = await collect();
    const throttled = sum(after, METRICS.connectorThrottled) - sum(before, METRICS.connectorThrottled);
    const retried = sum(after, METRICS.notices, { outcome: 'retried' }) - sum(before, METRICS.notices, { outcome: 'retried' });
    expect(throttled).toBeGreaterThan(0);
    expect(retried).toBe(throttled);
    // The connector client retries a 429 itself before it reaches the bot: it saw at least as many.
    expect(h.connector.rejected.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(throttled);
    expect(sum(after, METRICS.notices, { outcome: 'sent' })).toBeGreaterThan(0);
    expect(points(after, METRICS.outboxDepth)).toHaveLength(1);
  });
});
