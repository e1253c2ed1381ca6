/**
 * A watching channel gets each failure exactly once across a kill -9: the real bot (src/index.ts)
 * in a child process on a SQLite file, the simulated vault as ARM, the recording connector as Teams.
 * Failed jobs are held running until the test releases them: three end while the first bot runs,
 * three while it is dead; the second bot on the same file announces those three on start, and
 * none of the first three again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBotProcess, type BotProcess } from '../../../scripts/lib/bot-process';
import { freePort } from '../../../scripts/lib/playground-process';
import { systemClock } from '../../../src/core/clock';
import { silentLogger } from '../../../src/core/logger';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store';
import { SimulatorServer } from '../../../tools/simulator/server';
import type { SimJobSpec } from '../../../tools/simulator/spec';
import { RecordingConnector } from '../../support/recording-connector';
import { CHANNEL_ID, channelMessage, postActivity } from '../../support/teams-activities';

const SUB = '5f3e0c1a-7b2d-4e8f-9a61-0c4d2b7e8f10';
const VAULT = { subscriptionId: SUB, resourceGroup: 'rg-backup', vaultName: 'vault-prod' };
/** Failure guards for a loaded machine; nothing is asserted as a duration. */
const GUARD_MS = 60_000;

function failing(n: number, now: number): SimJobSpec {
  return {
    vault: VAULT,
    jobId: `0000000${n}-0000-4000-8000-00000000beef`,
    jobType: 'AzureIaaSVMJob',
    operation: 'Backup',
    entityFriendlyName: `vm-kill-${n}`,
    backupManagementType: 'AzureIaasVM',
    startAt: now - 5 * 60_000,
    tasks: [{ name: 'Transfer data to vault', durationMs: 1_000 }],
    outcome: 'Failed',
    errorDetails: [
      {
        code: 'UserErrorGuestAgentStatusUnavailable',
        message: 'VM Agent unable to communicate with Azure Backup.',
        recommendations: ['Check the VM agent.'],
      },
    ],
  };
}

describe('watch across kill -9 (SQLite)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'watch-kill-'));
  const db = path.join(dir, 'state.db');
  const sim = new SimulatorServer({ clock: systemClock, logger: silentLogger() });
  let connector: RecordingConnector;
  let simUrl = '';
  const bots: BotProcess[] = [];

  beforeAll(async () => {
    simUrl = await sim.start(0, '127.0.0.1');
    connector = await RecordingConnector.start();
  });
  afterAll(async () => {
    for (const b of bots) await b.kill();
    await connector?.close();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function startBot(): Promise<BotProcess> {
    const bot = startBotProcess({
      port: await freePort(),
      armEndpoint: simUrl,
      subscriptionId: SUB,
      vaults: 'rg-backup/vault-prod',
      stateStore: `sqlite:${db}`,
      pollIntervalSeconds: 0.2,
      logFile: path.join(dir, `bot-${bots.length + 1}.log`),
      logLevel: 'warn',
    });
    bots.push(bot);
    await bot.healthy(GUARD_MS);
    return bot;
  }

  /** Waits until the bot has delivered everything it enqueued (read from its database: exact, no timing). */
  async function drained(): Promise<void> {
    const store = new SqliteStore({ path: db, logger: silentLogger() });
    await store.init();
    try {
      const deadline = Date.now() + GUARD_MS;
      while ((await store.stats()).pendingMessages > 0) {
        if (Date.now() > deadline) throw new Error('the outbox did not drain');
        await systemClock.sleep(50);
      }
    } finally {
      await store.close();
    }
  }

  const posts = () => connector.activities.filter((a) => a.conversationId === CHANNEL_ID);

  it('announces each failure once: three before the kill, three that ended while down on restart, none twice', async () => {
    const now = Date.now();
    for (let n = 1; n <= 6; n++) sim.addJob(failing(n, now), { held: true });
    const first = await startBot();
    const res = await postActivity(
      first.endpoint.replace(/\/api\/messages$/, ''),
      channelMessage('watch failures', { serviceUrl: connector.serviceUrl }),
    );
    expect(res.status).toBe(200);
    for (const n of [1, 2, 3]) sim.release(failing(n, now).jobId);
    await connector.waitFor(() => posts().length >= 3, GUARD_MS, 'three failure posts');
    await drained();
    await first.kill();

    for (const n of [4, 5, 6]) sim.release(failing(n, now).jobId);
    await startBot();
    await connector.waitFor(() => posts().length >= 6, GUARD_MS, 'six failure posts');
    // Three more sweeps of the vault after the sixth post, and everything they enqueued delivered: no late copy.
    for (let i = 0; i < 3; i++) await sim.reads.next((r) => r.kind === 'listJobs' && r.vault === 'rg-backup/vault-prod');
    await drained();
    const names = posts().map((p) => /vm-kill-\d/.exec(p.activity.text ?? '')?.[0]);
    expect(names.sort()).toEqual([1, 2, 3, 4, 5, 6].map((n) => `vm-kill-${n}`));
  });
});
