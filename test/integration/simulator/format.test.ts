import { formatIsoDuration, formatTimeSpan, formatTimestamp } from '../../../tools/simulator/format';
import { parseFilterTime } from '../../../tools/simulator/filter';

describe('wire formats of the simulated vault', () => {
  it.each([
    [0, 'PT0S', '00:00:00'],
    [9_878, 'PT9.878S', '00:00:09.8780000'],
    [1_223_089, 'PT20M23.089S', '00:20:23.0890000'],
    [3_600_000, 'PT1H', '01:00:00'],
    [93_784_000, 'PT26H3M4S', '1.02:03:04'],
  ])('%d ms is %s in ISO and %s as a TimeSpan', (ms, iso, span) => {
    expect(formatIsoDuration(ms)).toBe(iso);
    expect(formatTimeSpan(ms)).toBe(span);
  });

  it('writes timestamps with seven fractional digits like the service', () => {
    expect(formatTimestamp(Date.UTC(2018, 4, 21, 8, 35, 40, 948))).toBe('2018-05-21T08:35:40.9480000Z');
  });

  it("reads filter times in ISO and in the examples' AM/PM form, as UTC", () => {
    expect(parseFilterTime('2016-01-01 00:00:00 AM', 'startTime')).toBe(Date.UTC(2016, 0, 1));
    expect(parseFilterTime('2016-01-01 12:30:00 AM', 'startTime')).toBe(Date.UTC(2016, 0, 1, 0, 30));
    expect(parseFilterTime('2016-01-01 12:30:00 PM', 'startTime')).toBe(Date.UTC(2016, 0, 1, 12, 30));
    expect(parseFilterTime('2016-01-01 01:00:00 PM', 'startTime')).toBe(Date.UTC(2016, 0, 1, 13));
    expect(parseFilterTime('2026-01-01T02:00:00+01:00', 'startTime')).toBe(Date.UTC(2026, 0, 1, 1));
    expect(() => parseFilterTime('2016-02-30 00:00:00 AM', 'startTime')).toThrow();
    expect(() => parseFilterTime('2016-01-01 13:00:00 PM', 'startTime')).toThrow();
    expect(() => parseFilterTime('2026-01-01T02:00:00', 'startTime')).not.toThrow(); // no zone: the AM/PM form's rule, UTC
  });
});
