/**
 * The Redis password never reaches a log line. When Redis refuses a password, ioredis puts it in
 * the error (`err.command.args` of the AUTH command); every Redis client of the bot (store, read
 * budget, BullMQ queue and worker) logs its connection errors. A real redis-server with
 * requirepass; the bot at start with a wrong password (as a child process, everything it writes
 * captured), and a running bot whose password is changed under it (in-process, every log line).
 */
import { Redis } from 'ioredis';
import { startApp, type RunningApp } from '../../../src/app';
import { readConfig } from '../../../src/config/config';
import { systemClock } from '../../../src/core/clock';
import { silentLogger } from '../../../src/core/logger';
import { scriptedJobs } from '../../../tools/simulator/spec';
import { SimulatorServer } from '../../../tools/simulator/server';
import { captureLog } from '../../support/log-capture';
import { describeWithRedis, startRedisServer, type RedisServer } from '../../support/redis-server';
import { runBotToExit } from '../../support/run-to-exit';

const PASSWORD = 'redis-pw-Hy3nT6wQ9sXa';
const WRONG_PASSWORD = 'redis-wrong-Jc4mR8vN2p';
const ROTATED = 'redis-rotated-Qd7kW3xB5z';
const SECRETS = [PASSWORD, WRONG_PASSWORD, ROTATED];
const SUB = '8f7e6d5c-4b3a-4291-8807-162534435261';

function leaks(texts: readonly string[]): string[] {
  return texts.filter((t) => SECRETS.some((s) => t.includes(s))).map((t) => t.slice(0, 400));
}

describeWithRedis('the Redis password in logs', () => {
  let redis: RedisServer;
  let sim: SimulatorServer;
  let simUrl: string;
  beforeAll(async () => {
    redis = await startRedisServer({ password: PASSWORD });
    sim = new SimulatorServer({
      clock: systemClock,
      jobs: scriptedJobs({ subscriptionId: SUB, resourceGroup: 'rg-backup', vaultName: 'vault-prod', start: Date.now() }),
      logger: silentLogger(),
    });
    simUrl = await sim.start(0, '127.0.0.1');
  });
  afterAll(async () => {
    await sim?.stop();
    await redis?.stop();
  });

  const env = (password: string): Record<string, string> => ({
    AZURE_SUBSCRIPTION_ID: SUB,
    BACKUP_VAULTS: 'rg-backup/vault-prod',
    ARM_ENDPOINT: simUrl,
    ARM_AUTH: 'none',
    POLL_INTERVAL_SECONDS: '1',
    STATE_STORE: `redis://:${password}@127.0.0.1:${redis.port}/5`,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'trace',
  });

  it('a wrong password at start: the bot exits non-zero, says why, and writes no password', async () => {
    const exit = await runBotToExit(env(WRONG_PASSWORD));
    expect(exit.code).not.toBe(0);
    expect(exit.stdout + exit.stderr).toMatch(/WRONGPASS|invalid username-password/);
    expect(leaks([exit.stdout, exit.stderr])).toEqual([]);
  });

  it('the password changed under a running bot: every Redis client logs its refused AUTH without the password', async () => {
    const log = captureLog('trace');
    const admin = new Redis({ host: '127.0.0.1', port: redis.port, password: PASSWORD });
    let app: RunningApp | undefined;
    try {
      app = await startApp(readConfig(env(PASSWORD)), { logger: log.logger });
      await admin.config('SET', 'requirepass', ROTATED);
      // Every connection but this one is dropped; each reconnects with the old password and is refused.
      await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      const refused = (component: string) => (line: string) => line.includes(component) && /WRONGPASS|invalid username-password/.test(line);
      await Promise.all([log.waitFor(refused('poll-queue')), log.waitFor(refused('redis-store')), log.waitFor(refused('read budget'))]);
      await admin.config('SET', 'requirepass', PASSWORD);
    } finally {
      await app?.close();
      await admin.quit();
    }
    expect(log.lines.length).toBeGreaterThan(3);
    expect(leaks(log.lines)).toEqual([]);
  }, 60_000);
});
