/** A running task's estimated progress between detail reads on the job card, marked as estimated, in several languages and through the SDK. */
import { buildJobCard, type AdaptiveCardJson } from '../../../src/cards';
import type { EtaBasis } from '../../../src/domain/durations';
import type { BackupJob, JobTask } from '../../../src/domain/job';
import { checkCard, Versions } from './ac-validate';
import { allTypeJobs, ctx, NOW } from './fixtures';

const MIN = 60_000;
// Past runs: the snapshot ends at 5 min, the transfer (the last task) with the job at its median, 25 min.
const ETA: EtaBasis = {
  runs: 8,
  lowMs: 22 * MIN,
  highMs: 28 * MIN,
  medianMs: 25 * MIN,
  maxMs: 40 * MIN,
  tasks: [
    { name: 'Take Snapshot', endMs: 5 * MIN },
    { name: 'Transfer data to vault', endMs: 25 * MIN },
  ],
};
// Started 10 min before NOW; the transfer started at 5 min and was last read at 9 min, at 20 %:
// 80 points in the 16 min to its expected end, 5 a minute, so ~25% at NOW.
const START = NOW - 10 * MIN;
const iso = (t: number): string => new Date(t).toISOString();

function vmJob(transfer: Partial<JobTask> = {}): BackupJob {
  const job = allTypeJobs().find((j) => j.job.jobType === 'AzureIaaSVMJob')!.job;
  const { endTime: _e, ...rest } = job;
  const tasks: JobTask[] = [
    { name: 'Take Snapshot', status: 'Completed', startTime: iso(START), endTime: iso(START + 5 * MIN), durationMs: 5 * MIN },
    {
      name: 'Transfer data to vault',
      status: 'InProgress',
      startTime: iso(START + 5 * MIN),
      durationMs: 4 * MIN,
      progressPercentage: 20,
      ...transfer,
    },
  ];
  return {
    ...rest,
    status: 'InProgress',
    rawStatus: 'InProgress',
    startTime: iso(START),
    durationMs: 9 * MIN,
    progressPercentage: 36,
    estimatedRemainingMs: 16 * MIN,
    tasks,
  };
}

/** The transfer row's detail column (Intl's no-break spaces as plain ones). */
function transferDetail(card: AdaptiveCardJson): string {
  const text = JSON.stringify(card).replace(/[\u00a0\u202f]/g, ' ');
  const row = text.match(/"text":"Transfer data to vault".*?"isSubtle":true/)?.[0] ?? '';
  return row.match(/"text":"([^"]*)","isSubtle":true$/)?.[1] ?? '';
}

describe('estimated task progress on the job card', () => {
  it.each([
    ['en-US', '~25% (estimated)'],
    ['de-DE', '~25 % (geschätzt)'],
    ['cs-CZ', '~25 % (odhad)'],
    ['zh-CN', '约 25%（估计）'],
  ])('%s: the running task shows where it should be by now, marked as estimated', (locale, shown) => {
    const card = buildJobCard(vmJob(), ctx({ locale, eta: ETA }));
    expect(transferDetail(card)).toMatch(new RegExp(`^${shown.replace(/[()~%]/g, '\\$&')} · `));
  });

  it("shows Azure's figure, not marked, at a fresh read, without a basis, once the task overruns its expected end, and on the final card", () => {
    // Read at NOW (10 min in, 5 min into the transfer) at 25 %: the estimate is the read figure, so the read shows.
    expect(
      transferDetail(buildJobCard(vmJob({ durationMs: 5 * MIN, progressPercentage: 25 }), ctx({ locale: 'en-US', eta: ETA }))),
    ).toMatch(/^25% · /);
    expect(transferDetail(buildJobCard(vmJob(), ctx({ locale: 'en-US' })))).toMatch(/^20% · /);
    // At 25 min the transfer reaches its expected end: the last read again, not 95 %.
    expect(transferDetail(buildJobCard(vmJob(), ctx({ locale: 'en-US', eta: ETA, now: START + 25 * MIN })))).toMatch(/^20% · /);
    expect(transferDetail(buildJobCard(vmJob(), ctx({ locale: 'en-US', eta: ETA, now: START + 24 * MIN })))).toMatch(
      /^~95% \(estimated\) · /,
    );
    const final = buildJobCard(vmJob(), ctx({ locale: 'en-US', eta: ETA, final: true }));
    expect(JSON.stringify(final)).not.toContain('estimated');
  });

  it.each(['en-US', 'de', 'pt-BR', 'cs-CZ', 'zh-CN', 'es-ES', 'nl-NL'])(
    '%s: parses and validates on 1.5 and 1.2 with no events',
    (locale) => {
      const card = buildJobCard(vmJob(), ctx({ locale, timeZone: 'America/Sao_Paulo', eta: ETA }));
      expect(transferDetail(card)).toMatch(/^\D*25\s?%/);
      for (const version of [undefined, Versions.v1_2]) {
        const check = checkCard(card, version);
        expect(check.parseEvents).toEqual([]);
        expect(check.validationEvents).toEqual([]);
      }
    },
  );
});
