/**
 * The Redis store's data version, checked when a store opens, and the additive changes an open
 * brings older data up to (the Redis counterpart of sqlite/migrations.ts).
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../../core/logger';
import { runScript } from './lua';

/** Bumped when the key layout changes incompatibly; a store refuses data of another version. */
export const SCHEMA_VERSION = '1';

/** Claims an empty prefix for this version, refuses another version's data, then indexes older data. */
export async function migrate(client: Redis, prefix: string, logger: Logger): Promise<void> {
  const schemaKey = `${prefix}schema`;
  await client.set(schemaKey, SCHEMA_VERSION, 'NX');
  const found = await client.get(schemaKey);
  if (found !== SCHEMA_VERSION)
    throw new Error(`redis state store: data under prefix ${prefix} has schema ${found}, this build expects ${SCHEMA_VERSION}`);
  await indexConversations(client, prefix, logger);
}

/**
 * Data written before the conversation index existed (same schema: the index is additive, and a
 * build without it still reads and writes this layout) is indexed once, page by page. Until every
 * instance runs this build, an older one may subscribe a thread the index misses; dropping its
 * channel then leaves it to the next 403/404, as before.
 */
async function indexConversations(client: Redis, prefix: string, logger: Logger): Promise<void> {
  const marker = `${prefix}convs:indexed`;
  if ((await client.exists(marker)) === 1) return;
  const convKey = `${prefix}conv:`;
  let cursor = '0';
  let indexed = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${escapeGlob(convKey)}*`, 'COUNT', 1000);
    cursor = next;
    const ids = keys.map((k) => k.slice(convKey.length));
    if (ids.length > 0) indexed += Number(await runScript(client, prefix, 'bjIndexConversations', ids));
  } while (cursor !== '0');
  await client.set(marker, '1');
  if (indexed > 0) logger.info({ conversations: indexed }, 'conversation index built for existing data');
}

/** A SCAN MATCH pattern that matches `literal` itself (the key prefix may hold glob characters). */
function escapeGlob(literal: string): string {
  return literal.replace(/[*?[\]\\]/g, '\\$&');
}
