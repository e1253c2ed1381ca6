/**
 * The catalog in every language: the same ids as English, the same ICU arguments, syntax that
 * parses, and a branch for every plural category CLDR gives the language. It fails on a missing or
 * extra id, so a new English string cannot ship untranslated and a removed one cannot linger.
 */
import fs from 'node:fs';
import path from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { argumentNames, defaultCatalog } from '../../../src/cards';

const DIR = path.resolve(__dirname, '..', '..', '..', 'src', 'cards', 'i18n');
const FILES = fs.readdirSync(DIR).filter((f) => f.endsWith('.json'));
const read = (file: string): Record<string, string> => JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as Record<string, string>;
const en = read('en.json');
const LANGUAGES = FILES.map((f) => f.replace(/\.json$/, ''));

/** The parser's element kinds we look at (@formatjs/icu-messageformat-parser TYPE). */
const SELECT = 5;
const PLURAL = 6;
interface Element {
  readonly type: number;
  readonly value?: unknown;
  readonly options?: Record<string, { readonly value: readonly Element[] }>;
}

/** The message's syntax tree, as the catalog parses it at run time; throws on bad syntax. */
function parse(text: string): readonly Element[] {
  return new IntlMessageFormat(text, 'en', undefined, { ignoreTag: true }).getAst();
}

/** Every plural element of a message with the categories it has a branch for (`=0` style exact matches aside). */
function pluralBranches(elements: readonly Element[], found: Array<{ arg: string; branches: string[] }> = []) {
  for (const element of elements) {
    const options = element.options ?? {};
    if (element.type === PLURAL)
      found.push({ arg: String(element.value), branches: Object.keys(options).filter((k) => !k.startsWith('=')) });
    if (element.type === PLURAL || element.type === SELECT)
      for (const option of Object.values(options)) pluralBranches(option.value, found);
  }
  return found;
}

describe('message catalog: every language against English', () => {
  test('the seven languages of the issue are there, and each has a file the catalog loads', () => {
    expect(LANGUAGES.sort()).toEqual(expect.arrayContaining(['cs-CZ', 'de', 'en', 'es-ES', 'nl-NL', 'pt-BR', 'zh-CN']));
    expect(defaultCatalog.locales()).toEqual([...LANGUAGES].sort());
  });

  describe.each(LANGUAGES.filter((l) => l !== 'en'))('%s', (language) => {
    const messages = read(`${language}.json`);

    test('has exactly the ids of English: none missing, none extra', () => {
      const missing = Object.keys(en).filter((id) => !(id in messages));
      const extra = Object.keys(messages).filter((id) => !(id in en));
      expect({ missing, extra }).toEqual({ missing: [], extra: [] });
    });

    test('every message parses as ICU MessageFormat and uses the same arguments as English', () => {
      for (const [id, text] of Object.entries(messages)) {
        expect(typeof text).toBe('string');
        expect(text.trim()).not.toBe('');
        expect(() => parse(text)).not.toThrow();
        expect([id, argumentNames(text)]).toEqual([id, argumentNames(en[id] ?? '')]);
      }
    });

    test('every plural has a branch for each CLDR category of the language, and the same plural arguments as English', () => {
      const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories.slice().sort();
      for (const [id, text] of Object.entries(messages)) {
        const plurals = pluralBranches(parse(text));
        expect([id, plurals.map((p) => p.arg).sort()]).toEqual([
          id,
          pluralBranches(parse(en[id] ?? ''))
            .map((p) => p.arg)
            .sort(),
        ]);
        for (const plural of plurals) expect([id, plural.arg, plural.branches.sort()]).toEqual([id, plural.arg, categories]);
      }
    });
  });

  test('English itself parses and has a branch for one and other in every plural', () => {
    for (const [id, text] of Object.entries(en)) {
      for (const plural of pluralBranches(parse(text))) expect([id, plural.branches.sort()]).toEqual([id, ['one', 'other']]);
    }
  });

  test('the check is not vacuous: a missing id, an extra id, a renamed argument and a missing plural category are each caught', () => {
    const cs = read('cs-CZ.json');
    const broken = { ...cs, 'not.an.id': 'x' } as Record<string, string>;
    delete broken['help.title'];
    expect(Object.keys(en).filter((id) => !(id in broken))).toEqual(['help.title']);
    expect(Object.keys(broken).filter((id) => !(id in en))).toEqual(['not.an.id']);
    expect(argumentNames('Úloha {job} v trezoru {vault}')).not.toEqual(argumentNames(en['untrack.done']));
    const branches = pluralBranches(parse('{count, plural, one {# úloha} other {# úloh}}'))[0].branches;
    expect(branches.sort()).not.toEqual(new Intl.PluralRules('cs-CZ').resolvedOptions().pluralCategories.slice().sort());
    expect(() => parse('{count, plural, one {# úloha} other {# úloh}')).toThrow();
  });
});
