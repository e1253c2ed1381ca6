/**
 * What the actions keep beyond one bot process, over real HTTP: the spent tickets and the "Cancelled
 * by" notes live in the store. A press replayed after a restart (SQLite file) or to a second
 * instance (Redis) is refused and reaches no vault; the card drawn by the restarted bot still says
 * who cancelled. Waits are for what the connector receives, never for a duration.
 */
import { randomUUID } from 'node:crypto';
import { systemClock } from '../../../src/core/clock';
import type { SimJobSpec } from '../../../tools/simulator/spec';
import { ACTION_VAULT, cardExecute, confirmData, startActionStack, type ActionStack } from '../../support/action-stack';
import { cardOf, type RecordedActivity } from '../../support/recording-connector';
import { describeWithRedis, startRedisServer, type RedisServer } from '../../support/redis-server';
import { ALEX, CHANNEL_ID, channelMessage, type Activity, type PostResult } from '../../support/teams-activities';

const MIN = 60_000;
const REPLAYED = "This button was already used, so nothing was done again. Press Refresh on the job's card for its current state.";
const OLGA = ALEX; // Backup Operator on the vault

function runningRestore(entity: string): SimJobSpec {
  return {
    vault: ACTION_VAULT,
    jobId: randomUUID(),
    jobType: 'AzureIaaSVMJob',
    operation: 'Restore',
    entityFriendlyName: entity,
    backupManagementType: 'AzureIaasVM',
    workloadType: 'VM',
    startAt: systemClock.now() - MIN,
    tasks: [{ name: 'Transfer data', durationMs: 600 * MIN }],
    outcome: 'Completed',
    propertyBag: { 'VM Name': entity },
  };
}

async function trackInThread(s: ActionStack, jobId: string, id: string): Promise<{ thread: string; card: RecordedActivity }> {
  const thread = `${CHANNEL_ID};messageid=${id}`;
  const res = await s.send(channelMessage(`track job ${jobId}`, { serviceUrl: s.connector.serviceUrl, id, from: OLGA }));
  expect(res.status).toBe(200);
  const card = await s.connector.waitFor(() => s.connector.for(thread).find((a) => cardOf(a) !== undefined), 60_000, 'the job card');
  return { thread, card };
}

async function pressCancel(
  s: ActionStack,
  send: (a: Activity) => Promise<PostResult>,
  thread: string,
  card: RecordedActivity,
): Promise<Record<string, unknown>> {
  const data = confirmData(cardOf(card)!, 'Cancel');
  const token = s.entra.ssoToken({ oid: OLGA.aadObjectId, name: OLGA.name });
  const res = await send(
    cardExecute(data, { serviceUrl: s.connector.serviceUrl, conversationId: thread, replyToId: card.activityId, from: OLGA, token }),
  );
  expect(res.status).toBe(200);
  return JSON.parse(res.body) as Record<string, unknown>;
}

describe('action state on a SQLite file, across a restart', () => {
  const restore = runningRestore('vm-web-01');
  let s: ActionStack;
  beforeAll(async () => {
    s = await startActionStack([restore], [restore.jobId]);
    s.sim.roles!.assign(OLGA.aadObjectId, ACTION_VAULT, 'Backup Operator');
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  it('a Cancel replayed after a restart is refused and reaches no vault; the card the restarted bot draws still says who cancelled', async () => {
    const { thread, card } = await trackInThread(s, restore.jobId, '41000001');
    const first = await pressCancel(s, (a) => s.send(a), thread, card);
    expect(JSON.stringify(first.value)).toContain(`Cancelled by ${OLGA.name}`);
    expect(s.sim.counts()['cancel']).toBe(1);

    await s.restart();
    const replay = await pressCancel(s, (a) => s.send(a), thread, card);
    expect(replay).toEqual({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: REPLAYED });
    expect(s.sim.counts()['cancel']).toBe(1);

    // The restarted bot follows the job to its end; its final card is drawn from the stored note.
    s.sim.release(restore.jobId);
    const final = await s.connector.waitFor(
      () => s.connector.for(thread).find((a) => (a.activity.text ?? '').includes(`<at>${OLGA.name}</at>`)),
      90_000,
      'the completion notice of the cancelled restore',
    );
    const finalCard = JSON.stringify(cardOf(final));
    expect(s.sim.truth(restore.jobId)?.status).toBe('Cancelled');
    expect(finalCard).toContain(`Cancelled by ${OLGA.name}`);
    expect(s.botLog()).toContain('refused: replayed ticket');
  }, 180_000);
});

describeWithRedis('action state on Redis, across instances', () => {
  const restore = runningRestore('vm-web-02');
  let redis: RedisServer;
  let s: ActionStack;
  beforeAll(async () => {
    redis = await startRedisServer();
    s = await startActionStack([restore], [restore.jobId], { stateStore: `${redis.url}/5` });
    s.sim.roles!.assign(OLGA.aadObjectId, ACTION_VAULT, 'Backup Operator');
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
    await redis?.stop();
  });

  it('a Cancel pressed on one instance and replayed to another is refused there and reaches no vault', async () => {
    const second = await s.another();
    const { thread, card } = await trackInThread(s, restore.jobId, '42000001');
    const first = await pressCancel(s, (a) => s.send(a), thread, card);
    expect(JSON.stringify(first.value)).toContain(`Cancelled by ${OLGA.name}`);
    const replay = await pressCancel(s, (a) => second.send(a), thread, card);
    expect(replay).toEqual({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: REPLAYED });
    expect(s.sim.counts()['cancel']).toBe(1);
    expect(s.sim.truth(restore.jobId)?.status).toBe('Cancelling');
  }, 180_000);
});
