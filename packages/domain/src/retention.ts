import { startOfLocalDay } from './clock';
import { integerInRange } from './validation';

/**
 * How long an organisation keeps records (DATA-PROTECTION.md, Retention). Pure: every function here takes the
 * instant it reasons about, so a test moves time by passing another date.
 */
export interface RetentionRules {
  /** Years a client record (and everything under it) is kept after the case closes. */
  readonly clientYearsAfterClosure: number;
  /** A client who was a child when the case closed is kept at least until this birthday. */
  readonly childUntilAge: number;
  /** Years a staff record is kept after employment ends. */
  readonly staffYearsAfterEmployment: number;
  /** Years access audit events are kept. */
  readonly auditYears: number;
  /** Years breach register entries are kept. */
  readonly breachYears: number;
}

export type RetentionRule = keyof RetentionRules;

export const DEFAULT_RETENTION_RULES: RetentionRules = {
  clientYearsAfterClosure: 8,
  childUntilAge: 25,
  staffYearsAfterEmployment: 6,
  auditYears: 8,
  breachYears: 6,
};

/**
 * What an ORG_ADMIN may choose. The lower bounds keep records at least as long as the usual UK limitation
 * period for claims (six years) and a child's records at least to adulthood; the upper ones stop "keep for
 * ever" by another name (storage limitation, GDPR art. 5(1)(e)).
 */
export const RETENTION_BOUNDS: Readonly<
  Record<RetentionRule, { readonly min: number; readonly max: number }>
> = {
  clientYearsAfterClosure: { min: 6, max: 20 },
  childUntilAge: { min: 18, max: 30 },
  staffYearsAfterEmployment: { min: 6, max: 20 },
  auditYears: { min: 6, max: 20 },
  breachYears: { min: 6, max: 20 },
};

export const RETENTION_RULE_NAMES = Object.keys(DEFAULT_RETENTION_RULES) as readonly RetentionRule[];

/** Under this age at closure a client counts as a child for retention. */
export const ADULT_AGE = 18;

/**
 * How many years ahead of now a client schedule can ever lie under the bounds: a newborn whose case closes
 * today is kept until the oldest allowed birthday, or for the longest allowed period after closure.
 */
export const SCHEDULE_HORIZON_YEARS =
  Math.max(RETENTION_BOUNDS.clientYearsAfterClosure.max, RETENTION_BOUNDS.childUntilAge.max) + 1;

/**
 * Merges a change into the current rules and checks every value against {@link RETENTION_BOUNDS}; a value
 * out of bounds is BAD_USER_INPUT on `[...path, rule]`.
 */
export function validateRetentionRules(
  current: RetentionRules,
  change: Partial<Record<RetentionRule, number | null | undefined>>,
  path: readonly string[] = ['input'],
): RetentionRules {
  const next: Record<RetentionRule, number> = { ...current };
  for (const rule of RETENTION_RULE_NAMES) {
    const value = change[rule];
    if (value === undefined || value === null) continue;
    const { min, max } = RETENTION_BOUNDS[rule];
    next[rule] = integerInRange([...path, rule], value, min, max);
  }
  return next;
}

/** The date `years` after `date`, in UTC; 29 February lands on 1 March in a year without one. */
export function addYears(date: Date, years: number): Date {
  return new Date(
    Date.UTC(
      date.getUTCFullYear() + years,
      date.getUTCMonth(),
      date.getUTCDate(),
      date.getUTCHours(),
      date.getUTCMinutes(),
      date.getUTCSeconds(),
      date.getUTCMilliseconds(),
    ),
  );
}

function parseCalendarDate(value: string): { year: number; month: number; day: number } | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return { year, month, day };
}

/** Midnight UTC on the day someone born on `dateOfBirth` (YYYY-MM-DD) turns `age`; leap-day births on 1 March. */
export function birthday(dateOfBirth: string, age: number): Date | undefined {
  const parsed = parseCalendarDate(dateOfBirth);
  return parsed ? new Date(Date.UTC(parsed.year + age, parsed.month - 1, parsed.day)) : undefined;
}

/** Whole years of age on the calendar date `on` (YYYY-MM-DD); undefined for a date of birth that is not YYYY-MM-DD. */
export function ageOn(dateOfBirth: string, on: string): number | undefined {
  const parsed = parseCalendarDate(dateOfBirth);
  if (!parsed) return undefined;
  let age = Number(on.slice(0, 4)) - parsed.year;
  const reached = birthday(dateOfBirth, age);
  if (reached && reached.getTime() > Date.parse(on)) age -= 1;
  return age;
}

export type RetentionBasis = 'AFTER_CLOSURE' | 'CHILD_AGE';

export interface ClientExpiry {
  readonly expiresAt: Date;
  /** Which rule decided: the period after closure, or the birthday of a child client. */
  readonly basis: RetentionBasis;
  readonly childAtClosure: boolean;
}

/**
 * When a closed client record expires: `clientYearsAfterClosure` after closure; for someone who was a child
 * (under {@link ADULT_AGE}) when the case closed, the start of their `childUntilAge` birthday in the organisation's
 * `timeZone` if that is later. An unknown or malformed date of birth counts as an adult's.
 */
export function clientRecordExpiry(input: {
  readonly closedAt: Date;
  /** The organisation's calendar date of the closure (in its time zone), the day the age at closure is taken on. */
  readonly closedOn: string;
  readonly dateOfBirth?: string | undefined;
  readonly rules: RetentionRules;
  /** The organisation's time zone: a child's records are kept to the start of the birthday there. */
  readonly timeZone: string;
}): ClientExpiry {
  const afterClosure = addYears(input.closedAt, input.rules.clientYearsAfterClosure);
  const age = input.dateOfBirth === undefined ? undefined : ageOn(input.dateOfBirth, input.closedOn);
  const childAtClosure = age !== undefined && age < ADULT_AGE;
  if (childAtClosure && input.dateOfBirth !== undefined) {
    const day = birthday(input.dateOfBirth, input.rules.childUntilAge);
    const untilAge = day && startOfLocalDay(day.toISOString().slice(0, 10), input.timeZone);
    if (untilAge && untilAge.getTime() > afterClosure.getTime()) {
      return { expiresAt: untilAge, basis: 'CHILD_AGE', childAtClosure };
    }
  }
  return { expiresAt: afterClosure, basis: 'AFTER_CLOSURE', childAtClosure };
}

export function staffRecordExpiry(employmentEndedAt: Date, rules: RetentionRules): Date {
  return addYears(employmentEndedAt, rules.staffYearsAfterEmployment);
}

/**
 * How many years ahead of now a staff schedule can lie under the bounds: employment ends no later than today,
 * and is kept at most the longest allowed period after that.
 */
export const STAFF_SCHEDULE_HORIZON_YEARS = RETENTION_BOUNDS.staffYearsAfterEmployment.max + 1;

/**
 * When a former staff member's records expire: `staffYearsAfterEmployment` after the end of their last day of
 * employment (`endedOn`, YYYY-MM-DD, a date on the organisation's calendar), i.e. from midnight in its `timeZone`
 * after it; undefined for a malformed date.
 */
export function staffRecordExpiryAfter(
  endedOn: string,
  rules: RetentionRules,
  timeZone: string,
): Date | undefined {
  const parsed = parseCalendarDate(endedOn);
  if (!parsed) return undefined;
  const due = staffRecordExpiry(new Date(Date.UTC(parsed.year, parsed.month - 1, parsed.day + 1)), rules);
  // Midnight on the date the years lead to, not the years after that midnight: a clock change between would move it.
  return startOfLocalDay(due.toISOString().slice(0, 10), timeZone);
}

export function auditEventExpiry(at: Date, rules: RetentionRules): Date {
  return addYears(at, rules.auditYears);
}

export function breachEntryExpiry(recordedAt: Date, rules: RetentionRules): Date {
  return addYears(recordedAt, rules.breachYears);
}

/** DynamoDB TTL's unit: whole seconds since the epoch. */
export function toEpochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** Whether an item with this `expiresAt` (epoch seconds) must no longer be returned at `now`. */
export function isExpired(expiresAt: number | undefined, now: Date): boolean {
  return expiresAt !== undefined && expiresAt * 1000 <= now.getTime();
}
