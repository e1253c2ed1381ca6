import type { BackupJob } from '../../../src/domain/job';
import { buildJobCard, cardBytes, cardDigest, finalSummary, type AdaptiveCardJson } from '../../../src/cards';
import { checkCard, Versions } from './ac-validate';
import { allTypeJobs, ctx, exampleJobs, hugeFailedJob, KEY, NOW } from './fixtures';

const TEAMS_LIMIT = 28 * 1024;

/** Strings a user must never see: template leftovers and stringified absent values. */
function leftovers(card: AdaptiveCardJson): string[] {
  const text = JSON.stringify(card);
  return ['${', 'undefined', 'null', 'NaN', '[object Object]'].filter((s) => text.includes(s));
}

function submitActions(card: AdaptiveCardJson): Array<{ title: string; data: Record<string, string> }> {
  return (card.actions ?? []).filter((a) => (a as { type: string }).type === 'Action.Submit') as Array<{
    title: string;
    data: Record<string, string>;
  }>;
}

const jobs = [...exampleJobs(), ...allTypeJobs()];

describe('job cards from every real payload and every job type', () => {
  test('the shared examples hold job resources and lists', () => {
    const names = exampleJobs().map((e) => e.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'Common/GetJobDetails.json',
        'Common/ListJobs.json[1]',
        'AzureIaasVm/GetCrrJob_Post.json',
        'docs/managejobs_AzureIaaSVMJob_Completed.json',
      ]),
    );
  });

  describe.each(jobs.map((j) => [j.name, j.job] as const))('%s', (_name, job: BackupJob) => {
    test.each([
      ['progress', false],
      ['final', true],
    ])('%s card parses and validates cleanly on 1.5 and on 1.2', (_kind, final) => {
      const card = buildJobCard(job, ctx({ final, timeZone: 'Europe/Berlin', locale: 'en-US' }));
      const v15 = checkCard(card);
      expect(v15.parseEvents).toEqual([]);
      expect(v15.validationEvents).toEqual([]);
      const v12 = checkCard(card, Versions.v1_2);
      expect(v12.parseEvents).toEqual([]);
      expect(v12.validationEvents).toEqual([]);
      // What a 1.2 client keeps still names the item and its status.
      const entity = job.entityFriendlyName ?? 'Unnamed item';
      expect(v12.asSeen).toContain(entity);
      expect(card.fallbackText).toContain(entity);
      expect(leftovers(card)).toEqual([]);
      expect(cardBytes(card)).toBeLessThan(TEAMS_LIMIT);
    });
  });
});

describe('progress card', () => {
  const running = allTypeJobs()[0].job;

  test('shows status, progress, remaining time, tasks, property bag and three buttons', () => {
    const card = buildJobCard(running, ctx({ timeZone: 'Europe/Berlin' }));
    const seen = checkCard(card, Versions.v1_2).asSeen;
    expect(seen).toContain('In progress · 47%');
    expect(seen).toContain('"Started","value":"Aug 3, 2017, 07:31 (Europe/Berlin)"');
    expect(seen).toContain('Started 12 minutes ago, running for 12 min');
    expect(seen).toContain('about 13 min');
    expect(seen).toContain('Transfer data to vault');
    expect(seen).toContain('31% · 10 min');
    expect(seen).toContain('"Backup Size","value":"2,332 MB"');
    // The VM name repeats the entity and is left out.
    expect(seen).not.toContain('VM Name');
    const submits = submitActions(card);
    expect(submits.map((a) => a.title)).toEqual(['Refresh', 'Stop tracking']);
    expect(submits.map((a) => a.data)).toEqual([
      {
        action: 'refresh',
        jobKey: `00000000-0000-0000-0000-000000000000/swaggertestrg/netsdktestrsvault/${KEY.jobId}`,
        jobId: KEY.jobId,
        vault: 'SwaggerTestRg/NetSDKTestRsVault',
      },
      {
        action: 'untrack',
        jobKey: `00000000-0000-0000-0000-000000000000/swaggertestrg/netsdktestrsvault/${KEY.jobId}`,
        jobId: KEY.jobId,
        vault: 'SwaggerTestRg/NetSDKTestRsVault',
      },
    ]);
    expect(card.actions).toContainEqual(
      expect.objectContaining({ type: 'Action.OpenUrl', url: ctx().portalUrl, title: 'Open in Azure portal' }),
    );
  });

  test('absolute start time follows the user time zone, labelled, UTC without one or with a bad one', () => {
    const berlin = JSON.stringify(buildJobCard(running, ctx({ timeZone: 'Europe/Berlin' })));
    const utc = JSON.stringify(buildJobCard(running, ctx()));
    const bogus = JSON.stringify(buildJobCard(running, ctx({ timeZone: 'Mars/Olympus' })));
    expect(berlin).toContain('07:31 (Europe/Berlin)');
    expect(utc).toContain('05:31 (UTC)');
    expect(bogus).toContain('05:31 (UTC)');
  });

  test('no Stop tracking button when the conversation does not track the job', () => {
    const card = buildJobCard(running, ctx({ tracking: false }));
    expect(submitActions(card).map((a) => a.data.action)).toEqual(['refresh']);
  });

  test('says it stays current only while the conversation tracks the running job', () => {
    const note = 'This card stays current, and I will tell you here when the job ends.';
    expect(JSON.stringify(buildJobCard(running, ctx()))).toContain(note);
    expect(JSON.stringify(buildJobCard(running, ctx({ tracking: false })))).not.toContain(note);
    expect(JSON.stringify(buildJobCard(running, ctx({ final: true })))).not.toContain(note);
    expect(JSON.stringify(buildJobCard(running, ctx({ locale: 'de-DE' })))).toContain('Diese Karte bleibt aktuell');
  });

  test('the digest ignores time passing but changes with what the job shows', () => {
    const now = cardDigest(buildJobCard(running, ctx()));
    const later = cardDigest(buildJobCard(running, ctx({ now: NOW + 7 * 60_000 })));
    expect(later).toBe(now);
    const moved = cardDigest(buildJobCard({ ...running, progressPercentage: 60 }, ctx()));
    expect(moved).not.toBe(now);
    const done = cardDigest(buildJobCard({ ...running, status: 'Completed', rawStatus: 'Completed' }, ctx({ final: true })));
    expect(done).not.toBe(now);
    expect(now).toMatch(/^[0-9a-f]{64}$/);
  });

  test('German locale translates every label, and sizes, times and durations follow German rules', () => {
    // Intl separates number and % with a no-break space in German.
    const card = JSON.stringify(buildJobCard(running, ctx({ locale: 'de-DE', timeZone: 'Europe/Berlin' }))).replace(/[\u00a0\u202f]/g, ' ');
    expect(card).toContain('Wird ausgeführt · 47 %');
    expect(card).toContain('Aktualisieren');
    expect(card).toContain('Im Azure-Portal öffnen');
    expect(card).toContain('Gestartet vor 12 Minuten, läuft seit 12 Min.');
    // Escaped: a line starting "3. " would render as an ordered list.
    expect(card).toContain('"Gestartet","value":"3\\\\. Aug. 2017, 07:31 (Europe/Berlin)"');
    expect(card).toContain('Stand 3. Aug. 2017, 07:43');
    expect(card).toContain('"value":"2.332 MB"');
    expect(card).toContain('1 Min., 35 Sek.');
  });
});

describe('final card', () => {
  test('a failure shows end time, duration and every error with code, message and recommendations', () => {
    const failed = allTypeJobs().find((j) => j.name === 'AzureIaaSVMJobV2 failed')!.job;
    const card = buildJobCard(failed, ctx({ final: true }));
    const seen = checkCard(card, Versions.v1_2).asSeen;
    expect(seen).toContain('"Ended","value":"Aug 3, 2017, 06:36 (UTC)"');
    expect(seen).toContain('"Duration","value":"1 h 5 min"');
    expect(seen).toContain('UserErrorVmNotInDesirableState');
    expect(seen).toContain('Code 400068');
    expect(seen).toContain('VM is not in a state that allows backups.');
    expect(seen).toContain('• Ensure the VM is running or stopped, not in a transitional state.');
    expect(seen).toContain('• Retry the operation.');
    expect(submitActions(card)).toEqual([]);
    expect(card.actions).toHaveLength(1);
    expect(seen).not.toContain('running for');
  });

  test('errors without a title are headed by their code, or by "Error"', () => {
    const byName = Object.fromEntries(allTypeJobs().map((j) => [j.name, j.job]));
    const storage = JSON.stringify(buildJobCard(byName['AzureStorageJob completed with warnings'], ctx({ final: true })));
    expect(storage).toContain('"text":"25001"');
    expect(storage).toContain('Some files were skipped.');
    const mab = JSON.stringify(buildJobCard(byName['MabJob failed'], ctx({ final: true })));
    expect(mab).toContain('"text":"Error"');
    expect(mab).toContain('The agent lost its connection to the vault.');
  });

  test('a job with hundreds of tasks and long errors stays under the Teams limit and says what it left out', () => {
    const card = buildJobCard(hugeFailedJob(), ctx({ final: true }));
    expect(cardBytes(card)).toBeLessThan(TEAMS_LIMIT);
    const text = JSON.stringify(card);
    expect(text).toMatch(/…and \d+ more tasks/);
    expect(text).toMatch(/…and \d+ more errors/);
    expect(checkCard(card).parseEvents).toEqual([]);
    expect(checkCard(card).validationEvents).toEqual([]);
  });
});

describe('finalSummary', () => {
  const byName = Object.fromEntries(allTypeJobs().map((j) => [j.name, j.job]));

  test('the real completed job reads as one line with its duration', () => {
    const done = exampleJobs().find((e) => e.name === 'docs/managejobs_AzureIaaSVMJob_Completed.json')!.job;
    expect(finalSummary(done)).toBe('uttestvmub1 Backup completed after 20 min 23 s.');
    expect(finalSummary(done, 'de-AT')).toBe('uttestvmub1 – Backup: abgeschlossen nach 20 Min., 23 Sek.');
  });

  test('a failure carries its first error', () => {
    expect(finalSummary(byName['AzureIaaSVMJobV2 failed'])).toBe('vm-db-02 Backup failed after 1 h 5 min: UserErrorVmNotInDesirableState');
  });

  test('cancelled, unknown status and missing duration still read as a sentence', () => {
    expect(finalSummary(byName['DpmJob cancelled'])).toBe('fileserver01 Backup was cancelled after 1 h 5 min.');
    const unknown = byName['Unknown job type with unknown status and no names'];
    expect(finalSummary({ ...unknown, durationMs: undefined })).toBe('Unnamed item Job ended with status Paused.');
  });
});
