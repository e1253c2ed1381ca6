import { request } from 'undici';
import { VirtualClock } from '../../../src/core/clock';
import { SimulatorServer } from '../../../tools/simulator/server';
import { startFakeEntra, type FakeEntra } from '../../support/fake-entra';
import { API, arr, guid, obj, RG, START, str, SUB, VAULT, VAULT_PATH, vmJob, type JsonObject } from './helpers';

const VAULT_ID = { subscriptionId: SUB, resourceGroup: RG, vaultName: VAULT };
const APP = {
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  clientId: '3c4d5e6f-1111-4222-8333-444455556666',
  clientSecret: 's3cret-value',
};
const OPERATOR = { oid: '00000000-0000-0000-0000-0000000000a1', name: 'Olga Operator' };
const READER = { oid: '00000000-0000-0000-0000-0000000000b2', name: 'Rudi Reader' };
const ITEM = `backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;rg-backup;vm-web/protectedItems/VM;iaasvmcontainerv2;rg-backup;vm-web`;

describe('simulated vault: protected items, Backups_Trigger, cancel and role assignments', () => {
  const clock = new VirtualClock(START);
  let entra: FakeEntra;
  let sim: SimulatorServer;
  let url = '';
  const running = vmJob(guid(1), START - 60_000, { entityFriendlyName: 'vm-web' });
  const sql = vmJob(guid(2), START - 120_000, {
    jobType: 'AzureWorkloadJob',
    backupManagementType: 'AzureWorkload',
    workloadType: 'SQLDataBase',
    entityFriendlyName: 'salesdb',
    outcome: 'Failed',
  });

  beforeAll(async () => {
    entra = await startFakeEntra(APP);
    sim = new SimulatorServer({ clock, jobs: [running, sql], roles: { tokenKeyPem: entra.publicKeyPem } });
    url = await sim.start(0);
    sim.roles!.assign(OPERATOR.oid, VAULT_ID, 'Backup Operator');
    sim.roles!.assign(READER.oid, VAULT_ID, 'Backup Reader');
  });
  afterAll(async () => {
    await sim.stop();
    await entra.close();
  });

  const call = async (
    method: 'GET' | 'POST',
    p: string,
    token?: string,
  ): Promise<{ status: number; headers: Record<string, unknown>; json: JsonObject }> => {
    const target = p.startsWith('http') ? new URL(p) : new URL(p, url);
    const res = await request(`${url}${target.pathname}${target.search}`, {
      method,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(method === 'POST' ? { body: '' } : {}),
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, json: text ? (JSON.parse(text) as JsonObject) : {} };
  };

  it('lists protected items in the spec shape, filtered by backupManagementType, and gets one', async () => {
    const all = await call('GET', `${VAULT_PATH}/backupProtectedItems?${API}`);
    expect(all.status).toBe(200);
    const items = arr(all.json['value']).map(obj);
    expect(items.map((i) => str(obj(i['properties'])['friendlyName'])).sort()).toEqual(['salesdb', 'vm-web']);
    const vm = items.find((i) => obj(i['properties'])['friendlyName'] === 'vm-web')!;
    expect(vm['type']).toBe('Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems');
    expect(obj(vm['properties'])).toMatchObject({
      protectedItemType: 'Microsoft.Compute/virtualMachines',
      backupManagementType: 'AzureIaasVM',
      workloadType: 'VM',
      containerName: 'iaasvmcontainerv2;rg-backup;vm-web',
    });
    const filtered = await call(
      'GET',
      `${VAULT_PATH}/backupProtectedItems?${API}&$filter=${encodeURIComponent("backupManagementType eq 'AzureWorkload'")}`,
    );
    expect(arr(filtered.json['value']).map((i) => obj(obj(i)['properties'])['friendlyName'])).toEqual(['salesdb']);
    const one = await call('GET', `${VAULT_PATH}/${ITEM}?${API}`);
    expect(one.status).toBe(200);
    expect(one.json['id']).toBe(vm['id']);
    // The IaaS job names its container, which leads to the item.
    const job = await call('GET', `${VAULT_PATH}/backupJobs/${running.jobId}?${API}`);
    expect(obj(job.json['properties'])['containerName']).toBe('iaasvmcontainerv2;rg-backup;vm-web');
  });

  it('refuses a write by the bot (no token) and by a Backup Reader with 403 AuthorizationFailed, changing nothing', async () => {
    for (const token of [undefined, entra.ssoToken(READER)]) {
      const r = await call('POST', `${VAULT_PATH}/${ITEM}/backup?${API}`, token);
      expect(r.status).toBe(403);
      expect(obj(r.json['error'])['code']).toBe('AuthorizationFailed');
      const c = await call('POST', `${VAULT_PATH}/backupJobs/${running.jobId}/cancel?${API}`, token);
      expect(c.status).toBe(403);
    }
    expect(sim.triggeredBackups()).toEqual([]);
    expect(sim.truth(running.jobId)?.status).toBe('InProgress');
    // Reads are allowed to both.
    expect((await call('GET', `${VAULT_PATH}/backupJobs/${running.jobId}?${API}`)).status).toBe(200);
    expect((await call('GET', `${VAULT_PATH}/backupJobs/${running.jobId}?${API}`, entra.ssoToken(READER))).status).toBe(200);
  });

  it('answers 401 to a token it cannot verify', async () => {
    const token = entra.ssoToken(OPERATOR);
    const forged = `${token.slice(0, token.lastIndexOf('.'))}.${Buffer.from('nope').toString('base64url')}`;
    const r = await call('POST', `${VAULT_PATH}/${ITEM}/backup?${API}`, forged);
    expect(r.status).toBe(401);
    expect(obj(r.json['error'])['code']).toBe('InvalidAuthenticationToken');
  });

  it('triggers a backup for a Backup Operator: 202, the operation yields the job id, the job runs', async () => {
    const token = entra.ssoToken(OPERATOR);
    const r = await call('POST', `${VAULT_PATH}/${ITEM}/backup?${API}`, token);
    expect(r.status).toBe(202);
    const asyncOp = str(r.headers['azure-asyncoperation'] as string);
    expect(asyncOp).toContain('/protectedItems/VM;iaasvmcontainerv2;rg-backup;vm-web/operationsStatus/');
    expect(str(r.headers['location'] as string)).toContain('/operationResults/');
    expect((await call('GET', asyncOp, token)).json['status']).toBe('InProgress');
    await clock.advance(5_000);
    const done = await call('GET', asyncOp, token);
    expect(done.json['status']).toBe('Succeeded');
    const jobId = str(obj(done.json['properties'])['jobId']);
    expect(sim.triggeredBackups()).toEqual([expect.objectContaining({ jobId })]);
    const job = await call('GET', `${VAULT_PATH}/backupJobs/${jobId}?${API}`, token);
    expect(obj(job.json['properties'])).toMatchObject({ status: 'InProgress', operation: 'Backup', entityFriendlyName: 'vm-web' });
  });

  it('cancels for a Backup Operator and 404s an unknown item', async () => {
    const token = entra.ssoToken(OPERATOR);
    const c = await call('POST', `${VAULT_PATH}/backupJobs/${running.jobId}/cancel?${API}`, token);
    expect(c.status).toBe(202);
    expect(sim.truth(running.jobId)?.status).toBe('Cancelling');
    const missing = await call('POST', `${VAULT_PATH}/${ITEM.replace(/vm-web/g, 'vm-gone')}/backup?${API}`, token);
    expect(missing.status).toBe(404);
  });
});
