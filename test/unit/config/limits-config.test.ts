import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, readConfig } from '../../../src/config/config';
import { DEFAULT_TRACKING_LIMITS } from '../../../src/domain/limits';

const base = { AZURE_SUBSCRIPTION_ID: '11111111-2222-3333-4444-555555555555', BACKUP_VAULTS: 'rg-backup/vault-one' };

describe('limits in the configuration', () => {
  it('defaults to the documented limits, and .env.sample documents each with its default', () => {
    expect(readConfig(base).limits).toEqual(DEFAULT_TRACKING_LIMITS);
    const sample = fs.readFileSync(path.resolve(__dirname, '../../../.env.sample'), 'utf8');
    const d = DEFAULT_TRACKING_LIMITS;
    for (const line of [
      `TRACK_MAX_JOBS_PER_CONVERSATION=${d.jobsPerConversation}`,
      `TRACK_MAX_JOBS_TOTAL=${d.jobsTotal}`,
      `TRACK_MAX_PENDING_PER_CONVERSATION=${d.pendingPerConversation}`,
      `TRACK_PENDING_TTL_SECONDS=${d.pendingTtlMs / 1000}`,
      `OPERATION_MAX_FOLLOWERS_PER_CONVERSATION=${d.followersPerConversation}`,
      `OPERATION_MAX_FOLLOWERS_TOTAL=${d.followersTotal}`,
    ]) {
      expect(sample.split('\n')).toContain(line);
    }
  });

  it('reads each key', () => {
    const c = readConfig({
      ...base,
      TRACK_MAX_JOBS_PER_CONVERSATION: '7',
      TRACK_MAX_JOBS_TOTAL: '70',
      TRACK_MAX_PENDING_PER_CONVERSATION: '2',
      TRACK_PENDING_TTL_SECONDS: '90',
      OPERATION_MAX_FOLLOWERS_PER_CONVERSATION: '3',
      OPERATION_MAX_FOLLOWERS_TOTAL: '30',
    });
    expect(c.limits).toEqual({
      jobsPerConversation: 7,
      jobsTotal: 70,
      pendingPerConversation: 2,
      pendingTtlMs: 90_000,
      followersPerConversation: 3,
      followersTotal: 30,
    });
  });

  it.each(['0', '-1', '2.5', 'many'])('refuses %j, naming the key', (value) => {
    expect(() => readConfig({ ...base, TRACK_MAX_JOBS_TOTAL: value })).toThrow(ConfigError);
    expect(() => readConfig({ ...base, TRACK_MAX_JOBS_TOTAL: value })).toThrow(/^TRACK_MAX_JOBS_TOTAL: expected a whole number from 1 to/);
  });
});
