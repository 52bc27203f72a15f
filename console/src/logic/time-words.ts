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

/** A calendar date and time in British English, in UTC so that every reader sees the same words. */
export function dateTimeWords(at: Date | string): string {
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
    timeZoneName: 'short',
  }).format(new Date(at));
}

/** A calendar date (YYYY-MM-DD or an instant) in British English. */
export function dateWords(on: Date | string): string {
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(on));
}
