/** Generators and checks shared by the fuzz tests of the command layer. */
import fc from 'fast-check';
import { parseCommand } from '../../../src/commands/parse';
import { runCommand } from '../../../src/commands/run';
import { isGuid, sameVault } from '../../../src/azure/ids';
import { ALLOWED, SUBSCRIPTION, armError, commandHarness, RecordingApi, type ApiCall } from '../../support/command-fakes';

const OTHER_SUB = '99999999-8888-7777-6666-555555555555';
export const guid = fc.uuid().map((u) => u.toLowerCase());
const upperGuid = guid.map((g) => g.toUpperCase());

const vaultIdText = (sub: string, rg: string, name: string): string =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.RecoveryServices/vaults/${name}`;

const allowedVault = fc.constantFrom(
  'vault-prod',
  'rg-prod/vault-prod',
  'VAULT-DEV',
  'rg-dev/vault-dev',
  vaultIdText(SUBSCRIPTION, 'rg-prod', 'vault-prod'),
);
const foreignVault = fc.constantFrom(
  'vault-x',
  'rg-x/vault-prod',
  'rg-prod/vault-x',
  vaultIdText(OTHER_SUB, 'rg-prod', 'vault-prod'),
  vaultIdText(SUBSCRIPTION, 'rg-prod', 'vault-prodx'),
  'vault-prod/..',
  '../vault-prod',
  'vault%2Fprod',
  'vаult-prod', // Cyrillic a
);
export const anyVault = fc.oneof(allowedVault, foreignVault, fc.string({ maxLength: 40 }));

export const vaultOf = fc.constantFrom(
  [SUBSCRIPTION, 'rg-prod', 'vault-prod'],
  [SUBSCRIPTION, 'rg-dev', 'vault-dev'],
  [OTHER_SUB, 'rg-prod', 'vault-prod'],
  [SUBSCRIPTION, 'rg-prod', 'vault-evil'],
);
const fullJobId = fc.tuple(vaultOf, guid).map(([[s, r, v], j]) => `${vaultIdText(s, r, v)}/backupJobs/${j}`);
const portalLink = fullJobId.map((id) => `https://portal.azure.com/#@contoso.onmicrosoft.com/resource${encodeURIComponent(id)}/overview`);
const operationUrl = fc
  .tuple(vaultOf, guid)
  .map(([[s, r, v], op]) => `https://management.azure.com${vaultIdText(s, r, v)}/backupOperations/${op}?api-version=2026-02-01`);

export const hostileId = fc.oneof(
  fc.constantFrom(
    '../../../etc/passwd',
    '%2e%2e%2f%2e%2e%2f',
    '..%2F..%2Fsubscriptions',
    '\u0000\u0007\u001b[31m',
    'javascript:alert(1)',
    'https://evil.example.com/subscriptions/x',
    'https://management.azure.com@evil.example.com/',
    '<script>alert(1)</script>',
    '${jndi:ldap://x}',
    '{{constructor.constructor("x")()}}',
    'ｔｒａｃｋ',
    '𝕥𝕣𝕒𝕔𝕜',
    'a'.repeat(5000),
  ),
  guid.map((g) => `${g}/../../x`),
  guid.map((g) => `${g}?api-version=2015-01-01`),
  guid.map((g) => `${g}#fragment`),
  guid.map((g) => `${g}%2F..`),
  guid.map((g) => g.replace(/-/g, '')),
  guid.map((g) => `${g}0`),
  fullJobId.map((id) => id.replace('/backupJobs/', '/backupJobs/../')),
  fullJobId.map((id) => id.replace('/vaults/', '/vaults/%2F')),
  fullJobId.map((id) => `${id}/cancel`),
  fullJobId.map((id) => id.replace('subscriptions', 'ѕubscriptions')),
);
const jobRef = fc.oneof(guid, upperGuid, fullJobId, portalLink, hostileId, fc.string({ maxLength: 60 }));
const opRef = fc.oneof(guid, operationUrl, hostileId, fc.string({ maxLength: 60 }));
const inVault = fc.option(
  anyVault.map((v) => ` in ${v}`),
  { nil: '' },
);

export const validCommand = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('track job', 'track jobs', 'track'),
      fc.array(jobRef, { maxLength: 4 }),
      fc.constantFrom(' ', ', ', ' and '),
      inVault,
    )
    .map(([c, refs, sep, v]) => `${c} ${refs.join(sep)}${v}`),
  fc.tuple(fc.constantFrom('track operation', 'track op'), opRef, inVault).map(([c, r, v]) => `${c} ${r}${v}`),
  fc.tuple(fc.constantFrom('untrack', 'stop tracking', 'untrack job'), jobRef, inVault).map(([c, r, v]) => `${c} ${r}${v}`),
  fc.constantFrom('tracking', 'list', 'help', '?'),
  fc.tuple(fc.constantFrom('jobs', 'jobs running', 'jobs failed', 'jobs all'), inVault).map(([c, v]) => `${c}${v}`),
);

/** What Teams and users do to a command: mentions, markup, entities, casing, stray spaces, typos. */
const mutation = fc.constantFrom<(s: string) => string>(
  (s) => `<at>Backup Jobs</at> ${s}`,
  (s) => `<p>${s.replace(/ /g, '&nbsp;')}</p>`,
  (s) => s.toUpperCase(),
  (s) => `   ${s.replace(/ /g, '   ')}  \n`,
  (s) => s.replace(/(https:\/\/\S+)/, '<a href="$1">$1</a>'),
  (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;'),
  (s) => s.slice(1),
  (s) => s.slice(0, -1),
  (s) => `${s}\u200b`,
  (s) => s.replace(/a/g, 'а'),
  (s) => `<at>Someone</at> <at>Backup Jobs</at>${s}<br>`,
  (s) => s,
);
export const mutated = fc.tuple(validCommand, fc.array(mutation, { maxLength: 3 })).map(([cmd, ms]) => ms.reduce((acc, m) => m(acc), cmd));
export const randomText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc.stringMatching(/^(<[a-z]{1,3}( [a-z]+="[^"]*")?>|&[a-z#0-9]{1,6};|[ a-z0-9/%.-]){0,40}$/),
);

/** Azure behaves in various ways so error paths run too. */
export function flakyApi(seed: number): RecordingApi {
  const kinds = [
    undefined,
    undefined,
    undefined,
    'notFound',
    'forbidden',
    'transient',
    'throttled',
    'unauthorized',
    'badRequest',
    'malformed',
  ] as const;
  const kind = kinds[seed % kinds.length];
  return new RecordingApi(() => {
    if (kind) throw armError(kind, kind === 'forbidden' ? { requiredRole: 'Backup Reader' } : {});
  });
}

export function assertCallsAllowed(calls: readonly ApiCall[]): void {
  for (const call of calls) {
    const vault = 'key' in call ? call.key.vault : call.vault;
    expect(ALLOWED.vaults.some((v) => sameVault(v, vault))).toBe(true);
    if ('key' in call) expect(isGuid(call.key.jobId) && call.key.jobId === call.key.jobId.toLowerCase()).toBe(true);
    if (call.op === 'getOperationStatus') {
      expect(isGuid(call.ref.operationId)).toBe(true);
      if (call.ref.kind === 'url') {
        expect(sameVault(call.ref.vault, vault)).toBe(true);
        expect(call.ref.pathBelowVault).toMatch(/^[A-Za-z0-9_\-.;()/]+$/);
        expect(call.ref.pathBelowVault.split('/')).not.toContain('..');
      }
    }
  }
}

export async function runMessage(text: string, seed: number): Promise<void> {
  const h = commandHarness({ api: flakyApi(seed) });
  try {
    const parsed = parseCommand(text);
    await runCommand(parsed, h.ctx);
    // Every message is answered: a reply in the turn (the pending note for an operation included).
    expect(h.reply.sent.length).toBeGreaterThan(0);
    for (const s of h.reply.sent) {
      if (s.kind === 'text') expect(s.text.length).toBeLessThan(4000);
    }
    assertCallsAllowed(h.api.calls);
  } finally {
    // A SQLite store holds native memory until closed; thousands of runs would pile it up.
    await h.store.close();
  }
}
