import { JOB_TYPES } from '../../../src/domain/job';
import { scriptedJobs, type SimJobSpec } from '../../../tools/simulator/spec';
import { API, arr, example, Harness, jobPath, obj, RG, START, SUB, VAULT, VAULT_PATH, type JsonObject, str } from './helpers';

const jobs = scriptedJobs({ subscriptionId: SUB, resourceGroup: RG, vaultName: VAULT, start: START });
const spec = example('spec/bms.2026-02-01.jobs-extract.json');
const defs = obj(spec['definitions']);

/** Property names a definition allows, following allOf to its parent (e.g. Job). */
function allowed(def: string): Set<string> {
  const d = obj(defs[def]);
  const keys = new Set(Object.keys(obj(d['properties'])));
  for (const parent of d['allOf'] ? arr(d['allOf']) : []) {
    const ref = str(obj(parent)['$ref']);
    if (ref.startsWith('#/definitions/')) for (const k of allowed(ref.slice('#/definitions/'.length))) keys.add(k);
  }
  return keys;
}

const EXTENDED: Record<string, string | undefined> = {
  AzureIaaSVMJob: 'AzureIaaSVMJobExtendedInfo',
  AzureIaaSVMJobV2: 'AzureIaaSVMJobExtendedInfo',
  AzureStorageJob: 'AzureStorageJobExtendedInfo',
  AzureWorkloadJob: 'AzureWorkloadJobExtendedInfo',
  DpmJob: 'DpmJobExtendedInfo',
  MabJob: 'MabJobExtendedInfo',
  VaultJob: 'VaultJobExtendedInfo',
};
const TASK: Record<string, string | undefined> = {
  AzureIaaSVMJob: 'AzureIaaSVMJobTaskDetails',
  AzureIaaSVMJobV2: 'AzureIaaSVMJobTaskDetails',
  AzureStorageJob: 'AzureStorageJobTaskDetails',
  AzureWorkloadJob: 'AzureWorkloadJobTaskDetails',
  DpmJob: 'DpmJobTaskDetails',
  MabJob: 'MabJobTaskDetails',
};
const ERROR: Record<string, string> = {
  AzureIaaSVMJob: 'AzureIaaSVMErrorInfo',
  AzureIaaSVMJobV2: 'AzureIaaSVMErrorInfo',
  AzureStorageJob: 'AzureStorageErrorInfo',
  AzureWorkloadJob: 'AzureWorkloadErrorInfo',
  DpmJob: 'DpmErrorInfo',
  MabJob: 'MabErrorInfo',
  VaultJob: 'VaultJobErrorInfo',
};

function expectSubset(actual: string[], allowedKeys: Set<string>, what: string): void {
  const extra = actual.filter((k) => !allowedKeys.has(k));
  expect({ what, extra }).toEqual({ what, extra: [] });
}

/** Asserts a job body only uses fields its type's definitions declare. */
function checkAgainstSpec(body: JsonObject): void {
  const props = obj(body['properties']);
  const jobType = str(props['jobType']);
  expectSubset(Object.keys(props), allowed(jobType), `${jobType} properties`);
  if (props['extendedInfo']) {
    const ext = obj(props['extendedInfo']);
    expectSubset(Object.keys(ext), allowed(EXTENDED[jobType]!), `${jobType} extendedInfo`);
    for (const t of ext['tasksList'] ? arr(ext['tasksList']) : [])
      expectSubset(Object.keys(obj(t)), allowed(TASK[jobType]!), `${jobType} task`);
  }
  for (const e of props['errorDetails'] ? arr(props['errorDetails']) : []) {
    expect(Object.keys(obj(e)).sort()).toEqual([...allowed(ERROR[jobType])].sort());
  }
}

interface Observation {
  at: number;
  body: JsonObject;
}

describe('scripted jobs over HTTP on a virtual clock', () => {
  const h = new Harness(jobs);
  const timeline = new Map<string, Observation[]>();

  beforeAll(async () => {
    await h.start();
    // Poll every job every 5 simulated seconds until all have ended.
    for (let step = 0; step <= 12 * 12; step++) {
      for (const job of jobs) {
        const body = await h.getJson(jobPath(job.jobId));
        const list = timeline.get(job.jobId) ?? [];
        list.push({ at: h.clock.now(), body });
        timeline.set(job.jobId, list);
      }
      await h.clock.advance(5_000);
    }
  });
  afterAll(() => h.close());

  const statusesOf = (job: SimJobSpec): string[] => timeline.get(job.jobId)!.map((o) => str(obj(o.body['properties'])['status']));
  const last = (job: SimJobSpec): JsonObject => obj(timeline.get(job.jobId)!.at(-1)!.body['properties']);

  it('covers every job type and the four outcomes, a few minutes each', () => {
    expect(new Set(jobs.map((j) => j.jobType))).toEqual(new Set(JOB_TYPES));
    expect(new Set(jobs.map((j) => j.outcome))).toEqual(new Set(['Completed', 'CompletedWithWarnings', 'Failed', 'Cancelled']));
    expect(jobs.some((j) => j.operation === 'Restore')).toBe(true);
    for (const j of jobs) expect(j.startAt).toBeLessThanOrEqual(START);
    for (const j of jobs) expect(j.tasks.reduce((s, t) => s + t.durationMs, 0)).toBeLessThanOrEqual(11 * 60_000);
  });

  it.each(jobs.map((j) => [`${j.jobType} ${j.operation} ${j.entityFriendlyName}`, j.outcome, j] as const))(
    '%s runs and ends %s',
    (_name, _outcome, job) => {
      const statuses = statusesOf(job);
      expect(statuses[0]).toBe('InProgress');
      expect(statuses.at(-1)).toBe(job.outcome);
      // Once ended it stays ended.
      const firstEnd = statuses.indexOf(job.outcome);
      expect(statuses.slice(firstEnd).every((s) => s === job.outcome)).toBe(true);
      if (job.outcome === 'Cancelled') expect(statuses).toContain('Cancelling');
      const props = last(job);
      expect(props['endTime']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);
      const durationPattern = job.durationFormat === 'timespan' ? /^\d{2}:\d{2}:\d{2}(\.\d{7})?$/ : /^PT(\d+H)?(\d+M)?([\d.]+S)?$/;
      expect(props['duration']).toMatch(durationPattern);
      for (const o of timeline.get(job.jobId)!) checkAgainstSpec(o.body);
    },
  );

  it.each(jobs.filter((j) => j.jobType !== 'VaultJob').map((j) => [j.entityFriendlyName, j] as const))(
    '%s walks through its tasks in order',
    (_n, job) => {
      const seen = timeline
        .get(job.jobId)!
        .map((o) => arr(obj(obj(o.body['properties'])['extendedInfo'])['tasksList']).map((t) => str(obj(t)['status'])));
      const names = arr(obj(last(job)['extendedInfo'])['tasksList']).map((t) => obj(t)['taskId']);
      expect(names).toEqual(job.tasks.map((t) => t.name));
      // Every task is seen running at some point (all last at least 30 s; we look every 5 s).
      job.tasks.forEach((_t, i) => {
        if (job.outcome !== 'Cancelled' || i === 0) expect(seen.some((s) => s[i] === 'InProgress')).toBe(true);
      });
      // A task never runs before the previous one completed.
      for (const s of seen) for (let i = 1; i < s.length; i++) if (s[i] !== 'NotStarted') expect(s[i - 1]).toBe('Completed');
      const final = seen.at(-1)!;
      const expectedLast = {
        Completed: 'Completed',
        CompletedWithWarnings: 'CompletedWithWarnings',
        Failed: 'Failed',
        Cancelled: 'Cancelled',
      }[job.outcome];
      if (job.outcome === 'Cancelled') expect(final).toContain('Cancelled');
      else expect(final).toEqual([...final.slice(0, -1).map(() => 'Completed'), expectedLast]);
    },
  );

  it('reports IaaS VM progress and remaining time only while running, rising and falling', () => {
    const vm = jobs.find((j) => j.entityFriendlyName === 'vm-web-01' && j.operation === 'Backup')!;
    const running = timeline.get(vm.jobId)!.filter((o) => obj(o.body['properties'])['status'] === 'InProgress');
    expect(running.length).toBeGreaterThan(10);
    const progress = running.map((o) => Number(obj(obj(o.body['properties'])['extendedInfo'])['progressPercentage']));
    const remaining = running.map((o) => str(obj(obj(o.body['properties'])['extendedInfo'])['estimatedRemainingDuration']));
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1]);
    expect(progress[0]).toBeLessThan(progress.at(-1)!);
    expect(remaining[0]).toMatch(/^\d{2}:\d{2}:\d{2}/);
    expect(remaining[0] > remaining.at(-1)!).toBe(true); // same width hh:mm:ss strings order as durations
    expect(obj(last(vm)['extendedInfo'])['progressPercentage']).toBeUndefined();
    expect(obj(last(vm)['extendedInfo'])['estimatedRemainingDuration']).toBeUndefined();
    expect(obj(obj(last(vm)['extendedInfo'])['propertyBag'])['Backup Size']).toBe('2332 MB');
    expect(last(vm)['actionsInfo']).toEqual([]);
    expect(obj(running[0].body['properties'])['actionsInfo']).toEqual([1]);
  });

  it('fails the SQL workload backup with errorDetails, recommendations and a dynamic error message', () => {
    const sql = jobs.find((j) => j.jobType === 'AzureWorkloadJob')!;
    const props = last(sql);
    const err = obj(arr(props['errorDetails'])[0]);
    expect(err['errorTitle']).toBe('UserErrorOpeningSQLConnection');
    expect(typeof err['errorCode']).toBe('number');
    expect(str(err['errorString'])).toContain('sqlvm-01');
    expect(arr(err['recommendations']).length).toBe(2);
    expect(obj(props['extendedInfo'])['dynamicErrorMessage']).toBe(err['errorString']);
    expect(props['workloadType']).toBe('SQLDataBase');
    // While it ran there was no error yet.
    expect(obj(timeline.get(sql.jobId)![0].body['properties'])['errorDetails']).toBeUndefined();
  });

  it('matches the keys of the official JobDetails_Get example while running', () => {
    const ex = obj(obj(obj(example('examples/Common/GetJobDetails.json')['responses'])['200'])['body']);
    const vm = jobs.find((j) => j.jobType === 'AzureIaaSVMJob' && j.durationFormat !== 'timespan')!;
    const body = timeline.get(vm.jobId)![0].body;
    expect(Object.keys(body).sort()).toEqual(Object.keys(ex).sort());
    const exProps = obj(ex['properties']);
    const props = obj(body['properties']);
    expectSubset(Object.keys(exProps), new Set(Object.keys(props)), 'example properties present');
    expectSubset(
      Object.keys(obj(exProps['extendedInfo'])),
      new Set(Object.keys(obj(props['extendedInfo']))),
      'example extendedInfo present',
    );
    const exTask = obj(arr(obj(exProps['extendedInfo'])['tasksList'])[0]);
    const task = obj(arr(obj(props['extendedInfo'])['tasksList'])[0]);
    expectSubset(Object.keys(exTask), new Set(Object.keys(task)), 'example task present');
    expect(str(body['id'])).toMatch(/^\/Subscriptions\/.+\/providers\/Microsoft\.RecoveryServices\/vaults\/.+\/backupJobs\//);
  });

  it('matches the keys of the completed AzureIaaSVMJob from the docs, casing included', () => {
    const ex = example('examples/docs/managejobs_AzureIaaSVMJob_Completed.json');
    const vm = jobs.find((j) => j.entityFriendlyName === 'vm-web-01' && j.operation === 'Backup')!;
    const body = timeline.get(vm.jobId)!.at(-1)!.body;
    expect(Object.keys(body).sort()).toEqual(Object.keys(ex).sort());
    expect(Object.keys(obj(body['properties'])).sort()).toEqual(Object.keys(obj(ex['properties'])).sort());
    expect(Object.keys(obj(obj(body['properties'])['extendedInfo'])).sort()).toEqual(
      Object.keys(obj(obj(ex['properties'])['extendedInfo'])).sort(),
    );
    expect(str(body['id'])).toContain('/providers/microsoft.recoveryservices/vaults/');
    expect(body['type']).toBe(ex['type']);
  });

  it('lists items with at least the keys of the ListJobs example', async () => {
    const ex = obj(arr(obj(obj(obj(example('examples/Common/ListJobs.json')['responses'])['200'])['body'])['value'])[0]);
    const list = await h.getJson(`${VAULT_PATH}/backupJobs?${API}`);
    const items = arr(list['value']).map(obj);
    expect(items).toHaveLength(jobs.length);
    for (const item of items) {
      expect(Object.keys(item).sort()).toEqual(Object.keys(ex).sort());
      const props = obj(item['properties']);
      if (str(props['jobType']).startsWith('AzureIaaSVMJob')) {
        expectSubset(Object.keys(obj(ex['properties'])), new Set(Object.keys(props)), 'IaaS VM list item properties');
      }
      checkAgainstSpec(item);
      expect(obj(item['properties'])['extendedInfo']).toBeUndefined();
    }
  });
});
