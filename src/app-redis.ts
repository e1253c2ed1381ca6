/**
 * The read budget shared through Redis (STATE_STORE=redis://…): its own connection, and the ARM API
 * that spends from it. Loaded lazily by app.ts, so a SQLite deployment never loads ioredis.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { BackupJobsApi } from './azure/types';
import type { Clock } from './core/clock';
import type { Logger } from './core/logger';
import { connectionErrorLog } from './core/repeat-limiter';
import { SharedBudgetApi, SharedReadBudget } from './scaleout/shared-budget';

/** The budget's namespace in Redis, beside the store's default prefix; shared by all instances of one bot. */
const REDIS_BUDGET_PREFIX = 'bj:';

/** Connects the budget's client (disconnected again when that fails) and wraps `armApi` in the shared budget. */
export async function sharedBudgetApi(
  armApi: BackupJobsApi,
  redisOptions: RedisOptions,
  clock: Clock,
  logger: Logger,
): Promise<{ client: Redis; api: BackupJobsApi }> {
  const client = new Redis({ ...redisOptions, lazyConnect: true });
  const connectionLog = connectionErrorLog({ logger, clock, message: 'redis connection error (read budget)' });
  client.on('error', connectionLog.onError);
  client.on('ready', connectionLog.onReady);
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    throw err;
  }
  // The commands read through it too: one budget per subscription for everything this bot reads.
  return { client, api: new SharedBudgetApi(armApi, new SharedReadBudget(client, REDIS_BUDGET_PREFIX), clock) };
}
