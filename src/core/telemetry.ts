/**
 * The telemetry port: counters, histograms, observed gauges and spans, as the code below app.ts
 * sees them. No OpenTelemetry import here (src/telemetry/otel.ts implements it, loaded by app.ts
 * only when an exporter is configured): with nothing configured every call is a no-op on a frozen
 * object, so an unconfigured bot pays nothing but the call.
 *
 * One process-wide instance, like OpenTelemetry's own global API: the composition root installs
 * it, the measuring code reads it where the event happens (an ARM answer, a notice, a command),
 * so no constructor needs another parameter for it.
 */
export type Attributes = Readonly<Record<string, string | number | boolean>>;

export interface TelemetryCounter {
  add(value: number, attributes?: Attributes): void;
}

export interface TelemetryHistogram {
  record(value: number, attributes?: Attributes): void;
}

/** One observation of a gauge: a value and the attributes that tell it apart (e.g. per subscription). */
export type Observation = readonly [value: number, attributes?: Attributes];

export interface SpanHandle {
  setAttributes(attributes: Attributes): void;
  /** Marks the span failed with the error's name and message (never its details: they may carry secrets). */
  fail(err: unknown): void;
}

export interface Telemetry {
  /** Whether anything is exported (callers may skip preparing costly attributes). */
  readonly enabled: boolean;
  counter(name: string, description: string, unit?: string): TelemetryCounter;
  histogram(name: string, description: string, unit?: string): TelemetryHistogram;
  /** A gauge read at collection time; `observe` may be async (a store count). Returns a function that removes it. */
  gauge(
    name: string,
    description: string,
    observe: () => readonly Observation[] | Promise<readonly Observation[]>,
    unit?: string,
  ): () => void;
  /** Runs `fn` in a span, a child of the active one; the span ends when `fn` settles and fails when it throws. */
  span<T>(name: string, attributes: Attributes, fn: (span: SpanHandle) => Promise<T>): Promise<T>;
  /** The active trace and span ids, for log lines; undefined outside a span or when disabled. */
  activeIds(): { readonly traceId: string; readonly spanId: string } | undefined;
}

const NOOP_SPAN: SpanHandle = Object.freeze({ setAttributes: () => undefined, fail: () => undefined });
const NOOP_COUNTER: TelemetryCounter = Object.freeze({ add: () => undefined });
const NOOP_HISTOGRAM: TelemetryHistogram = Object.freeze({ record: () => undefined });

export const noTelemetry: Telemetry = Object.freeze({
  enabled: false,
  counter: () => NOOP_COUNTER,
  histogram: () => NOOP_HISTOGRAM,
  gauge: () => () => undefined,
  span: <T>(_name: string, _attributes: Attributes, fn: (span: SpanHandle) => Promise<T>) => fn(NOOP_SPAN),
  activeIds: () => undefined,
});

let current: Telemetry = noTelemetry;

export function telemetry(): Telemetry {
  return current;
}

/** Installs `t` for the process (the composition root, or a test); returns a function restoring the previous one. */
export function installTelemetry(t: Telemetry): () => void {
  const previous = current;
  current = t;
  return () => {
    if (current === t) current = previous;
  };
}

/** The metric names, in one place (README "Operating" lists them; the KQL alerts use them). */
export const METRICS = Object.freeze({
  jobsTracked: 'backupjobs.jobs.tracked',
  subscriptions: 'backupjobs.jobs.subscriptions',
  armRequests: 'backupjobs.arm.requests',
  budgetTokens: 'backupjobs.arm.budget.tokens',
  budgetWait: 'backupjobs.arm.budget.wait',
  pollLag: 'backupjobs.poll.lag',
  notices: 'backupjobs.notices',
  outboxDepth: 'backupjobs.outbox.depth',
  noticeAge: 'backupjobs.notices.age',
  connectorThrottled: 'backupjobs.connector.throttled',
  cardUpdatesCoalesced: 'backupjobs.cards.coalesced',
  commands: 'backupjobs.commands',
  instances: 'backupjobs.instances',
});

/** HTTP status as the outcome attribute of ARM metrics: 2xx, 404, 429, 4xx, 5xx, or network (no answer). */
export function httpOutcome(status: number): string {
  if (status === 0) return 'network';
  if (status === 404 || status === 429) return String(status);
  return `${Math.floor(status / 100)}xx`;
}
