/**
 * Three bot processes on one Redis deliver each watch notice and each digest once: the watch of a
 * channel sees ten held failures end (each announced once, whichever instance swept), and a digest
 * missed while no bot ran (due a minute before they start) goes out once, claimed by one of three.
 */
import { silentLogger } from '../../../src/core/logger';
import { systemClock } from '../../../src/core/clock';
import { RedisStore } from '../../../src/store/redis/redis-store';
import { SimulatorServer } from '../../../tools/simulator/server';
import type { SimJobSpec } from '../../../tools/simulator/spec';
import { cardOf, RecordingConnector } from '../../support/recording-connector';
import { describeWithRedis, startRedisServer, type RedisServer } from '../../support/redis-server';
import { CHANNEL_ID, channelMessage, postActivity, TEAM_ID } from '../../support/teams-activities';
import { startBot, type BotProcess } from './bot-process';

const SUB = '3c1f2e4d-5a6b-4c7d-8e9f-0a1b2c3d4e77';
const VAULT = { subscriptionId: SUB, resourceGroup: 'rg-backup', vaultName: 'vault-prod' };
const GUARD_MS = 90_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + GUARD_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function failing(n: number, now: number): SimJobSpec {
  return {
    vault: VAULT,
    jobId: `00000000-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`,
    jobType: 'AzureIaaSVMJob',
    operation: 'Backup',
    entityFriendlyName: `vm-scale-${n}`,
    backupManagementType: 'AzureIaasVM',
    startAt: now - 10 * 60_000,
    tasks: [{ name: 'Transfer data to vault', durationMs: 1000 }],
    outcome: 'Failed',
    errorDetails: [{ code: 'ExtensionSnapshotFailedNoNetwork', message: 'No network.', recommendations: ['Allow outbound access.'] }],
  };
}

describeWithRedis('watch and digest on three instances (Redis)', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('each watch notice and the missed digest are delivered once', async () => {
    const sim = new SimulatorServer({ clock: systemClock, logger: silentLogger() });
    const connector = await RecordingConnector.start();
    const stateStore = `${redis.url}/4`;
    const store = new RedisStore({ url: stateStore, logger: silentLogger() });
    await store.init();
    const bots: BotProcess[] = [];
    try {
      const armUrl = await sim.start(0, '127.0.0.1');
      const now = Date.now();
      for (let n = 1; n <= 10; n++) sim.addJob(failing(n, now), { held: true });
      // A digest that was due a minute before any bot runs: missed, under 6 hours late.
      const channelRef = {
        channelId: 'msteams',
        serviceUrl: connector.serviceUrl,
        conversation: { id: CHANNEL_ID, conversationType: 'channel', isGroup: true },
        bot: { id: '28:backup-jobs-bot', name: 'Backup Jobs' },
      };
      await store.setDigest(
        {
          conversationId: CHANNEL_ID,
          conversationRef: channelRef,
          setBy: { id: '29:a', name: 'Ada' },
          at: '08:00',
          timeZone: 'UTC',
          vaults: [VAULT],
          teamId: TEAM_ID,
        },
        now - 60_000,
        now - 60_000,
      );
      const env = {
        PORT: '0',
        HOST: '127.0.0.1',
        STATE_STORE: stateStore,
        ARM_ENDPOINT: armUrl,
        ARM_AUTH: 'none',
        AZURE_SUBSCRIPTION_ID: SUB,
        BACKUP_VAULTS: 'rg-backup/vault-prod',
        POLL_INTERVAL_SECONDS: '0.5',
        WATCH_ROLLUP_ABOVE: '50',
        MicrosoftAppId: '',
        LOG_LEVEL: 'info',
      };
      bots.push(...(await Promise.all([0, 1, 2].map((i) => startBot(`watch-${i}`, env)))));
      const res = await postActivity(bots[1].url, channelMessage('watch failures', { serviceUrl: connector.serviceUrl }));
      expect(res.status).toBe(200);
      await until('the watch answer', () => connector.activities.some((a) => /now watches failures/.test(a.activity.text ?? '')));
      for (let n = 1; n <= 10; n++) sim.release(failing(n, now).jobId);

      const posts = () => connector.activities.filter((a) => a.conversationId === CHANNEL_ID && cardOf(a) !== undefined);
      await until('ten failure posts and the digest', () => posts().length >= 11);
      // Three more sweeps, and every instance's outbox drained: a late copy would be pending or sent by now.
      for (let i = 0; i < 3; i++) await sim.reads.next((r) => r.kind === 'listJobs');
      await until('the outbox to drain', async () => (await store.stats()).pendingMessages === 0);
      const texts = posts().map((p) => JSON.stringify(cardOf(p)));
      expect(texts.filter((t) => t.includes('Backup digest: the last 24 hours'))).toHaveLength(1);
      const watched = posts()
        .map((p) => /vm-scale-\d+/.exec(p.activity.text ?? '')?.[0])
        .filter((x): x is string => x !== undefined)
        .sort();
      expect(watched).toEqual(Array.from({ length: 10 }, (_, i) => `vm-scale-${i + 1}`).sort());
      expect(posts()).toHaveLength(11);
      for (const b of bots) expect(b.errors).toEqual([]);
    } finally {
      for (const b of bots) b.signal('SIGKILL');
      await Promise.all(bots.map((b) => b.exited));
      await store.close();
      await connector.close();
      await sim.stop();
    }
  }, 180_000);
});
