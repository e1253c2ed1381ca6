/**
 * digest over real HTTP with the living simulated vault: `digest now` shows the vault's truth,
 * `digest daily` posts in the channel at the local time, once per day.
 */
import { startBotHarness, SIM_RESOURCE_GROUP, SIM_SUBSCRIPTION, SIM_VAULT, type BotHarness } from '../../support/bot-harness';
import { cardOf, type RecordedActivity } from '../../support/recording-connector';
import { CHANNEL_ID, channelMessage } from '../../support/teams-activities';
import { lifeJobs } from '../../../tools/simulator/life';
import { vaultTruth } from '../../../tools/simulator/life-truth';

const VAULT = `${SIM_RESOURCE_GROUP}/${SIM_VAULT}`;
const DAY = 24 * 3_600_000;
let h: BotHarness;
let seq = 0;

beforeEach(async () => {
  h = await startBotHarness({
    jobs: (start) =>
      lifeJobs({ subscriptionId: SIM_SUBSCRIPTION, vaults: [{ resourceGroup: SIM_RESOURCE_GROUP, vaultName: SIM_VAULT }], now: start }),
  });
});
afterEach(async () => {
  await h?.close();
});

async function inChannel(text: string, timeZone = 'Europe/Berlin'): Promise<RecordedActivity[]> {
  const id = `1800000000${++seq}`;
  const res = await h.send(channelMessage(text, { serviceUrl: h.connector.serviceUrl, id, timeZone }));
  expect(res.status).toBe(200);
  return h.connector.for(`${CHANNEL_ID};messageid=${id}`);
}

/** FactSet values of the card by their title. */
function facts(card: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const n = node as Record<string, unknown>;
      if (n['type'] === 'FactSet') for (const f of n['facts'] as Array<{ title: string; value: string }>) out[f.title] = f.value;
      Object.values(n).forEach(walk);
    }
  };
  walk(card);
  return out;
}

describe('digest', () => {
  it("digest now: the card's numbers are the simulated vault's truth for the last 24 hours", async () => {
    const [reply] = await inChannel('digest now');
    const card = cardOf(reply)!;
    const now = h.clock.now();
    const truth = vaultTruth(h.jobs, VAULT, now - DAY + 1, now + 1, now);
    const labels: Record<string, string> = {
      Completed: 'Completed',
      CompletedWithWarnings: 'Completed with warnings',
      Failed: 'Failed',
      Cancelled: 'Cancelled',
      InProgress: 'In progress',
    };
    const expected: Record<string, string> = {};
    for (const [status, n] of Object.entries(truth.byStatus)) {
      const label = labels[status === 'Cancelling' ? 'InProgress' : status];
      expected[label] = String(Number(expected[label] ?? 0) + n);
    }
    expect(facts(card)).toEqual(expected);
    const total = Object.values(truth.byStatus).reduce((s, n) => s + n, 0);
    expect(JSON.stringify(card)).toContain(`${total} jobs started; success rate`);
  });

  it('digest daily at 07:30: said in the channel with the zone, posted in the channel at 07:30 Berlin time, once a day', async () => {
    const [answer] = await inChannel('digest daily at 07:30');
    expect(answer.activity.text).toMatch(
      /^Alex Wilber set a daily digest at 07:30 \(Europe\/Berlin\) of rg-backup\/vault-prod\. The next one comes /,
    );
    const posts = (): RecordedActivity[] =>
      h.connector.activities.filter((a) => a.conversationId === CHANNEL_ID && cardOf(a) !== undefined);
    // The harness starts at 09:00 UTC (10:00 in Berlin): the first one is tomorrow 06:30 UTC.
    await h.advance(DAY - 2 * 3_600_000, 10 * 60_000);
    expect(posts()).toHaveLength(1);
    expect(JSON.stringify(cardOf(posts()[0]))).toContain('Backup digest: the last 24 hours');
    await h.advance(DAY, 10 * 60_000);
    expect(posts()).toHaveLength(2);
    const [off] = await inChannel('digest off');
    expect(off.activity.text).toBe('Alex Wilber turned the daily digest off.');
    await h.advance(DAY, 30 * 60_000);
    expect(posts()).toHaveLength(2);
  });

  it('refuses a time that is not one, and says how to write it', async () => {
    const [bad] = await inChannel('digest daily at 25:00');
    expect(bad.activity.text).toBe('"25:00" is not a time of day. Write it as HH:MM (24 h), for example `digest daily at 07:30`.');
    expect(await h.app.store.getDigest(CHANNEL_ID)).toBeUndefined();
  });
});
