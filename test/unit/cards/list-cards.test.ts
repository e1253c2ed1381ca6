import type { BackupJob } from '../../../src/domain/job';
import {
  buildHelpCard,
  buildJobsListCard,
  buildTrackingListCard,
  buildWelcomeCard,
  cardBytes,
  type AdaptiveCardJson,
} from '../../../src/cards';
import { HELP_LINES } from '../../../src/commands/registry';
import type { TrackedEntry } from '../../../src/tracker/ports';
import { checkCard, Versions } from './ac-validate';
import { allTypeJobs, exampleJobList, KEY, NOW } from './fixtures';

const TEAMS_LIMIT = 28 * 1024;

function expectClean(card: AdaptiveCardJson): string {
  for (const version of [undefined, Versions.v1_2]) {
    const check = checkCard(card, version);
    expect(check.parseEvents).toEqual([]);
    expect(check.validationEvents).toEqual([]);
  }
  const text = JSON.stringify(card);
  for (const bad of ['${', 'undefined', 'null', 'NaN']) expect(text).not.toContain(bad);
  expect(cardBytes(card)).toBeLessThan(TEAMS_LIMIT);
  expect(card.fallbackText).toBeTruthy();
  return checkCard(card, Versions.v1_2).asSeen;
}

const listCtx = { now: NOW, vaultLabel: 'SwaggerTestRg/NetSDKTestRsVault', filter: 'all' as const };

describe('jobs list card', () => {
  test('lists the real payloads’ jobs and every job type, newest first, with status and start', () => {
    const jobs = [...exampleJobList(), ...allTypeJobs().map((j) => j.job)];
    const seen = expectClean(buildJobsListCard(jobs, { ...listCtx, timeZone: 'Europe/Berlin' }));
    expect(seen).toContain('Jobs in SwaggerTestRg/NetSDKTestRsVault');
    expect(seen).toContain('All jobs, started in the last 24 hours');
    expect(seen).toContain('uttestvmub1');
    expect(seen).toContain('sriniccylinux');
    expect(seen).toContain('"In progress"');
    expect(seen).toContain('12 minutes ago');
    expect(seen).toContain('ConfigureBackup · 31 s');
    // Newest first: the 2019 cross-region restore comes before the 2018 and 2017 jobs.
    expect(seen.indexOf('sriniccylinux')).toBeLessThan(seen.indexOf('uttestvmub1'));
    expect(seen).not.toContain('not shown');
  });

  test('hundreds of jobs: capped below the Teams limit, the rest counted', () => {
    const template = allTypeJobs()[0].job;
    const many: BackupJob[] = Array.from({ length: 700 }, (_, i) => ({
      ...template,
      jobId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      entityFriendlyName: `vm-with-a-rather-long-name-${i}`,
      startTime: new Date(NOW - i * 60_000).toISOString(),
    }));
    const card = buildJobsListCard(many, { ...listCtx, filter: 'running' });
    const seen = expectClean(card);
    const shown = (seen.match(/vm-with-a-rather-long-name-/g) ?? []).length;
    expect(shown).toBeGreaterThan(10);
    expect(seen).toContain(`…and ${700 - shown} more jobs not shown.`);
    expect(seen).toContain('Running jobs');
  });

  test('an empty vault says so', () => {
    const seen = expectClean(buildJobsListCard([], { ...listCtx, filter: 'failed' }));
    expect(seen).toContain('No jobs of this kind in SwaggerTestRg/NetSDKTestRsVault in the last 24 hours.');
    expect(seen).toContain('Failed jobs');
  });
});

describe('tracking list card', () => {
  const subscriber = {
    conversationId: '19:abc@thread.tacv2;messageid=1',
    conversationRef: {},
    requester: { id: '29:1', name: 'Ada Lovelace' },
    jobKey: 'k',
    createdAt: NOW,
  };
  const entries: TrackedEntry[] = [
    { key: KEY, jobKey: 'k1', lastJob: allTypeJobs()[0].job, subscriber },
    { key: { ...KEY, jobId: '11111111-1111-4111-8111-111111111111' }, jobKey: 'k2', subscriber },
  ];

  test('shows each tracked job with its last status and who asked', () => {
    const seen = expectClean(buildTrackingListCard(entries, { now: NOW, locale: 'en-GB' }));
    expect(seen).toContain('Jobs tracked in this conversation');
    expect(seen).toContain('2 jobs tracked');
    expect(seen).toContain('vm-web-01');
    expect(seen).toContain('tracked for Ada Lovelace');
    expect(seen).toContain('11111111-1111-4111-8111-111111111111');
    expect(seen).toContain('waiting for the first answer from Azure');
  });

  test('empty', () => {
    expect(expectClean(buildTrackingListCard([], { now: NOW }))).toContain('This conversation tracks no jobs.');
  });
});

describe('help and welcome cards', () => {
  test('help lists every command and the allowed vaults', () => {
    const seen = expectClean(buildHelpCard('en', { lines: HELP_LINES, vaults: ['rg-a/vault-a', 'rg-b/vault-b'] }));
    for (const command of [
      'track job',
      'track operation',
      'untrack',
      'stop tracking',
      'tracking',
      'list',
      'jobs [running|failed|all]',
      'help',
    ]) {
      expect(seen).toContain(command);
    }
    expect(seen).toContain('Vaults I may use: rg-a/vault-a, rg-b/vault-b');
  });

  test('help without vaults, in German with English fallback', () => {
    const seen = expectClean(buildHelpCard('de-DE', { lines: HELP_LINES }));
    expect(seen).toContain('Was ich kann');
    expect(seen).toContain('track job');
    expect(seen).not.toContain('Vaults I may use');
  });

  test('welcome says what the bot does and how to start', () => {
    const seen = expectClean(buildWelcomeCard(undefined, HELP_LINES));
    expect(seen).toContain('Hi, I am Backup Jobs');
    expect(seen).toContain('track job <job id>');
    expect(expectClean(buildWelcomeCard('de', HELP_LINES))).toContain('Hallo, ich bin Backup Jobs');
  });
});
