import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, readConfig } from '../../../src/config/config';
import { isLoopbackEndpoint as isLoopbackUrl } from '../../../src/azure/loopback';
import { parseStoreUrl } from '../../../src/store/open-store';
import { configErrorOf } from '../../support/config-error';

const SUB = '11111111-2222-3333-4444-555555555555';
const base = { AZURE_SUBSCRIPTION_ID: SUB, BACKUP_VAULTS: 'rg-backup/vault-one' };

describe('readConfig', () => {
  it('applies every documented default', () => {
    const c = readConfig(base);
    expect(c.port).toBe(3978);
    // Local mode (no MicrosoftAppId): loopback only, see local-mode.test.ts.
    expect(c.host).toBe('127.0.0.1');
    expect(c.bot).toEqual({ appId: '', appPassword: '', appType: 'MultiTenant', tenantId: '' });
    expect(c.azure.armEndpoint).toBe('https://management.azure.com');
    expect(c.azure.armAuth).toBe('default');
    expect(c.azure.apiVersion).toBe('2026-02-01');
    expect(c.azure.portalUrl).toBe('https://portal.azure.com');
    expect(c.pollIntervalSeconds).toBe(30);
    expect(c.stateStore).toBe('sqlite:./data/state.db');
    expect(c.logLevel).toBe('info');
  });

  it('reads every key when given', () => {
    const c = readConfig({
      ...base,
      PORT: '4000',
      HOST: '127.0.0.1',
      MicrosoftAppId: 'AAAAAAAA-bbbb-cccc-dddd-eeeeeeeeeeee',
      MicrosoftAppPassword: ' secret ',
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: '99999999-2222-3333-4444-555555555555',
      ALLOWED_TENANT_IDS: '99999999-2222-3333-4444-555555555555',
      ARM_ENDPOINT: 'https://management.usgovcloudapi.net/',
      BACKUP_API_VERSION: '2025-08-01',
      POLL_INTERVAL_SECONDS: '1',
      STATE_STORE: 'sqlite:/tmp/x.db',
      LOG_LEVEL: 'debug',
    });
    expect(c.port).toBe(4000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.bot.appPassword).toBe(' secret ');
    expect(c.bot.appType).toBe('SingleTenant');
    expect(c.azure.armEndpoint).toBe('https://management.usgovcloudapi.net');
    expect(c.azure.apiVersion).toBe('2025-08-01');
    expect(c.azure.portalUrl).toBe('https://portal.azure.us');
    expect(c.pollIntervalSeconds).toBe(1);
    expect(c.stateStore).toBe('sqlite:/tmp/x.db');
    expect(c.logLevel).toBe('debug');
  });

  it('returns a frozen object', () => {
    const c = readConfig(base);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.azure.vaults[0])).toBe(true);
  });

  it.each([
    ['AZURE_SUBSCRIPTION_ID', { BACKUP_VAULTS: 'rg/v1' }],
    ['AZURE_SUBSCRIPTION_ID', { ...base, AZURE_SUBSCRIPTION_ID: 'not-a-guid' }],
    ['BACKUP_VAULTS', { AZURE_SUBSCRIPTION_ID: SUB }],
    ['BACKUP_VAULTS', { ...base, BACKUP_VAULTS: 'justaname' }],
    ['BACKUP_VAULTS', { ...base, BACKUP_VAULTS: 'rg/../etc' }],
    ['BACKUP_VAULTS', { ...base, BACKUP_VAULTS: 'rg/vault?x=1' }],
    ['BACKUP_VAULTS', { ...base, BACKUP_VAULTS: ' , ' }],
    ['PORT', { ...base, PORT: 'eighty' }],
    ['PORT', { ...base, PORT: '70000' }],
    ['MicrosoftAppId', { ...base, MicrosoftAppId: 'bot' }],
    ['MicrosoftAppType', { ...base, MicrosoftAppType: 'Tenant' }],
    ['MicrosoftAppTenantId', { ...base, MicrosoftAppTenantId: 'contoso' }],
    ['ARM_ENDPOINT', { ...base, ARM_ENDPOINT: 'ftp://x' }],
    ['ARM_AUTH', { ...base, ARM_AUTH: 'anonymous' }],
    ['BACKUP_API_VERSION', { ...base, BACKUP_API_VERSION: 'latest' }],
    ['POLL_INTERVAL_SECONDS', { ...base, POLL_INTERVAL_SECONDS: '0' }],
    ['POLL_INTERVAL_SECONDS', { ...base, POLL_INTERVAL_SECONDS: 'soon' }],
    ['STATE_STORE', { ...base, STATE_STORE: 'mysql://x' }],
    ['LOG_LEVEL', { ...base, LOG_LEVEL: 'verbose' }],
    ['ALLOWED_TENANT_IDS', { ...base, ALLOWED_TENANT_IDS: `${SUB}, contoso.onmicrosoft.com` }],
    ['ALLOWED_TENANT_IDS', { ...base, MicrosoftAppId: SUB, MicrosoftAppPassword: 'x' }],
    ['ALLOWED_TENANT_IDS', { ...base, MicrosoftAppId: SUB, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: SUB }],
  ])('names %s when it is missing or invalid', (key, env) => {
    const err = configErrorOf(env);
    expect(err.key).toBe(key);
    expect(err.message).toMatch(new RegExp(`^${key}: expected `));
  });

  it('STATE_STORE: accepts exactly what the store opens, and names the same forms when it refuses', () => {
    const opens = (value: string): boolean => {
      try {
        parseStoreUrl(value);
        return true;
      } catch {
        return false;
      }
    };
    const accepts = (value: string): boolean => {
      try {
        readConfig({ ...base, STATE_STORE: value });
        return true;
      } catch (err) {
        if (err instanceof ConfigError && err.key === 'STATE_STORE') return false;
        throw err;
      }
    };
    const values = [
      'memory:',
      'sqlite::memory:',
      ' memory: ',
      'sqlite:./data/state.db',
      'sqlite:/var/lib/bot.db',
      'redis://cache:6379',
      'rediss://:pw@cache:6380/0',
      'sqlite:',
      'sqlite://x',
      'memory',
      'redis://',
      'mysql://x',
      'file:./x.db',
    ];
    expect(values.map((v) => [v, accepts(v)])).toEqual(values.map((v) => [v, opens(v)]));
    expect(accepts('memory:') && accepts('sqlite::memory:')).toBe(true);
    expect(readConfig({ ...base, STATE_STORE: 'sqlite::memory:' }).stateStore).toBe('sqlite::memory:');

    let storeMessage = '';
    try {
      parseStoreUrl('mysql://x');
    } catch (err) {
      storeMessage = (err as Error).message;
    }
    const expected = configErrorOf({ ...base, STATE_STORE: 'mysql://x' }).expected;
    for (const form of ['sqlite::memory:', 'memory:', 'rediss://']) expect(expected).toContain(form);
    expect(storeMessage).toContain(expected);
  });

  it('never echoes a store URL (it may hold a redis password)', () => {
    const err = configErrorOf({ ...base, STATE_STORE: 'mysql://root:hunter2@db' });
    expect(err.key).toBe('STATE_STORE');
    expect(err.message).not.toContain('hunter2');
    expect(readConfig({ ...base, STATE_STORE: 'rediss://:pw@cache:6380/0' }).stateStore).toBe('rediss://:pw@cache:6380/0');
  });

  it('requires a password for an app id with a secret-based type, and a tenant for single tenant', () => {
    const appId = '12345678-1234-1234-1234-123456789012';
    expect(configErrorOf({ ...base, MicrosoftAppId: appId }).key).toBe('MicrosoftAppPassword');
    expect(configErrorOf({ ...base, MicrosoftAppId: appId, MicrosoftAppPassword: 'x', MicrosoftAppType: 'SingleTenant' }).key).toBe(
      'MicrosoftAppTenantId',
    );
    expect(readConfig({ ...base, MicrosoftAppId: appId, MicrosoftAppPassword: 'x', ALLOWED_TENANT_IDS: SUB }).bot.appId).toBe(appId);
  });

  it('never echoes the app password', () => {
    const appId = '12345678-1234-1234-1234-123456789012';
    const err = configErrorOf({ ...base, MicrosoftAppId: appId, MicrosoftAppPassword: 'hunter2-pw', MicrosoftAppType: 'SingleTenant' });
    expect(err.key).toBe('MicrosoftAppTenantId');
    expect(err.message).not.toContain('hunter2-pw');
  });

  it('refuses ARM_AUTH=none unless the endpoint is loopback', () => {
    const err = configErrorOf({ ...base, ARM_AUTH: 'none' });
    expect(err.key).toBe('ARM_AUTH');
    expect(err.message).toContain('loopback');
    expect(configErrorOf({ ...base, ARM_AUTH: 'none', ARM_ENDPOINT: 'http://127.evil.example.com' }).key).toBe('ARM_AUTH');
    expect(readConfig({ ...base, ARM_AUTH: 'none', ARM_ENDPOINT: 'http://127.0.0.1:5000' }).azure.armAuth).toBe('none');
    expect(readConfig({ ...base, ARM_AUTH: 'none', ARM_ENDPOINT: 'http://localhost:5000' }).azure.armAuth).toBe('none');
  });

  it('parses BACKUP_VAULTS into the allow-list, first one the default', () => {
    const other = 'AAAAAAAA-2222-3333-4444-555555555555';
    const c = readConfig({
      ...base,
      BACKUP_VAULTS: ` rg-a/vault-a , /Subscriptions/${other}/resourceGroups/rg-b/providers/microsoft.recoveryservices/vaults/vault-b, rg-a/VAULT-A`,
    });
    expect(c.azure.vaults).toEqual([
      { subscriptionId: SUB, resourceGroup: 'rg-a', vaultName: 'vault-a' },
      { subscriptionId: other.toLowerCase(), resourceGroup: 'rg-b', vaultName: 'vault-b' },
    ]);
    expect(c.azure.defaultVault).toEqual(c.azure.vaults[0]);
  });
});

describe('isLoopbackUrl', () => {
  it.each([
    ['http://127.0.0.1:1', true],
    ['http://127.8.9.10', true],
    ['http://[::1]:80', true],
    ['http://localhost', true],
    ['https://management.azure.com', false],
    ['http://evil.localhost', false],
    ['http://0.0.0.0', false],
    ['http://10.0.0.1', false],
    ['not a url', false],
  ])('%s → %s', (url, expected) => {
    expect(isLoopbackUrl(url)).toBe(expected);
  });
});

describe('ALLOWED_TENANT_IDS and ACCESS_POLICY', () => {
  const appId = '12345678-1234-1234-1234-123456789012';
  const tenant = 'AAAAAAAA-0000-4000-8000-00000000000A';
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'access-config-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function policyFile(name: string, content: unknown): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  }

  it('start with an app id refuses without ALLOWED_TENANT_IDS, naming the key', () => {
    const err = configErrorOf({ ...base, MicrosoftAppId: appId, MicrosoftAppPassword: 'x' });
    expect(err.key).toBe('ALLOWED_TENANT_IDS');
    expect(err.message).toContain('required when MicrosoftAppId is set');
  });

  it('parses the list (lower case, deduplicated); local mode may leave it empty', () => {
    const c = readConfig({
      ...base,
      MicrosoftAppId: appId,
      MicrosoftAppPassword: 'x',
      ALLOWED_TENANT_IDS: ` ${tenant}, ${tenant.toLowerCase()} ,`,
    });
    expect(c.access.allowedTenantIds).toEqual([tenant.toLowerCase()]);
    expect(readConfig(base).access).toEqual({ allowedTenantIds: [] });
    // Set in local mode, it still applies (see the access integration test).
    expect(readConfig({ ...base, ALLOWED_TENANT_IDS: tenant }).access.allowedTenantIds).toEqual([tenant.toLowerCase()]);
  });

  it('reads ACCESS_POLICY and resolves its vaults against BACKUP_VAULTS', () => {
    const file = policyFile('ok.json', { rules: [{ team: '19:abc@thread.tacv2', vaults: ['rg-backup/VAULT-ONE'] }] });
    const c = readConfig({ ...base, ACCESS_POLICY: file });
    expect(c.access.policy?.rules).toEqual([{ kind: 'team', id: '19:abc@thread.tacv2', vaults: [c.azure.vaults[0]] }]);
  });

  it('a bad policy stops the start with an error naming the rule', () => {
    const file = policyFile('bad.json', {
      rules: [
        { tenant, vaults: ['*'] },
        { user: tenant, vaults: ['rg/vault-x'] },
      ],
    });
    const err = configErrorOf({ ...base, ACCESS_POLICY: file });
    expect(err.key).toBe('ACCESS_POLICY');
    expect(err.message).toBe('ACCESS_POLICY rules[1].vaults[0]: vault "rg/vault-x" is not in BACKUP_VAULTS');
    const missing = configErrorOf({ ...base, ACCESS_POLICY: path.join(dir, 'absent.json') });
    expect(missing.message).toMatch(/^ACCESS_POLICY: cannot read ".*absent\.json" \(ENOENT\)$/);
  });
});
