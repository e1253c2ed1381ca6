import { buildDigestCard } from '../../../src/cards/digest-card';
import { cardBytes, type AdaptiveCardJson } from '../../../src/cards';
import { buildWatchRollupCard } from '../../../src/cards/watch-cards';
import type { VaultId } from '../../../src/domain/job';
import { computeVaultDigest } from '../../../src/tracker/digest-compute';
import { lifeJobs } from '../../../tools/simulator/life';
import { createRecord } from '../../../tools/simulator/job-state';
import { renderJob } from '../../../tools/simulator/job-body';
import { parseJobResource } from '../../../src/azure/models';
import { checkCard, Versions } from './ac-validate';

const NOW = Date.parse('2026-03-02T07:00:00Z');
const SUB = '5f3e0c1a-7b2d-4e8f-9a61-0c4d2b7e8f10';
const VAULT: VaultId = { subscriptionId: SUB, resourceGroup: 'rg-backup', vaultName: 'vault-prod' };

function expectClean(card: AdaptiveCardJson): string {
  for (const version of [undefined, Versions.v1_2]) {
    const check = checkCard(card, version);
    expect(check.parseEvents).toEqual([]);
    expect(check.validationEvents).toEqual([]);
  }
  const text = JSON.stringify(card);
  for (const bad of ['${', 'undefined', 'NaN']) expect(text).not.toContain(bad);
  expect(cardBytes(card)).toBeLessThan(28 * 1024);
  expect(card.fallbackText).toBeTruthy();
  return text;
}

describe('digest and roll-up cards', () => {
  // The living vault's jobs as the list answer carries them, through the real model parser.
  const jobs = lifeJobs({ subscriptionId: SUB, vaults: [VAULT], now: NOW })
    .filter((s) => s.startAt <= NOW && s.startAt > NOW - 48 * 3_600_000)
    .map((s) => parseJobResource(renderJob(createRecord(s), NOW, false)));

  it('a digest renders through the Adaptive Cards SDK without warnings, in 1.5 and 1.2, and states its rule', () => {
    const digest = computeVaultDigest(VAULT, jobs, NOW);
    const text = expectClean(
      buildDigestCard([digest, { ...digest, vault: { ...VAULT, vaultName: 'vault-*dr*' } }], { now: NOW, timeZone: 'Europe/Berlin' }),
    );
    expect(text).toContain('rg-backup/vault-prod');
    expect(text).toContain('vault-\\\\*dr\\\\*');
    expect(text).toContain('success rate');
    expect(text).toContain('1.5 times its usual interval');
    expect(text).toContain('(Europe/Berlin)');
    expect(digest.problemCount).toBeGreaterThan(0);
  });

  it('a vault Azure would not answer for says so', () => {
    const card = buildDigestCard(
      [
        {
          vault: VAULT,
          counts: {},
          problems: [],
          problemCount: 0,
          longest: [],
          running: [],
          runningCount: 0,
          overdue: [],
          unavailable: 'forbidden',
        },
      ],
      { now: NOW },
    );
    expect(expectClean(card)).toContain('Azure could not be read for this vault');
  });

  it('a roll-up lists the burst, escapes names, counts the rest', () => {
    const entries = Array.from({ length: 25 }, (_, i) => ({
      jobId: `0000000${i % 10}-0000-4000-8000-000000000000`,
      entity: i === 0 ? '[click](https://evil.example)' : `vm-${i}`,
      operation: 'Backup',
      status: 'Failed',
      errorCode: 'UserErrorGuestAgentStatusUnavailable',
      endTime: new Date(NOW - 60_000).toISOString(),
    }));
    const text = expectClean(buildWatchRollupCard(entries, 15, 'ended', { now: NOW, vaultLabel: 'rg-backup/vault-prod' }));
    expect(text).toContain('40 jobs ended in rg-backup/vault-prod');
    expect(text).toContain('and 15 more jobs not shown');
    expect(text).not.toContain('[click](https://evil.example)');
  });
});
