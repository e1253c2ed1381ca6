import fs from 'node:fs';
import path from 'node:path';
import { MalformedResponseError } from '../../../src/azure/errors';
import { parseDuration, parseJobList, parseJobResource, parseOperationStatus } from '../../../src/azure/models';
import { JOB_TYPES, isTerminal, type BackupJob } from '../../../src/domain/job';

const SHARED = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'azure-backup-api');
const EXAMPLES = path.join(SHARED, 'examples');
const SPEC = JSON.parse(fs.readFileSync(path.join(SHARED, 'spec', 'bms.2026-02-01.jobs-extract.json'), 'utf8')) as {
  definitions: Record<string, { properties?: Record<string, unknown> }>;
};

type Kind = 'job' | 'list' | 'operationStatus' | 'other';
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function classify(body: Record<string, unknown>): Kind {
  if (isObj(body.properties) && 'jobType' in body.properties) return 'job';
  if (Array.isArray(body.value)) return 'list';
  if (typeof body.status === 'string' && !('type' in body)) return 'operationStatus';
  return 'other';
}

/** Every response body of every example file: official examples wrap them, docs/*.json are raw. */
function allBodies(): Array<{ file: string; code: string; body: Record<string, unknown> }> {
  const out: Array<{ file: string; code: string; body: Record<string, unknown> }> = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.json')) {
        const json = JSON.parse(fs.readFileSync(full, 'utf8')) as Record<string, unknown>;
        const rel = path.relative(EXAMPLES, full);
        if (isObj(json.responses)) {
          for (const [code, r] of Object.entries(json.responses))
            if (isObj(r) && isObj(r.body)) out.push({ file: rel, code, body: r.body });
        } else out.push({ file: rel, code: 'raw', body: json });
      }
    }
  };
  walk(EXAMPLES);
  return out;
}

/** Bodies that are neither jobs nor operation statuses; a new example must be placed in one list or the other. */
const OTHER = new Set([
  'AzureIaasVm/ProtectedItemOperationResults.json:200',
  'Common/ExportJobsOperationResult.json:200',
  'Common/ExportJobsOperationResult.json:202',
]);

describe('every example body parses into the right model', () => {
  const bodies = allBodies();
  it('finds the example files', () => {
    expect(bodies.length).toBeGreaterThanOrEqual(10);
  });

  it.each(bodies.map((b) => [`${b.file}:${b.code}`, b] as const))('%s', (name, { body }) => {
    const kind = classify(body);
    if (kind === 'other') {
      expect(OTHER.has(name)).toBe(true);
      return;
    }
    expect(OTHER.has(name)).toBe(false);
    if (kind === 'job') {
      const job = parseJobResource(body);
      expect(job.jobType).toBe((body.properties as { jobType: string }).jobType);
      expect(job.jobId).toBe(body.name);
    } else if (kind === 'list') {
      const list = parseJobList(body);
      expect(list.jobs).toHaveLength((body.value as unknown[]).length);
      expect(list.skipped).toBe(0);
      expect(list.nextLink).toBe(body.nextLink);
    } else {
      const op = parseOperationStatus(body, body.id as string);
      expect(op.state.toLowerCase()).toBe((body.status as string).toLowerCase());
    }
  });

  const byFile = (file: string, code = '200'): Record<string, unknown> => bodies.find((b) => b.file === file && b.code === code)!.body;

  it('reads a running IaaS VM job with its tasks (JobDetails_Get)', () => {
    const job = parseJobResource(byFile('Common/GetJobDetails.json'));
    expect(job).toMatchObject({
      jobType: 'AzureIaaSVMJob',
      status: 'InProgress',
      durationMs: 9878,
      entityFriendlyName: 'testvm',
      operation: 'Backup',
    });
    expect(job.endTime).toBeUndefined();
    expect(isTerminal(job.status)).toBe(false);
    expect(job.tasks.map((t) => [t.name, t.status, t.durationMs])).toEqual([
      ['Take Snapshot', 'InProgress', 0],
      ['Transfer data to vault', 'NotStarted', 0],
    ]);
    expect(job.propertyBag).toEqual({ 'VM Name': 'testvm' });
    expect(job.extra).toEqual({ virtualMachineVersion: 'Compute' });
  });

  it('reads the completed docs job: .NET duration and numeric actionsInfo', () => {
    const job = parseJobResource(byFile('docs/managejobs_AzureIaaSVMJob_Completed.json', 'raw'));
    expect(job).toMatchObject({
      status: 'Completed',
      durationMs: 1_223_090,
      actionsInfo: ['Cancellable'],
      isCancellable: true,
      endTime: '2018-05-21T08:56:04.0385664Z',
    });
    expect(job.propertyBag['Backup Size']).toBe('2332 MB');
    expect(isTerminal(job.status)).toBe(true);
  });

  it('reads operation statuses with jobId and the endTime sentinel', () => {
    expect(parseOperationStatus(byFile('docs/operationStatus_OperationStatusJobExtendedInfo.json', 'raw'), 'x')).toEqual({
      operationId: 'x',
      state: 'Succeeded',
      jobIds: ['41f3e94b-ae6b-4a20-b422-65abfcaf03e5'],
    });
    expect(parseOperationStatus(byFile('Common/ProtectedItem_Delete_OperationStatus.json'), 'y')).toEqual({
      operationId: 'y',
      state: 'InProgress',
      jobIds: [],
    });
  });

  it('keeps nextLink of a paged list verbatim', () => {
    const list = parseJobList(byFile('Common/ListJobsWithStartTimeAndEndTimeFilters.json'));
    expect(list.nextLink).toMatch(/^https:\/\/management\.azure\.com\/subscriptions\/.*%24skiptoken=/);
  });
});

describe('parseDuration', () => {
  it.each([
    ['PT9.8782791S', 9878],
    ['PT0S', 0],
    ['P1DT2H', 93_600_000],
    ['PT1H30M', 5_400_000],
    ['P1W', 604_800_000],
    ['00:20:23.0896697', 1_223_090],
    ['00:00:00', 0],
    ['1.02:03:04', 93_784_000],
    ['12:00:00.5', 43_200_500],
  ])('%s → %d ms', (s, ms) => expect(parseDuration(s)).toBe(ms));

  it.each(['', 'P', 'PT', 'abc', '25:00:00', '00:61:00', '-PT1S', 'P1Y', undefined])('%s → undefined', (s) =>
    expect(parseDuration(s)).toBeUndefined(),
  );
});

const ID =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v1/backupJobs/';
const GUID = 'a1b2c3d4-0000-4000-8000-000000000001';
const resource = (properties: Record<string, unknown>): unknown => ({
  id: ID + GUID,
  name: GUID,
  type: 'Microsoft.RecoveryServices/vaults/backupJobs',
  properties,
});

describe('normalisation', () => {
  it('maps the 0001-01-01 sentinel end time to absent', () => {
    const job = parseJobResource(
      resource({ jobType: 'AzureIaaSVMJob', status: 'InProgress', endTime: '0001-01-01T00:00:00Z', startTime: '2026-01-01T00:00:00Z' }),
    );
    expect(job.endTime).toBeUndefined();
    expect(job.startTime).toBe('2026-01-01T00:00:00Z');
  });

  it('normalises actionsInfo given as numbers or strings, dropping Invalid', () => {
    expect(parseJobResource(resource({ jobType: 'MabJob', actionsInfo: [1, 2, 0] })).actionsInfo).toEqual(['Cancellable', 'Retriable']);
    expect(parseJobResource(resource({ jobType: 'MabJob', actionsInfo: ['cancellable', 'Invalid'] })).actionsInfo).toEqual(['Cancellable']);
    expect(parseJobResource(resource({ jobType: 'MabJob', actionsInfo: [2] })).isCancellable).toBe(false);
  });

  it.each([
    ['Canceled', 'Cancelled'],
    ['cancelled', 'Cancelled'],
    ['COMPLETEDWITHWARNINGS', 'CompletedWithWarnings'],
    ['Canceling', 'Cancelling'],
    ['Paused', 'Unknown'],
  ])('status %s → %s', (raw, status) => {
    const job = parseJobResource(resource({ jobType: 'VaultJob', status: raw }));
    expect(job.status).toBe(status);
    expect(job.rawStatus).toBe(raw);
  });

  it('keeps an unknown jobType as a tolerant fallback', () => {
    const job = parseJobResource(resource({ jobType: 'AzureFutureJob', status: 'InProgress' }));
    expect(job).toMatchObject({ jobType: 'Unknown', rawJobType: 'AzureFutureJob', status: 'InProgress' });
  });

  it('rejects bodies that are not job resources', () => {
    for (const bad of [
      null,
      'x',
      [],
      {},
      { id: ID + GUID, name: GUID },
      { id: 'x', name: 'y', properties: { jobType: 'MabJob' } },
      resource({ status: 'InProgress' }),
    ]) {
      expect(() => parseJobResource(bad)).toThrow(MalformedResponseError);
    }
    expect(() => parseJobList({ value: 'nope' })).toThrow(MalformedResponseError);
    expect(parseJobList({ value: [resource({ jobType: 'MabJob' }), { broken: true }] })).toMatchObject({ skipped: 1 });
  });

  it('reads operation statuses: Canceled, jobIds, error object', () => {
    const ids = ['A1B2C3D4-0000-4000-8000-000000000002', GUID];
    expect(
      parseOperationStatus({ status: 'Succeeded', properties: { objectType: 'OperationStatusJobsExtendedInfo', jobIds: ids } }, 'o').jobIds,
    ).toEqual(ids.map((i) => i.toLowerCase()));
    expect(parseOperationStatus({ status: 'Cancelled' }, 'o').state).toBe('Canceled');
    expect(parseOperationStatus({ status: 'Failed', error: { code: 'UserErrorX', message: 'It broke' } }, 'o')).toEqual({
      operationId: 'o',
      state: 'Failed',
      jobIds: [],
      error: { code: 'UserErrorX', message: 'It broke' },
    });
    expect(() => parseOperationStatus({ status: 'Weird' }, 'o')).toThrow(MalformedResponseError);
    expect(() => parseOperationStatus({ status: 'Succeeded', properties: { jobId: '../x' } }, 'o')).toThrow(MalformedResponseError);
  });
});

/** A sample value for each property of a spec definition, so every job type is built from the spec itself. */
function sampleFor(def: string): Record<string, unknown> {
  const props = SPEC.definitions[def].properties ?? {};
  const out: Record<string, unknown> = {};
  for (const [k, schema] of Object.entries(props) as Array<[string, { type?: string; $ref?: string; items?: { $ref?: string } }]>) {
    if (k === 'duration') out[k] = 'PT1M';
    else if (k === 'actionsInfo') out[k] = ['Cancellable'];
    else if (k === 'errorDetails') out[k] = [sampleFor(schema.items!.$ref!.split('/').pop()!)];
    else if (k === 'extendedInfo') out[k] = sampleFor(schema.$ref!.split('/').pop()!);
    else if (k === 'tasksList') out[k] = [sampleFor(schema.items!.$ref!.split('/').pop()!)];
    else if (k === 'propertyBag' || k === 'internalPropertyBag') out[k] = { Key: 'Value' };
    else if (k === 'recommendations') out[k] = ['Do this'];
    else if (k === 'estimatedRemainingDuration') out[k] = '00:05:00';
    else if (k.endsWith('Time')) out[k] = '2026-01-01T00:00:00Z';
    else if (schema.type === 'integer') out[k] = 42;
    else if (schema.type === 'number') out[k] = 37.5;
    else if (schema.type === 'boolean') out[k] = true;
    else out[k] = k === 'status' ? 'InProgress' : `${k}-value`;
  }
  return out;
}

describe('each of the seven job types built from the spec definitions', () => {
  it.each(JOB_TYPES.map((t) => [t]))('%s', (type) => {
    const props = { ...sampleFor('Job'), ...sampleFor(type), jobType: type, status: 'Failed' };
    const job: BackupJob = parseJobResource(resource(props));
    expect(job.jobType).toBe(type);
    expect(job).toMatchObject({
      status: 'Failed',
      durationMs: 60_000,
      actionsInfo: ['Cancellable'],
      entityFriendlyName: 'entityFriendlyName-value',
    });
    const errorDef =
      SPEC.definitions[`${type === 'AzureIaaSVMJobV2' ? 'AzureIaaSVM' : type.replace(/Job$/, '')}ErrorInfo`]?.properties ??
      SPEC.definitions.VaultJobErrorInfo.properties!;
    expect(job.errors).toHaveLength(1);
    const err = job.errors[0];
    expect(err.recommendations).toEqual(['Do this']);
    expect(err.code).toBe('errorCode' in errorDef ? '42' : undefined);
    expect(err.title).toBe('errorTitle' in errorDef ? 'errorTitle-value' : undefined);
    expect(err.message).toContain('errorString-value');
    if ('additionalDetails' in errorDef) expect(err.message).toContain('additionalDetails-value');
    if (type === 'AzureWorkloadJob' || type === 'DpmJob' || type === 'MabJob') expect(job.workloadType).toBe('workloadType-value');
    const ext = sampleFor(type).extendedInfo as Record<string, unknown> | undefined;
    if (ext && 'tasksList' in ext) expect(job.tasks[0]).toMatchObject({ name: 'taskId-value', status: 'InProgress' });
    if (ext && 'propertyBag' in ext) expect(job.propertyBag).toEqual({ Key: 'Value' });
    if (type.startsWith('AzureIaaSVMJob')) {
      expect(job).toMatchObject({ progressPercentage: 37.5, estimatedRemainingMs: 300_000 });
      expect(job.tasks[0]).toMatchObject({ progressPercentage: 37.5, durationMs: 60_000, instanceId: 'instanceId-value' });
    }
    if (type === 'DpmJob') expect(job.extra).toMatchObject({ dpmServerName: 'dpmServerName-value', containerType: 'containerType-value' });
    if (type === 'MabJob') expect(job.extra).toMatchObject({ mabServerName: 'mabServerName-value' });
    if (type === 'AzureStorageJob')
      expect(job.extra).toMatchObject({ storageAccountName: 'storageAccountName-value', isUserTriggered: true });
  });
});
