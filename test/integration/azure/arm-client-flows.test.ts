import { ArmClient } from '../../../src/azure/arm-client';
import { ArmError, MalformedResponseError } from '../../../src/azure/errors';
import { parseOperationRef } from '../../../src/azure/ids';
import type { JobKey, VaultId } from '../../../src/domain/job';
import { FakeCredential, RecordingClock, ScriptedServer, example, json } from './scripted-server';

const SUB = '00000000-0000-0000-0000-000000000000';
const OP = '11111111-2222-4333-8444-555555555555';
const VAULT: VaultId = { subscriptionId: SUB, resourceGroup: 'SwaggerTestRg', vaultName: 'NetSDKTestRsVault' };
const KEY: JobKey = { vault: VAULT, jobId: SUB };
const VAULT_PATH = `/subscriptions/${SUB}/resourceGroups/SwaggerTestRg/providers/Microsoft.RecoveryServices/vaults/NetSDKTestRsVault`;
const listBody = example('Common/ListJobs.json').responses['200'].body as { value: unknown[] };
const pagedBody = example('Common/ListJobsWithStartTimeAndEndTimeFilters.json').responses['200'].body as {
  value: unknown[];
  nextLink: string;
};
const cancelLocation = example('Common/TriggerCancelJob.json').responses['202'].headers!.Location as string;

const server = new ScriptedServer();
let endpoint: string;
let clock: RecordingClock;
let arm: ArmClient;

/** Azure's links point at management.azure.com; the scripted server stands in for it. */
const local = (url: string): string => url.replace('https://management.azure.com', endpoint);

beforeAll(async () => {
  endpoint = await server.start();
});
beforeEach(() => {
  clock = new RecordingClock();
  arm = new ArmClient({ endpoint, credential: new FakeCredential(clock), clock, random: () => 0.5 });
});
afterEach(async () => {
  expect(server.remaining()).toBe(0);
  await arm.close();
});
afterAll(() => server.stop());

async function failure(p: Promise<unknown>): Promise<ArmError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ArmError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

describe('listJobs', () => {
  it('sends the $filter and follows nextLink verbatim to the last page', async () => {
    const next = local(pagedBody.nextLink);
    server.script(
      json(200, { ...pagedBody, nextLink: next }, { 'x-ms-ratelimit-remaining-subscription-reads': '200' }),
      json(200, listBody, { 'x-ms-ratelimit-remaining-subscription-reads': '199' }),
    );
    const { value, meta } = await arm.listJobs(VAULT, {
      status: 'InProgress',
      startTime: '2016-01-01T00:00:00Z',
      endTime: '2017-11-29T00:00:00Z',
    });
    expect(value).toHaveLength(4);
    expect(meta).toEqual({ remainingReads: 199, attempts: 2 });
    const first = new URL(server.seen[0].url, endpoint);
    expect(first.pathname).toBe(`${VAULT_PATH}/backupJobs`);
    expect(first.searchParams.get('api-version')).toBe('2026-02-01');
    expect(first.searchParams.get('$filter')).toBe(
      "status eq 'InProgress' and startTime eq '2016-01-01 12:00:00 AM' and endTime eq '2017-11-29 12:00:00 AM'",
    );
    // The second request is the nextLink exactly as Azure wrote it, older api-version and skiptoken included.
    expect(endpoint + server.seen[1].url).toBe(next);
  });

  it('stops at maxPages and says the list is truncated', async () => {
    const page = (n: number): unknown => ({
      value: listBody.value,
      nextLink: `${endpoint}${VAULT_PATH}/backupJobs?api-version=2017-07-01&%24skiptoken=${n}`,
    });
    server.script(json(200, page(1)), json(200, page(2)));
    const { value, meta } = await arm.listJobs(VAULT, {}, { maxPages: 2 });
    expect(value).toHaveLength(4);
    expect(meta.truncated).toBe(true);
  });

  it.each([
    ['another host', () => `https://evil.example.com${VAULT_PATH}/backupJobs?%24skiptoken=x`],
    ['another port', (e: string) => `${e.replace(/:\d+$/, ':1')}${VAULT_PATH}/backupJobs?%24skiptoken=x`],
    ['another vault', (e: string) => `${e}${VAULT_PATH.replace('NetSDKTestRsVault', 'OtherVault')}/backupJobs?%24skiptoken=x`],
    ['a path with ..', (e: string) => `${e}${VAULT_PATH}/backupJobs/../../OtherVault/backupJobs?x=1`],
    ['an encoded slash', (e: string) => `${e}${VAULT_PATH}/backupJobs%2F..%2Fx?x=1`],
    ['a relative link', () => `${VAULT_PATH}/backupJobs?x=1`],
    ['a repeated page', (e: string) => `${e}${VAULT_PATH}/backupJobs?api-version=2026-02-01`],
  ])('refuses a nextLink to %s', async (_name, link) => {
    server.script(json(200, { value: listBody.value, nextLink: link(endpoint) }));
    const e = await failure(arm.listJobs(VAULT));
    expect(e).toBeInstanceOf(MalformedResponseError);
  });
});

describe('getOperationStatus', () => {
  it('follows a backupOperations GUID from InProgress to Succeeded with the job id', async () => {
    const done = example('AzureIaasVm/ProtectedItemOperationStatus.json').responses['200'].body as Record<string, unknown>;
    const running = example('Common/ProtectedItem_Delete_OperationStatus.json').responses['200'].body;
    server.script(
      json(200, running),
      json(200, { ...done, properties: { objectType: 'OperationStatusJobExtendedInfo', jobId: 'C0FFEE00-0000-4000-8000-000000000001' } }),
    );
    const ref = { kind: 'guid', operationId: OP } as const;
    expect((await arm.getOperationStatus(VAULT, ref)).value).toEqual({ operationId: OP, state: 'InProgress', jobIds: [] });
    expect((await arm.getOperationStatus(VAULT, ref)).value).toEqual({
      operationId: OP,
      state: 'Succeeded',
      jobIds: ['c0ffee00-0000-4000-8000-000000000001'],
    });
    expect(server.seen[0].url).toBe(`${VAULT_PATH}/backupOperations/${OP}?api-version=2026-02-01`);
  });

  it('follows the operationsStatus URL of a trigger-backup header', async () => {
    const header = example('Common/TriggerBackup_Post.json').responses['202'].headers!['Azure-AsyncOperation'] as string;
    const ref = parseOperationRef(header);
    const vault = ref.kind === 'url' ? ref.vault : VAULT;
    server.script(
      json(200, { id: SUB, name: SUB, status: 'Succeeded', properties: { objectType: 'OperationStatusJobExtendedInfo', jobId: OP } }),
    );
    const { value } = await arm.getOperationStatus(vault, ref);
    expect(value).toEqual({ operationId: SUB, state: 'Succeeded', jobIds: [OP] });
    expect(server.seen[0].url).toContain('/protectedItems/VM;iaasvmcontainer;testrg;v1win2012r/operationsStatus/');
  });

  it('reads an operationResults URL: 202 running, 204 done', async () => {
    const ref = parseOperationRef(cancelLocation);
    server.script(json(202, undefined, { location: cancelLocation, 'retry-after': '60' }), json(204));
    const running = await arm.getOperationStatus(VAULT, ref);
    expect(running.value.state).toBe('InProgress');
    // The wait Azure asks for reaches the caller, which follows it (commands/action-runs.ts).
    expect(running.meta.retryAfterMs).toBe(60_000);
    const done = await arm.getOperationStatus(VAULT, ref);
    expect(done.value.state).toBe('Succeeded');
    expect(done.meta.retryAfterMs).toBeUndefined();
  });

  it('refuses an operation URL of another vault', async () => {
    server.script();
    const ref = parseOperationRef(cancelLocation);
    const e = await failure(arm.getOperationStatus({ ...VAULT, vaultName: 'OtherVault' }, ref));
    expect(e.kind).toBe('badRequest');
  });
});

describe('cancelJob', () => {
  it('posts cancel, then polls the Location honouring Retry-After until 204', async () => {
    const location = local(cancelLocation);
    server.script(
      json(202, undefined, { location, 'retry-after': '60' }),
      json(202, undefined, { location, 'retry-after': '5' }),
      json(204),
    );
    const { value, meta } = await arm.cancelJob(KEY);
    expect(value).toEqual({ accepted: true });
    expect(meta.attempts).toBe(3);
    expect(clock.sleeps).toEqual([60_000, 5000]);
    expect(server.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      `POST ${VAULT_PATH}/backupJobs/${SUB}/cancel?api-version=2026-02-01`,
      `GET ${location.slice(endpoint.length)}`,
      `GET ${location.slice(endpoint.length)}`,
    ]);
  });

  it('polls at the default interval when Azure sends no Retry-After', async () => {
    server.script(json(202, undefined, { location: local(cancelLocation) }), json(200));
    await arm.cancelJob(KEY);
    expect(clock.sleeps).toEqual([10_000]);
  });

  it.each([
    ['another host', () => cancelLocation],
    ['another vault', () => local(cancelLocation).replace('NetSDKTestRsVault', 'OtherVault')],
    ['a traversal', () => local(cancelLocation).replace('/backupJobs/', '/backupJobs/../../../x/')],
  ])('refuses a Location to %s', async (_n, location) => {
    server.script(json(202, undefined, { location: location() }));
    expect(await failure(arm.cancelJob(KEY))).toBeInstanceOf(MalformedResponseError);
  });

  it('gives up after maxPolls with a message to check the job', async () => {
    const c = new ArmClient({ endpoint, credential: 'none', clock, maxPolls: 2 });
    const pending = json(202, undefined, { location: local(cancelLocation), 'retry-after': '1' });
    server.script(pending, pending, pending);
    const e = await failure(c.cancelJob(KEY));
    await c.close();
    expect(e).toMatchObject({ kind: 'transient' });
    expect(e.message).toContain("look at the job's status");
  });
});
