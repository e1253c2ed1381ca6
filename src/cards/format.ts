/**
 * Pure formatting for cards and replies: durations, relative and absolute times, percentages.
 * Every function takes the instant to compare against (`now`) and the locale explicitly.
 */
import { BoundedMemo } from '../core/memo';
import { intlLocale, t, type MessageId } from './i18n';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const UNITS: ReadonlyArray<{ readonly ms: number; readonly id: MessageId }> = [
  { ms: DAY, id: 'unit.d' },
  { ms: HOUR, id: 'unit.h' },
  { ms: MINUTE, id: 'unit.min' },
  { ms: SECOND, id: 'unit.s' },
];

/**
 * "1 h 5 min", "20 min 23 s", "2 Tg., 3 Std.", "1 h 5 min", "2小时23分钟": the two most significant
 * units, a zero second unit left out. Each unit is the catalog's (its plural forms are the
 * language's, "2 dny", "5 dní"), and the parts are joined as CLDR joins units in that language
 * (Intl.ListFormat `unit`: a space in English, a comma in German, nothing in Chinese).
 * Negative or non-finite input counts as zero.
 */
export function formatDuration(ms: number, locale?: string): string {
  const total = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / SECOND) * SECOND : 0;
  const first = UNITS.findIndex((u) => total >= u.ms);
  if (first < 0) return t(locale, 'unit.s', { n: 0 });
  const parts: string[] = [];
  let rest = total;
  for (const unit of UNITS.slice(first, first + 2)) {
    const n = Math.floor(rest / unit.ms);
    rest -= n * unit.ms;
    if (n > 0 || parts.length === 0) parts.push(t(locale, unit.id, { n }));
  }
  const tag = intlLocale(locale);
  return memoized(`units|${tag}`, () => new Intl.ListFormat(tag, { type: 'unit', style: 'narrow' })).format(parts);
}

const RELATIVE_STEPS: ReadonlyArray<{ readonly below: number; readonly unit: Intl.RelativeTimeFormatUnit; readonly ms: number }> = [
  { below: 45 * MINUTE, unit: 'minute', ms: MINUTE },
  { below: 22 * HOUR, unit: 'hour', ms: HOUR },
  { below: Infinity, unit: 'day', ms: DAY },
];

/**
 * "now", "12 minutes ago", "in 5 minutes", "vor 2 Stunden", "před 3 dny", "昨天": one unit, rounded,
 * in the words of Intl.RelativeTimeFormat. Coarse on purpose: "3 min 12 s ago" would change on
 * every glance; the card shows the exact elapsed time beside it.
 */
export function formatRelative(thenMs: number, nowMs: number, locale?: string): string {
  const tag = intlLocale(locale);
  const diff = thenMs - nowMs;
  if (!Number.isFinite(diff) || Math.abs(diff) < 45 * SECOND) return relativeText(tag, 0, 'second');
  const step = RELATIVE_STEPS.find((s) => Math.abs(diff) < s.below) ?? RELATIVE_STEPS[RELATIVE_STEPS.length - 1];
  const count = Math.max(1, Math.round(Math.abs(diff) / step.ms));
  return relativeText(tag, diff < 0 ? -count : count, step.unit);
}

/**
 * The words for one (locale, count, unit): ICU's answer costs microseconds, and every row of a
 * list card asks, mostly for the same few values. A pure function of the key, so the memo is exact.
 */
const relativeTexts = new BoundedMemo<string>(1024);

function relativeText(tag: string, value: number, unit: Intl.RelativeTimeFormatUnit): string {
  return relativeTexts.get(`${tag}|${value}|${unit}`, () =>
    memoized(`relative|${tag}`, () => new Intl.RelativeTimeFormat(tag, { numeric: 'auto', style: 'long' })).format(value, unit),
  );
}

/**
 * Building an Intl formatter costs far more than using one, and every card needs several; they
 * are kept per locale and zone. Both come from users' activities, so the memo is bounded (BoundedMemo).
 */
export const MEMO_LIMIT = 256;
const memo = new BoundedMemo<unknown>(MEMO_LIMIT);

function memoized<T>(key: string, make: () => T): T {
  return memo.get(key, make) as T;
}

/** Entries in the formatter memo, for tests: never more than MEMO_LIMIT. */
export function memoSize(): number {
  return memo.size;
}

/** "45%" (en) or "45 %" (de); clamped to 0–100, whole numbers. */
export function formatPercent(value: number, locale?: string): string {
  const clamped = Math.min(100, Math.max(0, Number.isFinite(value) ? value : 0));
  const tag = intlLocale(locale);
  const format = memoized(`percent|${tag}`, () => new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 0 }));
  return format.format(Math.floor(clamped) / 100);
}

/** "1,234", "1.234", "1 234": a count in the locale's digits grouping. */
export function formatNumber(value: number, locale?: string): string {
  const tag = intlLocale(locale);
  return memoized(`number|${tag}`, () => new Intl.NumberFormat(tag, { maximumFractionDigits: 1 })).format(value);
}

const SIZE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
const SIZE_TEXT = /^(\d{1,15}(?:\.\d{1,6})?)\s?(B|KB|MB|GB|TB)$/i;

/** "2,332 MB" (en), "2.332 MB" (de), "2 332 MB" (cs): a size in the locale's number format, in the unit given. */
export function formatSize(value: number, unit: (typeof SIZE_UNITS)[number], locale?: string): string {
  const tag = intlLocale(locale);
  return memoized(
    `size|${unit}|${tag}`,
    () => new Intl.NumberFormat(tag, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }),
  ).format(value);
}

/**
 * Azure writes sizes in the property bag as English text ("2332 MB"): such a value in the locale's
 * number format, or undefined for anything else (shown as Azure sent it).
 */
export function localizeSizeText(text: string, locale?: string): string | undefined {
  const match = SIZE_TEXT.exec(text.trim());
  if (!match) return undefined;
  const unit = SIZE_UNITS[['B', 'KB', 'MB', 'GB', 'TB'].indexOf(match[2].toUpperCase())];
  return formatSize(Number(match[1]), unit, locale);
}

/** Whether Intl knows this IANA zone (Node ships full ICU). */
export function isValidTimeZone(timeZone: string | undefined): timeZone is string {
  // IANA names are short ("America/Argentina/ComodRivadavia" is among the longest).
  if (!timeZone || timeZone.length > 64) return false;
  return memoized(`zone|${timeZone}`, () => {
    try {
      new Intl.DateTimeFormat('en', { timeZone }).format(0);
      return true;
    } catch {
      return false;
    }
  });
}

export interface AbsoluteTime {
  /** Date and time in the zone, e.g. "3 Aug 2017, 07:31". */
  readonly time: string;
  /** The IANA zone used ("UTC" when none or an unknown one was given). */
  readonly zone: string;
  /** "3 Aug 2017, 07:31 (Europe/Berlin)". */
  readonly label: string;
}

/** Absolute time in the user's zone from the clientInfo entity, else UTC; always labelled. */
export function formatAbsolute(ms: number, locale?: string, timeZone?: string): AbsoluteTime {
  const zone = isValidTimeZone(timeZone) ? timeZone : 'UTC';
  const tag = intlLocale(locale);
  const format = memoized(
    `absolute|${tag}|${zone}`,
    () =>
      new Intl.DateTimeFormat(tag, {
        timeZone: zone,
        year: 'numeric',
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }),
  );
  const time = format.format(ms);
  return { time, zone, label: t(locale, 'time.zoned', { time, zone }) };
}

/** Epoch ms of an ISO timestamp, undefined when absent or unreadable. */
export function parseTime(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Cuts text to `max` characters on a word boundary when one is near, marking the cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, Math.max(1, max - 1));
  if (/\s/.test(text[cut.length] ?? '')) return `${cut.trimEnd()}…`;
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.7 ? cut.slice(0, space) : cut}…`;
}
