import { parseCommand } from '../../../src/commands/parse';
import { normalizeMessage } from '../../../src/commands/normalize';

const JOB = '7ddead57-bcb9-4269-ac31-6a1b57588700';
const JOB2 = 'a1b2c3d4-0000-4000-8000-000000000001';
const FULL = `/Subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-prod/providers/microsoft.recoveryservices/vaults/vault-prod/backupJobs/${JOB}`;

describe('normalizeMessage', () => {
  it('removes the bot mention and Teams markup', () => {
    expect(normalizeMessage(`<at>Backup Jobs</at> track job ${JOB}`)).toBe(`track job ${JOB}`);
    expect(normalizeMessage(`<p><at id="0">Backup&nbsp;Jobs</at>&nbsp;help</p>\n`)).toBe('help');
    expect(normalizeMessage('<div>jobs&nbsp;&nbsp;running<br/>in&#32;vault-a</div>')).toBe('jobs running in vault-a');
  });

  it('replaces a link by its target, decoding &amp;', () => {
    const url = `https://portal.azure.com/#@contoso/resource${FULL}/overview?a=1&amp;b=2`;
    expect(normalizeMessage(`track job <a href="${url}" title="x">portal link</a>`)).toBe(
      `track job https://portal.azure.com/#@contoso/resource${FULL}/overview?a=1&b=2`,
    );
  });

  it('treats invisible separators and control characters as spaces', () => {
    expect(normalizeMessage('help\u200b\u00a0\u0007')).toBe('help');
    expect(normalizeMessage('track\u3000job\t\tX')).toBe('track job X');
  });

  it('never turns an entity into a control character', () => {
    expect(normalizeMessage('a&#0;b&#x7;c&#xD800;d')).toBe('a b c d');
  });
});

describe('parseCommand', () => {
  it.each([
    [`track job ${JOB}`, { kind: 'trackJob', jobs: [JOB] }],
    [`<at>Backup Jobs</at>   TRACK   Job  ${JOB}  `, { kind: 'trackJob', jobs: [JOB] }],
    [`track job ${JOB} in vault-a`, { kind: 'trackJob', jobs: [JOB], vault: 'vault-a' }],
    [`track job ${JOB} IN rg/vault-a`, { kind: 'trackJob', jobs: [JOB], vault: 'rg/vault-a' }],
    [`track jobs ${JOB}, ${JOB2} and ${FULL}`, { kind: 'trackJob', jobs: [JOB, JOB2, FULL] }],
    [`track ${JOB}`, { kind: 'trackJob', jobs: [JOB] }],
    ['track job', { kind: 'trackJob', jobs: [] }],
    [`track operation ${JOB}`, { kind: 'trackOperation', operation: JOB }],
    [`Track Op ${JOB} in vault-b`, { kind: 'trackOperation', operation: JOB, vault: 'vault-b' }],
    ['track operation', { kind: 'trackOperation' }],
    [`untrack ${JOB}`, { kind: 'untrack', jobs: [JOB] }],
    [`stop   tracking job ${JOB} in vault-a`, { kind: 'untrack', jobs: [JOB], vault: 'vault-a' }],
    ['untrack', { kind: 'untrack', jobs: [] }],
    ['tracking', { kind: 'tracking' }],
    ['LIST', { kind: 'tracking' }],
    ['jobs', { kind: 'jobs', filter: 'all' }],
    ['jobs running', { kind: 'jobs', filter: 'running' }],
    ['Jobs FAILED in rg/vault-a', { kind: 'jobs', filter: 'failed', vault: 'rg/vault-a' }],
    ['jobs in vault-a', { kind: 'jobs', filter: 'all', vault: 'vault-a' }],
    ['help', { kind: 'help' }],
    ['<at>Backup Jobs</at> ?', { kind: 'help' }],
    ['<at>Backup Jobs</at>', { kind: 'empty' }],
    ['   ', { kind: 'empty' }],
  ])('%s', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it('keeps a portal link from an <a> tag intact as the job reference', () => {
    const url = `https://portal.azure.com/#resource${FULL}`;
    expect(parseCommand(`<at>Backup Jobs</at> track job <a href="${url}">${url}</a>`)).toEqual({ kind: 'trackJob', jobs: [url] });
  });

  it.each([
    ['trak job 1', 'track job'],
    ['track opration x', 'track operation'],
    ['untrak x', 'untrack'],
    ['lst', 'list'],
    ['hlep', 'help'],
    ['job', 'jobs'],
    ['trackin', 'tracking'],
    ['jobs everything', 'jobs'],
  ])('answers %j with the closest command %j', (text, suggestion) => {
    const parsed = parseCommand(text);
    expect(parsed.kind).toBe('unknown');
    if (parsed.kind === 'unknown') expect(parsed.suggestion).toBe(suggestion);
  });

  it('echoes unknown text shortened and without markdown', () => {
    const parsed = parseCommand(`**bold** ${'x'.repeat(200)}`);
    expect(parsed.kind).toBe('unknown');
    if (parsed.kind === 'unknown') {
      expect(parsed.text.length).toBeLessThanOrEqual(60);
      expect(parsed.text).not.toContain('*');
    }
  });
});
