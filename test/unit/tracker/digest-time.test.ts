import { defaultRepeatStrategy } from 'bullmq';
import { digestCron } from '../../../src/scaleout/digest-queue';
import { localDay, nextDigestAt, parseTimeOfDay } from '../../../src/tracker/digest-time';
import { digestDecision } from '../../../src/tracker/digester';

const iso = (t: number): string => new Date(t).toISOString();

describe('daily digest times', () => {
  it('the next local time of day in the setter’s zone, today if still ahead, else tomorrow', () => {
    const t = Date.parse('2026-01-15T06:00:00Z'); // 07:00 in Berlin, 01:00 in New York
    expect(iso(nextDigestAt('08:00', 'Europe/Berlin', t))).toBe('2026-01-15T07:00:00.000Z');
    expect(iso(nextDigestAt('08:00', 'America/New_York', t))).toBe('2026-01-15T13:00:00.000Z');
    expect(iso(nextDigestAt('06:30', 'Europe/Berlin', t))).toBe('2026-01-16T05:30:00.000Z');
    expect(iso(nextDigestAt('08:00', 'Asia/Kolkata', t))).toBe('2026-01-16T02:30:00.000Z');
    expect(iso(nextDigestAt('08:00', 'UTC', t))).toBe('2026-01-15T08:00:00.000Z');
    // Strictly after: at 08:00 sharp the next one is tomorrow's.
    expect(iso(nextDigestAt('08:00', 'UTC', Date.parse('2026-01-15T08:00:00Z')))).toBe('2026-01-16T08:00:00.000Z');
    // Across the date line: Auckland's 08:00 on the 16th is the 15th in UTC.
    expect(iso(nextDigestAt('08:00', 'Pacific/Auckland', t))).toBe('2026-01-15T19:00:00.000Z');
  });

  it('keeps 08:00 local across daylight saving changes (23 and 25 hour days)', () => {
    // Europe: clocks go forward on 29 March 2026 and back on 25 October 2026.
    const beforeSpring = nextDigestAt('08:00', 'Europe/Berlin', Date.parse('2026-03-28T12:00:00Z'));
    expect(iso(beforeSpring)).toBe('2026-03-29T06:00:00.000Z');
    expect(beforeSpring - Date.parse('2026-03-28T07:00:00Z')).toBe(23 * 3_600_000);
    expect(iso(nextDigestAt('08:00', 'Europe/Berlin', Date.parse('2026-10-24T12:00:00Z')))).toBe('2026-10-25T07:00:00.000Z');
    // United States: 8 March and 1 November 2026.
    expect(iso(nextDigestAt('08:00', 'America/New_York', Date.parse('2026-03-07T18:00:00Z')))).toBe('2026-03-08T12:00:00.000Z');
    expect(iso(nextDigestAt('08:00', 'America/New_York', Date.parse('2026-10-31T18:00:00Z')))).toBe('2026-11-01T13:00:00.000Z');
  });

  it('a time the clocks skip is taken after the jump; a time that happens twice, the first time', () => {
    expect(iso(nextDigestAt('02:30', 'Europe/Berlin', Date.parse('2026-03-28T12:00:00Z')))).toBe('2026-03-29T01:30:00.000Z'); // 03:30 CEST
    expect(iso(nextDigestAt('02:30', 'Europe/Berlin', Date.parse('2026-10-24T12:00:00Z')))).toBe('2026-10-25T00:30:00.000Z'); // 02:30 CEST, not CET
    // Zones 12 h or more ahead of UTC too: Auckland goes forward at 02:00 on 27 September 2026.
    expect(iso(nextDigestAt('02:30', 'Pacific/Auckland', Date.parse('2026-09-26T00:00:00Z')))).toBe('2026-09-26T14:30:00.000Z'); // 03:30 NZDT
    // The day after a skipped time is a normal day again.
    expect(iso(nextDigestAt('02:30', 'Europe/Berlin', Date.parse('2026-03-29T01:30:00Z')))).toBe('2026-03-30T00:30:00.000Z');
  });

  it('BullMQ’s cron with the zone (its default repeat strategy, the Redis scheduler) fires when nextDigestAt says, DST days included', () => {
    const cases: ReadonlyArray<readonly [string, string, string]> = [
      ['Europe/Berlin', '02:30', '2026-03-27T12:00:00Z'],
      ['Europe/Berlin', '02:30', '2026-10-23T12:00:00Z'],
      ['Europe/Berlin', '08:00', '2026-03-27T12:00:00Z'],
      ['America/New_York', '01:30', '2026-10-30T12:00:00Z'],
      ['America/New_York', '02:15', '2026-03-06T12:00:00Z'],
      ['Pacific/Auckland', '02:30', '2026-09-25T00:00:00Z'],
      ['Pacific/Auckland', '02:30', '2026-04-03T00:00:00Z'],
      ['Asia/Kolkata', '08:00', '2026-01-15T00:00:00Z'],
      ['UTC', '00:00', '2026-12-30T12:00:00Z'],
    ];
    let compared = 0;
    for (const [tz, at, from] of cases) {
      let t = Date.parse(from);
      for (let i = 0; i < 4; i++) {
        const ours = nextDigestAt(at, tz, t);
        expect([tz, at, iso(defaultRepeatStrategy(t, { ...digestCron(at), tz }) ?? 0)]).toEqual([tz, at, iso(ours)]);
        compared++;
        t = ours;
      }
    }
    expect(compared).toBe(cases.length * 4);
  });

  it('one digest per local day: the day is the setter’s, not UTC’s', () => {
    expect(localDay(Date.parse('2026-01-15T23:30:00Z'), 'Europe/Berlin')).toBe('2026-01-16');
    expect(localDay(Date.parse('2026-01-15T23:30:00Z'), 'America/Los_Angeles')).toBe('2026-01-15');
  });

  it('reads HH:MM and H, refuses what is not a time of day', () => {
    expect(parseTimeOfDay('7:05')).toEqual({ hh: 7, mm: 5 });
    expect(parseTimeOfDay('23:59')).toEqual({ hh: 23, mm: 59 });
    expect(parseTimeOfDay('7')).toEqual({ hh: 7, mm: 0 });
    for (const bad of ['24:00', '12:60', '7pm', '', '1:2:3', '-1']) expect(parseTimeOfDay(bad)).toBeUndefined();
  });

  it('a missed digest is sent on start when less than 6 hours late, skipped otherwise', () => {
    const due = Date.parse('2026-01-15T07:00:00Z');
    expect(digestDecision(due, due)).toBe('send');
    expect(digestDecision(due, due + 6 * 3_600_000 - 1)).toBe('send');
    expect(digestDecision(due, due + 6 * 3_600_000)).toBe('skip');
  });
});
