import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisStore } from '../../../src/store/redis/redis-store';
import { parseRedisUrl } from '../../../src/store/redis/redis-url';
import { T0, jobInput, subInput, CONV_A, CONV_B } from '../../conformance/store-fixtures';
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
        sibling: async () => new RedisStore({ url: url(), keyPrefix }),
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

    it('indexes conversations written before the conversation index existed and marks that done, under a prefix with glob characters', async () => {
      const prefix = 'leg[a]*?:';
      const channel = '19:a1b2c3@thread.tacv2';
      const threads = [`${channel};messageid=1700000000000`, `${channel};messageid=1700000000001`];
      const before = new RedisStore({ url: url(), keyPrefix: prefix });
      await before.init();
      for (const [n, id] of threads.entries()) await before.subscribe(jobInput(n), subInput(id), T0);
      await before.close();
      // What a build without the index leaves behind: the conv sets, no index, no marker.
      await admin!.del(`${prefix}convs`, `${prefix}convs:indexed`);

      const after = new RedisStore({ url: url(), keyPrefix: prefix });
      await after.init();
      expect(await admin!.zrange(`${prefix}convs`, 0, -1)).toEqual(threads);
      expect(await admin!.get(`${prefix}convs:indexed`)).toBe('1');
      expect(await after.dropConversation(channel)).toBe(2);
      expect(await after.stats()).toEqual({ activeJobs: 0, subscriptions: 0, pendingMessages: 0 });
      await after.close();
      const left = await admin!.keys('leg\\[a\\]\\*\\?:*');
      expect(left.length).toBeGreaterThan(0); // the schema key
      await admin!.del(...left);
    });

    it('the conversation index holds only conversations that follow something', async () => {
      const prefix = 'idx:';
      const store = new RedisStore({ url: url(), keyPrefix: prefix });
      await store.init();
      await store.subscribe(jobInput(1), subInput(CONV_A), T0);
      await store.subscribe(jobInput(2), subInput(CONV_A), T0);
      await store.subscribe(jobInput(1), subInput(CONV_B), T0);
      expect(await admin!.zrange(`${prefix}convs`, 0, -1)).toEqual([CONV_A, CONV_B].sort());
      await store.unsubscribe(jobInput(1).jobKey, CONV_A);
      expect(await admin!.zrange(`${prefix}convs`, 0, -1)).toEqual([CONV_A, CONV_B].sort());
      await store.unsubscribe(jobInput(2).jobKey, CONV_A);
      await store.dropConversation(CONV_B);
      expect(await admin!.exists(`${prefix}convs`)).toBe(0);
      await store.close();
      await removePrefix(prefix);
    });

    it('the team index holds, per team, exactly the conversations with a subscription in that team', async () => {
      const prefix = 'tix:';
      const team = '19:team-general@thread.tacv2';
      const other = '19:team-finance@thread.tacv2';
      const store = new RedisStore({ url: url(), keyPrefix: prefix });
      await store.init();
      const teamIndex = async (t: string) => admin!.hgetall(`${prefix}team:${t}`);
      await store.subscribe(jobInput(1), { ...subInput(CONV_A), teamId: team }, T0);
      await store.subscribe(jobInput(2), { ...subInput(CONV_A), teamId: team }, T0);
      await store.subscribe(jobInput(2), { ...subInput(CONV_A) }, T0); // no team id: keeps it
      await store.subscribe(jobInput(1), { ...subInput(CONV_B), teamId: team }, T0);
      expect(await teamIndex(team)).toEqual({ [CONV_A]: '2', [CONV_B]: '1' });
      await store.subscribe(jobInput(1), { ...subInput(CONV_B), teamId: other }, T0); // moved to another team
      expect(await teamIndex(team)).toEqual({ [CONV_A]: '2' });
      expect(await teamIndex(other)).toEqual({ [CONV_B]: '1' });
      await store.unsubscribe(jobInput(1).jobKey, CONV_A);
      expect(await teamIndex(team)).toEqual({ [CONV_A]: '1' });
      await store.dropConversation(CONV_A);
      await store.dropTeam(other);
      // Nothing of either team is left behind: no index, no per-job team hash.
      expect(await admin!.keys(`${prefix}*team*`)).toEqual([]);
      expect(await store.stats()).toEqual({ activeJobs: 0, subscriptions: 0, pendingMessages: 0 });
      await store.close();
      await removePrefix(prefix);
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
    expect(p.options).toMatchObject({
      host: 'bj.redis.cache.windows.net',
      port: 6380,
      password: 's3cr/t',
      tls: { servername: 'bj.redis.cache.windows.net' },
    });
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
