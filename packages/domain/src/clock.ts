/** Time source, injected everywhere time matters so tests can control it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * One formatter per time zone, made on first use: constructing an `Intl.DateTimeFormat` costs about 50 µs, formatting
 * with one about 4, and the alert rules format every audit event they scan. Settings accept only zones that Intl knows,
 * so the map holds at most one formatter per IANA zone; a bad zone throws here and nothing is kept.
 */
const localFormatters = new Map<string, Intl.DateTimeFormat>();

function localFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = localFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    localFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** An instant as a clock on the wall of a time zone shows it. */
export interface LocalTime {
  /** 1 = Monday … 7 = Sunday. */
  readonly weekday: number;
  /** Minutes since local midnight. */
  readonly minutes: number;
  /** The local calendar date, `YYYY-MM-DD`. */
  readonly date: string;
}

/**
 * Weekday, minutes since midnight and calendar date of an instant (a `Date` or an ISO timestamp) in an IANA time
 * zone, daylight saving included. A zone Intl does not know is a RangeError.
 */
export function localTime(at: Date | string, timeZone: string): LocalTime {
  const parts = localFormatter(timeZone).formatToParts(typeof at === 'string' ? new Date(at) : at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    weekday: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(part('weekday')) + 1,
    minutes: Number(part('hour')) * 60 + Number(part('minute')),
    date: `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`,
  };
}

/**
 * The calendar date (`YYYY-MM-DD`) of an instant in an IANA time zone: what "today" is for someone there. A date a
 * person gives (told on, received on, born on) is theirs, so it is checked against this, never the UTC date: from
 * midnight to 01:00 British Summer Time, UTC is still on the day before.
 */
export function localDate(at: Date | string, timeZone: string): string {
  return localTime(at, timeZone).date;
}

/**
 * An instant as the wall clock of an IANA time zone reads it, in milliseconds as if that reading were UTC. Two
 * readings differ by their time apart on that calendar: 10:00 in August to 10:00 in November is 90 days in London,
 * though 90 days and an hour pass, as the clocks go back in October.
 */
export function wallClockMs(at: Date, timeZone: string): number {
  const { date, minutes } = localTime(at, timeZone);
  // Zones are offset in whole minutes: the seconds are the instant's own.
  return Date.parse(date) + minutes * 60_000 + at.getUTCSeconds() * 1000 + at.getUTCMilliseconds();
}

/**
 * The instant a calendar date (`YYYY-MM-DD`) begins in an IANA time zone: its first midnight there, or where the clocks
 * skip midnight, the change that starts the day.
 */
export function startOfLocalDay(date: string, timeZone: string): Date {
  const midnight = Date.parse(date);
  const offset = (at: number) => wallClockMs(new Date(at), timeZone) - at;
  // The offset at UTC midnight, then at the instant it gives; they differ only across a clock change between. The
  // earlier one on the date is its first midnight (on a day the clocks go back, the later is an hour into it); neither
  // on it, midnight was skipped and the later is the change.
  const first = midnight - offset(midnight);
  const second = midnight - offset(first);
  const onTheDate = [first, second].filter((at) => localDate(new Date(at), timeZone) === date);
  return new Date(onTheDate.length > 0 ? Math.min(...onTheDate) : Math.max(first, second));
}
