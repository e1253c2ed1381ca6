import { API, arr, guid, Harness, jobPath, obj, START, SUB, VAULT_PATH, vmJob, type JsonObject, str } from './helpers';

const MIN = 60_000;

describe('simulated vault routes', () => {
  // 120 jobs one minute apart, newest started 1 min before START; every third is a restore, every fifth SQL.
  const jobs = Array.from({ length: 120 }, (_, i) =>
    vmJob(guid(i + 1), START - (i + 1) * MIN, {
      operation: i % 3 === 0 ? 'Restore' : 'Backup',
      ...(i % 5 === 0 ? { jobType: 'AzureWorkloadJob' as const, backupManagementType: 'AzureWorkload', workloadType: 'SQLDataBase' } : {}),
    }),
  );
  const h = new Harness([...jobs, vmJob(guid(999), START + 10 * MIN)]);
  beforeAll(() => h.start());
  afterAll(() => h.close());
  beforeEach(() => h.server.resetCounts());

  const listAll = async (first: string): Promise<{ pages: number; items: JsonObject[] }> => {
    let next: string | undefined = first;
    const items: JsonObject[] = [];
    let pages = 0;
    while (next) {
      const body = await h.getJson(next);
      pages++;
      items.push(...arr(body['value']).map(obj));
      next = body['nextLink'] === undefined ? undefined : str(body['nextLink']);
      if (next) expect(next.startsWith(`${h.url}/subscriptions/`)).toBe(true);
    }
    return { pages, items };
  };

  it('answers ARM paths whatever their casing', async () => {
    const id = guid(1);
    const variants = [
      `/subscriptions/${SUB}/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/vault-demo/backupJobs/${id}?${API}`,
      `/Subscriptions/${SUB}/resourceGroups/rg-backup/providers/microsoft.recoveryservices/vaults/vault-demo/backupJobs/${id}?${API}`,
      `/SUBSCRIPTIONS/${SUB.toUpperCase()}/RESOURCEGROUPS/RG-BACKUP/PROVIDERS/MICROSOFT.RECOVERYSERVICES/VAULTS/VAULT-DEMO/BACKUPJOBS/${id.toUpperCase()}?${API}`,
    ];
    for (const v of variants) {
      const r = await h.get(v);
      expect(r.status).toBe(200);
      expect(r.json()['name']).toBe(id);
    }
    expect(h.server.counts()['getJob']).toBe(3);
  });

  it('says 404 with an ARM error body for an unknown job, a job not started yet, an unknown vault and an unknown route', async () => {
    for (const p of [
      jobPath(guid(5000)),
      jobPath(guid(999)),
      jobPath(guid(1), VAULT_PATH.replace('vault-demo', 'vault-other')),
      `${VAULT_PATH}/backupPolicies?${API}`,
    ]) {
      const r = await h.get(p);
      expect(r.status).toBe(404);
      const err = obj(r.json()['error']);
      expect(typeof err['code']).toBe('string');
      expect(typeof err['message']).toBe('string');
    }
    expect(h.server.counts()['notFound']).toBe(4);
  });

  it('refuses encoded slashes and control characters in path segments', async () => {
    for (const seg of ['rg-backup%2Fproviders', 'rg%5Cbackup', 'rg%00backup', '%E0%A4%A']) {
      const r = await h.get(
        `/subscriptions/${SUB}/resourceGroups/${seg}/providers/Microsoft.RecoveryServices/vaults/vault-demo/backupJobs?${API}`,
      );
      expect(r.status).toBe(400);
    }
  });

  it('requires api-version, like ARM', async () => {
    const r = await h.get(`${VAULT_PATH}/backupJobs/${guid(1)}`);
    expect(r.status).toBe(400);
    expect(obj(r.json()['error'])['code']).toBe('MissingApiVersionParameter');
    expect((await h.get(`${VAULT_PATH}/backupJobs/${guid(1)}?api-version=latest`)).status).toBe(400);
    const bad = await h.get(`/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v/backupJobs?${API}`);
    expect(obj(bad.json()['error'])['code']).toBe('InvalidSubscriptionId');
  });

  it('pages 120 jobs by 50 with absolute nextLinks, newest first, nothing twice', async () => {
    const { pages, items } = await listAll(`${VAULT_PATH}/backupJobs?${API}`);
    expect(pages).toBe(3);
    expect(items.map((i) => i['name'])).toEqual(jobs.map((j) => j.jobId));
    expect(h.server.counts()['listJobs']).toBe(3);
  });

  it('filters by operation, management type, status, job id and start-time window', async () => {
    const q = (f: string): string => `${VAULT_PATH}/backupJobs?${API}&$filter=${encodeURIComponent(f)}`;
    const restores = await listAll(q("operation eq 'Restore'"));
    expect(restores.items.map((i) => i['name'])).toEqual(jobs.filter((j) => j.operation === 'Restore').map((j) => j.jobId));
    const sqlBackups = await listAll(q("backupManagementType eq 'AzureWorkload' and operation eq 'Backup'"));
    expect(sqlBackups.items.map((i) => i['name'])).toEqual(
      jobs.filter((j) => j.backupManagementType === 'AzureWorkload' && j.operation === 'Backup').map((j) => j.jobId),
    );
    // Jobs last 5 minutes: the 4 newest are running at START, the rest are done.
    const running = await listAll(q("status eq 'InProgress'"));
    expect(running.items.map((i) => i['name'])).toEqual(jobs.slice(0, 4).map((j) => j.jobId));
    expect((await listAll(q("status eq 'Completed'"))).items).toHaveLength(116);
    const one = await listAll(q(`jobId eq '${guid(7).toUpperCase()}'`));
    expect(one.items.map((i) => i['name'])).toEqual([guid(7)]);
    const from = new Date(START - 10 * MIN).toISOString();
    const to = new Date(START - 5 * MIN).toISOString();
    const window = await listAll(q(`startTime eq '${from}' and endTime eq '${to}'`));
    expect(window.items.map((i) => i['name'])).toEqual(jobs.slice(4, 10).map((j) => j.jobId));
    // The examples' own time format.
    const old = await listAll(
      q("startTime eq '2016-01-01 00:00:00 AM' and endTime eq '2017-11-29 00:00:00 AM' and status eq 'InProgress'"),
    );
    expect(old.items).toHaveLength(0);
  });

  it('keeps paging with a filter through nextLink', async () => {
    const { pages, items } = await listAll(`${VAULT_PATH}/backupJobs?${API}&$filter=${encodeURIComponent("operation eq 'Backup'")}`);
    expect(items).toHaveLength(80);
    expect(pages).toBe(2);
  });

  it.each([
    ["status eq 'Running'"],
    ["status = 'InProgress'"],
    ['status eq InProgress'],
    ["colour eq 'blue'"],
    ["status eq 'InProgress' or operation eq 'Backup'"],
    ["status eq 'InProgress' and"],
    ["startTime eq '2026-01-01T00:00:00Z'"],
    ["startTime eq '2026-02-01T00:00:00Z' and endTime eq '2026-01-01T00:00:00Z'"],
    ["startTime eq 'yesterday' and endTime eq 'today'"],
    ["jobId eq '../../etc'"],
    ["status eq 'InProgress' and status eq 'Failed'"],
    ["status eq 'InProg"],
  ])('rejects the filter %s with 400', async (f) => {
    const r = await h.get(`${VAULT_PATH}/backupJobs?${API}&$filter=${encodeURIComponent(f)}`);
    expect(r.status).toBe(400);
    expect(obj(r.json()['error'])['code']).toBe('BMSUserErrorInvalidInput');
  });

  it('rejects a forged skip token', async () => {
    expect((await h.get(`${VAULT_PATH}/backupJobs?${API}&$skiptoken=abc`)).status).toBe(400);
  });

  it('carries x-ms-ratelimit-remaining-subscription-reads on every answer, counting down', async () => {
    const a = await h.get(jobPath(guid(1)));
    const b = await h.get(jobPath(guid(5000)));
    const c = await h.get(`${VAULT_PATH}/backupJobs/${guid(1)}`);
    const reads = [a, b, c].map((r) => Number(r.headers['x-ms-ratelimit-remaining-subscription-reads']));
    expect(reads.every((n) => Number.isInteger(n) && n >= 0 && n < 250)).toBe(true);
    expect(reads[1]).toBe(reads[0] - 1);
    await h.clock.advance(60_000); // the bucket refills on the simulator clock
    expect(Number((await h.get(jobPath(guid(1)))).headers['x-ms-ratelimit-remaining-subscription-reads'])).toBe(249);
  });

  it('resolves a triggered operation to its job id at vault and protected-item depth', async () => {
    const op = h.server.triggerOperation(vmJob(guid(2000), 0), 10_000);
    expect(op.asyncOperationPath).toMatch(/\/protectedItems\/.+\/operationsStatus\/[0-9a-f-]{36}\?api-version=/);
    const vaultLevel = `${VAULT_PATH}/backupOperations/${op.operationId}?${API}`;
    const before = await h.getJson(vaultLevel);
    expect(before['status']).toBe('InProgress');
    expect(before['endTime']).toBe('0001-01-01T00:00:00Z');
    expect(before['properties']).toBeUndefined();
    expect((await h.get(jobPath(guid(2000)))).status).toBe(404);
    expect((await h.get(op.locationPath)).status).toBe(202);
    await h.clock.advance(10_000);
    for (const p of [vaultLevel, op.asyncOperationPath, `${VAULT_PATH}/operationsStatus/${op.operationId}?${API}`]) {
      const after = await h.getJson(p);
      expect(after['status']).toBe('Succeeded');
      expect(obj(after['properties'])).toEqual({ objectType: 'OperationStatusJobExtendedInfo', jobId: guid(2000) });
    }
    expect((await h.get(op.locationPath)).status).toBe(204);
    expect((await h.get(`${VAULT_PATH}/backupOperationResults/${op.operationId}?${API}`)).status).toBe(204);
    expect(obj((await h.getJson(jobPath(guid(2000))))['properties'])['status']).toBe('InProgress');
    expect(h.server.counts()['operationStatus']).toBe(4);
    expect(h.server.counts()['operationResult']).toBe(3);
  });

  it('reports a failed operation with its error and creates no job', async () => {
    const op = h.server.triggerOperation(vmJob(guid(2001), 0), 1_000, {
      code: 'UserErrorBackupOperationInProgress',
      message: 'Another backup is running.',
    });
    await h.clock.advance(1_000);
    const status = await h.getJson(`${VAULT_PATH}/backupOperations/${op.operationId}?${API}`);
    expect(status['status']).toBe('Failed');
    expect(status['error']).toEqual({ code: 'UserErrorBackupOperationInProgress', message: 'Another backup is running.' });
    expect(h.server.truth(guid(2001))).toBeUndefined();
    expect((await h.get(`${VAULT_PATH}/backupOperations/${guid(3000)}?${API}`)).status).toBe(404);
  });

  it('cancels a running job: 202 + Location + Retry-After, then Cancelling, then Cancelled', async () => {
    const id = guid(3);
    expect(obj((await h.getJson(jobPath(id)))['properties'])['actionsInfo']).toEqual([1]);
    const requestedAt = h.clock.now();
    const r = await h.call('POST', `${VAULT_PATH}/backupJobs/${id}/cancel?${API}`);
    expect(r.status).toBe(202);
    const location = String(r.headers['location']);
    expect(location).toMatch(new RegExp(`^${h.url}/subscriptions/.+/backupJobs/${id}/operationResults/[0-9a-f-]{36}\\?api-version=`));
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    expect((await h.get(location)).status).toBe(202);
    const cancelling = obj((await h.getJson(jobPath(id)))['properties']);
    expect(cancelling['status']).toBe('Cancelling');
    expect(cancelling['actionsInfo']).toEqual([]);
    expect(h.server.truth(id)).toEqual({ status: 'Cancelling' });
    await h.clock.advance(Number(r.headers['retry-after']) * 1000);
    expect((await h.get(location)).status).toBe(204);
    await h.clock.advance(20_000);
    const done = obj((await h.getJson(jobPath(id)))['properties']);
    expect(done['status']).toBe('Cancelled');
    expect(done['endTime']).toBeDefined();
    expect(arr(obj(done['extendedInfo'])['tasksList']).map((t) => obj(t)['status'])).toContain('Cancelled');
    expect(h.server.truth(id)).toEqual({ status: 'Cancelled', endedAt: requestedAt + 20_000 });
    // A finished job cannot be cancelled.
    const again = await h.call('POST', `${VAULT_PATH}/backupJobs/${id}/cancel?${API}`);
    expect(again.status).toBe(400);
    expect(h.server.counts()['cancel']).toBe(2);
  });

  it('lists every job by its full ARM id and tells the truth about each', () => {
    const ids = h.server.jobResourceIds();
    expect(ids).toContain(`${VAULT_PATH}/backupJobs/${guid(1)}`);
    expect(h.server.truth(guid(999))).toEqual({ status: 'NotStarted' });
    expect(h.server.truth(guid(120))?.status).toBe('Completed');
  });
});
