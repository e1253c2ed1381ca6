/**
 * The expected end over real HTTP: a vault whose item ran before gives the first card of `track job`
 * an expected end from those runs, at the cost of one history list of the vault (once a day).
 */
import type { SimJobSpec } from '../../../tools/simulator/spec';
import { startBotHarness, SIM_RESOURCE_GROUP, SIM_SUBSCRIPTION, SIM_VAULT, type BotHarness } from '../../support/bot-harness';
import { cardOf } from '../../support/recording-connector';
import { CHANNEL_ID, channelMessage } from '../../support/teams-activities';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const vault = { subscriptionId: SIM_SUBSCRIPTION, resourceGroup: SIM_RESOURCE_GROUP, vaultName: SIM_VAULT };

function sqlBackup(jobId: string, startAt: number, durationMs: number, outcome: SimJobSpec['outcome'] = 'Completed'): SimJobSpec {
  return {
    vault,
    jobId,
    jobType: 'AzureWorkloadJob',
    operation: 'Backup',
    entityFriendlyName: 'sqldb-orders',
    backupManagementType: 'AzureWorkload',
    workloadType: 'SQLDataBase',
    startAt,
    tasks: [{ name: 'Transfer data to vault', durationMs }],
    outcome,
  };
}

const id = (n: number): string => `5a1c0000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const RUNNING = id(100);
const SECOND = id(101);

/** Six nights of the same database (25–32 min), one failed night (not counted), and tonight's run, started 5 min ago. */
function jobs(start: number): SimJobSpec[] {
  const past = [25, 27, 28, 30, 31, 32].map((m, i) => sqlBackup(id(i + 1), start - (i + 1) * DAY, m * MIN));
  past.push(sqlBackup(id(50), start - 7 * DAY + 3 * 3_600_000, 2 * MIN, 'Failed'));
  return [
    ...past,
    sqlBackup(RUNNING, start - 5 * MIN, 29 * MIN),
    { ...sqlBackup(SECOND, start - MIN, 29 * MIN), entityFriendlyName: 'sqldb-new' },
  ];
}

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness({ jobs });
});
afterAll(async () => {
  await h?.close();
});

it('gives the first card an expected end from the past runs, for one history list of the vault a day', async () => {
  h.sim.resetCounts();
  const res = await h.send(channelMessage(`track job ${RUNNING}`, { serviceUrl: h.connector.serviceUrl, id: '1700000000101' }));
  expect(res.status).toBe(200);
  const sent = h.connector.for(`${CHANNEL_ID};messageid=1700000000101`);
  expect(sent).toHaveLength(1);
  const card = JSON.stringify(cardOf(sent[0]));
  // Started 08:55 UTC (the harness's clock is 09:00); median of the 6 completed runs is 29 min; p25–p75 is 27.25–30.75 min.
  expect(card).toContain('"title":"Expected end","value":"~Jan 1, 2026, 09:24 (UTC) (usually 27 min–31 min, from 6 past runs)"');
  expect(card).toMatch(/In progress · ~17% \(estimated\)/);
  const counts = h.sim.counts();
  expect(counts['getJob']).toBe(1);
  expect(counts['listJobs']).toBe(1);

  // Another item of the same vault with no past runs: no estimate, and no second history read today.
  await h.send(channelMessage(`track job ${SECOND}`, { serviceUrl: h.connector.serviceUrl, id: '1700000000102' }));
  const second = JSON.stringify(cardOf(h.connector.for(`${CHANNEL_ID};messageid=1700000000102`)[0]));
  expect(second).toContain('sqldb-new');
  expect(second).not.toContain('Expected end');
  expect(h.sim.counts()['listJobs']).toBe(1);
});
