import { JOB_TYPES } from '../../../src/domain/job';
import { VirtualClock } from '../../../src/core/clock';
import { generatedJobs } from '../../../tools/simulator/spec';
import { API, arr, Harness, obj, START, SUB, str } from './helpers';

const MIN = 60_000;
const P1 = {
  jobs: 2000,
  vaults: 40,
  subscriptionId: SUB,
  start: START,
  startSpreadMs: 120 * MIN,
  minDurationMs: 5 * MIN,
  maxDurationMs: 180 * MIN,
};

describe('generatedJobs', () => {
  const jobs = generatedJobs({ seed: 1, ...P1 });
  const total = (j: (typeof jobs)[number]): number => j.tasks.reduce((s, t) => s + t.durationMs, 0);

  it('is deterministic for a seed and differs across seeds', () => {
    expect(generatedJobs({ seed: 1, ...P1 })).toEqual(jobs);
    const other = generatedJobs({ seed: 2, ...P1 });
    expect(other.map((j) => j.jobId)).not.toEqual(jobs.map((j) => j.jobId));
  });

  it('keeps durations and start times inside their bounds, with a lognormal spread', () => {
    const durations = jobs.map(total).sort((a, b) => a - b);
    expect(durations[0]).toBeGreaterThanOrEqual(P1.minDurationMs);
    expect(durations.at(-1)!).toBeLessThanOrEqual(P1.maxDurationMs);
    // Median near the geometric mean of the bounds (~30 min), most jobs short, a long tail.
    const median = durations[Math.floor(durations.length / 2)];
    expect(median).toBeGreaterThan(20 * MIN);
    expect(median).toBeLessThan(45 * MIN);
    expect(durations.filter((d) => d > 90 * MIN).length).toBeGreaterThan(50);
    for (const j of jobs) {
      expect(j.startAt).toBeGreaterThanOrEqual(START);
      expect(j.startAt).toBeLessThan(START + P1.startSpreadMs);
    }
    const firstHalf = jobs.filter((j) => j.startAt < START + 60 * MIN).length;
    expect(Math.abs(firstHalf - 1000)).toBeLessThan(120);
  });

  it('spreads jobs over all vaults, IaaS VM heavy, every type present, unique lower-case GUIDs', () => {
    const vaults = new Set(jobs.map((j) => `${j.vault.resourceGroup}/${j.vault.vaultName}`));
    expect(vaults.size).toBe(40);
    const vm = jobs.filter((j) => j.jobType === 'AzureIaaSVMJob').length;
    expect(vm / jobs.length).toBeGreaterThan(0.6);
    expect(new Set(jobs.map((j) => j.jobType))).toEqual(new Set(JOB_TYPES));
    const ids = new Set(jobs.map((j) => j.jobId));
    expect(ids.size).toBe(jobs.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('rejects impossible bounds', () => {
    expect(() => generatedJobs({ seed: 1, ...P1, minDurationMs: 10, maxDurationMs: 5 })).toThrow(RangeError);
    expect(() => generatedJobs({ seed: 1, ...P1, vaults: 0 })).toThrow(RangeError);
  });
});

describe('10,000 generated jobs served over HTTP', () => {
  const jobs = generatedJobs({
    seed: 3,
    jobs: 10_000,
    vaults: 50,
    subscriptionId: SUB,
    start: START,
    startSpreadMs: 60 * MIN,
    minDurationMs: 5 * MIN,
    maxDurationMs: 180 * MIN,
  });
  const h = new Harness(jobs, {}, new VirtualClock(START));
  beforeAll(() => h.start());
  afterAll(() => h.close());

  it("lists a vault's running jobs consistently with the ground truth as time passes", async () => {
    const vault = jobs[0].vault;
    const path = `/subscriptions/${SUB}/resourceGroups/${vault.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${vault.vaultName}/backupJobs`;
    for (const at of [30 * MIN, 90 * MIN, 240 * MIN]) {
      await h.clock.advance(at - (h.clock.now() - START));
      const names: string[] = [];
      let next: string | undefined = `${path}?${API}&$filter=${encodeURIComponent("status eq 'InProgress'")}`;
      while (next) {
        const body = await h.getJson(next);
        names.push(...arr(body['value']).map((v) => str(obj(v)['name'])));
        next = body['nextLink'] === undefined ? undefined : str(body['nextLink']);
      }
      const expected = jobs
        .filter((j) => j.vault.vaultName === vault.vaultName && h.server.truth(j.jobId)?.status === 'InProgress')
        .map((j) => j.jobId);
      expect(names.sort()).toEqual(expected.sort());
      if (at === 30 * MIN) expect(names.length).toBeGreaterThan(20);
      if (at === 240 * MIN) expect(names).toHaveLength(0);
    }
    expect(h.server.jobResourceIds()).toHaveLength(10_000);
  });
});
