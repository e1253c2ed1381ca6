/** What startApp takes besides the Config (tests, the demo and benchmarks override parts) and what it returns. */
import type { TokenCredential } from '@azure/identity';
import type { Dispatcher as HttpDispatcher } from 'undici';
import type { TelemetryOverrides } from './app-telemetry';
import type { BackupJobsApi } from './azure/types';
import type { BackgroundTasks } from './bot/background';
import type { ConnectorCredentialsFactory } from './bot/adapter';
import type { Clock } from './core/clock';
import type { Logger } from './core/logger';
import type { ServerLimits } from './server/server';
import type { StateStore } from './store/types';
import type { Dispatcher } from './tracker/dispatcher';
import type { Digester } from './tracker/digester';
import type { Tracker } from './tracker/engine';
import type { TrackerEvent } from './tracker/engine-contract';
import type { Notifier, TrackerService } from './tracker/ports';
import type { Watcher } from './tracker/watcher';

export interface AppOverrides {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** undici dispatcher for ARM (tests, benchmarks). */
  readonly armDispatcher?: HttpDispatcher;
  /** Replaces DefaultAzureCredential (ARM_AUTH=default). */
  readonly credential?: TokenCredential;
  /** Signs calls to the Bot Connector instead of the app registration (tests: a known token). */
  readonly connectorCredentials?: ConnectorCredentialsFactory;
  /** Where inbound token signing keys are read (tests: a key set on 127.0.0.1). */
  readonly botOpenIdMetadataUrl?: string;
  /** Replaces the ARM client entirely. */
  readonly api?: BackupJobsApi;
  /** An already opened store (otherwise STATE_STORE is opened, and closed on close()). */
  readonly store?: StateStore;
  /** Wraps the notifier (tests count or delay deliveries). */
  readonly wrapNotifier?: (notifier: Notifier) => Notifier;
  /** Start the tracker and dispatcher loops (default true). Tests driving `tick()` pass false. */
  readonly runLoops?: boolean;
  readonly onTrackerEvent?: (event: TrackerEvent) => void;
  /** Lease owner id of this process (default a random one). */
  readonly owner?: string;
  /** ARM client tuning (tests). */
  readonly armTimeoutMs?: number;
  readonly armMaxAttempts?: number;
  /** HTTP slow-client limits (tests: small ones); defaults in server.ts DEFAULT_LIMITS. */
  readonly serverLimits?: Partial<ServerLimits>;
  /** Extra metric readers and span processors (tests: in-memory exporters); turns telemetry on. */
  readonly telemetry?: TelemetryOverrides;
}

export interface RunningApp {
  /** Base URL of the HTTP server, e.g. http://127.0.0.1:3978 */
  readonly url: string;
  readonly port: number;
  readonly tracker: Tracker;
  readonly dispatcher: Dispatcher;
  readonly watcher: Watcher;
  readonly digester: Digester;
  readonly service: TrackerService;
  readonly store: StateStore;
  readonly background: BackgroundTasks;
  /** Prometheus text (METRICS_PROMETHEUS_PORT), when on. */
  readonly metricsUrl?: string;
  /**
   * Graceful stop: healthz and readyz 503, stop scheduling, finish in-flight work, close store and
   * server; resolves within `config.stopTimeoutMs` even when Redis or ARM does not answer. Idempotent.
   */
  close(): Promise<void>;
}
