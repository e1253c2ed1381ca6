/**
 * With Redis the daily digest is a BullMQ job scheduler: three bot processes share it and each
 * occurrence is delivered once. BullMQ schedules by the wall clock, so the test does not wait for
 * 07:30: it checks the scheduler BullMQ holds (pattern, zone, the next job at the store's due time)
 * and then makes that job due with BullMQ's own `promote`, which is what the clock would do. A
 * second copy of the job (a stalled worker's job run again) sends nothing more; a new time
 * replaces the scheduler; `digest off` removes it. A digest missed 7 hours before the bots start is
 * skipped on start, not sent.
 */
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { silentLogger } from '../../../src/core/logger';
import { systemClock } from '../../../src/core/clock';
import { DIGEST_QUEUE_NAME, digestSchedulerId } from '../../../src/scaleout/digest-queue';
import { RedisStore } from '../../../src/store/redis/redis-store';
import { SimulatorServer } from '../../../tools/simulator/server';
import { cardOf, RecordingConnector } from '../../support/recording-connector';
import { describeWithRedis, startRedisServer, type RedisServer } from '../../support/redis-server';
import { CHANNEL_ID, channelMessage, postActivity, TEAM_ID } from '../../support/teams-activities';
import { startBot, type BotProcess } from './bot-process';

const SUB = '3c1f2e4d-5a6b-4c7d-8e9f-0a1b2c3d4e78';
const VAULT = { subscriptionId: SUB, resourceGroup: 'rg-backup', vaultName: 'vault-prod' };
const OTHER = '19:other-channel@thread.tacv2';
const GUARD_MS = 90_000;
const HOUR = 3_600_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + GUARD_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describeWithRedis('daily digest as a BullMQ job scheduler on three instances (Redis)', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('each occurrence is delivered once; a new time replaces the scheduler, digest off removes it', async () => {
    const sim = new SimulatorServer({ clock: systemClock, logger: silentLogger() });
    const connector = await RecordingConnector.start();
    const stateStore = `${redis.url}/5`;
    const store = new RedisStore({ url: stateStore, logger: silentLogger() });
    await store.init();
    const connection = new Redis(stateStore, { maxRetriesPerRequest: null });
    const queue = new Queue(DIGEST_QUEUE_NAME, { connection, prefix: 'bj-bull' });
    const bots: BotProcess[] = [];
    try {
      const armUrl = await sim.start(0, '127.0.0.1');
      const now = Date.now();
      // One job, so the vault exists and the digest has numbers to show.
      sim.addJob({
        vault: VAULT,
        jobId: '00000000-0000-4000-8000-0000000000d1',
        jobType: 'AzureIaaSVMJob',
        operation: 'Backup',
        entityFriendlyName: 'vm-digest-1',
        backupManagementType: 'AzureIaasVM',
        startAt: now - 60 * 60_000,
        tasks: [{ name: 'Transfer data to vault', durationMs: 1000 }],
        outcome: 'Completed',
      });
      // Another channel's digest, due 7 hours before any bot runs: skipped on start.
      await store.setDigest(
        {
          conversationId: OTHER,
          conversationRef: { channelId: 'msteams', serviceUrl: connector.serviceUrl, conversation: { id: OTHER } },
          setBy: { id: '29:a', name: 'Ada' },
          at: '08:00',
          timeZone: 'UTC',
          vaults: [VAULT],
          teamId: TEAM_ID,
        },
        now - 8 * HOUR,
        now - 7 * HOUR,
      );
      const env = {
        PORT: '0',
        HOST: '127.0.0.1',
        STATE_STORE: stateStore,
        ARM_ENDPOINT: armUrl,
        ARM_AUTH: 'none',
        AZURE_SUBSCRIPTION_ID: SUB,
        BACKUP_VAULTS: 'rg-backup/vault-prod',
        MicrosoftAppId: '',
        LOG_LEVEL: 'info',
      };
      bots.push(...(await Promise.all([0, 1, 2].map((i) => startBot(`digest-${i}`, env)))));
      // Every bot ran its catch-up round on start: the late digest moved on to its next day without a card.
      expect((await store.getDigest(OTHER))!.nextAt).toBeGreaterThan(now);
      // ...and it has a scheduler now (one set before the queue existed gets one the same way).
      expect(await queue.getJobScheduler(digestSchedulerId(OTHER))).toMatchObject({ pattern: '0 8 * * *', tz: 'UTC' });

      const say = async (bot: BotProcess, text: string, answer: RegExp): Promise<void> => {
        const res = await postActivity(bot.url, channelMessage(text, { serviceUrl: connector.serviceUrl, timeZone: 'Europe/Berlin' }));
        expect(res.status).toBe(200);
        await until(`the answer to "${text}"`, () => connector.activities.some((a) => answer.test(a.activity.text ?? '')));
      };
      const schedulerId = digestSchedulerId(CHANNEL_ID);
      const delayedDigests = async (): Promise<Job[]> =>
        (await queue.getDelayed()).filter(
          (j) => j.name === 'digest' && (j.data as { conversationId?: string }).conversationId === CHANNEL_ID,
        );

      await say(bots[0], 'digest daily at 07:30', /set a daily digest at 07:30 \(Europe\/Berlin\)/);
      const stored = (await store.getDigest(CHANNEL_ID))!;
      expect(await queue.getJobScheduler(schedulerId)).toMatchObject({ pattern: '30 7 * * *', tz: 'Europe/Berlin' });
      const [next] = await delayedDigests();
      // BullMQ's next occurrence is the one the store awaits.
      expect(next.opts.prevMillis).toBe(stored.nextAt);
      expect(next.data).toEqual({ conversationId: CHANNEL_ID });

      // 07:30 comes: the job is due now, on whichever worker takes it.
      await next.promote();
      const digestPosts = () =>
        connector.activities.filter((a) => JSON.stringify(cardOf(a) ?? '').includes('Backup digest: the last 24 hours'));
      await until('the digest', () => digestPosts().length >= 1);
      // The scheduler added the day after's job, and the store moved to the day after.
      await until('the next occurrence', async () =>
        (await delayedDigests()).some((j) => j.opts.prevMillis === next.opts.prevMillis! + 24 * HOUR),
      );
      await until('the store to move on', async () => (await store.getDigest(CHANNEL_ID))!.nextAt > stored.nextAt);

      // The same occurrence run again (a stalled worker's job taken over): nothing more is sent.
      const again = await queue.add('digest', { conversationId: CHANNEL_ID }, { prevMillis: next.opts.prevMillis! });
      await until('the second run to finish', async () => (await again.getState()) === 'completed');
      await until('the outbox to drain', async () => (await store.stats()).pendingMessages === 0);
      expect(digestPosts()).toHaveLength(1);
      expect(digestPosts()[0].conversationId).toBe(CHANNEL_ID);
      expect(JSON.stringify(cardOf(digestPosts()[0]))).toContain('vm-digest-1');

      // A new time replaces the scheduler and its next job.
      await say(bots[2], 'digest daily at 09:15', /set a daily digest at 09:15 \(Europe\/Berlin\)/);
      expect(await queue.getJobScheduler(schedulerId)).toMatchObject({ pattern: '15 9 * * *', tz: 'Europe/Berlin' });
      const replaced = await delayedDigests();
      expect(replaced).toHaveLength(1);
      expect(replaced[0].opts.prevMillis).toBe((await store.getDigest(CHANNEL_ID))!.nextAt);

      // digest off removes both.
      await say(bots[1], 'digest off', /turned the daily digest off/);
      expect(await queue.getJobScheduler(schedulerId)).toBeUndefined();
      expect(await delayedDigests()).toEqual([]);
      expect(digestPosts()).toHaveLength(1);
      expect(connector.activities.filter((a) => a.conversationId === OTHER)).toEqual([]);
      for (const b of bots) expect(b.errors).toEqual([]);
    } finally {
      for (const b of bots) b.signal('SIGKILL');
      await Promise.all(bots.map((b) => b.exited));
      await queue.close();
      connection.disconnect();
      await store.close();
      await connector.close();
      await sim.stop();
    }
  }, 180_000);
});
