import { armErrorText, noticeText, t } from '../../../src/cards';

const job = { jobId: '7ddead57-bcb9-4269-ac31-6a1b57588700', vault: 'rg/vault' };

describe('notices', () => {
  test('each kind names the job and vault and says what happens next', () => {
    expect(noticeText('notFound', job)).toBe(
      'Job 7ddead57-bcb9-4269-ac31-6a1b57588700 in rg/vault no longer exists in Azure. I stopped tracking it.',
    );
    expect(noticeText('forbidden', { ...job, detail: 'Backup Operator' })).toContain('lacks the role Backup Operator');
    expect(noticeText('forbidden', job)).toContain('lacks the role Backup Reader');
    expect(noticeText('stillTrying', { ...job, detail: String(16 * 60_000) })).toBe(
      'Azure has not answered for 16 min. I keep trying to read job 7ddead57-bcb9-4269-ac31-6a1b57588700 in rg/vault.',
    );
    expect(noticeText('stillTrying', { ...job, detail: 'a while' })).toContain('for a while');
    expect(noticeText('recovered', job)).toContain('Azure answers again');
    expect(noticeText('expired', job)).toContain('it has not ended after 7 d');
  });
});

describe('error answers', () => {
  test('Azure errors', () => {
    expect(armErrorText('notFound', { ...job })).toBe(
      'Job 7ddead57-bcb9-4269-ac31-6a1b57588700 was not found in vault rg/vault. Check the id, or name the vault: `track job <job id> in <vault>`.',
    );
    expect(armErrorText('notFound', { vault: 'rg/vault', operationId: 'op-1' })).toBe('Operation op-1 was not found in vault rg/vault.');
    expect(armErrorText('forbidden', { vault: 'rg/vault', role: 'Backup Reader' })).toContain('it lacks the role Backup Reader');
    expect(armErrorText('transient', job)).toBe('Azure is not answering right now. Please try again in a moment.');
    expect(armErrorText('throttled', { ...job, retryAfterMs: 90_000 })).toContain('Please wait 1 min 30 s');
    // Never less than the real wait: part of a second counts as a second.
    expect(armErrorText('throttled', { ...job, retryAfterMs: 7_300 })).toContain('Please wait 8 s and');
    expect(armErrorText('throttled', { ...job, retryAfterMs: 120 })).toContain('Please wait 1 s and');
    expect(armErrorText('unauthorized', job)).toContain('could not sign in to Azure');
    expect(armErrorText('badRequest', { ...job, message: 'Invalid filter' })).toBe('Azure rejected the request: Invalid filter');
    expect(armErrorText('malformed', job)).toContain('Something went wrong');
  });

  test('input errors say what was wrong and which forms are accepted', () => {
    const malformed = t('en', 'error.malformedJob', { input: 'abc', reason: 'not a GUID' });
    expect(malformed).toContain('"abc" is not a job reference I can use: not a GUID.');
    expect(malformed).toContain('a job GUID');
    expect(malformed).toContain('/backupJobs/<job GUID>');
    expect(malformed).toContain('portal link');
    expect(t('en', 'error.vaultNotAllowed', { vault: 'x', allowed: 'rg/a, rg/b' })).toBe(
      'I may not read vault "x". The vaults I am allowed to use are: rg/a, rg/b.',
    );
  });
});
