/** Opening and closing the RedisStore's connection: connect, load the scripts, migrate; and a close that never waits on a dead link. */
import { Redis, type RedisOptions } from 'ioredis';
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import { connectionErrorLog } from '../../core/repeat-limiter';
import { defineScripts } from './lua';
import { migrate } from './migrations';

/** A connected client with the scripts defined and the schema migrated; nothing is left open on failure. */
export async function openClient(options: RedisOptions, prefix: string, logger: Logger, clock: Pick<Clock, 'now'>): Promise<Redis> {
  const client = new Redis(options);
  // ioredis emits an error per failed reconnect attempt: the first is logged, then one line per interval with a count.
  const connectionLog = connectionErrorLog({ logger, clock, message: 'redis connection error' });
  client.on('error', connectionLog.onError);
  client.on('ready', connectionLog.onReady);
  defineScripts(client);
  try {
    await client.connect();
    await migrate(client, prefix, logger);
  } catch (err) {
    client.disconnect();
    throw err;
  }
  return client;
}

export async function closeClient(client: Redis): Promise<void> {
  // QUIT waits for an answer; with the connection down it would wait for a reconnect that may never come.
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
