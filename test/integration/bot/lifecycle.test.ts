/**
 * A tracked job's life over real HTTP, on a virtual clock: the card updated in place, the
 * completion notice with its @mention, coalescing, card buttons, `track operation`.
 */
import { flushMicrotasks, VirtualClock } from '../../../src/core/clock';
import { startBotHarness, type BotHarness } from '../../support/bot-harness';
import { cardOf, type RecordedActivity } from '../../support/recording-connector';
import { ALEX, CHANNEL_ID, cardSubmit, channelMessage } from '../../support/teams-activities';
import type { SimJobSpec } from '../../../tools/simulator/spec';

let h: BotHarness;
beforeEach(async () => {
  h = await startBotHarness();
});
afterEach(async () => {
  await h?.close();
});

const job = (name: string, operation = 'Backup') => h.jobs.find((j) => j.entityFriendlyName === name && j.operation === operation)!;
const endOf = (spec: SimJobSpec) => spec.startAt + spec.tasks.reduce((s, t) => s + t.durationMs, 0);
const finals = (list: readonly RecordedActivity[]) => list.filter((a) => (a.activity.entities ?? []).some((e) => e.type === 'mention'));
let seq = 0;

async function trackInChannel(text: string): Promise<{ thread: string; card: RecordedActivity }> {
  const id = `1800000000${++seq}`;
  const res = await h.send(channelMessage(text, { serviceUrl: h.connector.serviceUrl, id }));
  expect(res.status).toBe(200);
  const thread = `${CHANNEL_ID};messageid=${id}`;
  const card = h.connector.cards(thread)[0];
  if (!card) throw new Error(`no card: ${h.connector.describe()}`);
  return { thread, card };
}

/** Moves virtual time until `predicate` holds, letting real I/O of background work settle in between. */
async function until<T>(predicate: () => T | undefined | false, maxSteps = 120, stepMs = 1000): Promise<T> {
  for (let i = 0; i < maxSteps; i++) {
    const v = predicate();
    if (v) return v;
    await h.advance(stepMs, stepMs);
    await new Promise((r) => setTimeout(r, 15));
    await flushMicrotasks();
  }
  throw new Error(`condition not reached; recorded: ${h.connector.describe()}`);
}

it('keeps the card current in place and announces the end once, @mentioning the requester', async () => {
  const vm = job('vm-web-01');
  const { thread, card } = await trackInChannel(`track job ${vm.jobId}`);
  expect(JSON.stringify(cardOf(card))).toContain('Take Snapshot');

  // The snapshot task ends after ~16 s of virtual time: the same activity is updated (PUT).
  await until(() => h.connector.for(thread).some((a) => a.op === 'update'));
  const updates = h.connector.for(thread).filter((a) => a.op === 'update');
  expect(updates.every((u) => u.activityId === card.activityId)).toBe(true);

  await h.advance(endOf(vm) - h.clock.now() + 5_000, 5_000);
  const thread_ = h.connector.for(thread);
  const final = finals(thread_);
  expect(final).toHaveLength(1);
  const notice = final[0];
  expect(notice.op).toBe('reply');
  expect(notice.activity.text).toMatch(/^<at>Alex Wilber<\/at> vm-web-01 Backup completed after/);
  expect(notice.activity.entities).toContainEqual({
    type: 'mention',
    text: '<at>Alex Wilber</at>',
    mentioned: { id: ALEX.id, name: ALEX.name },
  });
  expect(JSON.stringify(cardOf(notice))).toContain('2,332 MB');
  // The progress card itself ended in its final state, in place.
  const lastUpdate = thread_.filter((a) => a.op === 'update').at(-1)!;
  expect(lastUpdate.activityId).toBe(card.activityId);
  expect(JSON.stringify(cardOf(lastUpdate))).toContain('Completed');

  const count = h.connector.for(thread).length;
  await h.advance(30_000, 5_000);
  expect(h.connector.for(thread)).toHaveLength(count);
  expect((await h.app.service.listForConversation(thread)).map((e) => e.lastJob?.status)).toEqual(['Completed']);
});

it('shows a failed job’s error details in the final card', async () => {
  const sql = job('salesdb');
  const { thread } = await trackInChannel(`track job ${sql.jobId}`);
  await h.advance(endOf(sql) - h.clock.now() + 5_000, 10_000);
  const final = finals(h.connector.for(thread));
  expect(final).toHaveLength(1);
  expect(final[0].activity.text).toContain('failed');
  const card = JSON.stringify(cardOf(final[0]));
  expect(card).toContain('UserErrorOpeningSQLConnection');
  expect(card).toContain('sysadmin');
});

it('a job that already ended: its final card with the explanation in one message, nothing tracked', async () => {
  const vm = job('vm-batch-04');
  await (h.clock as VirtualClock).advance(endOf(vm) - h.clock.now() + 1_000);
  const id = `1800000000${++seq}`;
  await h.send(channelMessage(`track job ${vm.jobId}`, { serviceUrl: h.connector.serviceUrl, id }));
  const thread = `${CHANNEL_ID};messageid=${id}`;
  const sent = h.connector.for(thread);
  expect(sent).toHaveLength(1);
  expect(sent[0].activity.text).toContain('vm-batch-04 (Backup) in rg-backup/vault-prod has already finished: was cancelled.');
  const card = JSON.stringify(cardOf(sent[0]));
  expect(card).toContain('Cancelled');
  expect(card).not.toContain('This card stays current');
  expect(card).not.toContain('"untrack"');
  expect(await h.app.service.listForConversation(thread)).toEqual([]);
});

it('coalesces pending updates of the same card: only the newest state is sent', async () => {
  const vm = job('vm-db-03');
  const { thread, card } = await trackInChannel(`track job ${vm.jobId}`);
  // Several polls see changes while nothing is delivered (a burst, or the connector busy).
  for (let i = 0; i < 6; i++) {
    await (h.clock as VirtualClock).advance(20_000);
    await h.app.tracker.tick();
  }
  const pending = (await h.app.store.stats()).pendingMessages;
  expect(pending).toBe(1);
  await h.app.dispatcher.tick();
  const updates = h.connector.for(thread).filter((a) => a.op === 'update');
  expect(updates).toHaveLength(1);
  expect(updates[0].activityId).toBe(card.activityId);
  // It shows the state of the last poll: the transfer task, no longer the snapshot in progress.
  expect(JSON.stringify(cardOf(updates[0]))).toMatch(/Transfer data to vault/);
});

it('keeps a conversation within Teams’ send budget when many of its cards change at once', async () => {
  const ids = h.jobs.filter((j) => j.operation === 'Backup').map((j) => j.jobId);
  expect(ids.length).toBeGreaterThan(7);
  const { thread } = await trackInChannel(`track jobs ${ids.join(' ')}`);
  const before = h.connector.for(thread).length;
  await (h.clock as VirtualClock).advance(100_000);
  await h.app.tracker.tick();
  const stats = await h.app.dispatcher.tick();
  const sentNow = h.connector.for(thread).length - before;
  expect(sentNow).toBeLessThanOrEqual(7);
  expect(stats.deferred).toBeGreaterThan(0);
  await h.advance(3_000, 1_000);
  expect(h.connector.for(thread).length - before).toBeGreaterThan(sentNow);
});

it('Refresh updates the card in place; Stop tracking ends updates', async () => {
  const vm = job('vm-app-02');
  const { thread, card } = await trackInChannel(`track job ${vm.jobId}`);
  const value = {
    action: 'refresh',
    jobKey: `${vm.vault.subscriptionId}/${vm.vault.resourceGroup}/${vm.vault.vaultName}/${vm.jobId}`.toLowerCase(),
    jobId: vm.jobId,
    vault: `${vm.vault.resourceGroup}/${vm.vault.vaultName}`,
  };
  const press = (v: Record<string, unknown>) =>
    h.send(cardSubmit(v, { serviceUrl: h.connector.serviceUrl, conversationId: thread, replyToId: card.activityId }));

  await (h.clock as VirtualClock).advance(70_000);
  expect((await press(value)).status).toBe(200);
  const refreshed = h.connector.for(thread).filter((a) => a.op === 'update');
  expect(refreshed).toHaveLength(1);
  expect(refreshed[0].activityId).toBe(card.activityId);

  await press({ ...value, action: 'untrack' });
  const after = h.connector.for(thread);
  expect(after.at(-1)!.activity.text).toContain(`Stopped tracking job ${vm.jobId}`);
  const snapshot = after.filter((a) => a.op === 'update').at(-1)!;
  expect(JSON.stringify(cardOf(snapshot))).not.toContain('"untrack"');
  const count = after.length;
  await h.advance(endOf(vm) - h.clock.now() + 10_000, 10_000);
  expect(h.connector.for(thread)).toHaveLength(count);
});

it('a forged button (its job id is not the one in its job key) is ignored: no answer, Azure not asked', async () => {
  const vm = job('vm-app-02');
  const { thread, card } = await trackInChannel(`track job ${vm.jobId}`);
  const before = h.connector.for(thread).length;
  h.sim.resetCounts();
  const forged = {
    action: 'refresh',
    jobKey: `${vm.vault.subscriptionId}/${vm.vault.resourceGroup}/${vm.vault.vaultName}/${vm.jobId}`.toLowerCase(),
    jobId: job('vm-web-01').jobId,
    vault: `${vm.vault.resourceGroup}/${vm.vault.vaultName}`,
  };
  const res = await h.send(cardSubmit(forged, { serviceUrl: h.connector.serviceUrl, conversationId: thread, replyToId: card.activityId }));
  expect(res.status).toBe(200);
  expect(h.connector.for(thread)).toHaveLength(before);
  expect(h.sim.counts().total ?? 0).toBe(0);
});

it('track operation follows the operation to its job, then tracks it', async () => {
  const template = job('vm-web-01');
  const op = h.sim.triggerOperation({ ...template, jobId: 'aaaaaaaa-0000-4000-8000-0000000000aa' }, 5_000);
  const id = `1900000000${++seq}`;
  await h.send(channelMessage(`track operation ${op.operationId}`, { serviceUrl: h.connector.serviceUrl, id }));
  const thread = `${CHANNEL_ID};messageid=${id}`;
  expect(h.connector.for(thread)[0].activity.text).toContain(`Waiting for operation ${op.operationId}`);
  const card = await until(() => h.connector.cards(thread)[0]);
  expect(
    h.connector
      .for(thread)
      .map((a) => a.activity.text ?? '')
      .join('\n'),
  ).toContain('created job aaaaaaaa-0000-4000-8000-0000000000aa');
  expect(JSON.stringify(cardOf(card))).toContain('vm-web-01');
  expect((await h.app.service.listForConversation(thread)).map((e) => e.key.jobId)).toEqual(['aaaaaaaa-0000-4000-8000-0000000000aa']);
});

it('track operation while Azure is unreachable: says it keeps trying, then reaches the job and tracks it', async () => {
  const template = job('vm-web-01');
  const op = h.sim.triggerOperation({ ...template, jobId: 'bbbbbbbb-0000-4000-8000-0000000000bb' }, 5_000);
  h.sim.addFault({ kind: 'error503', count: 2 });
  const id = `1900000000${++seq}`;
  await h.send(channelMessage(`track operation ${op.operationId}`, { serviceUrl: h.connector.serviceUrl, id }));
  const thread = `${CHANNEL_ID};messageid=${id}`;
  expect(h.connector.for(thread).map((a) => a.activity.text)).toEqual([
    `Azure is not answering right now, so I cannot read operation ${op.operationId} in rg-backup/vault-prod yet. I keep trying, and I will start tracking its job here as soon as Azure answers.`,
  ]);
  const card = await until(() => h.connector.cards(thread)[0]);
  expect(JSON.stringify(cardOf(card))).toContain('vm-web-01');
  expect((await h.app.service.listForConversation(thread)).map((e) => e.key.jobId)).toEqual(['bbbbbbbb-0000-4000-8000-0000000000bb']);
});

it('reports a failed operation with its error', async () => {
  const op = h.sim.triggerOperation(job('vm-web-01'), 0, { code: 'UserErrorVmNotFound', message: 'The VM was deleted.' });
  const { status } = await h.send(
    channelMessage(`track operation ${op.operationId}`, { serviceUrl: h.connector.serviceUrl, id: 'op-fail-1' }),
  );
  expect(status).toBe(200);
  const texts = h.connector
    .for(`${CHANNEL_ID};messageid=op-fail-1`)
    .map((a) => a.activity.text)
    .join('\n');
  expect(texts).toContain('failed');
  expect(texts).toContain('UserErrorVmNotFound');
});
