/**
 * ACTIONS=off (the default): no action button on any card, and every way to act is refused with
 * how to enable actions, before any call to Azure.
 */
import { startBotHarness, type BotHarness } from '../../support/bot-harness';
import { cardExecute } from '../../support/action-stack';
import { cardOf } from '../../support/recording-connector';
import { CHANNEL_ID, channelMessage } from '../../support/teams-activities';

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness();
});
afterAll(async () => {
  await h?.close();
});

let seq = 0;
async function say(text: string): Promise<{ thread: string }> {
  const id = `4100000${++seq}`;
  const res = await h.send(channelMessage(text, { serviceUrl: h.connector.serviceUrl, id }));
  expect(res.status).toBe(200);
  return { thread: `${CHANNEL_ID};messageid=${id}` };
}

describe('ACTIONS=off', () => {
  it('shows no Cancel or Back up again on running and failed jobs', async () => {
    const running = h.jobs.find((j) => j.entityFriendlyName === 'vm-files-05')!;
    const failedJob = h.jobs.find((j) => j.outcome === 'Failed')!;
    await h.advance(3 * 60_000, 30_000); // the failed one ends
    for (const job of [running, failedJob]) {
      const { thread } = await say(`track job ${job.jobId}`);
      const card = cardOf(h.connector.for(thread).find((a) => cardOf(a) !== undefined)!)!;
      const types = (card.actions as Array<{ type: string; title: string }>).map((a) => `${a.type}:${a.title}`);
      expect(types.some((t) => t.startsWith('Action.ShowCard') || t.startsWith('Action.Execute'))).toBe(false);
      expect(JSON.stringify(card)).not.toContain('"ticket"');
    }
  });

  it('refuses a forged Action.Execute and the commands, saying how to enable actions, with no call to Azure', async () => {
    const running = h.jobs.find((j) => j.entityFriendlyName === 'vm-files-05')!;
    h.sim.resetCounts();
    const data = {
      action: 'cancelJob',
      jobKey: `${running.vault.subscriptionId}/${running.vault.resourceGroup}/${running.vault.vaultName}/${running.jobId}`.toLowerCase(),
      jobId: running.jobId,
      ticket: 'zzzzzzzzzzzzzzzzzzzz',
    };
    const res = await h.send(
      cardExecute(data, {
        serviceUrl: h.connector.serviceUrl,
        conversationId: `${CHANNEL_ID};messageid=1`,
        replyToId: 'x',
        token: 'a.b.c',
      }),
    );
    const body = JSON.parse(res.body) as { type: string; value: string };
    expect(body.type).toBe('application/vnd.microsoft.activity.message');
    expect(body.value).toContain('ACTIONS=sso');
    for (const text of [`cancel job ${running.jobId}`, 'backup vm-web-01']) {
      const { thread } = await say(text);
      expect(h.connector.for(thread).map((a) => a.activity.text)).toEqual([expect.stringContaining('ACTIONS=sso')]);
    }
    expect(h.sim.counts()['cancel']).toBe(0);
    expect(h.sim.counts()['total']).toBe(0);
  });
});
