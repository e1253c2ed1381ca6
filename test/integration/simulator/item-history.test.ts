import { createHash } from 'node:crypto';
import { VirtualClock } from '../../../src/core/clock';
import { scenario, T0 } from '../../../bench/lib/tracker-scenarios';
import { itemHistory } from '../../../tools/simulator/generated-jobs';
import { createRecord, endOf } from '../../../tools/simulator/job-state';
import type { SimJobSpec } from '../../../tools/simulator/spec';
import { API, arr, Harness, obj, str } from './helpers';

const DAY = 24 * 3_600_000;
const sha = (jobs: readonly SimJobSpec[]): string => createHash('sha256').update(JSON.stringify(jobs)).digest('hex');
const total = (j: SimJobSpec): number => j.tasks.reduce((s, t) => s + t.durationMs, 0);
/** P1's 2,000 jobs as main generated them before the history existed: the rows stay comparable (naive: 174,641 reads). */
const P1_JOBS_SHA256 = 'd3b6cb2397285876989a5c1696452a471659666a4b4ffbeb50a4c1b4f5d30250';

describe("P1's item history (bench:tracker P1-history)", () => {
  const current = scenario('P1-default', 1).jobs;
  const withHistory = scenario('P1-history', 1);
  const history = withHistory.history ?? [];

  it('leaves the tracked jobs exactly as they were, and the history changes none of them', () => {
    expect(sha(current)).toBe(P1_JOBS_SHA256);
    expect(sha(withHistory.jobs)).toBe(P1_JOBS_SHA256);
    const before = sha(current);
    itemHistory(current, { seed: 1, nights: 7, before: T0 });
    expect(sha(current)).toBe(before);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(itemHistory(current, { seed: 4242, nights: 7, before: T0 })).toEqual(history);
    const other = itemHistory(current, { seed: 4243, nights: 7, before: T0 });
    expect(other.map((j) => j.jobId)).not.toEqual(history.map((j) => j.jobId));
  });

  it("gives each item (but vault jobs) 7 nightly backups that ended before T0, in about the current job's time", () => {
    const byEntity = new Map(current.map((j) => [`${j.vault.vaultName}/${j.entityFriendlyName}`, j]));
    const items = current.filter((j) => j.jobType !== 'VaultJob');
    expect(history).toHaveLength(items.length * 7);
    const ids = new Set(current.map((j) => j.jobId));
    // One check per run, collected: 13,741 runs through expect() would take most of the test's time.
    const wrong: string[] = [];
    for (const run of history) {
      const job = byEntity.get(`${run.vault.vaultName}/${run.entityFriendlyName}`);
      const nightsBack = job ? Math.round((job.startAt - run.startAt) / DAY) : NaN;
      // Each task rounds to the ms on its own.
      const ratio = job ? total(run) / total(job) : NaN;
      const slack = job ? 2 / total(job) : 0;
      const problems = [
        ids.has(run.jobId) && 'id reused',
        !job && 'no current job for its item',
        !(endOf(createRecord(run)) < T0) && 'ends after T0',
        job &&
          (run.vault.vaultName !== job.vault.vaultName ||
            run.jobType !== job.jobType ||
            run.backupManagementType !== job.backupManagementType) &&
          'other item',
        run.operation !== 'Backup' && 'not a backup',
        !(nightsBack >= 1 && nightsBack <= 7) && `${nightsBack} nights back`,
        job && Math.abs(job.startAt - nightsBack * DAY - run.startAt) > 5 * 60_000 && 'not at the same time of day',
        run.outcome === 'Failed' && !(ratio < 1.1 + slack) && `failed run ${ratio} x as long`,
        run.outcome === 'Failed' && !/^[A-Z]\w+$/.test(run.errorDetails?.[0]?.code ?? '') && 'failed without an error code',
        run.outcome !== 'Failed' && !(ratio >= 0.9 - slack && ratio < 1.1 + slack) && `${ratio} x as long`,
        job && run.outcome !== 'Failed' && run.tasks.map((t) => t.name).join() !== job.tasks.map((t) => t.name).join() && 'other tasks',
      ].filter((p): p is string => typeof p === 'string');
      if (problems.length > 0) wrong.push(`${run.jobId}: ${problems.join(', ')}`);
      ids.add(run.jobId);
    }
    expect(wrong).toEqual([]);
    const count = (o: SimJobSpec['outcome']): number => history.filter((j) => j.outcome === o).length;
    expect(count('Failed')).toBeGreaterThan(0.03 * history.length);
    expect(count('CompletedWithWarnings')).toBeGreaterThan(0.03 * history.length);
    expect(count('Completed')).toBeGreaterThan(0.85 * history.length);
  });

  it('refuses a history that would still run at `before`', () => {
    expect(() => itemHistory(current.slice(0, 50), { seed: 1, nights: 7, before: T0 - 6 * DAY })).toThrow(RangeError);
  });
});

describe("the simulated vault lists an item's history as ARM does", () => {
  const jobs = scenario('P1-default', 0.02).jobs;
  const history = itemHistory(jobs, { seed: 9, nights: 7, before: T0 });
  const h = new Harness([...jobs, ...history], {}, new VirtualClock(T0 + 30 * 60_000));
  beforeAll(() => h.start());
  afterAll(() => h.close());

  async function list(vaultName: string, filter: string): Promise<string[]> {
    const v = jobs[0].vault;
    let next: string | undefined =
      `/subscriptions/${v.subscriptionId}/resourceGroups/${v.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${vaultName}/backupJobs?${API}&$filter=${encodeURIComponent(filter)}`;
    const names: string[] = [];
    while (next) {
      const body = await h.getJson(next);
      names.push(...arr(body['value']).map((x) => str(obj(x)['name'])));
      next = body['nextLink'] === undefined ? undefined : str(body['nextLink']);
    }
    return names.sort();
  }

  it('by status and by a start-time window, ended runs with their status', async () => {
    const vaultName = jobs[0].vault.vaultName;
    const mine = [...jobs, ...history].filter((j) => j.vault.vaultName === vaultName);
    const from = T0 - 8 * DAY;
    const to = T0;
    const iso = (ms: number): string => new Date(ms).toISOString();
    // startTime/endTime: the jobs that started in the window (the spec's ListJobsWithStartTimeAndEndTimeFilters).
    const window = `startTime eq '${iso(from)}' and endTime eq '${iso(to)}'`;
    const expected = (pred: (j: SimJobSpec) => boolean): string[] =>
      mine
        .filter((j) => j.startAt >= from && j.startAt <= to && pred(j))
        .map((j) => j.jobId)
        .sort();
    const past = await list(vaultName, window);
    expect(past).toEqual(expected(() => true));
    expect(past).toHaveLength(history.filter((j) => j.vault.vaultName === vaultName).length);
    expect(await list(vaultName, `status eq 'Failed' and ${window}`)).toEqual(expected((j) => j.outcome === 'Failed'));
    expect(await list(vaultName, `status eq 'Completed' and ${window}`)).toEqual(expected((j) => j.outcome === 'Completed'));
    const last24h = `startTime eq '${iso(T0 - DAY)}' and endTime eq '${iso(T0)}'`;
    expect(await list(vaultName, last24h)).toEqual(
      mine
        .filter((j) => j.startAt >= T0 - DAY && j.startAt <= T0)
        .map((j) => j.jobId)
        .sort(),
    );
    const body = obj(
      (
        await h.getJson(
          `/subscriptions/${jobs[0].vault.subscriptionId}/resourceGroups/rg-bench/providers/Microsoft.RecoveryServices/vaults/${vaultName}/backupJobs/${history.find((j) => j.vault.vaultName === vaultName)!.jobId}?${API}`,
        )
      )['properties'],
    );
    expect(str(body['endTime']) < iso(T0)).toBe(true);
  });
});
