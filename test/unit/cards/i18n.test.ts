import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Catalog, defaultCatalog, t } from '../../../src/cards';
import en from '../../../src/cards/i18n/en.json';
import de from '../../../src/cards/i18n/de.json';

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalog', () => {
  test('German is loaded from its file: exact tag, language only, any casing or underscore', () => {
    expect(defaultCatalog.locales()).toEqual(expect.arrayContaining(['de', 'en']));
    for (const locale of ['de-DE', 'de', 'DE-at', 'de_CH']) expect(t(locale, 'help.title')).toBe('Was ich kann');
  });

  test('an id missing in German falls back to English', () => {
    expect(de).not.toHaveProperty('help.intro');
    expect(t('de-DE', 'help.intro')).toBe(en['help.intro']);
  });

  test('unknown or absent locales get English', () => {
    expect(t(undefined, 'help.title')).toBe('What I can do');
    expect(t('ja-JP', 'help.title')).toBe('What I can do');
    expect(t('', 'help.title')).toBe('What I can do');
  });

  test('placeholders are filled; a missing parameter stays visible instead of vanishing', () => {
    expect(t('en', 'untrack.done', { jobId: 'abc', vault: 'rg/v' })).toBe('Stopped tracking job abc in rg/v for this conversation.');
    expect(t('en', 'untrack.done', { jobId: 'abc' })).toContain('{vault}');
  });

  test('every German text uses exactly the placeholders of its English original', () => {
    for (const [id, text] of Object.entries(de)) {
      expect(en).toHaveProperty([id]);
      expect([id, placeholders(text)]).toEqual([id, placeholders(en[id as keyof typeof en])]);
    }
  });

  test('English defines every id with non-empty text', () => {
    for (const [id, text] of Object.entries(en)) expect([id, text.trim().length > 0]).toEqual([id, true]);
  });

  describe('adding a language is adding a file', () => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-'));
      fs.writeFileSync(
        path.join(dir, 'fr.json'),
        JSON.stringify({ 'help.title': 'Ce que je sais faire', 'not.an.id': 'x', 'help.help': 42 }),
      );
      fs.writeFileSync(path.join(dir, 'pt-BR.json'), JSON.stringify({ 'help.title': 'O que eu faço' }));
      fs.writeFileSync(path.join(dir, 'README.md'), 'not a locale');
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    test('every <locale>.json in the folder is used, with English behind it', () => {
      const catalog = Catalog.fromDirectories([dir]);
      expect(catalog.locales()).toEqual(['en', 'fr', 'pt-br']);
      expect(catalog.t('fr-FR', 'help.title')).toBe('Ce que je sais faire');
      expect(catalog.t('pt-BR', 'help.title')).toBe('O que eu faço');
      // pt-PT has no file; pt neither: English.
      expect(catalog.t('pt-PT', 'help.title')).toBe('What I can do');
      // A non-string value in the file cannot replace English.
      expect(catalog.t('fr', 'help.help')).toBe(en['help.help']);
    });
  });
});
