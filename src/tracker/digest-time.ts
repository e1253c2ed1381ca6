/**
 * When a daily digest is due: the next instant a local time of day (`HH:MM`) occurs in an IANA
 * time zone, across daylight saving changes. A time that does not exist that day (the clocks
 * jump over it) is taken as the same wall time after the jump (02:30 becomes 03:30); a time that
 * occurs twice (the clocks go back) is taken the first time. Pure; Intl does the zone arithmetic.
 */
const MIN = 60_000;
const DAY = 24 * 60 * MIN;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    if (formatters.size > 256) formatters.clear();
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether Intl knows the zone (names come from clients: checked before use). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface Local {
  readonly y: number;
  readonly m: number;
  readonly d: number;
  readonly hh: number;
  readonly mm: number;
}

export function localOf(t: number, timeZone: string): Local {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(t))
      .map((p) => [p.type, p.value]),
  );
  return {
    y: Number(parts['year']),
    m: Number(parts['month']),
    d: Number(parts['day']),
    hh: Number(parts['hour']),
    mm: Number(parts['minute']),
  };
}

/** The local calendar day of `t`, `YYYY-MM-DD`: a digest is sent once per such day and conversation. */
export function localDay(t: number, timeZone: string): string {
  const l = localOf(t, timeZone);
  return `${l.y}-${String(l.m).padStart(2, '0')}-${String(l.d).padStart(2, '0')}`;
}

/** Offset of the zone from UTC at `t`, in ms (local = utc + offset). */
function offsetAt(t: number, timeZone: string): number {
  const l = localOf(t, timeZone);
  const asUtc = Date.UTC(l.y, l.m - 1, l.d, l.hh, l.mm);
  return asUtc - Math.floor(t / MIN) * MIN;
}

/** The instant local `y-m-d hh:mm` happens in the zone (see the file comment for gaps and repeats). */
export function instantOf(y: number, m: number, d: number, hh: number, mm: number, timeZone: string): number {
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  // The two offsets around the wall time (before and after a change) give the candidates. A whole
  // day each side: half a day missed the change for zones 12 h or more ahead of UTC (Auckland's
  // 02:30 on the day its clocks go forward came out as 01:30, before the jump).
  const candidates = [offsetAt(wall - DAY, timeZone), offsetAt(wall + DAY, timeZone)].map((o) => wall - o);
  const exact = candidates.filter((t) => {
    const l = localOf(t, timeZone);
    return l.hh === hh && l.mm === mm && l.d === d;
  });
  if (exact.length > 0) return Math.min(...exact);
  // In the gap: the wall time read with the offset from before the jump lands after it, shifted by the jump.
  return Math.max(...candidates);
}

/** `HH:MM` → minutes, or undefined when it is not a time of day. */
export function parseTimeOfDay(text: string): { hh: number; mm: number } | undefined {
  const m = /^(\d{1,2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m) return undefined;
  const hh = Number(m[1]);
  const mm = m[2] === undefined ? 0 : Number(m[2]);
  return hh < 24 && mm < 60 ? { hh, mm } : undefined;
}

/** The first instant strictly after `after` at which local `at` (`HH:MM`) happens in the zone. */
export function nextDigestAt(at: string, timeZone: string, after: number): number {
  const tod = parseTimeOfDay(at);
  if (!tod) throw new RangeError(`not a time of day: ${at}`);
  const today = localOf(after, timeZone);
  for (let i = 0; i < 3; i++) {
    const day = new Date(Date.UTC(today.y, today.m - 1, today.d + i));
    const t = instantOf(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), tod.hh, tod.mm, timeZone);
    if (t > after) return t;
  }
  throw new Error('unreachable: a local time occurs within three days');
}
