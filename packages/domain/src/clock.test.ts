import { describe, expect, it } from 'vitest';
import { localDate, localTime, startOfLocalDay, wallClockMs } from './clock';

describe('localDate', () => {
  it('is the next day in London at 23:30 UTC in summer (British Summer Time, UTC+1)', () => {
    expect(localDate(new Date('2026-07-14T23:30:00Z'), 'Europe/London')).toBe('2026-07-15');
  });

  it('is the same day in London at 23:30 UTC in winter (GMT, UTC+0)', () => {
    expect(localDate(new Date('2026-01-14T23:30:00Z'), 'Europe/London')).toBe('2026-01-14');
  });

  it('follows the zone it is given, not London: New York is still on the day before', () => {
    expect(localDate(new Date('2026-07-15T02:00:00Z'), 'America/New_York')).toBe('2026-07-14');
    expect(localDate(new Date('2026-07-14T23:30:00Z'), 'Asia/Tokyo')).toBe('2026-07-15');
    expect(localDate(new Date('2026-07-14T23:30:00Z'), 'UTC')).toBe('2026-07-14');
  });

  it('changes day at local midnight, either side of the clocks going forward', () => {
    // Sunday 29 March 2026: the clocks go forward at 01:00 GMT.
    expect(localDate('2026-03-28T23:59:59Z', 'Europe/London')).toBe('2026-03-28');
    expect(localDate('2026-03-29T00:00:00Z', 'Europe/London')).toBe('2026-03-29');
    expect(localDate('2026-03-29T23:00:00Z', 'Europe/London')).toBe('2026-03-30');
  });

  it('refuses a zone Intl does not know', () => {
    expect(() => localDate(new Date(), 'Europe/Atlantis')).toThrow(RangeError);
  });
});

describe('localTime', () => {
  it('knows local time across a daylight-saving change', () => {
    expect(localTime('2026-01-15T07:30:00Z', 'Europe/London')).toEqual({
      minutes: 450,
      weekday: 4,
      date: '2026-01-15',
    });
    expect(localTime('2026-07-15T07:30:00Z', 'Europe/London')).toEqual({
      minutes: 510,
      weekday: 3,
      date: '2026-07-15',
    });
  });

  it('counts local midnight as minute 0, not 24:00', () => {
    expect(localTime('2026-07-14T23:00:00Z', 'Europe/London')).toMatchObject({
      minutes: 0,
      date: '2026-07-15',
    });
  });
});

describe('wallClockMs', () => {
  const apart = (from: string, to: string, timeZone = 'Europe/London') =>
    wallClockMs(new Date(to), timeZone) - wallClockMs(new Date(from), timeZone);

  it('counts the days between two readings of the clock on the wall, whichever way the clocks changed between', () => {
    expect(apart('2026-08-10T10:00:00+01:00', '2026-11-08T10:00:00Z')).toBe(90 * 86_400_000);
    expect(apart('2027-01-10T10:00:00Z', '2027-04-10T10:00:30.5+01:00')).toBe(90 * 86_400_000 + 30_500);
  });

  it('reads the clock of the zone it is given', () => {
    expect(apart('2026-10-27T10:00:00-04:00', '2027-01-25T10:00:00-05:00', 'America/New_York')).toBe(
      90 * 86_400_000,
    );
    expect(apart('2026-10-27T10:00:00-04:00', '2027-01-25T10:00:00-05:00')).toBe(90 * 86_400_000 + 3_600_000);
  });
});

describe('startOfLocalDay', () => {
  const start = (date: string, timeZone: string) => startOfLocalDay(date, timeZone).toISOString();

  it('is midnight in the zone, whichever side of a clock change the day is', () => {
    expect(start('2032-08-01', 'Europe/London')).toBe('2032-07-31T23:00:00.000Z');
    expect(start('2033-01-01', 'Europe/London')).toBe('2033-01-01T00:00:00.000Z');
    // The clocks go forward at 01:00 on 28 March 2027 and back at 02:00 on 25 October 2026: midnight comes before.
    expect(start('2027-03-28', 'Europe/London')).toBe('2027-03-28T00:00:00.000Z');
    expect(start('2027-03-29', 'Europe/London')).toBe('2027-03-28T23:00:00.000Z');
    expect(start('2026-10-25', 'Europe/London')).toBe('2026-10-24T23:00:00.000Z');
    expect(start('2026-10-26', 'Europe/London')).toBe('2026-10-26T00:00:00.000Z');
    expect(start('2032-08-01', 'America/New_York')).toBe('2032-08-01T04:00:00.000Z');
    expect(start('2026-07-15', 'Asia/Kolkata')).toBe('2026-07-14T18:30:00.000Z');
  });

  it('is the change that starts the day where the clocks skip midnight', () => {
    // Havana goes from 00:00 to 01:00 on 8 March 2026, Santiago on 6 September 2026.
    expect(start('2026-03-08', 'America/Havana')).toBe('2026-03-08T05:00:00.000Z');
    expect(start('2026-09-06', 'America/Santiago')).toBe('2026-09-06T04:00:00.000Z');
  });

  it('is the first midnight on a day the clocks go back, east of UTC', () => {
    // Sydney and Auckland go back from 03:00 to 02:00 on 4 April 2027, Jerusalem from 02:00 to 01:00 on 25 October
    // 2026: midnight is still in summer time, an hour before the standard-time offset would put it.
    expect(start('2027-04-04', 'Australia/Sydney')).toBe('2027-04-03T13:00:00.000Z');
    expect(start('2027-04-04', 'Pacific/Auckland')).toBe('2027-04-03T11:00:00.000Z');
    expect(start('2026-10-25', 'Asia/Jerusalem')).toBe('2026-10-24T21:00:00.000Z');
  });

  it('is midnight on a day after the clocks went forward late in the evening before', () => {
    // Nuuk goes from 23:00 to 00:00 on the night of 28 March 2026, Easter Island from 22:00 to 23:00 on 5 September.
    expect(start('2026-03-29', 'America/Nuuk')).toBe('2026-03-29T01:00:00.000Z');
    expect(start('2026-09-06', 'Pacific/Easter')).toBe('2026-09-06T05:00:00.000Z');
  });

  it('is on the date, and a minute before it is the day before, on every day of two years', () => {
    const zones = [
      'UTC',
      'Europe/London',
      'America/New_York',
      'America/Havana',
      'America/Nuuk',
      'Pacific/Easter',
      'Australia/Sydney',
      'Australia/Lord_Howe',
      'Pacific/Auckland',
      'Pacific/Chatham',
      'Asia/Jerusalem',
      'Asia/Kolkata',
    ];
    const wrong: string[] = [];
    for (const timeZone of zones) {
      for (let day = Date.UTC(2026, 0, 1); day < Date.UTC(2028, 0, 1); day += 86_400_000) {
        const date = new Date(day).toISOString().slice(0, 10);
        const begins = startOfLocalDay(date, timeZone);
        const dayBefore = new Date(day - 86_400_000).toISOString().slice(0, 10);
        const aMinuteBefore = localDate(new Date(begins.getTime() - 60_000), timeZone);
        if (localDate(begins, timeZone) !== date || aMinuteBefore !== dayBefore)
          wrong.push(`${timeZone} ${date}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
