import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_KEYS, readConfig } from '../../../src/config/config';
import { configErrorOf } from '../../support/config-error';

const base = { AZURE_SUBSCRIPTION_ID: '11111111-2222-3333-4444-555555555555', BACKUP_VAULTS: 'rg-backup/vault-one' };
const CONNECTION =
  'InstrumentationKey=0f6c3b2a-1d4e-4f5a-8b6c-7d8e9f0a1b2c;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/';

describe('telemetry and stop settings', () => {
  it('defaults: no exporter, no Prometheus port, a 20 s stop bound', () => {
    const config = readConfig(base);
    expect(config.telemetry).toEqual({ connectionString: '' });
    expect(config.stopTimeoutMs).toBe(20_000);
  });

  it('reads the connection string and the Prometheus port, on loopback unless told otherwise', () => {
    const config = readConfig({
      ...base,
      APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION,
      METRICS_PROMETHEUS_PORT: '9464',
      STOP_TIMEOUT_SECONDS: '5',
    });
    expect(config.telemetry).toEqual({ connectionString: CONNECTION, prometheus: { port: 9464, host: '127.0.0.1' } });
    expect(config.stopTimeoutMs).toBe(5_000);
  });

  it('refuses the Prometheus endpoint on the public port: it has no authentication', () => {
    const err = configErrorOf({ ...base, PORT: '3978', METRICS_PROMETHEUS_PORT: '3978' });
    expect(err.key).toBe('METRICS_PROMETHEUS_PORT');
    expect(err.message).toMatch(/other than PORT: the metrics endpoint has no authentication/);
  });

  it('refuses a malformed connection string without echoing it', () => {
    const err = configErrorOf({ ...base, APPLICATIONINSIGHTS_CONNECTION_STRING: 'IngestionEndpoint=https://x/;secretish-value' });
    expect(err.key).toBe('APPLICATIONINSIGHTS_CONNECTION_STRING');
    expect(err.message).not.toContain('secretish-value');
  });

  it.each([
    ['STOP_TIMEOUT_SECONDS', '0'],
    ['STOP_TIMEOUT_SECONDS', '301'],
    ['METRICS_PROMETHEUS_PORT', '70000'],
  ])('refuses %s=%s', (key, value) => {
    expect(configErrorOf({ ...base, [key]: value }).key).toBe(key);
  });

  it('.env.sample documents every key readConfig reads', () => {
    const sample = fs.readFileSync(path.resolve(__dirname, '../../../.env.sample'), 'utf8');
    expect(CONFIG_KEYS.filter((k) => !new RegExp(`^#?\\s*${k}=`, 'm').test(sample))).toEqual([]);
  });
});
