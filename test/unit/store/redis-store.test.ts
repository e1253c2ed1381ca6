import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisStore } from '../../../src/store/redis/redis-store';
import { parseRedisUrl } from '../../../src/store/redis/redis-url';
import { T0, jobInput, subInput, CONV_A } from '../../conformance/store-fixtures';
import { describeStoreConformance } from '../../conformance/store-conformance';
import { describeWithRedis, startRedisServer, type RedisServer } from '../../support/redis-server';

describeWithRedis('RedisStore', () => {
  let server: RedisServer | undefined;
  let admin: Redis | undefined;

  beforeAll(async () => {
    server = await startRedisServer();
    admin = new Redis(server.url);
  });

  afterAll(async () => {
    await admin?.quit();
    await server?.stop();
  });

  function url(): string {
    if (!server) throw new Error('redis-server not started');
    return server.url;
  }

  async function removePrefix(prefix: string): Promise<void> {
    const keys = await admin!.keys(`${prefix}*`);
    if (keys.length > 0) await admin!.del(...keys);
  }

  // A fresh key prefix per test: the tests share one server and never see each other's data.
  describeStoreConformance(
    'redis',
    async () => {
      const keyPrefix = `t${randomUUID().slice(0, 8)}:`;
      return {
        store: new RedisStore({ url: url(), keyPrefix }),
        cleanup: () => removePrefix(keyPrefix),
        reopen: async () => new RedisStore({ url: url(), keyPrefix }),
      };
    },
    { durable: true },
  );

  describe('Redis specifics', () => {
    it('keeps two prefixes apart on one server', async () => {
      const a = new RedisStore({ url: url(), keyPrefix: 'iso-a:' });
      const b = new RedisStore({ url: url(), keyPrefix: 'iso-b:' });
      await a.init();
      await b.init();
      await a.subscribe(jobInput(1), subInput(CONV_A), T0);
      expect(await b.getJob(jobInput(1).jobKey)).toBeUndefined();
      expect((await a.stats()).activeJobs).toBe(1);
      await a.close();
      await b.close();
      await removePrefix('iso-');
    });

    it('refuses data written under another schema version', async () => {
      await admin!.set('old:schema', '0');
      const store = new RedisStore({ url: url(), keyPrefix: 'old:' });
      await expect(store.init()).rejects.toThrow(/schema 0/);
      await store.close();
      await admin!.del('old:schema');
    });

    it('a database number in the URL selects that database', async () => {
      const store = new RedisStore({ url: `${url()}/3`, keyPrefix: 'db3:' });
      await store.init();
      await store.subscribe(jobInput(1), subInput(CONV_A), T0);
      const db3 = new Redis(`${url()}/3`);
      expect(await db3.exists(`db3:job:${jobInput(1).jobKey}`)).toBe(1);
      expect(await admin!.exists(`db3:job:${jobInput(1).jobKey}`)).toBe(0);
      await db3.flushdb();
      await db3.quit();
      await store.close();
    });
  });
});

describe('parseRedisUrl', () => {
  it('reads host, port and database; defaults 6379 and db 0', () => {
    expect(parseRedisUrl('redis://cache.internal').options).toMatchObject({ host: 'cache.internal', port: 6379, db: 0 });
    expect(parseRedisUrl('redis://127.0.0.1:7000/4').options).toMatchObject({ host: '127.0.0.1', port: 7000, db: 4 });
  });

  it('rediss:// turns TLS on (Azure Cache for Redis, port 6380) and keeps the password out of the display form', () => {
    const p = parseRedisUrl('rediss://:s3cr%2Ft@bj.redis.cache.windows.net:6380');
    expect(p.options).toMatchObject({ host: 'bj.redis.cache.windows.net', port: 6380, password: 's3cr/t', tls: { servername: 'bj.redis.cache.windows.net' } });
    expect(p.display).toBe('rediss://bj.redis.cache.windows.net:6380/0');
    expect(p.display).not.toContain('s3cr');
    expect(parseRedisUrl('rediss://h').options.port).toBe(6380);
  });

  it('rejects what is not a Redis URL, without echoing credentials', () => {
    expect(() => parseRedisUrl('http://h:1')).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => parseRedisUrl('redis://h:1/x')).toThrow(/database must be a number/);
    expect(() => parseRedisUrl('not a url :pw@')).toThrow(/not a valid/);
  });
});
