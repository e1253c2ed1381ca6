/**
 * startApp with STATE_STORE=redis://…: the bot polls through BullMQ rounds and the shared read
 * budget, answers a track command, and its close() (twice, as a second SIGTERM would) leaves no
 * connection open on Redis.
 */
import { Redis } from 'ioredis';
import { startApp, type RunningApp } from '../../../src/app';
import { readConfig } from '../../../src/config/config';
import { systemClock } from '../../../src/core/clock';
import { silentLogger } from '../../../src/core/logger';
import { QueuedTracker } from '../../../src/scaleout/queued-tracker';
import { scriptedJobs } from '../../../tools/simulator/spec';
import { SimulatorServer } from '../../../tools/simulator/server';
import { RecordingConnector } from '../../support/recording-connector';
import { describeWithRedis, startRedisServer, type RedisServer } from '../../support/redis-server';
import { channelMessage, postActivity } from '../../support/teams-activities';

const SUB = '8f7e6d5c-4b3a-4291-8807-162534435261';

describeWithRedis('startApp on Redis', () => {
  let redis: RedisServer | undefined;
  let sim: SimulatorServer | undefined;
  let connector: RecordingConnector | undefined;
  let app: RunningApp | undefined;

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await app?.close();
    await connector?.close();
    await sim?.stop();
    await redis?.stop();
  });

  it('polls through the queue, spends the shared budget, and closes every Redis connection, idempotently', async () => {
    const jobs = scriptedJobs({ subscriptionId: SUB, resourceGroup: 'rg-backup', vaultName: 'vault-prod', start: Date.now() });
    sim = new SimulatorServer({ clock: systemClock, jobs, logger: silentLogger() });
    const simUrl = await sim.start(0, '127.0.0.1');
    connector = await RecordingConnector.start();
    const admin = new Redis(`${redis!.url}/4`);
    try {
      const clients = async (): Promise<number> =>
        String(await admin.client('LIST'))
          .split('\n')
          .filter((l: string) => l.includes('db=4')).length;
      const before = await clients();
      const config = readConfig({
        AZURE_SUBSCRIPTION_ID: SUB,
        BACKUP_VAULTS: 'rg-backup/vault-prod',
        ARM_ENDPOINT: simUrl,
        ARM_AUTH: 'none',
        POLL_INTERVAL_SECONDS: '1',
        STATE_STORE: `${redis!.url}/4`,
        HOST: '127.0.0.1',
        PORT: '0',
      });
      app = await startApp(config, { logger: silentLogger() });
      expect(app.tracker).toBeInstanceOf(QueuedTracker);
      expect(await clients()).toBeGreaterThan(before);

      const running = jobs.find(
        (j) => j.startAt <= Date.now() && j.tasks.reduce((n, t) => n + t.durationMs, j.startAt) > Date.now() + 60_000,
      )!;
      const res = await postActivity(
        app.url,
        channelMessage(`track job ${running.jobId}`, { serviceUrl: connector.serviceUrl, id: '1767225600001' }),
      );
      expect(res.status).toBe(200);
      // A BullMQ round polls it (the next read of that job, however long the machine takes), and the read spent a token in Redis.
      await sim.reads.next((r) => r.jobId === running.jobId.toLowerCase() || r.kind === 'listJobs');
      expect(await admin.exists(`bj:budget:${SUB}`)).toBe(1);

      await Promise.all([app.close(), app.close()]);
      await app.close();
      // QUIT is asynchronous on the server side: wait until it has dropped the connections (a leak never gets there).
      while ((await clients()) > before) await new Promise((r) => setTimeout(r, 50));
      expect(await clients()).toBe(before);
    } finally {
      await admin.quit();
    }
  }, 30_000);
});
