/** How long ago, or how long until, in the words a reviewer reads at a glance. Pure: `now` is passed in. */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;

/** A duration in the largest whole unit that fits: "4 minutes", "3 hours", "2 days". Under a minute: "moments". */
export function durationWords(milliseconds: number): string {
  const ms = Math.abs(milliseconds);
  if (ms < MINUTE) return 'moments';
  if (ms < HOUR) return plural(Math.floor(ms / MINUTE), 'minute');
  if (ms < 2 * DAY) return plural(Math.floor(ms / HOUR), 'hour');
  return plural(Math.floor(ms / DAY), 'day');
}

/** How long something has waited: "waiting 3 hours". A time in the future (clock skew) reads as "just now". */
export function ageWords(since: Date | string, now: Date): string {
  const waited = now.getTime() - new Date(since).getTime();
  return waited < MINUTE ? 'just now' : `waiting ${durationWords(waited)}`;
}

/** A deadline against now: "due in 5 hours", "overdue by 2 days". */
export function deadlineWords(deadline: Date | string, now: Date): string {
  const left = new Date(deadline).getTime() - now.getTime();
  return left >= 0 ? `due in ${durationWords(left)}` : `overdue by ${durationWords(left)}`;
}

export type BreachClockState = 'NOTIFIED' | 'NOT_REPORTABLE' | 'RUNNING' | 'OVERDUE';

/**
 * The 72-hour clock of a breach (UK GDPR art. 33): stopped once the regulator was told or the breach was assessed
 * as not reportable; otherwise running until the deadline and overdue after it.
 */
export function breachClock(
  breach: { regulatorDeadline: string; regulatorNotifiedAt?: string | null; reportable?: boolean | null },
  now: Date,
): { state: BreachClockState; words: string } {
  if (breach.regulatorNotifiedAt) {
    return { state: 'NOTIFIED', words: `regulator told ${dateTimeWords(breach.regulatorNotifiedAt)}` };
  }
  if (breach.reportable === false) return { state: 'NOT_REPORTABLE', words: 'assessed as not reportable' };
  const words = deadlineWords(breach.regulatorDeadline, now);
  return { state: new Date(breach.regulatorDeadline) < now ? 'OVERDUE' : 'RUNNING', words };
}

/**
 * The console's time zone: times are shown, and the dates and times people enter are read, in the organisation's
 * local time. Confide's organisations are UK charities, and the organisation's own zone (its monitoring settings')
 * is readable only by the roles that monitor access, not by every console user: so UK time, which is also the zone
 * the API counts an organisation's days in until its settings say otherwise.
 */
export const CONSOLE_TIME_ZONE = 'Europe/London';

/** {@link CONSOLE_TIME_ZONE} as a field's label names it: "When it was discovered (UK time)". */
export const CONSOLE_TIME_ZONE_WORDS = 'UK time';

const DAY_MS = 86_400_000;

/** One formatter per zone and use, made on first use: a log of 50 accesses formats 50 times. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(use: string, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${use}|${timeZone}`;
  let made = formatters.get(key);
  if (!made) {
    made = new Intl.DateTimeFormat('en-GB', { ...options, timeZone });
    formatters.set(key, made);
  }
  return made;
}

/** What a clock on the wall in `timeZone` shows at an instant: its calendar date and time, zero-padded. */
function wallClock(at: Date | number, timeZone: string) {
  const parts = formatter('wall', timeZone, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '00';
  return {
    date: `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`,
    time: `${part('hour')}:${part('minute')}`,
    second: part('second'),
  };
}

/** The offset of a time zone from UTC at an instant, in milliseconds (positive east of Greenwich). */
function zoneOffsetAt(instant: number, timeZone: string): number {
  const wall = wallClock(instant, timeZone);
  return Date.parse(`${wall.date}T${wall.time}:${wall.second}Z`) - Math.floor(instant / 1000) * 1000;
}

/** Today's date (YYYY-MM-DD) in the console's time zone: the default, and the latest, of a date a person gives. */
export function localDateIso(now: Date = new Date(), timeZone = CONSOLE_TIME_ZONE): string {
  return wallClock(now, timeZone).date;
}

/** An instant as a `datetime-local` field's value (YYYY-MM-DDTHH:MM) in the console's time zone. */
export function localDateTimeInputValue(at: Date = new Date(), timeZone = CONSOLE_TIME_ZONE): string {
  const wall = wallClock(at, timeZone);
  return `${wall.date}T${wall.time}`;
}

const LOCAL_VALUE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;

/**
 * The instant (ISO, UTC) of a date and time a person entered in a `datetime-local` field, or of a date's midnight: what
 * a clock in the console's time zone showed then. In the hour the clocks go back, the first of the two (the earlier
 * instant); in the hour they skip, the time as read in the offset before the change (01:30 is 02:30 BST). A value
 * that is no date or date-time is a RangeError.
 */
export function localInputInstant(value: string, timeZone = CONSOLE_TIME_ZONE): string {
  const match = LOCAL_VALUE.exec(value);
  if (!match) throw new RangeError(`Not a date and time: ${value}`);
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '0'] = match;
  const naive = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
    Number(fraction.padEnd(3, '0')),
  );
  // The offsets either side of the date: one, or two across a change of the clocks (a day holds at most one).
  const before = zoneOffsetAt(naive - DAY_MS, timeZone);
  const after = zoneOffsetAt(naive + DAY_MS, timeZone);
  const fits = [before, after]
    .map((offset) => naive - offset)
    .filter((instant) => zoneOffsetAt(instant, timeZone) === naive - instant);
  return new Date(fits.length > 0 ? Math.min(...fits) : naive - before).toISOString();
}

/**
 * The last instant (ISO, UTC) of a calendar date (YYYY-MM-DD) in the console's time zone: when a deadline that falls
 * on that date ends. In British Summer Time that is 22:59:59.999 UTC, an hour before the UTC day ends.
 */
export const endOfLocalDate = (date: string, timeZone = CONSOLE_TIME_ZONE): string =>
  localInputInstant(`${date}T23:59:59.999`, timeZone);

/** A calendar date and time in British English, in the console's time zone, named: "7 Dec 2026, 20:56 GMT". */
export function dateTimeWords(at: Date | string, timeZone = CONSOLE_TIME_ZONE): string {
  return formatter('date-time', timeZone, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(new Date(at));
}

/**
 * A date in British English: a calendar date (YYYY-MM-DD) as it is, an instant as its date in the console's time
 * zone ("16 Jul 2026" for 23:30 UTC on the 15th, in British Summer Time).
 */
export function dateWords(on: Date | string, timeZone = CONSOLE_TIME_ZONE): string {
  const calendarDate = typeof on === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(on);
  return formatter('date', calendarDate ? 'UTC' : timeZone, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).format(new Date(on));
}
