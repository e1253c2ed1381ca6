/**
 * Every card in every catalog language, from every fixture and every simulated job type, through
 * the Adaptive Cards SDK (1.5 and 1.2) with no parse or validation event, no template leftovers,
 * within the card byte budget, and with no English catalog text left where the language has its own.
 */
import { buildHelpCard, buildJobCard, buildJobsListCard, buildTrackingListCard, buildWelcomeCard } from '../../../src/cards';
import { CARD_BYTE_BUDGET, cardBytes, defaultCatalog, t, type AdaptiveCardJson } from '../../../src/cards';
import { HELP_LINES } from '../../../src/commands/registry';
import type { TrackedEntry } from '../../../src/tracker/ports';
import { checkCard, Versions } from '../cards/ac-validate';
import { ctx, KEY, NOW } from '../cards/fixtures';
import { sampleJobs, simulatedJobs } from './sample-jobs';
import { buildDigestCard } from '../../../src/cards/digest-card';
import { buildWatchRollupCard } from '../../../src/cards/watch-cards';
import { computeVaultDigest } from '../../../src/tracker/digest-compute';
import { lifeJobs } from '../../../tools/simulator/life';
import { createRecord } from '../../../tools/simulator/job-state';
import { renderJob } from '../../../tools/simulator/job-body';
import { parseJobResource } from '../../../src/azure/models';

const LANGUAGES = defaultCatalog.locales();
const JOBS = sampleJobs();

/** Every text a renderer reads as Markdown: TextBlock texts and FactSet values. */
function markdownTexts(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) markdownTexts(item, out);
  else if (value && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    if (node.type === 'TextBlock' && typeof node.text === 'string') out.push(node.text);
    if (typeof node.title === 'string' && typeof node.value === 'string') out.push(node.value);
    for (const item of Object.values(node)) markdownTexts(item, out);
  }
  return out;
}

function expectClean(card: AdaptiveCardJson): void {
  // "3. 8. 2017" (cs) or "3. Aug." (de) at the start of a text is an ordered list in Markdown.
  expect(markdownTexts(card).filter((text) => /^\s*\d+[.)](\s|$)/.test(text))).toEqual([]);
  for (const version of [undefined, Versions.v1_2]) {
    const check = checkCard(card, version);
    expect(check.parseEvents).toEqual([]);
    expect(check.validationEvents).toEqual([]);
  }
  const text = JSON.stringify(card);
  for (const bad of ['${', 'undefined', 'NaN', '[object Object]', '{count', '{duration']) expect(text).not.toContain(bad);
  expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BYTE_BUDGET);
  expect(card.fallbackText).toBeTruthy();
}

test('the samples cover every job type and outcome of the simulated vault and every fixture', () => {
  const types = new Set(simulatedJobs().map((s) => s.job.jobType));
  expect([...types].sort()).toEqual([
    'AzureIaaSVMJob',
    'AzureIaaSVMJobV2',
    'AzureStorageJob',
    'AzureWorkloadJob',
    'DpmJob',
    'MabJob',
    'VaultJob',
  ]);
  const statuses = new Set(simulatedJobs().map((s) => s.job.status));
  expect([...statuses].sort()).toEqual(['Cancelled', 'Completed', 'CompletedWithWarnings', 'Failed', 'InProgress']);
  expect(JOBS.length).toBeGreaterThan(30);
});

/** The living simulated vault's last two days, for the digest. */
const DIGEST_NOW = Date.parse('2026-03-02T07:00:00Z');
const LIFE = lifeJobs({ subscriptionId: KEY.vault.subscriptionId, vaults: [KEY.vault], now: DIGEST_NOW })
  .filter((spec) => spec.startAt <= DIGEST_NOW && spec.startAt > DIGEST_NOW - 48 * 3_600_000)
  .map((spec) => parseJobResource(renderJob(createRecord(spec), DIGEST_NOW, false)));

describe.each(LANGUAGES)('%s', (locale) => {
  const own = (id: Parameters<typeof t>[1]): string => t(locale, id);

  test('job cards, progress and final, of every sample parse and validate cleanly', () => {
    for (const { name, job } of JOBS) {
      for (const final of [false, true]) {
        const card = buildJobCard(job, ctx({ final, locale, timeZone: 'Europe/Prague' }));
        try {
          expectClean(card);
        } catch (error) {
          throw new Error(`${name} (${final ? 'final' : 'progress'}): ${String(error)}`);
        }
        const text = JSON.stringify(card);
        expect(text).toContain(own('card.openPortal'));
        if (!final) expect(text).toContain(own('card.refresh'));
      }
    }
  });

  test('list, help and welcome cards parse and validate cleanly', () => {
    const jobs = JOBS.map((s) => s.job);
    const list = buildJobsListCard(jobs, { locale, now: NOW, vaultLabel: 'rg/vault', filter: 'all' });
    expectClean(list);
    expect(JSON.stringify(list)).toContain(t(locale, 'jobs.filter.all'));
    const entries: TrackedEntry[] = jobs.slice(0, 5).map((job) => ({
      key: KEY,
      jobKey: 'k',
      lastJob: job,
      subscriber: { jobKey: 'k', conversationId: 'c', conversationRef: {}, requester: { id: 'u', name: 'Ada' }, createdAt: NOW },
    }));
    expectClean(buildTrackingListCard(entries, { locale, now: NOW }));
    const help = buildHelpCard(locale, { lines: HELP_LINES, vaults: ['rg/vault'] });
    expectClean(help);
    expect(JSON.stringify(help)).toContain(own('help.title'));
    expectClean(buildWelcomeCard(locale, HELP_LINES));
  });

  test('digest and watch roll-up cards parse and validate cleanly', () => {
    const digest = computeVaultDigest(KEY.vault, LIFE, DIGEST_NOW);
    const card = buildDigestCard([digest, { ...digest, unavailable: 'forbidden' }], { locale, now: DIGEST_NOW, timeZone: 'Europe/Prague' });
    expectClean(card);
    expect(JSON.stringify(card)).toContain(own('digest.title'));
    const entries = JOBS.slice(0, 30).map(({ job }) => ({
      jobId: job.jobId,
      entity: job.entityFriendlyName ?? 'x',
      operation: job.operation ?? 'Backup',
      status: job.status,
      errorCode: job.errors[0]?.code ?? 'UserErrorGuestAgentStatusUnavailable',
      endTime: new Date(NOW - 60_000).toISOString(),
    }));
    for (const event of ['started', 'ended'] as const)
      expectClean(buildWatchRollupCard(entries, 15, event, { locale, now: NOW, vaultLabel: 'rg/vault' }));
  });
});
