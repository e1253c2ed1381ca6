import fs from 'node:fs';
import path from 'node:path';
import {
  IdError,
  isGuid,
  jobKeyString,
  parseJobRef,
  parseOperationRef,
  parseVaultId,
  parseVaultRef,
  sameVault,
  vaultKeyString,
} from '../../../src/azure/ids';
import type { JobKey } from '../../../src/domain/job';

const SHARED = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'azure-backup-api');
const readJson = (rel: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(SHARED, rel), 'utf8')) as Record<string, unknown>;

const SUB = '00000000-0000-0000-0000-000000000000';
const JOB = '7ddead57-bcb9-4269-ac31-6a1b57588700';
const docsJob = readJson('examples/docs/managejobs_AzureIaaSVMJob_Completed.json');
const listJobs = readJson('examples/Common/ListJobs.json') as {
  responses: { 200: { body: { value: Array<{ id: string }> } } };
};
const headerOf = (rel: string, code: string, name: string): string =>
  (readJson(rel) as { responses: Record<string, { headers: Record<string, string> }> }).responses[code].headers[name];

describe('parseJobRef accepts', () => {
  it('a bare GUID, lower-cased', () => {
    expect(parseJobRef(JOB.toUpperCase())).toEqual({ kind: 'guid', jobId: JOB });
  });

  it('the docs id with lower-case microsoft.recoveryservices', () => {
    const ref = parseJobRef(docsJob.id as string);
    expect(ref).toEqual({
      kind: 'resourceId',
      key: {
        vault: { subscriptionId: SUB, resourceGroup: 'Default-RecoveryServices-ResourceGroup-centralindia', vaultName: 'abdemovault' },
        jobId: JOB,
      },
    });
  });

  it('the example id with /Subscriptions/ casing', () => {
    const id = listJobs.responses[200].body.value[0].id;
    expect(id.startsWith('/Subscriptions/')).toBe(true);
    const ref = parseJobRef(id);
    expect(ref.kind === 'resourceId' && ref.key.vault).toEqual({
      subscriptionId: SUB,
      resourceGroup: 'SwaggerTestRg',
      vaultName: 'NetSDKTestRsVault',
    });
  });

  it('an id without the leading slash and any keyword casing', () => {
    const ref = parseJobRef(`SUBSCRIPTIONS/${SUB}/RESOURCEGROUPS/rg1/PROVIDERS/MICROSOFT.RECOVERYSERVICES/VAULTS/v1/BACKUPJOBS/${JOB}`);
    expect(ref).toEqual({ kind: 'resourceId', key: { vault: { subscriptionId: SUB, resourceGroup: 'rg1', vaultName: 'v1' }, jobId: JOB } });
  });

  const plainId = docsJob.id as string;
  const expectedKey = (parseJobRef(plainId) as { key: JobKey }).key;
  it.each([
    ['plain portal link', `https://portal.azure.com/#@contoso.onmicrosoft.com/resource${plainId}/overview`],
    ['URL-encoded portal link', `https://portal.azure.com/#@contoso.onmicrosoft.com/resource${encodeURIComponent(plainId)}`],
    ['id in a query parameter', `https://portal.azure.com/?feature.x=1&id=${encodeURIComponent(plainId)}#home`],
    [
      'id in a blade parameter after a vault id',
      `https://portal.azure.com/#view/Blade/vaultId/${encodeURIComponent(plainId.split('/backupJobs')[0])}/jobId/${encodeURIComponent(plainId)}`,
    ],
    ['upper-case percent escapes', `https://portal.azure.com/#resource${encodeURIComponent(plainId).replace(/%2f/gi, '%2F')}`],
    ['an id that starts with %2F', encodeURIComponent(plainId)],
  ])('a %s', (_name, input) => {
    expect(parseJobRef(input)).toEqual({ kind: 'resourceId', key: expectedKey });
  });
});

describe('parseVaultRef accepts', () => {
  it('a vault name', () => expect(parseVaultRef('abdemovault')).toEqual({ kind: 'name', vaultName: 'abdemovault' }));
  it('resourceGroup/vaultName', () =>
    expect(parseVaultRef('SwaggerTestRg/NetSDKTestRsVault')).toEqual({
      kind: 'groupAndName',
      resourceGroup: 'SwaggerTestRg',
      vaultName: 'NetSDKTestRsVault',
    }));
  it('a resource group with dots and parentheses', () =>
    expect(parseVaultRef('my.rg(prod)_1/v-1')).toEqual({ kind: 'groupAndName', resourceGroup: 'my.rg(prod)_1', vaultName: 'v-1' }));
  it('a full vault id in any casing', () =>
    expect(parseVaultRef(`/Subscriptions/${SUB.toUpperCase()}/resourcegroups/rg/providers/microsoft.recoveryservices/Vaults/v1`)).toEqual({
      kind: 'resourceId',
      vault: { subscriptionId: SUB, resourceGroup: 'rg', vaultName: 'v1' },
    }));
  it('a portal link to the vault overview', () =>
    expect(
      parseVaultRef(
        `https://portal.azure.com/#@t/resource/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v1/overview`,
      ),
    ).toEqual({
      kind: 'resourceId',
      vault: { subscriptionId: SUB, resourceGroup: 'rg', vaultName: 'v1' },
    }));
  it('parseVaultId takes only a full id', () => {
    expect(parseVaultId(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v1`)).toEqual({
      subscriptionId: SUB,
      resourceGroup: 'rg',
      vaultName: 'v1',
    });
    expect(() => parseVaultId('v1')).toThrow(IdError);
    expect(() => parseVaultId('rg/v1')).toThrow(IdError);
  });
});

describe('parseOperationRef accepts', () => {
  it('an operation GUID', () => expect(parseOperationRef(JOB)).toEqual({ kind: 'guid', operationId: JOB }));

  it('the operationsStatus header of Backups_Trigger', () => {
    const url = headerOf('examples/Common/TriggerBackup_Post.json', '202', 'Azure-AsyncOperation');
    expect(parseOperationRef(url)).toEqual({
      kind: 'url',
      operationId: SUB,
      vault: { subscriptionId: SUB, resourceGroup: 'linuxRsVaultRG', vaultName: 'linuxRsVault' },
      pathBelowVault:
        'backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainer;testrg;v1win2012r/protectedItems/VM;iaasvmcontainer;testrg;v1win2012r/operationsStatus/' +
        SUB,
      style: 'operationsStatus',
    });
  });

  it('the operationResults Location of a cancel', () => {
    const url = headerOf('examples/Common/TriggerCancelJob.json', '202', 'Location');
    const ref = parseOperationRef(url);
    expect(ref).toMatchObject({ kind: 'url', style: 'operationResults', pathBelowVault: `backupJobs/${SUB}/operationResults/${SUB}` });
  });

  it('the protected item operationResults Location and the export Location', () => {
    expect(parseOperationRef(headerOf('examples/Common/TriggerBackup_Post.json', '202', 'Location'))).toMatchObject({
      style: 'operationResults',
    });
    expect(parseOperationRef(headerOf('examples/Common/TriggerExportJobs.json', '202', 'Location'))).toMatchObject({
      style: 'operationResults',
      pathBelowVault: `backupJobs/operationResults/${SUB}`,
    });
  });

  it('a vault-level backupOperations URL', () => {
    expect(
      parseOperationRef(
        `https://management.azure.com/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v1/backupOperations/${JOB}?api-version=2026-02-01`,
      ),
    ).toEqual({
      kind: 'url',
      operationId: JOB,
      vault: { subscriptionId: SUB, resourceGroup: 'rg', vaultName: 'v1' },
      pathBelowVault: `backupOperations/${JOB}`,
      style: 'backupOperations',
    });
  });
});

describe('keys', () => {
  const a = { subscriptionId: SUB, resourceGroup: 'RG', vaultName: 'Vault1' };
  const b = { subscriptionId: SUB, resourceGroup: 'rg', vaultName: 'vault1' };
  it('are canonical and case-insensitive', () => {
    expect(vaultKeyString(a)).toBe(`${SUB}/rg/vault1`);
    expect(jobKeyString({ vault: a, jobId: JOB.toUpperCase() })).toBe(`${SUB}/rg/vault1/${JOB}`);
    expect(sameVault(a, b)).toBe(true);
    expect(sameVault(a, { ...b, vaultName: 'vault2' })).toBe(false);
    expect(isGuid(JOB)).toBe(true);
    expect(isGuid(`${JOB}0`)).toBe(false);
  });
});

const VAULT = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v1`;
const JOBID = `${VAULT}/backupJobs/${JOB}`;
const PORTAL = 'https://portal.azure.com/#@t/resource';

/** [description, input] pairs; each must be rejected by parseJobRef. */
const HOSTILE_JOBS: Array<[string, string]> = [
  ['empty', ''],
  ['spaces only', '   '],
  ['surrounding spaces', ` ${JOB} `],
  ['overlong', `${JOBID}/${'a'.repeat(2100)}`],
  ['overlong link', `${PORTAL}${JOBID}?x=${'a'.repeat(2100)}`],
  ['short GUID', JOB.slice(0, -1)],
  ['long GUID', `${JOB}a`],
  ['GUID without hyphens', JOB.replace(/-/g, '')],
  ['GUID with braces', `{${JOB}}`],
  ['GUID with non-hex', JOB.replace('7', 'g')],
  ['Cyrillic a in GUID', JOB.replace('a', '\u0430')],
  ['fullwidth digit in GUID', JOB.replace('7', '\uff17')],
  ['zero-width space in GUID', `${JOB.slice(0, 8)}\u200b${JOB.slice(8)}`],
  ['zero-width joiner at end', `${JOB}\u200d`],
  ['BOM at start', `\ufeff${JOB}`],
  ['NUL', `${JOB}\u0000`],
  ['CR LF', `${JOBID}\r\nX-Evil: 1`],
  ['tab', `${JOB}\t`],
  ['DEL', `${JOB}\u007f`],
  ['path traversal in id', `${VAULT}/backupJobs/../../../../subscriptions/${SUB}/backupJobs/${JOB}`],
  ['dot segment', `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v1/./backupJobs/${JOB}`],
  ['traversal after job id', `${JOBID}/..`],
  [
    'encoded slash in rg',
    `/subscriptions/${SUB}/resourceGroups/rg%2F..%2Fx/providers/Microsoft.RecoveryServices/vaults/v1/backupJobs/${JOB}`,
  ],
  ['encoded dots', `/subscriptions/${SUB}/resourceGroups/%2e%2e/providers/Microsoft.RecoveryServices/vaults/v1/backupJobs/${JOB}`],
  [
    'encoded slash in link segment',
    `${PORTAL}/subscriptions/${SUB}/resourceGroups/rg%2F..%2F..%2Fx/providers/Microsoft.RecoveryServices/vaults/v1/backupJobs/${JOB}`,
  ],
  [
    'double-encoded slash in link',
    `${PORTAL}/subscriptions/${SUB}/resourceGroups/rg%252F..%252Fx/providers/Microsoft.RecoveryServices/vaults/v1/backupJobs/${JOB}`,
  ],
  [
    'encoded dots in link',
    `${PORTAL}/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v1/backupJobs/%2e%2e/${JOB}`,
  ],
  ['encoded NUL in link', `${PORTAL}${JOBID.replace('v1', 'v1%00')}`],
  ['encoded CRLF in link', `${PORTAL}${JOBID}%0d%0aX: y`],
  ['encoded zero-width in link', `${PORTAL}${JOBID.replace('v1', 'v%E2%80%8B1')}`],
  ['query in id', `${JOBID}?api-version=2017-01-01`],
  ['query in vault segment', `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v1?x=/backupJobs/${JOB}`],
  ['fragment in id', `${JOBID}#frag`],
  ['fragment in rg', `/subscriptions/${SUB}/resourceGroups/rg#/providers/Microsoft.RecoveryServices/vaults/v1/backupJobs/${JOB}`],
  [
    'query injected in link segment',
    `${PORTAL}/subscriptions/${SUB}/resourceGroups/rg?a=b/providers/Microsoft.RecoveryServices/vaults/v1/backupJobs/${JOB}`,
  ],
  [
    'ampersand in link segment',
    `${PORTAL}/subscriptions/${SUB}/resourceGroups/rg&x/providers/Microsoft.RecoveryServices/vaults/v1/backupJobs/${JOB}`,
  ],
  ['vault name too short', JOBID.replace('/vaults/v1/', '/vaults/v/')],
  ['vault name too long', JOBID.replace('/vaults/v1/', `/vaults/v${'a'.repeat(50)}/`)],
  ['vault name starts with digit', JOBID.replace('/vaults/v1/', '/vaults/1v/')],
  ['vault name with underscore', JOBID.replace('/vaults/v1/', '/vaults/v_1/')],
  ['vault name with dot', JOBID.replace('/vaults/v1/', '/vaults/v.1/')],
  ['rg ending with dot', JOBID.replace('/resourceGroups/rg/', '/resourceGroups/rg./')],
  ['rg too long', JOBID.replace('/resourceGroups/rg/', `/resourceGroups/${'r'.repeat(91)}/`)],
  ['rg with space', JOBID.replace('/resourceGroups/rg/', '/resourceGroups/r g/')],
  ['rg with Cyrillic', JOBID.replace('/resourceGroups/rg/', '/resourceGroups/r\u0433/')],
  ['rg with quote', JOBID.replace('/resourceGroups/rg/', "/resourceGroups/r'g/")],
  ['empty rg', JOBID.replace('/resourceGroups/rg/', '/resourceGroups//')],
  ['subscription not a GUID', JOBID.replace(SUB, 'my-subscription')],
  ['wrong provider', JOBID.replace('Microsoft.RecoveryServices', 'Microsoft.Compute')],
  ['fullwidth provider letter', JOBID.replace('Microsoft', 'Micro\uff53oft')],
  ['locations job (not a vault)', `/subscriptions/${SUB}/providers/microsoft.recoveryservices/locations/eastus2euap/backupJobs/${JOB}`],
  ['vault id instead of job', VAULT],
  ['extra segment after job id', `${JOBID}/cancel`],
  ['double slash', JOBID.replace('/vaults/', '/vaults//')],
  ['backslashes', JOBID.replace(/\//g, '\\')],
  ['javascript link', `javascript:alert(1)//${JOBID}`],
  ['link without id', 'https://portal.azure.com/#home'],
  ['ftp link', `ftp://portal.azure.com${JOBID}`],
  ['markdown injection', `[x](${JOBID})`],
  ['html', `<a href="${JOBID}">job</a>`],
  ['job GUID with trailing dot', `${JOB}.`],
];

describe('parseJobRef rejects a hostile corpus', () => {
  it('has at least 50 cases', () => expect(HOSTILE_JOBS.length).toBeGreaterThanOrEqual(50));

  it.each(HOSTILE_JOBS)('%s', (_name, input) => {
    let error: unknown;
    try {
      parseJobRef(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IdError);
    const idError = error as IdError;
    expect(idError.accepted.length).toBeGreaterThan(0);
    expect(idError.message).toContain('Accepted:');
    expect(idError.message).toContain('job GUID');
    // The message never echoes the input, so nothing hostile is reflected back into a chat.
    if (input.length > 8) expect(idError.message).not.toContain(input);
  });
});

describe('vault and operation references reject', () => {
  it.each([
    ['empty', ''],
    ['name with slash only', '/'],
    ['three parts', 'a/b/c'],
    ['traversal', '../v1'],
    ['rg ending with dot', 'rg./v1'],
    ['name starting with digit', '1vault'],
    ['name with Cyrillic', 'v\u0430ult'],
    ['encoded slash', 'rg%2Fv1'],
    ['job id given as vault id', JOBID],
    ['query', 'rg/v1?x=1'],
  ])('vault: %s', (_n, input) => {
    expect(() => parseVaultRef(input)).toThrow(IdError);
  });

  it.each([
    ['short GUID', JOB.slice(1)],
    ['job URL', `https://management.azure.com${JOBID}`],
    ['unknown style', `https://management.azure.com${VAULT}/operations/${JOB}`],
    ['non-GUID operation', `https://management.azure.com${VAULT}/backupOperations/abc`],
    ['traversal', `https://management.azure.com${VAULT}/backupOperations/../../x/${JOB}`],
    [
      'container with slash',
      `https://management.azure.com${VAULT}/backupFabrics/Azure/protectionContainers/a%2Fb/protectedItems/i/operationsStatus/${JOB}`,
    ],
    [
      'container with space',
      `https://management.azure.com${VAULT}/backupFabrics/Azure/protectionContainers/a b/protectedItems/i/operationsStatus/${JOB}`,
    ],
  ])('operation: %s', (_n, input) => {
    const run = (): unknown => parseOperationRef(input);
    expect(run).toThrow(IdError);
    expect(run).toThrow(/operation GUID/);
  });
});
