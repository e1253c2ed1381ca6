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
import { createAdapter } from './bot/adapter';
import { ProactiveNotifier } from './bot/notifier';
import { messageProcessor } from './bot/processor';
import type { Config } from './config/config';
import { secretValues } from './config/secrets';
import { systemClock } from './core/clock';
import { createLogger } from './core/logger';
import { stopWithin } from './app-stop';
import type { AppOverrides, RunningApp } from './app-types';
import { buildWatchDigest } from './app-watch';
import { registerStateGauges, startTelemetry } from './app-telemetry';
import { createServer, type Readiness } from './server/server';
import { openStore, parseStoreUrl } from './store/open-store';
import { Dispatcher } from './tracker/dispatcher';
import { SharedVaultLists } from './tracker/shared-list';
import { Tracker } from './tracker/engine';
import type { TrackerOptions } from './tracker/engine-contract';
import { BudgetedApi } from './tracker/budgeted-api';
import { MAX_WAIT_FOR_BUDGET_MS, TrackerServiceImpl } from './tracker/tracker-service';

export type { AppOverrides, RunningApp } from './app-types';

const STOP_TIMEOUT_MS = 10_000;
/** BullMQ's namespace in Redis, shared by all instances of one bot (the read budget's is in app-redis.ts). */
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
      const shared = await (await import('./app-redis')).sharedBudgetApi(armApi, redisOptions, clock, logger);
      budgetRedis = shared.client;
      api = shared.api;
    }

    const oauthUrl = config.actions.mode === 'sso' ? config.actions.sso.tokenServiceUrl : undefined;
    const adapter = createAdapter(config.bot, logger, overrides.connectorCredentials, overrides.botOpenIdMetadataUrl, oauthUrl);
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
        state: store,
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
    const sharedLists = new SharedVaultLists();
    const trackerOptions: TrackerOptions = {
      store,
      api,
      clock,
      logger,
      owner,
      pollIntervalMs,
      pendingTtlMs: config.limits.pendingTtlMs,
      sharedLists, // a vault tracked and watched is listed once per interval, by the watcher's sweep
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
    const { watcher, watches, digester, digests, digestLoop } = await buildWatchDigest({
      store,
      gate: tracker.gate,
      clock,
      logger,
      owner,
      pollIntervalMs,
      limits: config.watch,
      wakeDispatcher: () => dispatcher.wake(),
      ...(redisOptions ? { digestQueue: { connection: { ...redisOptions, maxRetriesPerRequest: null }, prefix: BULLMQ_PREFIX } } : {}),
    });
    sharedLists.attach(watcher);
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
      ...(config.actions.mode === 'sso' ? { signIn: config.actions.sso } : {}),
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
      await digestLoop.start();
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
            { name: 'digester', run: (ms) => digestLoop.stop(Math.min(ms, STOP_TIMEOUT_MS)) },
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
