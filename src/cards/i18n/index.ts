/**
 * The message catalog: every user-facing string of the bot, keyed by id, in ICU MessageFormat
 * (plurals and selects follow CLDR through intl-messageformat). English (en.json) is the source
 * of truth and defines `MessageId`; every other language is a plain `<tag>.json` beside it, found
 * at start, so adding a language is adding its file (README "Languages").
 */
import fs from 'node:fs';
import path from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import en from './en.json';
import { BoundedMemo } from '../../core/memo';
import { escapeMarkdown } from '../markdown';
import { canonicalTag, intlTagFor, matchLanguage, SOURCE_LANGUAGE } from './locale';

export type MessageId = keyof typeof en;
export type MessageParams = Readonly<Record<string, string | number>>;
export type Messages = Readonly<Partial<Record<MessageId, string>>>;

export { canonicalTag, matchLanguage, intlTagFor, SOURCE_LANGUAGE } from './locale';

/** Distinct locales remembered (languages × regions seen in practice are far fewer). */
const MATCH_MEMO_LIMIT = 256;

const LOCALE_FILE = /^([a-z]{2,3}(?:-[a-z0-9]{2,8})*)\.json$/i;

/**
 * Parameters that carry text the bot itself made (catalog text, Intl output, numbers); every
 * other string parameter is data a user or Azure wrote (names, ids, messages, echoed input) and is
 * escaped for Markdown, so that it shows literally in a reply or on a card.
 */
const PREFORMATTED = new Set([
  'status',
  'filter',
  'duration',
  'wait',
  'time',
  'relative',
  'elapsed',
  'command',
  'language',
  'languages',
  // An IANA zone Intl accepted (formatAbsolute checks it): letters, digits, `/ _ + -`, no Markdown.
  'zone',
  // Catalog text built (and escaped) by an earlier t(): a watch mode, a summary line, a list of watches.
  'mode',
  'summary',
  'watches',
  // Digest figures the bot formatted: a rate, a factor, an interval.
  'rate',
  'previous',
  'factor',
  'interval',
]);

/** `<job id>` in help texts is text, not a tag: FormatJS would otherwise parse it as rich-text markup. */
const FORMAT_OPTIONS = { ignoreTag: true } as const;

function escaped(params: MessageParams | undefined): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (!params) return out;
  for (const [name, value] of Object.entries(params)) {
    out[name] = typeof value === 'string' && !PREFORMATTED.has(name) ? escapeMarkdown(value) : value;
  }
  return out;
}

/** Names of the arguments a parsed ICU message uses, plural and select arguments included. */
export function argumentNames(message: string): string[] {
  const names = new Set<string>();
  const walk = (elements: readonly unknown[]): void => {
    for (const element of elements as Array<{ value?: unknown; options?: Record<string, { value: unknown[] }> }>) {
      // Literal (0) and pound (7) elements carry no argument name; tags (8) are off (ignoreTag).
      const type = (element as { type: number }).type;
      if (type !== 0 && type !== 7 && typeof element.value === 'string') names.add(element.value);
      for (const option of Object.values(element.options ?? {})) walk(option.value);
    }
  };
  walk(new IntlMessageFormat(message, SOURCE_LANGUAGE, undefined, FORMAT_OPTIONS).getAst());
  return [...names].sort();
}

/** A message of text and `{name}` arguments only (most of the catalog), as literal text and argument names. */
type SimpleParts = ReadonlyArray<string | { readonly arg: string }>;

interface Compiled {
  readonly format: IntlMessageFormat;
  readonly simple?: SimpleParts;
}

/** Literal (0) and argument (1) elements only: what FormatJS formats as plain concatenation. */
function simpleParts(format: IntlMessageFormat): SimpleParts | undefined {
  const parts: Array<string | { readonly arg: string }> = [];
  for (const element of format.getAst() as ReadonlyArray<{ type: number; value?: unknown }>) {
    if (typeof element.value !== 'string') return undefined;
    if (element.type === 0) parts.push(element.value);
    else if (element.type === 1) parts.push({ arg: element.value });
    else return undefined;
  }
  return parts;
}

/**
 * What intl-messageformat's format() gives for a simple message: literals as written, a string or
 * number argument as String(value) (a number is not localized there either). Undefined, so that
 * format() decides, when an argument is missing or of another type.
 */
function joined(parts: SimpleParts, values: Record<string, string | number>): string | undefined {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    if (!(part.arg in values)) return undefined;
    const value = values[part.arg];
    if (typeof value !== 'string' && typeof value !== 'number') return undefined;
    out += String(value);
  }
  return out;
}

/** Formatted messages whose arguments are all numbers, remembered (see Catalog.t). */
const NUMERIC_MEMO_LIMIT = 1024;

/** The memo key of a message whose arguments are 1 to 3 finite numbers; undefined otherwise. */
function numericKey(language: string, id: MessageId, params: MessageParams | undefined): string | undefined {
  if (!params) return undefined;
  let key = `${language}\u0000${id}`;
  let count = 0;
  for (const name in params) {
    const value = params[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || ++count > 3) return undefined;
    key += `\u0000${name}=${value}`;
  }
  return count > 0 ? key : undefined;
}

export class Catalog {
  private readonly byLanguage = new Map<string, Messages>();
  private readonly compiled = new Map<string, Compiled>();
  private readonly numericTexts = new BoundedMemo<string>(NUMERIC_MEMO_LIMIT, 120);
  private readonly tags: string[];
  /** Resolved locales: every card asks dozens of times, and matching builds Intl.Locale objects. */
  private readonly matched = new BoundedMemo<{ readonly language: string; readonly intlTag: string }>(MATCH_MEMO_LIMIT, 64);

  /** `messages` maps a language tag to its messages; English is always present and always en.json. */
  constructor(messages: Readonly<Record<string, Messages>> = {}) {
    this.byLanguage.set(SOURCE_LANGUAGE, en);
    for (const [locale, table] of Object.entries(messages)) {
      const tag = canonicalTag(locale);
      if (tag === undefined || tag === SOURCE_LANGUAGE) continue;
      this.byLanguage.set(tag, onlyKnownIds(table));
    }
    this.tags = [...this.byLanguage.keys()].sort();
  }

  /** Reads every `<tag>.json` in the given folders; later folders do not override earlier ones. */
  static fromDirectories(dirs: readonly string[]): Catalog {
    const found: Record<string, Messages> = {};
    for (const dir of dirs) {
      if (!fs.existsSync(dir)) continue;
      for (const file of fs.readdirSync(dir).sort()) {
        const match = LOCALE_FILE.exec(file);
        const tag = match ? canonicalTag(match[1]) : undefined;
        if (tag === undefined || tag in found) continue;
        const parsed: unknown = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) found[tag] = parsed;
      }
    }
    return new Catalog(found);
  }

  /** The languages there is a file for, English included, as canonical tags (`cs-CZ`, `de`, `en`…). */
  locales(): string[] {
    return [...this.tags];
  }

  /** The catalog language that answers this locale (see matchLanguage: `pt-PT` → `pt-BR`, `zh-TW` → `en`). */
  language(locale: string | undefined): string {
    return this.match(locale).language;
  }

  /** The tag for Intl dates and numbers next to this locale's text. */
  intlTag(locale: string | undefined): string {
    return this.match(locale).intlTag;
  }

  /** Locales come from users' activities: the memo is bounded (BoundedMemo), a longer string is resolved but never kept. */
  private match(locale: string | undefined): { readonly language: string; readonly intlTag: string } {
    return this.matched.get(locale ?? '', () => {
      const language = matchLanguage(locale, this.tags);
      return { language, intlTag: intlTagFor(locale, language) };
    });
  }

  /** The language's raw ICU text for an id (English when the file lacks it). */
  raw(language: string, id: MessageId): string {
    const text = this.byLanguage.get(language)?.[id];
    return typeof text === 'string' ? text : en[id];
  }

  t(locale: string | undefined, id: MessageId, params?: MessageParams): string {
    const language = this.language(locale);
    const { format, simple } = this.format(language, id);
    const values = escaped(params);
    // A card makes dozens of these calls; format() walks its parts, memoizes through JSON keys and merges.
    const text = simple && joined(simple, values);
    if (text !== undefined) return text;
    // Plurals and numbers take several ICU calls. With numbers only as arguments (counts), the text is a
    // pure function of language, id and values: memoised, bounded (a count comes from our data, not users).
    const numeric = numericKey(language, id, params);
    if (numeric !== undefined) return this.numericTexts.get(numeric, () => this.formatted(format, language, id, values));
    return this.formatted(format, language, id, values);
  }

  private formatted(format: IntlMessageFormat, language: string, id: MessageId, values: Record<string, string | number>): string {
    try {
      return String(format.format(values));
    } catch {
      // A missing argument: show its name rather than failing the whole reply or card.
      for (const name of argumentNames(this.raw(language, id))) if (!(name in values)) values[name] = `{${name}}`;
      return String(format.format(values));
    }
  }

  private format(language: string, id: MessageId): Compiled {
    // Bounded: languages come from files and ids from en.json, never from users.
    const key = `${language}\u0000${id}`;
    let compiled = this.compiled.get(key);
    if (!compiled) {
      const format = new IntlMessageFormat(this.raw(language, id), language, undefined, FORMAT_OPTIONS);
      const simple = simpleParts(format);
      compiled = simple ? { format, simple } : { format };
      this.compiled.set(key, compiled);
    }
    return compiled;
  }
}

/** Drops ids English does not define and non-string values, so a stray file cannot inject text. */
function onlyKnownIds(table: Messages): Messages {
  const out: Partial<Record<MessageId, string>> = {};
  for (const [id, text] of Object.entries(table)) {
    if (Object.prototype.hasOwnProperty.call(en, id) && typeof text === 'string') out[id as MessageId] = text;
  }
  return out;
}

/**
 * Compiled output (dist/src/cards/i18n) holds the JSON files copy-assets copied; the source folder
 * is read too so that a new language needs nothing but its file.
 */
function defaultDirectories(): string[] {
  const dirs = [__dirname];
  const marker = `${path.sep}dist${path.sep}`;
  const at = __dirname.lastIndexOf(marker);
  if (at >= 0) dirs.push(path.join(__dirname.slice(0, at), __dirname.slice(at + marker.length)));
  return dirs;
}

export const defaultCatalog: Catalog = Catalog.fromDirectories(defaultDirectories());

/** Looks `id` up in the catalog language for this locale (see matchLanguage). */
export function t(locale: string | undefined, id: MessageId, params?: MessageParams): string {
  return defaultCatalog.t(locale, id, params);
}

/** The language tag to hand to Intl next to this locale's text (English on a bad tag). */
export function intlLocale(locale: string | undefined): string {
  return defaultCatalog.intlTag(locale);
}

/** The catalog language that answers this locale. */
export function languageOf(locale: string | undefined): string {
  return defaultCatalog.language(locale);
}
