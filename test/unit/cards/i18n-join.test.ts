/**
 * The catalog formats messages of plain text and `{name}` arguments by joining their parts instead
 * of calling intl-messageformat (a per-message cost on every card). The answer must be the same:
 * checked here for every message of every shipped language, against intl-messageformat itself. So
 * is the memo of messages whose arguments are all numbers (plurals, counts).
 */
import { IntlMessageFormat } from 'intl-messageformat';
import { argumentNames, defaultCatalog, type MessageId } from '../../../src/cards';
import en from '../../../src/cards/i18n/en.json';

const IDS = Object.keys(en) as MessageId[];

/** Values that Markdown escaping leaves as they are, so the reference needs no escaping of its own. */
function valuesFor(names: readonly string[], round: number): Record<string, string | number> {
  const pick = [(i: number) => `Value ${i}`, () => 1, () => 3, () => 1234.5, () => 0, () => ''];
  return Object.fromEntries(names.map((name, i) => [name, pick[(i + round) % pick.length](i)]));
}

describe('catalog: simple messages joined, counts memoised, without intl-messageformat on every call', () => {
  it.each(defaultCatalog.locales())('%s: every message reads exactly as intl-messageformat formats it', (language) => {
    let compared = 0;
    for (const id of IDS) {
      const raw = defaultCatalog.raw(language, id);
      const names = argumentNames(raw);
      const reference = new IntlMessageFormat(raw, language, undefined, { ignoreTag: true });
      for (let round = 0; round < 6; round++) {
        const values = valuesFor(names, round);
        const expected = String(reference.format(values));
        expect([id, defaultCatalog.t(language, id, values)]).toEqual([id, expected]);
        // A second time: messages of numbers only come from a memo then.
        expect([id, defaultCatalog.t(language, id, values)]).toEqual([id, expected]);
        compared++;
        if (names.length === 0) break;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(IDS.length);
  });

  it('still names a missing argument instead of failing, and escapes what a user wrote', () => {
    expect(defaultCatalog.t('en', 'tracking.requestedBy')).toBe('tracked for {name}');
    expect(defaultCatalog.t('en', 'tracking.requestedBy', { name: 'a*b_c' })).toBe('tracked for a\\*b\\_c');
  });
});
