import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Catalog, defaultCatalog, intlLocale, languageOf, matchLanguage, t } from '../../../src/cards';
import en from '../../../src/cards/i18n/en.json';

const AVAILABLE = ['cs-CZ', 'de', 'en', 'es-ES', 'nl-NL', 'pt-BR', 'zh-CN'];

describe('locale resolution', () => {
  test.each([
    ['cs-CZ', 'cs-CZ'],
    ['cs', 'cs-CZ'],
    ['de-DE', 'de'],
    ['de_DE', 'de'],
    ['DE-at', 'de'],
    ['de_CH', 'de'],
    ['pt-BR', 'pt-BR'],
    ['pt-PT', 'pt-BR'],
    ['pt', 'pt-BR'],
    ['es-ES', 'es-ES'],
    ['es-MX', 'es-ES'],
    ['nl-NL', 'nl-NL'],
    ['nl-BE', 'nl-NL'],
    ['zh-CN', 'zh-CN'],
    ['zh-Hans', 'zh-CN'],
    ['zh-SG', 'zh-CN'],
    ['zh', 'zh-CN'],
    // Traditional Chinese readers: English, not Simplified (see matchLanguage).
    ['zh-TW', 'en'],
    ['zh-HK', 'en'],
    ['zh-Hant', 'en'],
    ['en-GB', 'en'],
    ['ja-JP', 'en'],
    ['', 'en'],
    ['not a tag', 'en'],
    ['x'.repeat(500), 'en'],
  ])('%s → %s', (requested, language) => {
    expect(matchLanguage(requested, AVAILABLE)).toBe(language);
    expect(languageOf(requested)).toBe(language);
  });

  test('no locale at all is English', () => expect(languageOf(undefined)).toBe('en'));

  test('Intl gets the reader’s own tag under text in its language, the text’s language otherwise', () => {
    expect(intlLocale('de-AT')).toBe('de-AT');
    expect(intlLocale('de_DE')).toBe('de-DE');
    expect(intlLocale('pt-PT')).toBe('pt-PT');
    // English text: no Chinese dates inside English sentences.
    expect(intlLocale('zh-TW')).toBe('en');
    expect(intlLocale(undefined)).toBe('en');
  });

  test('German is its file: exact tag, language only, any casing or underscore', () => {
    for (const locale of ['de-DE', 'de', 'DE-at', 'de_CH']) expect(t(locale, 'help.title')).toBe('Was ich kann');
    expect(t('pt-PT', 'help.title')).toBe('O que eu faço');
    expect(t('zh-TW', 'help.title')).toBe('What I can do');
  });
});

describe('message catalog', () => {
  test('arguments are filled, plurals follow the language, and a missing argument stays visible instead of vanishing', () => {
    expect(t('en', 'untrack.done', { jobId: 'abc', vault: 'rg/v' })).toBe('Stopped tracking job abc in rg/v for this conversation.');
    expect(t('en', 'untrack.done', { jobId: 'abc' })).toContain('{vault}');
    expect(t('en', 'card.moreTasks', { count: 1 })).toBe('…and 1 more task');
    expect(t('en', 'card.moreTasks', { count: 3 })).toBe('…and 3 more tasks');
  });

  test('numbers inside messages follow the locale', () => {
    const nbsp = (s: string): string => s.replace(/[\u00a0\u202f]/g, ' ');
    expect(t('en', 'jobs.more', { count: 1234 })).toContain('1,234 more jobs');
    expect(t('de', 'jobs.more', { count: 1234 })).toContain('1.234 weitere Aufträge');
    expect(nbsp(t('cs-CZ', 'jobs.more', { count: 1234 }))).toContain('1 234 dalších úloh');
  });

  test('English defines every id with non-empty text', () => {
    for (const [id, text] of Object.entries(en)) expect([id, text.trim().length > 0]).toEqual([id, true]);
  });

  test('the loaded languages are the files', () => expect(defaultCatalog.locales()).toEqual(AVAILABLE));

  describe('adding a language is adding a file', () => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-'));
      fs.writeFileSync(
        path.join(dir, 'fr-FR.json'),
        JSON.stringify({
          'help.title': 'Ce que je sais faire',
          'card.moreTasks': '…et {count, plural, one {# autre tâche} many {# autres tâches} other {# autres tâches}}',
          'not.an.id': 'x',
          'help.help': 42,
        }),
      );
      fs.writeFileSync(path.join(dir, 'README.md'), 'not a locale');
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    test('every <tag>.json in the folder is used, matched by language, with its plural rules, English behind it', () => {
      const catalog = Catalog.fromDirectories([dir]);
      expect(catalog.locales()).toEqual(['en', 'fr-FR']);
      expect(catalog.t('fr-CA', 'help.title')).toBe('Ce que je sais faire');
      // French counts 0 and 1 as "one".
      expect(catalog.t('fr', 'card.moreTasks', { count: 0 })).toBe('…et 0 autre tâche');
      expect(catalog.t('fr', 'card.moreTasks', { count: 2 })).toBe('…et 2 autres tâches');
      // A missing id and a non-string value fall back to English; an unknown id is ignored.
      expect(catalog.t('fr', 'help.intro')).toBe(en['help.intro']);
      expect(catalog.t('fr', 'help.help')).toBe(en['help.help']);
      expect(catalog.t('pt-PT', 'help.title')).toBe('What I can do');
    });
  });
});
