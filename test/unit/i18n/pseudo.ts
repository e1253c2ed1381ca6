/**
 * Pseudo-localization: every literal of every ICU message accented and padded so the text runs
 * about 40 % longer (as German or Czech often do), arguments, plurals and selects kept. Catches
 * cards that only fit in English.
 */
import { IntlMessageFormat } from 'intl-messageformat';

const ACCENTED: Readonly<Record<string, string>> = {
  a: 'á',
  e: 'é',
  i: 'í',
  o: 'ö',
  u: 'ü',
  c: 'ç',
  n: 'ñ',
  s: 'š',
  z: 'ž',
  y: 'ý',
  A: 'Å',
  E: 'É',
  I: 'Í',
  O: 'Ö',
  U: 'Ü',
  C: 'Ç',
  N: 'Ñ',
  S: 'Š',
  Z: 'Ž',
  Y: 'Ý',
};

/** The growth asked for in what users read (the test measures it on formatted messages). */
export const PSEUDO_GROWTH = 0.4;
/** Literals grow more than that, since arguments (ids, names, numbers) do not grow at all. */
const LITERAL_GROWTH = 0.6;

interface Element {
  readonly type: number;
  readonly value?: string;
  readonly offset?: number;
  readonly style?: unknown;
  readonly options?: Record<string, { readonly value: readonly Element[] }>;
}

/** Accents every letter (Markdown and code spans stay intact: only letters change) and pads with "~". */
function stretch(literal: string): string {
  if (literal.trim() === '') return literal;
  const accented = [...literal].map((c) => ACCENTED[c] ?? c).join('');
  return `${accented}${'~'.repeat(Math.ceil(literal.length * LITERAL_GROWTH))}`;
}

/** ICU text of a tree (the subset the catalog uses: literals, arguments, numbers, plurals, selects, #). */
function print(elements: readonly Element[], inPlural: boolean): string {
  return elements
    .map((e) => {
      switch (e.type) {
        case 0:
          // Braces and apostrophes would start ICU syntax; the catalog's literals have none but apostrophes.
          return stretch(e.value ?? '').replace(/'/g, "''");
        case 1:
          return `{${e.value}}`;
        case 2:
          if (e.style === null || e.style === undefined) return `{${e.value}, number}`;
          if (typeof e.style === 'string') return `{${e.value}, number, ${e.style}}`;
          throw new Error('pseudo-localization does not print number skeletons');
        case 5:
        case 6: {
          const kind = e.type === 6 ? 'plural' : 'select';
          const options = Object.entries(e.options ?? {})
            .map(([key, option]) => `${key} {${print(option.value, e.type === 6 || inPlural)}}`)
            .join(' ');
          return `{${e.value}, ${kind}, ${options}}`;
        }
        case 7:
          return '#';
        default:
          throw new Error(`pseudo-localization does not know ICU element type ${e.type}`);
      }
    })
    .join('');
}

export function pseudoLocalize(messages: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, text] of Object.entries(messages)) {
    const ast = new IntlMessageFormat(text, 'en', undefined, { ignoreTag: true }).getAst() as unknown as Element[];
    out[id] = print(ast, false);
  }
  return out;
}
