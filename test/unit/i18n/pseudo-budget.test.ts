/**
 * A pseudo-localized run: English replaced by text about 40 % longer (accented, padded), so every
 * card is built from longer catalog text than any real language ships; each still parses cleanly
 * and fits the card byte budget, shrinking what it lists rather than overflowing.
 */
import { argumentNames, buildHelpCard, buildJobCard, buildJobsListCard, Catalog, CARD_BYTE_BUDGET, cardBytes, t } from '../../../src/cards';
import { HELP_LINES } from '../../../src/commands/registry';
import type { BackupJob } from '../../../src/domain/job';
import { checkCard, Versions } from '../cards/ac-validate';
import { ctx, hugeFailedJob, NOW } from '../cards/fixtures';
import { PSEUDO_GROWTH } from './pseudo';
import { sampleJobs } from './sample-jobs';

jest.mock('../../../src/cards/i18n/en.json', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- jest.mock factories may not close over imports
  const { pseudoLocalize } = require('./pseudo') as typeof import('./pseudo');

  return pseudoLocalize(jest.requireActual<Record<string, string>>('../../../src/cards/i18n/en.json'));
});

const real = jest.requireActual<Record<string, string>>('../../../src/cards/i18n/en.json');

function expectFits(card: ReturnType<typeof buildJobCard>): void {
  for (const version of [undefined, Versions.v1_2]) {
    const check = checkCard(card, version);
    expect(check.parseEvents).toEqual([]);
    expect(check.validationEvents).toEqual([]);
  }
  expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BYTE_BUDGET);
}

test('the run is pseudo-localized: what users read is at least 40 % longer than English', () => {
  // The real English under another tag, formatted with the same arguments as the pseudo text.
  const english = new Catalog({ 'en-US': real });
  let plain = 0;
  let pseudo = 0;
  for (const id of Object.keys(real) as Array<Parameters<typeof t>[1]>) {
    const params = Object.fromEntries(argumentNames(real[id]).map((name) => [name, name === 'place' ? 'team' : 3]));
    plain += english.t('en-US', id, params).length;
    pseudo += t('en', id, params).length;
  }
  expect(pseudo / plain).toBeGreaterThanOrEqual(1 + PSEUDO_GROWTH);
  expect(t('en', 'card.refresh')).toMatch(/^Réfréšh~+$/);
  expect(t('en', 'card.moreTasks', { count: 1 })).toContain('1');
});

test('every job card, progress and final, still fits the byte budget and validates', () => {
  for (const { job } of sampleJobs()) for (const final of [false, true]) expectFits(buildJobCard(job, ctx({ final, locale: 'en' })));
});

test('the worst case (hundreds of tasks, long errors) shrinks to fit instead of overflowing', () => {
  const card = buildJobCard(hugeFailedJob(), ctx({ final: true, locale: 'en' }));
  expectFits(card);
  expect(JSON.stringify(card)).toContain(t('en', 'card.errors'));
});

test('a 700-job list and the help card fit', () => {
  const template = sampleJobs()[0].job;
  const many: BackupJob[] = Array.from({ length: 700 }, (_, i) => ({
    ...template,
    jobId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    startTime: new Date(NOW - i * 60_000).toISOString(),
  }));
  expectFits(buildJobsListCard(many, { locale: 'en', now: NOW, vaultLabel: 'rg/vault', filter: 'all' }));
  expectFits(buildHelpCard('en', { lines: HELP_LINES, vaults: ['rg/vault-a', 'rg/vault-b'] }));
});
