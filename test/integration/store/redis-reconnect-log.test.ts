/**
 * A Redis that goes away under a running RedisStore: ioredis reports every failed reconnect
 * attempt as an `error` event (43 lines in 8 s were seen in production logs). Over a real
 * redis-server on 127.0.0.1, stopped and restarted on the same port: the store's log gets the
 * first failure, nothing more while its clock (virtual, not moved) stays within the interval,
 * and one line when Redis is back, counting the attempts.
 */
import { VirtualClock } from '../../../src/core/clock';
import { RedisStore } from '../../../src/store/redis/redis-store';
import { captureLog } from '../../support/log-capture';
import { describeWithRedis, startRedisServer, type RedisServer } from '../../support/redis-server';

const ATTEMPTS = 25;

describeWithRedis('RedisStore connection errors while Redis is down', () => {
  let redis: RedisServer;
  let store: RedisStore | undefined;
  afterAll(async () => {
    await store?.close();
    await redis?.stop();
  });

  it(`logs one line for ${ATTEMPTS} failed reconnects, and one line on recovery with their count`, async () => {
    redis = await startRedisServer();
    const log = captureLog('debug');
    let attempts = 0;
    let reachedAttempts: () => void = () => undefined;
    const enoughAttempts = new Promise<void>((resolve) => (reachedAttempts = resolve));
    store = new RedisStore({
      url: redis.url,
      logger: log.logger,
      clock: new VirtualClock(),
      redis: {
        // Reconnect at once, and tell the test how many attempts were made: it waits for that event, not for time.
        retryStrategy: () => {
          attempts++;
          if (attempts === ATTEMPTS) reachedAttempts();
          return 5;
        },
      },
    });
    await store.init();
    const port = redis.port;
    await redis.stop();
    await enoughAttempts;
    const errorLines = (): Array<Record<string, unknown>> => log.records().filter((r) => r['msg'] === 'redis connection error');
    expect(errorLines()).toEqual([expect.objectContaining({ level: 40, failures: 1, suppressed: 0 })]);

    redis = await startRedisServer({ port });
    const recovered = JSON.parse(await log.waitFor((line) => line.includes('redis connection error: recovered'))) as Record<
      string,
      unknown
    >;
    expect(recovered['level']).toBe(30);
    // Every refused attempt after the first was counted, not logged.
    expect(recovered['failures']).toBeGreaterThanOrEqual(ATTEMPTS - 1);
    expect(recovered['suppressed']).toBe((recovered['failures'] as number) - 1);
    expect(errorLines()).toHaveLength(1);
    // And the store works again.
    await expect(store.getSubscribers('no-such-job')).resolves.toEqual([]);
  });
});
