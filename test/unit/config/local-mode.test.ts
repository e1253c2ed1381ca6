/** Local mode (no MicrosoftAppId: no inbound authentication) listens on loopback only. */
import { readConfig } from '../../../src/config/config';
import { configErrorOf } from '../../support/config-error';

const base = { AZURE_SUBSCRIPTION_ID: '11111111-2222-3333-4444-555555555555', BACKUP_VAULTS: 'rg-backup/vault-one' };
const APP = {
  MicrosoftAppId: '3f2c9a4e-1111-4000-8000-000000000001',
  MicrosoftAppPassword: 'app-secret-value',
  ALLOWED_TENANT_IDS: '72f988bf-86f1-41af-91ab-2d7cd011db47',
};

describe('HOST', () => {
  it('defaults to 127.0.0.1 without MicrosoftAppId and to 0.0.0.0 with one', () => {
    expect(readConfig(base).host).toBe('127.0.0.1');
    expect(readConfig({ ...base, HOST: '  ' }).host).toBe('127.0.0.1');
    expect(readConfig({ ...base, ...APP }).host).toBe('0.0.0.0');
  });

  it.each(['127.0.0.1', '127.0.0.2', '::1', '[::1]', 'localhost', 'LOCALHOST'])('accepts the loopback address %s in local mode', (host) => {
    expect(readConfig({ ...base, HOST: host }).host).toBe(host);
  });

  it.each(['0.0.0.0', '::', '10.0.0.4', '192.168.1.20', 'bot.contoso.com', 'localhost.evil.com', '128.0.0.1'])(
    'refuses %s in local mode, saying why and what to do',
    (host) => {
      const err = configErrorOf({ ...base, HOST: host });
      expect(err.key).toBe('HOST');
      expect(err.message).toContain('loopback');
      expect(err.message).toContain('MicrosoftAppId is empty');
      expect(err.message).toContain('no inbound request is authenticated');
      expect(err.message).toContain('set MicrosoftAppId');
      expect(err.message).toContain(JSON.stringify(host));
    },
  );

  it('listens anywhere once MicrosoftAppId is set', () => {
    expect(readConfig({ ...base, ...APP, HOST: '10.0.0.4' }).host).toBe('10.0.0.4');
    expect(readConfig({ ...base, ...APP, HOST: '::' }).host).toBe('::');
  });
});
