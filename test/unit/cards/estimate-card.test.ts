/** The job card's expected end from past runs, in several languages, and through the adaptivecards SDK. */
import { buildJobCard, type AdaptiveCardJson } from '../../../src/cards';
import type { EtaBasis } from '../../../src/domain/durations';
import type { BackupJob } from '../../../src/domain/job';
import { checkCard, Versions } from './ac-validate';
import { allTypeJobs, ctx, NOW } from './fixtures';

const MIN = 60_000;
const ETA: EtaBasis = { runs: 12, lowMs: 25 * MIN, highMs: 32 * MIN, medianMs: 28 * MIN, maxMs: 40 * MIN, tasks: [] };
// Started 7 minutes before NOW (05:43:07Z): expected end 06:04:07Z.
const START = NOW - 7 * MIN;

function running(patch: Partial<BackupJob> = {}): BackupJob {
  const job = allTypeJobs().find((j) => j.job.jobType === 'AzureWorkloadJob')!.job;
  const { progressPercentage: _p, estimatedRemainingMs: _r, endTime: _e, ...rest } = job;
  return { ...rest, status: 'InProgress', rawStatus: 'InProgress', startTime: new Date(START).toISOString(), ...patch } as BackupJob;
}

function facts(card: AdaptiveCardJson): Record<string, string> {
  const body = card.body as Array<{ type: string; facts?: Array<{ title: string; value: string }> }>;
  const set = body.find((b) => b.type === 'FactSet');
  return Object.fromEntries((set?.facts ?? []).map((f) => [f.title, f.value]));
}

function statusLine(card: AdaptiveCardJson): string {
  // Intl puts a (narrow) no-break space before % in some languages.
  return (JSON.stringify(card).match(/"id":"status","text":"([^"]*)"/)?.[1] ?? '').replace(/[\u00a0\u202f]/g, ' ');
}

describe('expected end on the job card', () => {
  it.each([
    ['en-US', 'Expected end', '~Aug 3, 2017, 08:04 (Europe/Berlin) (usually 25 min–32 min, from 12 past runs)', '~25% (estimated)'],
    [
      'de-DE',
      'Voraussichtliches Ende',
      '~3\\. Aug. 2017, 08:04 (Europe/Berlin) (meist 25 Min.–32 Min., aus 12 früheren Läufen)',
      '~25 % (geschätzt)',
    ],
    ['cs-CZ', 'Očekávaný konec', '~3\\. 8. 2017 08:04 (Europe/Berlin) (obvykle 25 min–32 min, podle 12 předchozích běhů)', '~25 % (odhad)'],
    ['zh-CN', '预计结束', '约 2017年8月3日 08:04（Europe/Berlin）（通常 25分钟–32分钟，基于 12 次以往运行）', '约 25%（估计）'],
  ])('%s: the range, the runs and the end in the user’s zone, and the progress marked as estimated', (locale, title, value, progress) => {
    const card = buildJobCard(running(), ctx({ locale, timeZone: 'Europe/Berlin', eta: ETA }));
    expect(facts(card)[title]).toBe(value);
    expect(statusLine(card)).toContain(progress);
  });

  it('says "longer than usual" once the job runs longer than every past run, with no end and no progress', () => {
    const card = buildJobCard(running({ startTime: new Date(NOW - 41 * MIN).toISOString() }), ctx({ locale: 'en-US', eta: ETA }));
    expect(facts(card)['Expected end']).toBe('Running longer than usual (usually 25 min–32 min, from 12 past runs)');
    expect(statusLine(card)).not.toContain('estimated');
    const one = buildJobCard(running(), ctx({ locale: 'nl-NL', eta: { ...ETA, runs: 1 } }));
    expect(facts(one)['Verwacht einde']).toContain('op basis van 1 eerdere uitvoering)');
  });

  it('shows Azure’s own estimate instead when Azure gives one, and nothing without a basis or once ended', () => {
    const azure = buildJobCard(running({ estimatedRemainingMs: 12 * MIN, progressPercentage: 40 }), ctx({ locale: 'en-US', eta: ETA }));
    expect(facts(azure)['Expected end']).toBeUndefined();
    expect(facts(azure)['Remaining']).toBe('about 12 min');
    expect(statusLine(azure)).toContain('40%');
    expect(facts(buildJobCard(running(), ctx({ locale: 'en-US' })))['Expected end']).toBeUndefined();
    const ended = running({ status: 'Completed', rawStatus: 'Completed', endTime: new Date(NOW).toISOString() });
    expect(facts(buildJobCard(ended, ctx({ locale: 'en-US', final: true, eta: ETA })))['Expected end']).toBeUndefined();
  });

  it.each(['en-US', 'de', 'pt-BR', 'cs-CZ', 'zh-CN', 'es-ES', 'nl-NL'])(
    '%s: parses and validates on 1.5 and 1.2 with no events',
    (locale) => {
      for (const job of [running(), running({ startTime: new Date(NOW - 41 * MIN).toISOString() })]) {
        const card = buildJobCard(job, ctx({ locale, timeZone: 'America/Sao_Paulo', eta: ETA }));
        for (const version of [undefined, Versions.v1_2]) {
          const check = checkCard(card, version);
          expect(check.parseEvents).toEqual([]);
          expect(check.validationEvents).toEqual([]);
        }
      }
    },
  );
});
