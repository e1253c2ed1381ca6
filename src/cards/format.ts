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
 * "1 h 5 min", "20 min 23 s", "45 s", "2 d 3 h": the two most significant units, a zero second
 * unit left out. Negative or non-finite input counts as zero.
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
  return parts.join(' ');
}

/**
 * Coarser than `formatDuration` because "3 min 12 s ago" changes on every glance:
 * under an hour whole minutes, under a day hours and minutes, beyond that days and hours.
 */
function coarseDuration(ms: number, locale?: string): string {
  if (ms < HOUR) return formatDuration(Math.max(MINUTE, Math.round(ms / MINUTE) * MINUTE), locale);
  return formatDuration(Math.floor(ms / MINUTE) * MINUTE, locale);
}

/** "just now", "12 min ago", "in 5 min". */
export function formatRelative(thenMs: number, nowMs: number, locale?: string): string {
  const diff = nowMs - thenMs;
  if (Math.abs(diff) < 45 * SECOND) return t(locale, 'time.justNow');
  return diff > 0
    ? t(locale, 'time.ago', { duration: coarseDuration(diff, locale) })
    : t(locale, 'time.in', { duration: coarseDuration(-diff, locale) });
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
