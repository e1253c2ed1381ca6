/** ACCESS_POLICY: the schema (every refusal names the rule and field) and what it grants whom. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AccessPolicyError, loadAccessPolicy, parseAccessPolicy, vaultsFor, type Audience } from '../../../src/config/access-policy';
import type { VaultId } from '../../../src/domain/job';

const SUB = '11111111-2222-3333-4444-555555555555';
const TENANT = 'aaaaaaaa-0000-4000-8000-00000000000a';
const OTHER_TENANT = 'bbbbbbbb-0000-4000-8000-00000000000b';
const USER = 'cccccccc-0000-4000-8000-00000000000c';
const TEAM = '19:team-ops@thread.tacv2';
const CHAT = '19:chat-ops@thread.v2';
const PROD: VaultId = { subscriptionId: SUB, resourceGroup: 'rg-backup', vaultName: 'vault-prod' };
const DEV: VaultId = { subscriptionId: SUB, resourceGroup: 'rg-backup', vaultName: 'vault-dev' };
const FAR: VaultId = { subscriptionId: 'dddddddd-2222-3333-4444-555555555555', resourceGroup: 'rg-far', vaultName: 'vault-far' };
const CONTEXT = { vaults: [PROD, DEV, FAR], subscriptionId: SUB, allowedTenantIds: [TENANT] };

function refusal(json: unknown, context = CONTEXT): string {
  try {
    parseAccessPolicy(json, context);
  } catch (err) {
    if (err instanceof AccessPolicyError) return err.message;
    throw err;
  }
  throw new Error('the policy was accepted');
}

describe('access policy schema', () => {
  const ok = { team: TEAM, vaults: ['*'] };
  test.each<[string, unknown, string]>([
    ['not an object', [], 'ACCESS_POLICY: expected a JSON object with a "rules" array'],
    ['no rules', {}, 'ACCESS_POLICY rules: expected array'],
    ['unknown top-level key', { rules: [], rule: [] }, 'ACCESS_POLICY: unknown key "rule" (allowed: rules, comment, $schema)'],
    [
      'unknown rule key',
      { rules: [ok, { teams: TEAM, vaults: ['*'] }] },
      'ACCESS_POLICY rules[1]: unknown key "teams" (allowed: tenant, team, chat, user, vaults, comment)',
    ],
    ['no audience', { rules: [{ vaults: ['*'] }] }, 'ACCESS_POLICY rules[0]: a rule names exactly one of tenant, team, chat, user'],
    [
      'two audiences',
      { rules: [{ team: TEAM, chat: CHAT, vaults: ['*'] }] },
      'ACCESS_POLICY rules[0]: a rule names exactly one of tenant, team, chat, user (found team, chat)',
    ],
    ['tenant not a GUID', { rules: [{ tenant: 'contoso', vaults: ['*'] }] }, 'ACCESS_POLICY rules[0].tenant: expected a tenant GUID'],
    [
      'team not a team id',
      { rules: [ok, ok, { team: `${TEAM};messageid=1`, vaults: ['*'] }] },
      'ACCESS_POLICY rules[2].team: expected a team id like 19:…@thread.tacv2',
    ],
    [
      'chat not a chat id',
      { rules: [{ chat: 'ops chat', vaults: ['*'] }] },
      'ACCESS_POLICY rules[0].chat: expected a group chat id like 19:…@thread.v2',
    ],
    [
      'user not an object id',
      { rules: [{ user: 'alex@contoso.com', vaults: ['*'] }] },
      "ACCESS_POLICY rules[0].user: expected the user's Entra object id (a GUID)",
    ],
    ['vaults not a list', { rules: [{ team: TEAM, vaults: 'rg-backup/vault-prod' }] }, 'ACCESS_POLICY rules[0].vaults: expected array'],
    ['no vaults', { rules: [{ team: TEAM, vaults: [] }] }, 'ACCESS_POLICY rules[0].vaults: list at least one vault, or "*" for all'],
    ['vault not a string', { rules: [{ team: TEAM, vaults: [42] }] }, 'ACCESS_POLICY rules[0].vaults[0]: expected string'],
    [
      'vault entry too long',
      { rules: [{ team: TEAM, vaults: ['x'.repeat(301)] }] },
      'ACCESS_POLICY rules[0].vaults[0]: a vault entry is at most 300 characters',
    ],
    [
      'too many vaults',
      { rules: [{ team: TEAM, vaults: Array(101).fill('*') }] },
      'ACCESS_POLICY rules[0].vaults: at most 100 vaults per rule',
    ],
    ['too many rules', { rules: Array(1001).fill(ok) }, 'ACCESS_POLICY rules: at most 1000 rules'],
    [
      '"*" beside vaults',
      { rules: [{ team: TEAM, vaults: ['*', 'rg-backup/vault-prod'] }] },
      'ACCESS_POLICY rules[0].vaults: "*" already means every vault in BACKUP_VAULTS; list nothing beside it',
    ],
    [
      'malformed vault',
      { rules: [{ team: TEAM, vaults: ['rg-backup/vault-prod', 'vault-prod'] }] },
      'ACCESS_POLICY rules[0].vaults[1]: "vault-prod" is not resourceGroup/vaultName, a full vault id or "*"',
    ],
    [
      'vault outside BACKUP_VAULTS',
      { rules: [ok, ok, { chat: CHAT, vaults: ['rg/vault-x'] }] },
      'ACCESS_POLICY rules[2].vaults[0]: vault "rg/vault-x" is not in BACKUP_VAULTS',
    ],
    [
      'tenant outside ALLOWED_TENANT_IDS',
      { rules: [{ tenant: OTHER_TENANT, vaults: ['*'] }] },
      `ACCESS_POLICY rules[0].tenant: tenant "${OTHER_TENANT}" is not in ALLOWED_TENANT_IDS, so this rule could never apply`,
    ],
  ])('%s', (_name, json, message) => {
    expect(refusal(json)).toBe(message);
  });

  test('accepts every form: "*", resourceGroup/name in any case, a full id, comments; ids lower-cased', () => {
    const policy = parseAccessPolicy(
      {
        $schema: './access-policy.schema.json',
        comment: 'who may use what',
        rules: [
          { tenant: TENANT.toUpperCase(), vaults: ['*'], comment: 'everyone at Contoso' },
          { team: TEAM, vaults: ['RG-BACKUP/Vault-Dev'] },
          {
            chat: CHAT,
            vaults: [
              '/subscriptions/DDDDDDDD-2222-3333-4444-555555555555/resourceGroups/rg-far/providers/Microsoft.RecoveryServices/vaults/vault-far',
            ],
          },
          { user: USER.toUpperCase(), vaults: ['rg-backup/vault-prod'] },
        ],
      },
      CONTEXT,
    );
    expect(policy.rules).toEqual([
      { kind: 'tenant', id: TENANT, vaults: [PROD, DEV, FAR] },
      { kind: 'team', id: TEAM, vaults: [DEV] },
      { kind: 'chat', id: CHAT, vaults: [FAR] },
      { kind: 'user', id: USER, vaults: [PROD] },
    ]);
    // Without ALLOWED_TENANT_IDS (local mode) any tenant rule is accepted.
    expect(
      parseAccessPolicy({ rules: [{ tenant: OTHER_TENANT, vaults: ['*'] }] }, { ...CONTEXT, allowedTenantIds: [] }).rules,
    ).toHaveLength(1);
  });
});

describe('loadAccessPolicy', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'access-policy-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const loadError = (file: string): string => {
    try {
      loadAccessPolicy(file, CONTEXT);
    } catch (err) {
      if (err instanceof AccessPolicyError) return err.message;
      throw err;
    }
    throw new Error('accepted');
  };

  test('reads a file; refuses one that is missing, not JSON or over 1 MiB, naming the file', () => {
    expect(loadAccessPolicy(write('ok.json', JSON.stringify({ rules: [{ team: TEAM, vaults: ['*'] }] })), CONTEXT).rules).toHaveLength(1);
    expect(loadError(path.join(dir, 'none.json'))).toBe(`ACCESS_POLICY: cannot read "${path.join(dir, 'none.json')}" (ENOENT)`);
    expect(loadError(write('broken.json', '{"rules": ['))).toMatch(/^ACCESS_POLICY: ".*broken\.json" is not valid JSON \(/);
    const big = write('big.json', `{"rules": [], "comment": "${'x'.repeat(1024 * 1024)}"}`);
    expect(loadError(big)).toBe(`ACCESS_POLICY: "${big}" is larger than 1 MiB`);
  });

  test('the sample in docs/ is valid against vaults it names', () => {
    const sample = path.resolve(__dirname, '..', '..', '..', 'docs', 'access-policy.sample.json');
    const vaults: VaultId[] = [
      { subscriptionId: SUB, resourceGroup: 'rg-backup', vaultName: 'vault-prod' },
      { subscriptionId: SUB, resourceGroup: 'rg-backup', vaultName: 'vault-dev' },
    ];
    const policy = loadAccessPolicy(sample, { vaults, subscriptionId: SUB, allowedTenantIds: [] });
    expect(policy.rules.map((r) => r.kind)).toEqual(['tenant', 'team', 'chat', 'user']);
  });
});

describe('vaultsFor', () => {
  const policy = parseAccessPolicy(
    {
      rules: [
        { team: TEAM, vaults: ['rg-backup/vault-dev'] },
        { team: TEAM, vaults: ['rg-backup/vault-prod'] },
        { chat: CHAT, vaults: ['rg-backup/vault-dev'] },
        {
          user: USER,
          vaults: [`/subscriptions/${FAR.subscriptionId}/resourceGroups/rg-far/providers/Microsoft.RecoveryServices/vaults/vault-far`],
        },
      ],
    },
    { ...CONTEXT, subscriptionId: SUB, vaults: [PROD, DEV, FAR] },
  );
  const channel: Audience = {
    tenantId: TENANT,
    teamId: TEAM,
    conversationId: '19:channel-x@thread.tacv2',
    conversationType: 'channel',
    userObjectId: USER,
  };

  test('without a policy every conversation may use every vault', () => {
    expect(vaultsFor(undefined, channel, [PROD, DEV])).toEqual([PROD, DEV]);
  });

  test('rules grant; matching rules add up, in BACKUP_VAULTS order (the first is the default)', () => {
    expect(vaultsFor(policy, channel, [PROD, DEV, FAR])).toEqual([PROD, DEV]);
    expect(vaultsFor(policy, { ...channel, teamId: TEAM.toUpperCase() }, [PROD, DEV, FAR])).toEqual([PROD, DEV]);
  });

  test('a team rule applies in its channels only, a chat rule in that group chat, a user rule in the personal chat', () => {
    const all = [PROD, DEV, FAR];
    expect(vaultsFor(policy, { ...channel, teamId: '19:other@thread.tacv2' }, all)).toEqual([]);
    expect(vaultsFor(policy, { tenantId: TENANT, conversationId: CHAT, conversationType: 'groupChat', userObjectId: USER }, all)).toEqual([
      DEV,
    ]);
    expect(
      vaultsFor(policy, { tenantId: TENANT, conversationId: 'a:1personal', conversationType: 'personal', userObjectId: USER }, all),
    ).toEqual([FAR]);
    expect(vaultsFor(policy, { tenantId: TENANT, conversationId: 'a:1personal', conversationType: 'personal' }, all)).toEqual([]);
  });

  test('a tenant rule covers every conversation of that tenant', () => {
    const tenantWide = parseAccessPolicy({ rules: [{ tenant: TENANT, vaults: ['rg-backup/vault-dev'] }] }, CONTEXT);
    expect(vaultsFor(tenantWide, channel, [PROD, DEV, FAR])).toEqual([DEV]);
    expect(vaultsFor(tenantWide, { ...channel, tenantId: OTHER_TENANT }, [PROD, DEV, FAR])).toEqual([]);
  });
});
