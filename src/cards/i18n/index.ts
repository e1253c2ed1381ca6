/**
 * The message catalog: every user-facing string of the bot, keyed by id. English (en.json) is
 * the source of truth and defines `MessageId`; other languages are plain `<locale>.json` files
 * beside it, loaded at start, and may be partial (missing ids fall back to English).
 */
import fs from 'node:fs';
import path from 'node:path';
import en from './en.json';
import { BoundedMemo } from '../../core/memo';
import { escapeMarkdown } from '../markdown';

export type MessageId = keyof typeof en;
export type MessageParams = Readonly<Record<string, string | number>>;
export type Messages = Readonly<Partial<Record<MessageId, string>>>;

const DEFAULT_LOCALE = 'en';
const LOCALE_FILE = /^([a-z]{2,3}(?:-[a-z0-9]{2,8})*)\.json$/i;

/** BCP-47 tags compare case-insensitively; Teams sometimes sends `de_DE`. */
function normaliseLocale(locale: string): string {
  return locale.trim().replace(/_/g, '-').toLowerCase();
}

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

function substitute(text: string, params: MessageParams | undefined): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'string' && !PREFORMATTED.has(name) ? escapeMarkdown(value) : String(value);
  });
}

const ENGLISH_ONLY: readonly Messages[] = [en];

export class Catalog {
  private readonly byLocale = new Map<string, Messages>();
  /** Lookup chains by the locale asked for: a card asks for a dozen texts in one locale. */
  private readonly chains = new BoundedMemo<readonly Messages[]>(256, 64);

  /** `messages` maps a locale tag to its (possibly partial) messages; English is always present. */
  constructor(messages: Readonly<Record<string, Messages>> = {}) {
    this.byLocale.set(DEFAULT_LOCALE, en);
    for (const [locale, table] of Object.entries(messages)) {
      const tag = normaliseLocale(locale);
      if (tag === DEFAULT_LOCALE) continue;
      this.byLocale.set(tag, onlyKnownIds(table));
    }
  }

  /** Reads every `<locale>.json` in the given folders; later folders do not override earlier ones. */
  static fromDirectories(dirs: readonly string[]): Catalog {
    const found: Record<string, Messages> = {};
    for (const dir of dirs) {
      if (!fs.existsSync(dir)) continue;
      for (const file of fs.readdirSync(dir).sort()) {
        const match = LOCALE_FILE.exec(file);
        if (!match) continue;
        const tag = normaliseLocale(match[1]);
        if (tag in found) continue;
        const parsed: unknown = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) found[tag] = parsed;
      }
    }
    return new Catalog(found);
  }

  /** Locale tags with a file, English included. */
  locales(): string[] {
    return [...this.byLocale.keys()].sort();
  }

  /** Exact tag (`de-de`), then its language (`de`), then English. */
  resolve(locale: string | undefined): readonly Messages[] {
    return locale ? this.chains.get(locale, () => this.chainOf(locale)) : ENGLISH_ONLY;
  }

  private chainOf(locale: string): Messages[] {
    const chain: Messages[] = [];
    const tag = normaliseLocale(locale);
    const exact = this.byLocale.get(tag);
    if (exact) chain.push(exact);
    const language = this.byLocale.get(tag.split('-')[0]);
    if (language && language !== exact) chain.push(language);
    chain.push(en);
    return chain;
  }

  t(locale: string | undefined, id: MessageId, params?: MessageParams): string {
    for (const table of this.resolve(locale)) {
      const text = table[id];
      if (typeof text === 'string') return substitute(text, params);
    }
    // Unreachable for a typed id; kept so a stale JSON never yields `undefined` on a card.
    return id;
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
 * Compiled output (dist/src/cards/i18n) only holds the JSON files tsc copied because they are
 * imported; the source folder is read too so that a new language needs nothing but its file.
 */
function defaultDirectories(): string[] {
  const dirs = [__dirname];
  const marker = `${path.sep}dist${path.sep}`;
  const at = __dirname.lastIndexOf(marker);
  if (at >= 0) dirs.push(path.join(__dirname.slice(0, at), __dirname.slice(at + marker.length)));
  return dirs;
}

export const defaultCatalog: Catalog = Catalog.fromDirectories(defaultDirectories());

/** Looks `id` up for the activity's locale, falling back to the language and then English. */
export function t(locale: string | undefined, id: MessageId, params?: MessageParams): string {
  return defaultCatalog.t(locale, id, params);
}

/** Canonical tags by the locale asked for: every formatted value of every card asks. */
const intlTags = new BoundedMemo<string>(256, 64);

/** The language tag to hand to Intl for this locale (falls back to English on a bad tag). */
export function intlLocale(locale: string | undefined): string {
  if (!locale) return DEFAULT_LOCALE;
  return intlTags.get(locale, () => {
    try {
      return Intl.getCanonicalLocales(locale.replace(/_/g, '-'))[0] ?? DEFAULT_LOCALE;
    } catch {
      return DEFAULT_LOCALE;
    }
  });
}
