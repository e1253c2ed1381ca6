/**
 * The Redis ActionStateStore keeps nothing without an expiry: a spent nonce lives exactly as long as
 * its ticket, a channel's notes expire a while after its last note.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { NOTE_TTL_MS } from '../../../src/store/action-state';
import { RedisStore } from '../../../src/store/redis/redis-store';
import { describeWithRedis, startRedisServer, type RedisServer } from '../../support/redis-server';

const T0 = Date.UTC(2026, 0, 1);

describeWithRedis('Redis action state expiry', () => {
  let server: RedisServer;
  let admin: Redis;
  let store: RedisStore;
  const prefix = `ra${randomUUID().slice(0, 8)}:`;
  beforeAll(async () => {
    server = await startRedisServer();
    admin = new Redis(server.url);
    store = new RedisStore({ url: server.url, keyPrefix: prefix });
    await store.init();
  });
  afterAll(async () => {
    await store?.close();
    await admin?.quit();
    await server?.stop();
  });

  it('a spent nonce expires with its ticket', async () => {
    expect(await store.spendTicket('nonce-1', T0 + 90_000, T0)).toBe(true);
    const ttl = await admin.pttl(`${prefix}ticket:nonce-1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(90_000);
  });

  it("a channel's notes expire NOTE_TTL_MS after its last note", async () => {
    await store.recordActionNote('19:c@thread.tacv2;messageid=1', 'job-1', { kind: 'cancelled', name: 'A', at: T0 });
    const ttl = await admin.pttl(`${prefix}notes:19:c@thread.tacv2`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(NOTE_TTL_MS);
  });
});
