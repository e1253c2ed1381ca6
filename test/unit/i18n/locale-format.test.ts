/**
 * What each language reads: Czech plurals (one, few, other: 1 úloha, 2 úlohy, 5 úloh, 21 úloh),
 * and dates, durations, relative times and sizes in every catalog language. The expected strings
 * are CLDR's (Node's full ICU) and the catalog's unit words; spaces are compared as plain spaces
 * because ICU puts no-break spaces in numbers and dates.
 */
import { formatAbsolute, formatDuration, formatRelative, formatSize, t } from '../../../src/cards';

const plain = (s: string): string => s.replace(/[\u00a0\u202f]/g, ' ');

describe('cs-CZ plurals', () => {
  test.each([
    [0, '…a 0 dalších dílčích úloh', '0 sledovaných úloh', 'Operace op-1 vytvořila 0 úloh. Teď je sleduji.'],
    [1, '…a 1 další dílčí úloha', '1 sledovaná úloha', 'Operace op-1 vytvořila 1 úlohu. Teď je sleduji.'],
    [2, '…a 2 další dílčí úlohy', '2 sledované úlohy', 'Operace op-1 vytvořila 2 úlohy. Teď je sleduji.'],
    [5, '…a 5 dalších dílčích úloh', '5 sledovaných úloh', 'Operace op-1 vytvořila 5 úloh. Teď je sleduji.'],
    // Czech is not Russian: 21 takes the "other" form (CLDR: one is exactly 1).
    [21, '…a 21 dalších dílčích úloh', '21 sledovaných úloh', 'Operace op-1 vytvořila 21 úloh. Teď je sleduji.'],
  ])('%d', (count, moreTasks, tracked, yielded) => {
    expect(t('cs-CZ', 'card.moreTasks', { count })).toBe(moreTasks);
    expect(t('cs-CZ', 'tracking.count', { count })).toBe(tracked);
    expect(t('cs-CZ', 'operation.yieldedMany', { operationId: 'op-1', count })).toBe(yielded);
  });

  test.each([
    [1, '1 den 1 h'],
    [2, '2 dny 1 h'],
    [5, '5 dní 1 h'],
    [21, '21 dní 1 h'],
  ])('%d days read "%s"', (days, text) => expect(formatDuration(days * 86_400_000 + 3_600_000, 'cs-CZ')).toBe(text));

  test('English no longer says "1 more tasks"', () => {
    expect(t('en', 'card.moreTasks', { count: 1 })).toBe('…and 1 more task');
    expect(t('en', 'card.moreErrors', { count: 1 })).toMatch(/^…and 1 more error;/);
  });
});

describe('dates, durations, relative times and sizes in each language', () => {
  const start = Date.parse('2017-08-03T05:31:07Z');
  const now = start + 12 * 60_000 + 20_000;

  test.each([
    ['en', 'Aug 3, 2017, 07:31 (Europe/Prague)', '20 min 23 s', '2 d 3 h', '12 minutes ago', '2 days ago', '2,332 MB'],
    ['de', '3. Aug. 2017, 07:31 (Europe/Prague)', '20 Min., 23 Sek.', '2 Tg., 3 Std.', 'vor 12 Minuten', 'vorgestern', '2.332 MB'],
    ['pt-BR', '3 de ago. de 2017, 07:31 (Europe/Prague)', '20 min 23 s', '2 dias 3 h', 'há 12 minutos', 'anteontem', '2.332 MB'],
    ['cs-CZ', '3. 8. 2017 07:31 (Europe/Prague)', '20 min 23 s', '2 dny 3 h', 'před 12 minutami', 'předevčírem', '2 332 MB'],
    ['zh-CN', '2017年8月3日 07:31（Europe/Prague）', '20分钟23秒', '2天3小时', '12分钟前', '前天', '2,332 MB'],
    ['es-ES', '3 ago 2017, 07:31 (Europe/Prague)', '20 min 23 s', '2 d 3 h', 'hace 12 minutos', 'anteayer', '2332 MB'],
    ['nl-NL', '3 aug 2017, 07:31 (Europe/Prague)', '20 min, 23 sec', '2 dagen, 3 uur', '12 minuten geleden', 'eergisteren', '2.332 MB'],
  ])('%s', (locale, date, minutes, days, relative, twoDaysAgo, size) => {
    expect(plain(formatAbsolute(start, locale, 'Europe/Prague').label)).toBe(date);
    expect(plain(formatDuration(1_223_089, locale))).toBe(minutes);
    expect(plain(formatDuration(2 * 86_400_000 + 3 * 3_600_000, locale))).toBe(days);
    expect(plain(formatRelative(start, now, locale))).toBe(relative);
    expect(plain(formatRelative(start - 2 * 86_400_000, now, locale))).toBe(twoDaysAgo);
    expect(plain(formatSize(2332, 'megabyte', locale))).toBe(size);
  });

  test('a regional tag keeps its own date and number habits under its language’s text', () => {
    expect(plain(formatAbsolute(start, 'de-CH', 'Europe/Zurich').time)).toBe('3. Aug. 2017, 07:31');
    expect(plain(formatSize(2332, 'megabyte', 'de-CH'))).toBe("2'332 MB");
    expect(plain(formatSize(2332, 'megabyte', 'pt-PT'))).toBe('2332 MB');
  });
});
