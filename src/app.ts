/**
 * Builds and starts the whole bot from a Config: store → ARM client → tracker and dispatcher →
 * adapter, bot and notifier → HTTP server. index.ts calls it with real infrastructure; tests, the
 * demo and the benchmarks call it in-process with overrides (clock, ARM dispatcher, logger…).
 *
 * With `STATE_STORE=redis://…` (several instances, README "Running more than one instance") three parts differ: poll
 * rounds are BullMQ jobs shared by the instances (QueuedTracker), every ARM read spends from one
 * budget in Redis (SharedBudgetApi), and close() also closes those Redis connections.
 */
import { randomUUID } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import type { Redis } from 'ioredis';
import { Pool, type Dispatcher as HttpDispatcher } from 'undici';
import { ArmClient } from './azure/arm-client';
import type { BackupJobsApi } from './azure/types';
import { buildJobActions, ReadBudgetRef } from './app-actions';
import { BackgroundTasks } from './bot/background';
import type { JobActions } from './commands/job-actions';
import { AccessGate } from './bot/access';
import { BackupJobsBot } from './bot/bot';
import { createAdapter, type ConnectorCredentialsFactory } from './bot/adapter';
import { ProactiveNotifier } from './bot/notifier';
import { messageProcessor } from './bot/processor';
import type { Config } from './config/config';
import { secretValues } from './config/secrets';
import { systemClock, type Clock } from './core/clock';
import { createLogger, type Logger } from './core/logger';
import { connectionErrorLog } from './core/repeat-limiter';
import { stopWithin } from './app-stop';
import { registerStateGauges, startTelemetry, type TelemetryOverrides } from './app-telemetry';
import { createServer, type Readiness, type ServerLimits } from './server/server';
import { openStore, parseStoreUrl } from './store/open-store';
import type { StateStore } from './store/types';
import { Dispatcher } from './tracker/dispatcher';
import { Tracker } from './tracker/engine';
import type { TrackerEvent, TrackerOptions } from './tracker/engine-contract';
import type { Notifier, TrackerService } from './tracker/ports';
import { BudgetedApi } from './tracker/budgeted-api';
import { MAX_WAIT_FOR_BUDGET_MS, TrackerServiceImpl } from './tracker/tracker-service';
import { WatchServiceImpl } from './tracker/watch-service';
import { Watcher } from './tracker/watcher';
import { Digester } from './tracker/digester';
import { DigestServiceImpl } from './tracker/digest-service';

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

const STOP_TIMEOUT_MS = 10_000;
/** Namespaces in Redis shared by all instances of one bot: the store's default prefix, the budget beside it, BullMQ's own. */
const REDIS_BUDGET_PREFIX = 'bj:';
const BULLMQ_PREFIX = 'bj-bull';

export async function startApp(
  config: Config,
  overrides: AppOverrides = {},
  listen: { port?: number; host?: string } = {},
): Promise<RunningApp> {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger(config.logLevel, undefined, { secrets: secretValues(config) });
  const owner = overrides.owner ?? `bot-${randomUUID()}`;
  let readiness: Readiness = 'starting';
  const appTelemetry = await startTelemetry(config, logger, owner, overrides.telemetry);

  const location = parseStoreUrl(config.stateStore);
  const redisUrl = location.kind === 'redis' ? location.url : undefined;
  const ownsStore = overrides.store === undefined;
  const store =
    overrides.store ??
    (await openStore(config.stateStore, { logger, clock }).catch(async (err: unknown) => {
      await appTelemetry.stop();
      throw err;
    }));
  // Connections opened here besides the store's; closed last, also when start-up fails.
  let budgetRedis: Redis | undefined;
  const closeBudgetRedis = async (): Promise<void> => {
    const r = budgetRedis;
    budgetRedis = undefined;
    // As the store does: QUIT only on a live connection, else it waits for a reconnect.
    if (r) await (r.status === 'ready' ? r.quit().catch(() => r.disconnect()) : Promise.resolve(r.disconnect()));
  };
  // Sockets for the action paths (protected items, and the users' own cancel and backup calls).
  let actionPool: HttpDispatcher | undefined;
  try {
    const botCredential = config.azure.armAuth === 'none' ? 'none' : (overrides.credential ?? (await defaultCredential()));
    const armApi =
      overrides.api ??
      new ArmClient({
        endpoint: config.azure.armEndpoint,
        apiVersion: config.azure.apiVersion,
        credential: botCredential,
        clock,
        logger,
        ...(overrides.armDispatcher ? { dispatcher: overrides.armDispatcher } : {}),
        ...(overrides.armTimeoutMs === undefined ? {} : { timeoutMs: overrides.armTimeoutMs }),
        ...(overrides.armMaxAttempts === undefined ? {} : { maxAttempts: overrides.armMaxAttempts }),
      });
    const pollIntervalMs = config.pollIntervalSeconds * 1000;
    const redisOptions = redisUrl === undefined ? undefined : (await import('./store/redis/redis-url')).parseRedisUrl(redisUrl).options;
    let api: BackupJobsApi = armApi;
    if (redisOptions) {
      // Loaded lazily: a SQLite deployment never loads ioredis or BullMQ.
      const [{ Redis: RedisClient }, { SharedBudgetApi, SharedReadBudget }] = await Promise.all([
        import('ioredis'),
        import('./scaleout/shared-budget'),
      ]);
      const client = new RedisClient({ ...redisOptions, lazyConnect: true });
      budgetRedis = client;
      const connectionLog = connectionErrorLog({ logger, clock, message: 'redis connection error (read budget)' });
      client.on('error', connectionLog.onError);
      client.on('ready', connectionLog.onReady);
      await client.connect();
      // The commands read through it too: one budget per subscription for everything this bot reads.
      api = new SharedBudgetApi(armApi, new SharedReadBudget(client, REDIS_BUDGET_PREFIX), clock);
    }

    const adapter = createAdapter(config.bot, logger, overrides.connectorCredentials, overrides.botOpenIdMetadataUrl);
    const readBudget = new ReadBudgetRef();
    let actions: JobActions | undefined;
    if (config.actions.mode === 'sso') {
      actionPool = overrides.armDispatcher ?? new Pool(config.azure.armEndpoint, { connections: 8, keepAliveTimeout: 30_000 });
      actions = buildJobActions({
        config,
        sso: config.actions.sso,
        dispatcher: actionPool,
        botCredential,
        readBudget,
        clock,
        logger,
        ...(overrides.armMaxAttempts === undefined ? {} : { maxAttempts: overrides.armMaxAttempts }),
      });
    }
    const baseNotifier = new ProactiveNotifier({
      adapter,
      appId: config.bot.appId,
      portalUrl: config.azure.portalUrl,
      clock,
      logger,
      ...(actions ? { actions } : {}),
      settings: store,
    });
    const notifier = overrides.wrapNotifier ? overrides.wrapNotifier(baseNotifier) : baseNotifier;
    const dispatcher = new Dispatcher({ store, notifier, clock, logger, owner });
    const trackerOptions: TrackerOptions = {
      store,
      api,
      clock,
      logger,
      owner,
      pollIntervalMs,
      pendingTtlMs: config.limits.pendingTtlMs,
      onEvent: (event) => {
        // New outbox messages: deliver now rather than at the dispatcher's next idle wake-up.
        if (event.type === 'message') dispatcher.wake();
        overrides.onTrackerEvent?.(event);
      },
    };
    const queued = redisOptions
      ? new (await import('./scaleout/queued-tracker')).QueuedTracker({
          ...trackerOptions,
          // BullMQ requires maxRetriesPerRequest: null on its blocking connections.
          queue: { connection: { ...redisOptions, maxRetriesPerRequest: null }, prefix: BULLMQ_PREFIX },
        })
      : undefined;
    const tracker = queued ?? new Tracker(trackerOptions);
    readBudget.set(tracker.gate.budget);
    const removeGauges = registerStateGauges(store, tracker.gate.budget, () => clock.now());
    const service = new TrackerServiceImpl({ store, api, clock, logger, engine: tracker, pollIntervalMs, limits: config.limits });
    // Watched vaults are swept within the tracker's read budget; every instance runs one (leases per vault).
    const watcher = new Watcher({
      store,
      gate: tracker.gate,
      clock,
      logger,
      owner,
      pollIntervalMs,
      limits: config.watch,
      onNotices: () => dispatcher.wake(),
    });
    const watches = new WatchServiceImpl({ store, clock, limits: config.watch, wake: () => watcher.wake() });
    const digester = new Digester({ store, gate: tracker.gate, clock, logger, owner, onSent: () => dispatcher.wake() });
    const digests = new DigestServiceImpl({ store, clock, wake: () => digester.wake() });
    const background = new BackgroundTasks(logger.child({ component: 'background' }));
    // The commands' own reads (jobs, the operation follower) spend from the tracker's budget too.
    const commandApi = new BudgetedApi(api, tracker.gate.budget, clock, { maxWaitMs: MAX_WAIT_FOR_BUDGET_MS });
    const bot = new BackupJobsBot({
      adapter,
      appId: config.bot.appId,
      tracker: service,
      watches,
      digests,
      api: commandApi,
      access: new AccessGate({ ...config.access, vaults: config.azure.vaults, clock }),
      portalUrl: config.azure.portalUrl,
      clock,
      logger,
      background,
      ...(actions ? { actions } : {}),
      ...(config.actions.mode === 'sso'
        ? { signIn: { connectionName: config.actions.sso.connectionName, appIdUri: config.actions.sso.appIdUri } }
        : {}),
      settings: store,
    });
    const server = createServer({
      onMessages: messageProcessor(adapter, bot, { logger, clock }),
      readiness: () => readiness,
      logger,
      readinessChecks: {
        store: () => store.ping(),
        // The read budget's own connection; BullMQ's share its Redis, so a dropped Redis shows here and in the store.
        ...(redisOptions
          ? { redis: () => (budgetRedis?.status === 'ready' ? Promise.resolve() : Promise.reject(new Error('redis not connected'))) }
          : {}),
      },
      // With an app id CloudAdapter validates the Bot Framework JWT; a request with no token at all is refused before its body is read.
      requireBearer: config.bot.appId !== '',
      clock,
      ...(overrides.serverLimits ? { limits: overrides.serverLimits } : {}),
    });
    const address = await server.listen(listen.port ?? config.port, listen.host ?? config.host);

    if (overrides.runLoops ?? true) {
      if (queued) {
        // Ready only once this instance's worker takes poll rounds; a failure here fails the start.
        await queued.ready().catch(async (err: unknown) => {
          await queued.stop(0);
          await server.close();
          throw err;
        });
      } else tracker.start();
      // Its first round catches up what ended while the bot was away.
      watcher.start();
      // Its first round sends a digest missed while the bot was away (< 6 h late) or skips it.
      digester.start();
      dispatcher.start();
    }
    readiness = 'ready';
    logger.info(
      { url: address.url, vaults: config.azure.vaults.length, local: config.bot.appId === '', store: location.kind, owner },
      'bot ready',
    );

    let closing: Promise<void> | undefined;
    const close = (): Promise<void> =>
      (closing ??= (async () => {
        readiness = 'stopping';
        await stopWithin(
          logger,
          config.stopTimeoutMs,
          [
            { name: 'background', run: (ms) => background.stop(Math.min(ms, STOP_TIMEOUT_MS / 2)) },
            { name: 'tracker', run: (ms) => tracker.stop(Math.min(ms, STOP_TIMEOUT_MS)) },
            { name: 'watcher', run: (ms) => watcher.stop(Math.min(ms, STOP_TIMEOUT_MS)) },
            { name: 'digester', run: (ms) => digester.stop(Math.min(ms, STOP_TIMEOUT_MS)) },
            { name: 'dispatcher', run: (ms) => dispatcher.stop(Math.min(ms, STOP_TIMEOUT_MS)) },
          ],
          [
            { name: 'server', run: () => server.close() },
            ...(ownsStore ? [{ name: 'store', run: () => store.close() }] : []),
            { name: 'read budget', run: closeBudgetRedis },
            ...(actionPool && !overrides.armDispatcher ? [{ name: 'action sockets', run: () => actionPool!.close() }] : []),
            { name: 'telemetry', run: () => (removeGauges(), appTelemetry.stop()) },
          ],
        );
      })());

    return {
      url: address.url,
      port: address.port,
      tracker,
      dispatcher,
      watcher,
      digester,
      service,
      store,
      background,
      ...(appTelemetry.prometheusUrl ? { metricsUrl: appTelemetry.prometheusUrl } : {}),
      close,
    };
  } catch (err) {
    if (actionPool && !overrides.armDispatcher) await actionPool.close().catch(() => undefined);
    if (ownsStore) await store.close().catch(() => undefined);
    await closeBudgetRedis();
    await appTelemetry.stop();
    throw err;
  }
}

async function defaultCredential(): Promise<TokenCredential> {
  // Loaded lazily: local mode with ARM_AUTH=none never needs @azure/identity.
  const { DefaultAzureCredential } = await import('@azure/identity');
  return new DefaultAzureCredential();
}
