/**
 * Turns a `STATE_STORE` value into an opened, initialised StateStore. Backends are loaded
 * lazily, so a SQLite deployment never loads the Redis client and the reverse.
 */
import path from 'node:path';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { StateStore } from './types';

const ACCEPTED =
  'sqlite:<path> (relative to the working directory), sqlite::memory: (or memory:), redis://host:port[/db] or rediss://:password@host:port[/db]';

export type StoreLocation = { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'redis'; readonly url: string };

/**
 * Parses a STATE_STORE value; relative SQLite paths are resolved against `cwd`. `memory:` is kept
 * for existing configurations and means SQLite `:memory:` (nothing survives a restart).
 */
export function parseStoreUrl(url: string, cwd = process.cwd()): StoreLocation {
  const value = url.trim();
  if (value === 'memory:') return { kind: 'sqlite', path: ':memory:' };
  if (value.startsWith('sqlite:')) {
    const file = value.slice('sqlite:'.length);
    if (file === ':memory:') return { kind: 'sqlite', path: ':memory:' };
    if (file.length > 0 && !file.startsWith('//')) return { kind: 'sqlite', path: path.resolve(cwd, file) };
  }
  if (/^rediss?:\/\/.+/.test(value)) return { kind: 'redis', url: value };
  // Never echo the value: a redis URL may carry a password.
  throw new Error(`STATE_STORE is not a valid store location; accepted forms: ${ACCEPTED}`);
}

/** Opens and initialises the store `url` designates. */
export async function openStore(url: string, opts: { logger?: Logger; clock?: Clock } = {}): Promise<StateStore> {
  const where = parseStoreUrl(url);
  let store: StateStore;
  switch (where.kind) {
    case 'sqlite': {
      const { SqliteStore } = await import('./sqlite/sqlite-store');
      store = new SqliteStore({ path: where.path, ...(opts.logger ? { logger: opts.logger } : {}) });
      break;
    }
    case 'redis': {
      const { RedisStore } = await import('./redis/redis-store');
      store = new RedisStore({
        url: where.url,
        ...(opts.logger ? { logger: opts.logger } : {}),
        ...(opts.clock ? { clock: opts.clock } : {}),
      });
      break;
    }
  }
  try {
    await store.init();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
