import { JOB_TYPES } from '../../../src/domain/job';
import { lifeItems, lifeJobs, type LifeOptions } from '../../../tools/simulator/life';
import { vaultTruth } from '../../../tools/simulator/life-truth';
import { createRecord, endOf, statusAt } from '../../../tools/simulator/job-state';
import { API, arr, Harness, obj, START, str, SUB } from './helpers';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const OPTS: LifeOptions = {
  subscriptionId: SUB,
  vaults: [
    { resourceGroup: 'rg-backup', vaultName: 'vault-demo' },
    { resourceGroup: 'rg-backup', vaultName: 'vault-prod' },
  ],
  now: START,
};
const total = (j: { tasks: Array<{ durationMs: number }> }): number => j.tasks.reduce((s, t) => s + t.durationMs, 0);

describe('living vault (life.ts)', () => {
  const jobs = lifeJobs(OPTS);

  it('is the same for the same seed and start, and differs for another seed', () => {
    expect(lifeJobs(OPTS)).toEqual(jobs);
    expect(lifeJobs({ ...OPTS, seed: 12 }).map((j) => j.jobId)).not.toEqual(jobs.map((j) => j.jobId));
  });

  it('has a history of 48 h in which every job type and every end status occurs, in each vault', () => {
    for (const v of OPTS.vaults) {
      const past = jobs.filter((j) => j.vault.vaultName === v.vaultName && j.startAt < START);
      expect(Math.min(...past.map((j) => j.startAt))).toBeGreaterThanOrEqual(START - 2 * DAY);
      expect(Math.min(...past.map((j) => j.startAt))).toBeLessThan(START - DAY - 12 * HOUR);
      expect(new Set(past.map((j) => j.jobType))).toEqual(new Set(JOB_TYPES));
      const statuses = new Set(past.map((j) => statusAt(createRecord(j), START)));
      for (const s of ['Completed', 'CompletedWithWarnings', 'Failed']) expect(statuses).toContain(s);
      expect(past.some((j) => j.operation === 'Restore')).toBe(true);
    }
    // Cancelled is rare (1 %): across both vaults it occurs.
    expect(jobs.filter((j) => j.startAt < START).some((j) => j.outcome === 'Cancelled')).toBe(true);
  });

  it('gives failures and warnings real error codes with recommendations', () => {
    for (const j of jobs.filter((x) => x.outcome === 'Failed' || x.outcome === 'CompletedWithWarnings')) {
      expect(j.errorDetails).toHaveLength(1);
      expect(j.errorDetails![0].code).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(j.errorDetails![0].recommendations.length).toBeGreaterThan(0);
    }
    expect(new Set(jobs.filter((x) => x.outcome === 'Failed').map((x) => x.errorDetails![0].code)).size).toBeGreaterThan(4);
  });

  it('backs up each item nightly in similar times, SQL databases hourly too', () => {
    for (const item of lifeItems(OPTS)) {
      const nightly = jobs.filter(
        (j) =>
          j.entityFriendlyName === item.name &&
          j.vault.vaultName === item.vault.vaultName &&
          j.operation === 'Backup' &&
          !j.propertyBag?.['Backup Type'],
      );
      expect(nightly.length).toBeGreaterThanOrEqual(8); // 2 days back, 7 ahead
      for (let i = 1; i < nightly.length; i++) expect(nightly[i].startAt - nightly[i - 1].startAt).toBe(DAY);
      const d = nightly.map(total);
      // Within ±40 % of the item's median, night after night (lognormal with σ = 0.08).
      for (const x of d) expect(Math.abs(x / item.nightlyMs - 1)).toBeLessThan(0.4);
      if (item.hourlyMs !== undefined) {
        const hourly = jobs.filter((j) => j.entityFriendlyName === item.name && j.propertyBag?.['Backup Type'] === 'Log');
        expect(hourly.length).toBeGreaterThanOrEqual(9 * 24 - 1);
      }
    }
  });

  it('starts scheduled jobs on their own as the clock passes them, and the truth matches what the vault lists', async () => {
    const h = await new Harness(jobs).start();
    try {
      const path = `/subscriptions/${SUB}/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/vault-prod/backupJobs`;
      const listAll = async (): Promise<Array<{ id: string; status: string }>> => {
        const out: Array<{ id: string; status: string }> = [];
        const from = new Date(h.clock.now() - DAY).toISOString();
        const to = new Date(h.clock.now()).toISOString();
        let next: string | undefined = `${path}?${API}&$filter=${encodeURIComponent(`startTime eq '${from}' and endTime eq '${to}'`)}`;
        while (next) {
          const page = (await h.call('GET', next)).json();
          for (const v of arr(page['value'])) out.push({ id: str(obj(v)['name']), status: str(obj(obj(v)['properties'])['status']) });
          next = typeof page['nextLink'] === 'string' ? page['nextLink'] : undefined;
        }
        return out;
      };
      const before = await listAll();
      const truth = vaultTruth(jobs, 'rg-backup/vault-prod', START - DAY, START + 1, START);
      expect(before).toHaveLength(Object.values(truth.byStatus).reduce((s, n) => s + n, 0));
      expect(before.filter((j) => j.status === 'Failed')).toHaveLength(truth.byStatus.Failed ?? 0);
      const next = jobs.find((j) => j.vault.vaultName === 'vault-prod' && j.startAt > START)!;
      expect(before.map((j) => j.id)).not.toContain(next.jobId);
      await h.clock.advance(next.startAt - h.clock.now());
      expect((await listAll()).find((j) => j.id === next.jobId)?.status).toBe('InProgress');
      await h.clock.advance(endOf(createRecord(next)) - h.clock.now());
      expect((await listAll()).find((j) => j.id === next.jobId)?.status).toBe(next.outcome);
    } finally {
      await h.close();
    }
  });
});
