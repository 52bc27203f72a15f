import { describe, expect, it } from 'vitest';
import type { Clock } from './clock';
import { ConfideError, ErrorCode } from './errors';
import {
  addYears,
  ageOn,
  auditEventExpiry,
  birthday,
  breachEntryExpiry,
  clientRecordExpiry,
  DEFAULT_RETENTION_RULES,
  isExpired,
  RETENTION_BOUNDS,
  SCHEDULE_HORIZON_YEARS,
  STAFF_SCHEDULE_HORIZON_YEARS,
  staffRecordExpiry,
  staffRecordExpiryAfter,
  toEpochSeconds,
  validateRetentionRules,
} from './retention';

/** A clock the test moves by hand. */
function manualClock(start: string): Clock & { advance(years: number): void; set(at: string): void } {
  let now = new Date(start);
  return {
    now: () => now,
    advance: (years) => {
      now = addYears(now, years);
    },
    set: (at) => {
      now = new Date(at);
    },
  };
}

const at = (iso: string) => new Date(iso);

describe('retention rules', () => {
  it('defaults to the DATA-PROTECTION.md table', () => {
    expect(DEFAULT_RETENTION_RULES).toEqual({
      clientYearsAfterClosure: 8,
      childUntilAge: 25,
      staffYearsAfterEmployment: 6,
      auditYears: 8,
      breachYears: 6,
    });
  });

  it('merges a change into the current rules within bounds', () => {
    expect(
      validateRetentionRules(DEFAULT_RETENTION_RULES, { clientYearsAfterClosure: 10, childUntilAge: null }),
    ).toEqual({ ...DEFAULT_RETENTION_RULES, clientYearsAfterClosure: 10 });
    expect(validateRetentionRules(DEFAULT_RETENTION_RULES, { childUntilAge: 18, auditYears: 20 })).toEqual({
      ...DEFAULT_RETENTION_RULES,
      childUntilAge: 18,
      auditYears: 20,
    });
  });

  it.each([
    ['clientYearsAfterClosure', 5],
    ['clientYearsAfterClosure', 21],
    ['childUntilAge', 17],
    ['childUntilAge', 31],
    ['staffYearsAfterEmployment', 0],
    ['auditYears', 8.5],
    ['breachYears', -6],
  ] as const)('refuses %s = %s with the field path', (rule, value) => {
    let refusal: unknown;
    try {
      validateRetentionRules(DEFAULT_RETENTION_RULES, { [rule]: value }, ['input']);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ConfideError);
    expect((refusal as ConfideError).code).toBe(ErrorCode.BAD_USER_INPUT);
    expect((refusal as ConfideError).field).toEqual(['input', rule]);
  });

  it('names the rule in words when it refuses a value', () => {
    let refusal: unknown;
    try {
      validateRetentionRules(DEFAULT_RETENTION_RULES, { staffYearsAfterEmployment: 0 });
    } catch (error) {
      refusal = error;
    }
    expect((refusal as ConfideError).message).toBe(
      'Staff years after employment must be a whole number from 6 to 20.',
    );
  });

  it('keeps every default inside its bounds', () => {
    for (const [rule, value] of Object.entries(DEFAULT_RETENTION_RULES)) {
      const bounds = RETENTION_BOUNDS[rule as keyof typeof RETENTION_BOUNDS];
      expect(value).toBeGreaterThanOrEqual(bounds.min);
      expect(value).toBeLessThanOrEqual(bounds.max);
    }
  });
});

describe('dates', () => {
  it('adds years in UTC, a leap day landing on 1 March', () => {
    expect(addYears(at('2020-06-15T10:30:00Z'), 8).toISOString()).toBe('2028-06-15T10:30:00.000Z');
    expect(addYears(at('2024-02-29T12:00:00Z'), 1).toISOString()).toBe('2025-03-01T12:00:00.000Z');
    expect(addYears(at('2024-02-29T12:00:00Z'), 4).toISOString()).toBe('2028-02-29T12:00:00.000Z');
  });

  it('computes ages and birthdays from YYYY-MM-DD', () => {
    expect(ageOn('2010-05-20', '2026-05-19')).toBe(15);
    expect(ageOn('2010-05-20', '2026-05-20')).toBe(16);
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
    expect(birthday('2010-05-20', 25)?.toISOString()).toBe('2035-05-20T00:00:00.000Z');
    expect(birthday('2008-02-29', 25)?.toISOString()).toBe('2033-03-01T00:00:00.000Z');
    expect(ageOn('not a date', '2026-01-01')).toBeUndefined();
    expect(ageOn('2010-02-30', '2026-01-01')).toBeUndefined();
  });

  it('converts to TTL seconds and decides expiry against a moving clock', () => {
    const clock = manualClock('2026-01-01T00:00:00Z');
    const expiresAt = toEpochSeconds(at('2034-01-01T00:00:00Z'));
    expect(expiresAt).toBe(Date.UTC(2034, 0, 1) / 1000);
    expect(isExpired(expiresAt, clock.now())).toBe(false);
    clock.advance(8);
    expect(isExpired(expiresAt, clock.now())).toBe(true);
    clock.set('2033-12-31T23:59:59Z');
    expect(isExpired(expiresAt, clock.now())).toBe(false);
    expect(isExpired(undefined, clock.now())).toBe(false);
  });
});

describe('client record expiry', () => {
  const closedAt = at('2026-03-10T09:00:00Z');
  const closedOn = '2026-03-10';
  const timeZone = 'UTC';

  it('keeps an adult’s record 8 years after closure', () => {
    expect(
      clientRecordExpiry({
        closedAt,
        closedOn,
        timeZone,
        dateOfBirth: '1980-12-10',
        rules: DEFAULT_RETENTION_RULES,
      }),
    ).toEqual({ expiresAt: at('2034-03-10T09:00:00Z'), basis: 'AFTER_CLOSURE', childAtClosure: false });
  });

  it('keeps a child’s record until the 25th birthday when that is later', () => {
    // 12 at closure: 25th birthday in 2039, later than 2034.
    expect(
      clientRecordExpiry({
        closedAt,
        closedOn,
        timeZone,
        dateOfBirth: '2014-01-02',
        rules: DEFAULT_RETENTION_RULES,
      }),
    ).toEqual({ expiresAt: at('2039-01-02T00:00:00Z'), basis: 'CHILD_AGE', childAtClosure: true });
  });

  it('keeps a child’s record 8 years after closure when that is later than the 25th birthday', () => {
    // 17 at closure: 25th birthday in 2033, earlier than 2034.
    expect(
      clientRecordExpiry({
        closedAt,
        closedOn,
        timeZone,
        dateOfBirth: '2008-06-01',
        rules: DEFAULT_RETENTION_RULES,
      }),
    ).toEqual({ expiresAt: at('2034-03-10T09:00:00Z'), basis: 'AFTER_CLOSURE', childAtClosure: true });
  });

  it('treats someone who turned 18 the day before closure as an adult', () => {
    const result = clientRecordExpiry({
      closedAt,
      closedOn,
      timeZone,
      dateOfBirth: '2008-03-09',
      rules: DEFAULT_RETENTION_RULES,
    });
    expect(result.childAtClosure).toBe(false);
    expect(result.basis).toBe('AFTER_CLOSURE');
  });

  it('takes the age on the organisation’s date of the closure, not the UTC date of its instant', () => {
    // 23:30 UTC on 14 July 2026 is 00:30 on 15 July in London: the 18th birthday there.
    const atNight = {
      closedAt: at('2026-07-14T23:30:00Z'),
      dateOfBirth: '2008-07-15',
      rules: DEFAULT_RETENTION_RULES,
      timeZone: 'Europe/London',
    };
    expect(clientRecordExpiry({ ...atNight, closedOn: '2026-07-15' }).childAtClosure).toBe(false);
    expect(clientRecordExpiry({ ...atNight, closedOn: '2026-07-14' }).childAtClosure).toBe(true);
  });

  it('keeps a child’s record to the start of the birthday in the organisation’s time zone, not UTC midnight', () => {
    // 12 at closure: 25th birthday on 2 July 2039. Midnight in New York (EDT) is 04:00 UTC, in Sydney (AEST) 14:00 UTC
    // the day before.
    const child = { closedAt, closedOn, dateOfBirth: '2014-07-02', rules: DEFAULT_RETENTION_RULES };
    expect(clientRecordExpiry({ ...child, timeZone: 'America/New_York' }).expiresAt).toEqual(
      at('2039-07-02T04:00:00Z'),
    );
    expect(clientRecordExpiry({ ...child, timeZone: 'Australia/Sydney' }).expiresAt).toEqual(
      at('2039-07-01T14:00:00Z'),
    );
    expect(clientRecordExpiry({ ...child, timeZone: 'UTC' }).expiresAt).toEqual(at('2039-07-02T00:00:00Z'));
  });

  it('follows the organisation’s rules', () => {
    const rules = { ...DEFAULT_RETENTION_RULES, clientYearsAfterClosure: 10, childUntilAge: 30 };
    expect(
      clientRecordExpiry({ closedAt, closedOn, timeZone, dateOfBirth: '1980-12-10', rules }).expiresAt,
    ).toEqual(at('2036-03-10T09:00:00Z'));
    expect(
      clientRecordExpiry({ closedAt, closedOn, timeZone, dateOfBirth: '2014-01-02', rules }).expiresAt,
    ).toEqual(at('2044-01-02T00:00:00Z'));
  });

  it('counts an unknown date of birth as an adult’s', () => {
    expect(clientRecordExpiry({ closedAt, closedOn, timeZone, rules: DEFAULT_RETENTION_RULES }).basis).toBe(
      'AFTER_CLOSURE',
    );
    expect(
      clientRecordExpiry({
        closedAt,
        closedOn,
        timeZone,
        dateOfBirth: 'unknown',
        rules: DEFAULT_RETENTION_RULES,
      }).basis,
    ).toBe('AFTER_CLOSURE');
  });

  it('never lies further ahead than the schedule horizon', () => {
    const rules = {
      ...DEFAULT_RETENTION_RULES,
      clientYearsAfterClosure: RETENTION_BOUNDS.clientYearsAfterClosure.max,
      childUntilAge: RETENTION_BOUNDS.childUntilAge.max,
    };
    const newborn = clientRecordExpiry({ closedAt, closedOn, timeZone, dateOfBirth: '2026-03-10', rules });
    expect(newborn.expiresAt.getUTCFullYear() - closedAt.getUTCFullYear()).toBeLessThan(
      SCHEDULE_HORIZON_YEARS,
    );
  });
});

describe('other records', () => {
  it('dates staff, audit and breach expiry from their own events', () => {
    const ended = at('2026-07-31T17:00:00Z');
    expect(staffRecordExpiry(ended, DEFAULT_RETENTION_RULES)).toEqual(at('2032-07-31T17:00:00Z'));
    expect(auditEventExpiry(ended, DEFAULT_RETENTION_RULES)).toEqual(at('2034-07-31T17:00:00Z'));
    expect(breachEntryExpiry(ended, DEFAULT_RETENTION_RULES)).toEqual(at('2032-07-31T17:00:00Z'));
  });
});

describe('staff records', () => {
  it('expire the configured years after the end of the last day of employment', () => {
    expect(staffRecordExpiryAfter('2026-07-31', DEFAULT_RETENTION_RULES, 'UTC')).toEqual(
      at('2032-08-01T00:00:00Z'),
    );
    expect(
      staffRecordExpiryAfter(
        '2026-12-31',
        { ...DEFAULT_RETENTION_RULES, staffYearsAfterEmployment: 10 },
        'UTC',
      ),
    ).toEqual(at('2037-01-01T00:00:00Z'));
    // The day after 28 February 2028 is 29 February: six years on there is none, so 1 March.
    expect(staffRecordExpiryAfter('2028-02-28', DEFAULT_RETENTION_RULES, 'UTC')).toEqual(
      at('2034-03-01T00:00:00Z'),
    );
  });

  it('expire from midnight on the organisation’s calendar', () => {
    expect(staffRecordExpiryAfter('2026-07-31', DEFAULT_RETENTION_RULES, 'Europe/London')).toEqual(
      at('2032-07-31T23:00:00Z'),
    );
    expect(staffRecordExpiryAfter('2026-12-31', DEFAULT_RETENTION_RULES, 'Europe/London')).toEqual(
      at('2033-01-01T00:00:00Z'),
    );
    expect(staffRecordExpiryAfter('2026-07-31', DEFAULT_RETENTION_RULES, 'America/New_York')).toEqual(
      at('2032-08-01T04:00:00Z'),
    );
  });

  it('expire at midnight on the date the years lead to, whatever the clocks did between', () => {
    // Midnight after 25 October 2025 is in British Summer Time (the clocks went back on the 26th at 01:00); twelve
    // years on, the clocks went back on 25 October 2037 and midnight after the 25th is GMT. The instant twelve years
    // after the first midnight would be 23:00 on the 25th, an hour before the day ended.
    const rules = { ...DEFAULT_RETENTION_RULES, staffYearsAfterEmployment: 12 };
    expect(staffRecordExpiryAfter('2025-10-25', rules, 'Europe/London')).toEqual(at('2037-10-26T00:00:00Z'));
    // And the other way: GMT then, British Summer Time twelve years on.
    expect(staffRecordExpiryAfter('2026-10-25', rules, 'Europe/London')).toEqual(at('2038-10-25T23:00:00Z'));
  });

  it('has no expiry for a date that is not a real YYYY-MM-DD', () => {
    expect(staffRecordExpiryAfter('2026-02-30', DEFAULT_RETENTION_RULES, 'UTC')).toBeUndefined();
    expect(staffRecordExpiryAfter('31/07/2026', DEFAULT_RETENTION_RULES, 'UTC')).toBeUndefined();
  });

  it('never lies beyond the staff schedule horizon for an end of employment up to today', () => {
    const rules = {
      ...DEFAULT_RETENTION_RULES,
      staffYearsAfterEmployment: RETENTION_BOUNDS.staffYearsAfterEmployment.max,
    };
    const today = at('2026-12-31T12:00:00Z');
    const expiry = staffRecordExpiryAfter('2026-12-31', rules, 'UTC');
    expect((expiry?.getUTCFullYear() ?? 0) - today.getUTCFullYear()).toBeLessThanOrEqual(
      STAFF_SCHEDULE_HORIZON_YEARS,
    );
  });
});
