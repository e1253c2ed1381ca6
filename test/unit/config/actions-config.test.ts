import { readConfig } from '../../../src/config/config';
import { secretValues } from '../../../src/config/secrets';
import { configErrorOf } from '../../support/config-error';

const base = { AZURE_SUBSCRIPTION_ID: '11111111-2222-3333-4444-555555555555', BACKUP_VAULTS: 'rg-backup/vault-one' };
const APP = '3f2c9a4e-1111-4000-8000-000000000001';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

describe('ACTIONS configuration', () => {
  it('is off by default', () => {
    expect(readConfig(base).actions).toEqual({ mode: 'off' });
  });

  it('sso takes the bot registration by default, and its own keys when given', () => {
    const c = readConfig({
      ...base,
      ACTIONS: 'sso',
      MicrosoftAppId: APP,
      MicrosoftAppPassword: 'bot-secret',
      ALLOWED_TENANT_IDS: TENANT,
      MicrosoftAppTenantId: TENANT,
    });
    expect(c.actions).toEqual({
      mode: 'sso',
      sso: {
        tenantId: TENANT,
        clientId: APP,
        clientSecret: 'bot-secret',
        authorityHost: 'https://login.microsoftonline.com',
        connectionName: '',
        appIdUri: `api://botid-${APP}`,
        tokenServiceUrl: 'https://api.botframework.com',
      },
    });
    const own = readConfig({
      ...base,
      ACTIONS: 'sso',
      SSO_CLIENT_ID: APP,
      SSO_CLIENT_SECRET: 'sso-secret',
      SSO_TENANT_ID: TENANT,
      SSO_AUTHORITY_HOST: 'https://login.microsoftonline.us/',
      SSO_CONNECTION_NAME: 'teams-sso',
      SSO_APP_ID_URI: 'api://bot.example.com/botid-x',
      SSO_TOKEN_SERVICE_URL: 'https://apiservice.botframework.azure.us/',
    });
    expect(own.actions).toMatchObject({
      sso: {
        authorityHost: 'https://login.microsoftonline.us',
        connectionName: 'teams-sso',
        appIdUri: 'api://bot.example.com/botid-x',
        tokenServiceUrl: 'https://apiservice.botframework.azure.us',
      },
    });
    expect(secretValues(own)).toContain('sso-secret');
  });

  it('refuses a token service over plain http anywhere but loopback', () => {
    const sso = { ...base, ACTIONS: 'sso', SSO_CLIENT_ID: APP, SSO_CLIENT_SECRET: 's', SSO_TENANT_ID: TENANT };
    expect(configErrorOf({ ...sso, SSO_TOKEN_SERVICE_URL: 'http://token.example.com' }).key).toBe('SSO_TOKEN_SERVICE_URL');
    expect(readConfig({ ...sso, SSO_TOKEN_SERVICE_URL: 'http://127.0.0.1:3978' }).actions).toMatchObject({
      sso: { tokenServiceUrl: 'http://127.0.0.1:3978' },
    });
  });

  it('names the missing key, and never echoes the secret', () => {
    expect(configErrorOf({ ...base, ACTIONS: 'sso' }).key).toBe('SSO_CLIENT_ID');
    expect(configErrorOf({ ...base, ACTIONS: 'sso', SSO_CLIENT_ID: APP }).key).toBe('SSO_CLIENT_SECRET');
    expect(configErrorOf({ ...base, ACTIONS: 'sso', SSO_CLIENT_ID: APP, SSO_CLIENT_SECRET: 's3cret' }).key).toBe('SSO_TENANT_ID');
    expect(configErrorOf({ ...base, ACTIONS: 'on' }).key).toBe('ACTIONS');
    const bad = configErrorOf({
      ...base,
      ACTIONS: 'sso',
      SSO_CLIENT_ID: APP,
      SSO_CLIENT_SECRET: 's3cret',
      SSO_TENANT_ID: TENANT,
      SSO_AUTHORITY_HOST: 'http://s3cret',
    });
    expect(bad.key).toBe('SSO_AUTHORITY_HOST');
    expect(bad.message).not.toContain('s3cret');
  });
});
