import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openStore, parseStoreUrl } from '../../../src/store/open-store';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';
import { CONV_A, T0, jobInput, jobKeyOf, subInput } from '../../conformance/store-fixtures';

describe('parseStoreUrl (STATE_STORE)', () => {
  it('accepts sqlite paths (relative to the working directory), in-memory forms and redis URLs', () => {
    expect(parseStoreUrl('sqlite:./data/state.db', '/srv/bot')).toEqual({ kind: 'sqlite', path: '/srv/bot/data/state.db' });
    expect(parseStoreUrl('sqlite:state.db', '/srv/bot')).toEqual({ kind: 'sqlite', path: '/srv/bot/state.db' });
    expect(parseStoreUrl('sqlite:/var/lib/bot/state.db', '/srv/bot')).toEqual({ kind: 'sqlite', path: '/var/lib/bot/state.db' });
    expect(parseStoreUrl('sqlite::memory:')).toEqual({ kind: 'sqlite', path: ':memory:' });
    expect(parseStoreUrl('memory:')).toEqual({ kind: 'sqlite', path: ':memory:' });
    expect(parseStoreUrl('redis://127.0.0.1:6379/2')).toEqual({ kind: 'redis', url: 'redis://127.0.0.1:6379/2' });
    expect(parseStoreUrl('rediss://:pw@cache.redis.cache.windows.net:6380')).toEqual({
      kind: 'redis',
      url: 'rediss://:pw@cache.redis.cache.windows.net:6380',
    });
  });

  it.each(['', 'sqlite:', 'state.db', 'postgres://u:hunter2@db/x', 'redis://', 'sqlite://host/x', 'memory'])(
    'rejects %p naming STATE_STORE and the accepted forms',
    (value) => {
      expect(() => parseStoreUrl(value)).toThrow(/STATE_STORE.*sqlite:<path>.*memory:.*redis:\/\//);
    },
  );

  it('never repeats the rejected value, which may hold a password', () => {
    expect(() => parseStoreUrl('postgres://u:hunter2@db/x')).toThrow(
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument -- jest's asymmetric matchers are typed any
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });
});

describe('openStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'open-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('opens a ready SQLite store, creating the file, and reads back what it wrote after reopening', async () => {
    const file = path.join(dir, 'data', 'state.db');
    const store = await openStore(`sqlite:${file}`, {});
    expect(store).toBeInstanceOf(SqliteStore);
    expect(existsSync(file)).toBe(true);
    await store.subscribe(jobInput(1), subInput(CONV_A), T0);
    await store.close();
    const again = await openStore(`sqlite:${file}`, {});
    expect((await again.getSubscribers(jobKeyOf(1))).map((s) => s.conversationId)).toEqual([CONV_A]);
    await again.close();
  });

  it('opens SQLite :memory: ready to use for both in-memory forms, each a store of its own', async () => {
    for (const url of ['memory:', 'sqlite::memory:']) {
      const store = await openStore(url, {});
      expect(store).toBeInstanceOf(SqliteStore);
      expect(await store.subscribe(jobInput(1), subInput(CONV_A), T0)).toEqual({ jobCreated: true, subscriptionCreated: true });
      const other = await openStore(url, {});
      expect(await other.getJob(jobKeyOf(1))).toBeUndefined();
      await other.close();
      await store.close();
    }
  });

  it('fails to open a database it cannot use, saying why', async () => {
    const file = path.join(dir, 'state.db');
    const db = new Database(file);
    db.pragma('user_version = 999');
    db.close();
    await expect(openStore(`sqlite:${file}`, {})).rejects.toThrow(/schema version 999/);
  });
});
