import fc from 'fast-check';
import { IdError, parseJobRef, parseOperationRef, parseVaultRef } from '../../../src/azure/ids';
import {
  backupOperationPath,
  buildFilter,
  cancelPath,
  jobPath,
  jobsPath,
  operationRefPath,
  portalJobUrl,
  vaultPath,
} from '../../../src/azure/urls';
import type { VaultId } from '../../../src/domain/job';

const SUB = '00000000-0000-0000-0000-000000000000';
const JOB = '7ddead57-bcb9-4269-ac31-6a1b57588700';
const V: VaultId = { subscriptionId: SUB, resourceGroup: 'my.rg(1)', vaultName: 'Vault-1' };
const BASE = 'https://management.azure.com';

describe('paths', () => {
  it('are built under the vault', () => {
    const prefix = `/subscriptions/${SUB}/resourceGroups/my.rg(1)/providers/Microsoft.RecoveryServices/vaults/Vault-1`;
    expect(vaultPath(V)).toBe(prefix);
    expect(jobsPath(V)).toBe(`${prefix}/backupJobs`);
    expect(jobPath({ vault: V, jobId: JOB })).toBe(`${prefix}/backupJobs/${JOB}`);
    expect(cancelPath({ vault: V, jobId: JOB })).toBe(`${prefix}/backupJobs/${JOB}/cancel`);
    expect(backupOperationPath(V, JOB)).toBe(`${prefix}/backupOperations/${JOB}`);
  });

  it('refuse values that did not pass validation', () => {
    expect(() => vaultPath({ ...V, resourceGroup: '../x' })).toThrow(IdError);
    expect(() => vaultPath({ ...V, vaultName: 'a/b' })).toThrow(IdError);
    expect(() => jobPath({ vault: V, jobId: '../cancel' })).toThrow(IdError);
    expect(() => backupOperationPath(V, 'x?y')).toThrow(IdError);
  });

  it('build operation paths from a header URL, only for the same vault', () => {
    const ref = parseOperationRef(
      `https://management.azure.com/Subscriptions/${SUB}/resourceGroups/my.rg(1)/providers/Microsoft.RecoveryServices/vaults/vault-1/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;rg;vm/protectedItems/VM;iaasvmcontainerv2;rg;vm/operationsStatus/${JOB}?api-version=2016-12-01`,
    );
    expect(operationRefPath(V, ref)).toBe(
      `${vaultPath(V)}/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;rg;vm/protectedItems/VM;iaasvmcontainerv2;rg;vm/operationsStatus/${JOB}`,
    );
    expect(operationRefPath(V, { kind: 'guid', operationId: JOB })).toBe(backupOperationPath(V, JOB));
    expect(() => operationRefPath({ ...V, vaultName: 'other' }, ref)).toThrow(/another vault/);
  });

  it('give a portal link that parses back to the same job', () => {
    const url = portalJobUrl({ vault: V, jobId: JOB });
    expect(url).toBe(`https://portal.azure.com/#resource${jobPath({ vault: V, jobId: JOB })}`);
    expect(parseJobRef(url)).toEqual({ kind: 'resourceId', key: { vault: V, jobId: JOB } });
    expect(portalJobUrl({ vault: V, jobId: JOB }, 'https://portal.azure.us/')).toMatch(/^https:\/\/portal\.azure\.us\/#resource\//);
  });
});

describe('buildFilter', () => {
  it('writes the ARM $filter from enums and times', () => {
    expect(
      buildFilter({
        status: 'InProgress',
        operation: 'backup',
        backupManagementType: 'azureiaasvm',
        startTime: '2016-01-01T00:00:00Z',
        endTime: '2017-11-29T13:05:09.123Z',
      }),
    ).toBe(
      "status eq 'InProgress' and operation eq 'Backup' and backupManagementType eq 'AzureIaasVM' and startTime eq '2016-01-01 12:00:00 AM' and endTime eq '2017-11-29 01:05:09 PM'",
    );
    expect(buildFilter({})).toBe('');
  });

  it.each([
    [{ operation: "Backup' or 1 eq 1" }],
    [{ backupManagementType: 'Nope' }],
    [{ status: 'Unknown' as never }],
    [{ startTime: '2016-01-01T00:00:00Z' }],
    [{ startTime: "2016-01-01' or '", endTime: '2016-01-02T00:00:00Z' }],
    [{ startTime: '2016-13-45T00:00:00Z', endTime: '2016-01-02T00:00:00Z' }],
  ])('rejects %j', (filter) => {
    expect(() => buildFilter(filter)).toThrow(IdError);
  });
});

const GUID = fc.uuid().map((u) => u.toLowerCase());
const VAULT_NAME = fc
  .tuple(fc.constantFrom(...'abcXYZ'), fc.string({ unit: fc.constantFrom(...'aZ09-'), minLength: 1, maxLength: 49 }))
  .map(([a, b]) => a + b);
const RG = fc
  .tuple(fc.string({ unit: fc.constantFrom(...'aZ09_-.()'), maxLength: 89 }), fc.constantFrom(...'aZ09_-()'))
  .map(([a, b]) => a + b);
const randomCase = (s: string, flips: number[]): string =>
  [...s].map((c, i) => (flips[i % flips.length] % 2 ? c.toUpperCase() : c.toLowerCase())).join('');

/** Pieces of ids mixed with every kind of hostile token, so generated strings get close to valid. */
const PIECE = fc.oneof(
  fc.constantFrom(
    '/subscriptions/',
    `${SUB}`,
    '/resourceGroups/',
    'rg',
    '/providers/Microsoft.RecoveryServices/vaults/',
    'v1',
    '/backupJobs/',
    JOB,
    '/backupOperations/',
    '/operationResults/',
    '/operationsStatus/',
    'https://portal.azure.com/#@t/resource',
    'https://x/',
    '/',
    '//',
    '.',
    '..',
    '%2F',
    '%2f',
    '%2e',
    '%2E%2E',
    '%25',
    '%00',
    '%0d%0a',
    '%E2%80%8B',
    '?',
    '#',
    '&',
    '\\',
    ';',
    '\u0000',
    '\r\n',
    '\t',
    ' ',
    '\u200b',
    '\u0430',
    '\uff0f',
    '\u2024',
    '@',
    ':',
    "'",
    '"',
    '<',
    '>',
  ),
  fc.string({ maxLength: 6 }),
);
const HOSTILE = fc.array(PIECE, { maxLength: 16 }).map((p) => p.join(''));
const VALID_FORMS = [
  `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v1/backupJobs/${JOB}`,
  `https://portal.azure.com/#@t/resource/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v1/backupJobs/${JOB}/overview`,
  `https://portal.azure.com/#@t/resource${encodeURIComponent(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v1/backupJobs/${JOB}`)}`,
  `https://management.azure.com/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v1/backupJobs/${JOB}/operationResults/${JOB}?api-version=1`,
  `rg/v1`,
];
/** A valid reference with hostile pieces spliced in or characters cut out: most stay close to valid. */
const MUTATED = fc
  .tuple(fc.constantFrom(...VALID_FORMS), fc.array(fc.tuple(fc.nat(), fc.nat(3), PIECE), { minLength: 1, maxLength: 3 }))
  .map(([base, edits]) =>
    edits.reduce((s, [at, cut, piece]) => {
      const i = at % (s.length + 1);
      return s.slice(0, i) + piece + s.slice(i + cut);
    }, base),
  );

function assertSafe(path: string, v: VaultId): void {
  const prefix = `${vaultPath(v)}/`;
  expect(path.startsWith(prefix)).toBe(true);
  const url = new URL(path, BASE);
  expect(url.pathname).toBe(path);
  expect(url.search).toBe('');
  expect(url.hash).toBe('');
  expect(url.origin).toBe(BASE);
}

describe('property: nothing rejected reaches a URL, nothing accepted leaves the vault', () => {
  it('for arbitrary and near-valid strings', () => {
    fc.assert(
      fc.property(fc.oneof(HOSTILE, MUTATED, fc.string({ unit: 'binary', maxLength: 200 })), (input) => {
        for (const parse of [parseJobRef, parseOperationRef, parseVaultRef] as const) {
          let ref: ReturnType<typeof parse>;
          try {
            ref = parse(input);
          } catch (e) {
            expect(e).toBeInstanceOf(IdError);
            continue;
          }
          if (parse === parseJobRef) {
            const r = ref as ReturnType<typeof parseJobRef>;
            const key = r.kind === 'guid' ? { vault: V, jobId: r.jobId } : r.key;
            assertSafe(jobPath(key), key.vault);
            assertSafe(cancelPath(key), key.vault);
          } else if (parse === parseOperationRef) {
            const r = ref as ReturnType<typeof parseOperationRef>;
            const v = r.kind === 'url' ? r.vault : V;
            assertSafe(operationRefPath(v, r), v);
          } else {
            const r = ref as ReturnType<typeof parseVaultRef>;
            const v =
              r.kind === 'resourceId'
                ? r.vault
                : { subscriptionId: SUB, resourceGroup: r.kind === 'groupAndName' ? r.resourceGroup : 'rg', vaultName: r.vaultName };
            assertSafe(jobsPath(v) + '/', v);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips generated valid ids in every accepted form', () => {
    fc.assert(
      fc.property(
        GUID,
        RG,
        VAULT_NAME,
        GUID,
        fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
        fc.nat(3),
        (sub, rg, vault, job, flips, form) => {
          const k = (s: string): string => randomCase(s, flips);
          const id = `/${k('subscriptions')}/${sub}/${k('resourceGroups')}/${rg}/${k('providers')}/${k('Microsoft.RecoveryServices')}/${k('vaults')}/${vault}/${k('backupJobs')}/${job.toUpperCase()}`;
          const input = [
            id,
            `https://portal.azure.com/#@t/resource${id}/overview`,
            `https://portal.azure.com/#@t/resource${encodeURIComponent(id)}`,
            portalJobUrl({ vault: { subscriptionId: sub, resourceGroup: rg, vaultName: vault }, jobId: job }),
          ][form];
          expect(parseJobRef(input)).toEqual({
            kind: 'resourceId',
            key: { vault: { subscriptionId: sub, resourceGroup: rg, vaultName: vault }, jobId: job },
          });
          const vaultId = id.slice(0, id.toLowerCase().indexOf('/backupjobs/'));
          expect(parseVaultRef(vaultId)).toEqual({
            kind: 'resourceId',
            vault: { subscriptionId: sub, resourceGroup: rg, vaultName: vault },
          });
          const op = `https://management.azure.com${vaultId}/${k('backupJobs')}/${job}/${k('operationResults')}/${sub}?api-version=2017-07-01`;
          expect(parseOperationRef(op)).toMatchObject({ operationId: sub, pathBelowVault: `backupJobs/${job}/operationResults/${sub}` });
        },
      ),
      { numRuns: 1000 },
    );
  });
});
