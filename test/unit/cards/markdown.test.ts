import fc from 'fast-check';
import { escapeEachChar, escapeMarkdown } from '../../../src/cards/markdown';
import { formatAbsolute, formatPercent, isValidTimeZone, MEMO_LIMIT, memoSize } from '../../../src/cards/format';
import { t } from '../../../src/cards/i18n';

describe('escapeMarkdown', () => {
  it.each([
    ['[click](https://evil.example)', '\\[click\\](https://evil.example)'],
    ['**bold** _it_ ~~s~~ `code`', '\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~ \\`code\\`'],
    ['<https://evil.example>', '\\<https://evil.example\\>'],
    [
      '# heading\n> quote\n- item\n  + item\n12. item\n3) item\n===',
      '\\# heading\n\\> quote\n\\- item\n  \\+ item\n12\\. item\n3\\) item\n\\===',
    ],
    ['a | b', 'a \\| b'],
    ['SQLSRV02\\HRDB', 'SQLSRV02\\HRDB'],
    ['C:\\*', 'C:\\\\\\*'],
    [
      'vm-web-01 rg-backup/vault-prod 3f2504e0-4f89-11d3-9a0c-0305e82c3301 1.5 GB',
      'vm-web-01 rg-backup/vault-prod 3f2504e0-4f89-11d3-9a0c-0305e82c3301 1.5 GB',
    ],
  ])('%j → %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  it('removing the escapes gives the input back (CommonMark unescaping), for any text', () => {
    const unescape = (s: string): string => s.replace(/\\([!-/:-@[-`{-~])/g, '$1');
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => expect(unescape(escapeMarkdown(s))).toBe(s)),
      { numRuns: 2000 },
    );
  });

  it('the shortcut for text without Markdown gives what the full pass gives, for any text', () => {
    // Mostly the characters that matter, so that near misses (a digit run without ".", "\\" before a letter) come up often.
    const char = fc.constantFrom(...'`*_~[]<>#|\\-+=.)0123456789 \t\n\ra:/é'.split(''));
    const text = fc.oneof(fc.string({ unit: char, maxLength: 40 }), fc.string({ maxLength: 80 }));
    fc.assert(
      fc.property(text, (s) => expect(escapeMarkdown(s)).toBe(escapeEachChar(s))),
      { numRuns: 5000 },
    );
  });

  it('catalog interpolation escapes data parameters and keeps its own text', () => {
    expect(t('en', 'error.badRequest', { message: '[x](https://evil.example)' })).toBe(
      'Azure rejected the request: \\[x\\](https://evil.example)',
    );
    expect(t('en', 'jobs.empty', { vault: 'rg_a/vault-b' })).toBe('No jobs of this kind in rg\\_a/vault-b in the last 24 hours.');
    expect(t('en', 'card.remainingValue', { duration: '5 min' })).toBe('about 5 min');
  });
});

describe('Intl formatter memo', () => {
  it('stays bounded whatever locales and zones users send', () => {
    for (let i = 0; i < 3 * MEMO_LIMIT; i++) {
      formatPercent(50, `x-private-${i}`);
      isValidTimeZone(`Fake/Zone_${i}`);
      formatAbsolute(0, 'en', `Etc/GMT+${i % 12}`);
      isValidTimeZone('z'.repeat(10_000 + i));
    }
    expect(memoSize()).toBeLessThanOrEqual(MEMO_LIMIT);
    expect(formatAbsolute(0, 'en-US', 'Europe/Berlin').zone).toBe('Europe/Berlin');
  });
});
