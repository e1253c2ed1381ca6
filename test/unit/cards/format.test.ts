import { formatAbsolute, formatDuration, formatPercent, formatRelative, isValidTimeZone, truncate } from '../../../src/cards';

const nbsp = (s: string): string => s.replace(/[\u00a0\u202f]/g, ' ');

describe('formatDuration', () => {
  test.each([
    [0, '0 s'],
    [999, '0 s'],
    [45_000, '45 s'],
    [60_000, '1 min'],
    [1_223_089, '20 min 23 s'],
    [3_600_000, '1 h'],
    [3_900_000, '1 h 5 min'],
    [3_905_000, '1 h 5 min'],
    [2 * 86_400_000 + 3 * 3_600_000 + 59_000, '2 d 3 h'],
    [-5, '0 s'],
    [Number.NaN, '0 s'],
  ])('%d ms reads "%s"', (ms, text) => expect(formatDuration(ms)).toBe(text));

  test('units come from the catalog, joined as the language joins units', () =>
    expect(formatDuration(3_900_000, 'de')).toBe('1 Std., 5 Min.'));
});

describe('formatRelative', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  test.each([
    [now - 10_000, 'now'],
    [now - 12 * 60_000 - 20_000, '12 minutes ago'],
    [now - 50_000, '1 minute ago'],
    [now - (2 * 3_600_000 + 5 * 60_000 + 40_000), '2 hours ago'],
    [now - 30 * 3_600_000, 'yesterday'],
    [now - 3 * 86_400_000, '3 days ago'],
    [now + 5 * 60_000, 'in 5 minutes'],
  ])('%d reads "%s"', (then, text) => expect(formatRelative(then, now)).toBe(text));

  test('German', () => expect(formatRelative(now - 12 * 60_000, now, 'de-DE')).toBe('vor 12 Minuten'));
});

describe('formatPercent', () => {
  test('whole numbers, clamped, localised', () => {
    expect(formatPercent(47.9)).toBe('47%');
    expect(formatPercent(120)).toBe('100%');
    expect(formatPercent(-3)).toBe('0%');
    expect(nbsp(formatPercent(47, 'de-DE'))).toBe('47 %');
  });
});

describe('kept formatters', () => {
  test('each locale and zone gets its own, however they interleave', () => {
    const at = Date.parse('2017-08-03T05:31:00Z');
    const seen = ['en-US', 'de-DE', 'en-US', 'de-DE'].flatMap((locale) =>
      ['Europe/Berlin', 'Asia/Tokyo', 'Not/AZone'].map((zone) => formatAbsolute(at, locale, zone).label),
    );
    expect(seen.slice(0, 6)).toEqual([
      'Aug 3, 2017, 07:31 (Europe/Berlin)',
      'Aug 3, 2017, 14:31 (Asia/Tokyo)',
      'Aug 3, 2017, 05:31 (UTC)',
      '3. Aug. 2017, 07:31 (Europe/Berlin)',
      '3. Aug. 2017, 14:31 (Asia/Tokyo)',
      '3. Aug. 2017, 05:31 (UTC)',
    ]);
    expect(seen.slice(6)).toEqual(seen.slice(0, 6));
    expect([formatPercent(45, 'en'), formatPercent(45, 'de'), formatPercent(45, 'en')]).toEqual(['45%', '45\u00a0%', '45%']);
  });

  test('stays correct past its bound (hundreds of zones and locales from users)', () => {
    const zones = Intl.supportedValuesOf('timeZone').slice(0, 300);
    for (const zone of zones) expect(isValidTimeZone(zone)).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(formatAbsolute(0, 'en-US', zones[0]).zone).toBe(zones[0]);
  });
});

describe('formatAbsolute', () => {
  const summer = Date.parse('2017-08-03T05:31:07Z');
  const winter = Date.parse('2026-01-15T23:30:00Z');

  test('in the user zone, labelled with it, daylight saving included', () => {
    expect(formatAbsolute(summer, 'en-US', 'Europe/Berlin').label).toBe('Aug 3, 2017, 07:31 (Europe/Berlin)');
    expect(formatAbsolute(winter, 'en-US', 'Europe/Berlin').label).toBe('Jan 16, 2026, 00:30 (Europe/Berlin)');
    expect(formatAbsolute(summer, 'en-US', 'America/New_York').label).toBe('Aug 3, 2017, 01:31 (America/New_York)');
  });

  test('UTC when no zone or an unknown one is given', () => {
    expect(formatAbsolute(summer, 'en-US').label).toBe('Aug 3, 2017, 05:31 (UTC)');
    expect(formatAbsolute(summer, 'en-US', 'Not/AZone').zone).toBe('UTC');
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Europe/Nowhere')).toBe(false);
  });

  test('a malformed locale falls back to English instead of throwing', () => {
    expect(formatAbsolute(summer, 'not a locale!!', 'UTC').time).toBe('Aug 3, 2017, 05:31');
  });
});

test('truncate cuts on a word boundary and marks the cut', () => {
  expect(truncate('short', 10)).toBe('short');
  const cut = truncate('the quick brown fox jumps over the lazy dog', 20);
  expect(cut.length).toBeLessThanOrEqual(20);
  expect(cut).toBe('the quick brown fox…');
});
