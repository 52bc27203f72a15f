import { describe, expect, it } from 'vitest';
import {
  ageWords,
  breachClock,
  dateTimeWords,
  dateWords,
  deadlineWords,
  durationWords,
  endOfLocalDate,
  localDateIso,
  localDateTimeInputValue,
  localInputInstant,
} from './time-words';

const NOW = new Date('2026-12-03T12:00:00Z');
const before = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const after = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('durations and ages in words', () => {
  it.each([
    [30_000, 'moments'],
    [MINUTE, '1 minute'],
    [59 * MINUTE, '59 minutes'],
    [HOUR, '1 hour'],
    [47 * HOUR, '47 hours'],
    [2 * DAY, '2 days'],
    [9 * DAY + 5 * HOUR, '9 days'],
  ])('%i ms reads as “%s”', (ms, words) => {
    expect(durationWords(ms)).toBe(words);
    expect(durationWords(-ms)).toBe(words);
  });

  it('says how long an item has waited, and “just now” for under a minute or a clock ahead of ours', () => {
    expect(ageWords(before(3 * HOUR), NOW)).toBe('waiting 3 hours');
    expect(ageWords(before(10_000), NOW)).toBe('just now');
    expect(ageWords(after(5 * MINUTE), NOW)).toBe('just now');
  });

  it('says when a deadline is due, or by how much it is overdue', () => {
    expect(deadlineWords(after(5 * HOUR), NOW)).toBe('due in 5 hours');
    expect(deadlineWords(before(3 * DAY), NOW)).toBe('overdue by 3 days');
  });

  it('gives times in British English, in UK time with its zone named: GMT in winter, BST in summer', () => {
    expect(dateTimeWords('2026-12-03T09:05:00Z')).toBe('3 Dec 2026, 09:05 GMT');
    expect(dateTimeWords('2026-07-15T23:30:00Z')).toBe('16 Jul 2026, 00:30 BST');
  });

  it('gives the UK date of an instant, and a calendar date as it is', () => {
    expect(dateWords('2026-07-15T23:30:00Z')).toBe('16 Jul 2026');
    expect(dateWords('2026-01-15T23:30:00Z')).toBe('15 Jan 2026');
    expect(dateWords('2026-07-15')).toBe('15 Jul 2026');
  });
});

describe('UK dates and times for form fields, and the instants they stand for', () => {
  it.each([
    [
      'summer, after midnight BST, while UTC is still on the day before',
      '2026-07-15T23:30:00Z',
      '2026-07-16',
    ],
    ['summer, just before midnight BST', '2026-07-15T22:59:00Z', '2026-07-15'],
    ['winter, where UK time is UTC', '2026-01-15T23:30:00Z', '2026-01-15'],
    ['winter, just after midnight', '2026-01-16T00:30:00Z', '2026-01-16'],
  ])('today, %s', (_case, now, today) => {
    expect(localDateIso(new Date(now))).toBe(today);
  });

  it.each([
    ['summer, after midnight BST', '2026-07-15T23:30:00Z', '2026-07-16T00:30'],
    ['winter', '2026-01-15T23:30:00Z', '2026-01-15T23:30'],
  ])('a date-time field’s value now, %s', (_case, now, value) => {
    expect(localDateTimeInputValue(new Date(now))).toBe(value);
  });

  it.each([
    ['summer: 00:30 BST is 23:30 UTC the day before', '2026-07-16T00:30', '2026-07-15T23:30:00.000Z'],
    ['winter: 00:30 GMT is 00:30 UTC', '2026-01-16T00:30', '2026-01-16T00:30:00.000Z'],
    ['with seconds', '2026-07-16T12:00:30', '2026-07-16T11:00:30.000Z'],
    ['a calendar date: its UK midnight', '2026-07-16', '2026-07-15T23:00:00.000Z'],
    [
      'the hour the clocks skip (01:30 on 29 March) moves on to BST',
      '2026-03-29T01:30',
      '2026-03-29T01:30:00.000Z',
    ],
    [
      'the hour the clocks repeat (01:30 on 25 October) is the first, in BST',
      '2026-10-25T01:30',
      '2026-10-25T00:30:00.000Z',
    ],
  ])('the instant of a UK date-time a person entered, %s', (_case, entered, instant) => {
    expect(localInputInstant(entered)).toBe(instant);
  });

  it('turns a field’s value into the instant and back', () => {
    for (const at of ['2026-07-15T23:30:00.000Z', '2026-01-16T00:30:00.000Z', '2026-03-29T00:59:00.000Z']) {
      expect(localInputInstant(localDateTimeInputValue(new Date(at)))).toBe(at);
    }
  });

  it('refuses a value that is no date-time', () => {
    expect(() => localInputInstant('16/07/2026 00:30')).toThrow(RangeError);
  });
});

describe('the end of a UK date', () => {
  it.each([
    ['in British Summer Time, an hour before the UTC day ends', '2026-07-10', '2026-07-10T22:59:59.999Z'],
    ['in Greenwich Mean Time, with the UTC day', '2026-12-10', '2026-12-10T23:59:59.999Z'],
  ])('is %s', (_case, date, instant) => {
    expect(endOfLocalDate(date)).toBe(instant);
  });

  it('makes a deadline overdue once the UK day is over, though the UTC day is not', () => {
    expect(deadlineWords(endOfLocalDate('2026-07-10'), new Date('2026-07-10T23:30:00Z'))).toBe(
      'overdue by 30 minutes',
    );
  });
});

describe('the breach 72-hour clock', () => {
  const discovered = before(10 * HOUR);
  const deadline = after(62 * HOUR);

  it('runs until the deadline while the regulator has not been told', () => {
    expect(breachClock({ regulatorDeadline: deadline, reportable: null }, NOW)).toEqual({
      state: 'RUNNING',
      words: 'due in 2 days',
    });
  });

  it('is overdue after the deadline, assessed as reportable or not yet assessed', () => {
    for (const reportable of [true, null]) {
      expect(breachClock({ regulatorDeadline: before(HOUR), reportable }, NOW)).toEqual({
        state: 'OVERDUE',
        words: 'overdue by 1 hour',
      });
    }
  });

  it('stops when the regulator was told, or when the breach is assessed as not reportable', () => {
    expect(
      breachClock({ regulatorDeadline: before(HOUR), regulatorNotifiedAt: discovered, reportable: true }, NOW)
        .state,
    ).toBe('NOTIFIED');
    expect(breachClock({ regulatorDeadline: before(HOUR), reportable: false }, NOW).state).toBe(
      'NOT_REPORTABLE',
    );
  });
});
