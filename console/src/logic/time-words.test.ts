import { describe, expect, it } from 'vitest';
import { ageWords, breachClock, dateTimeWords, deadlineWords, durationWords } from './time-words';

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

  it('gives dates in British English, in UTC for every reader', () => {
    expect(dateTimeWords('2026-12-03T09:05:00Z')).toBe('3 Dec 2026, 09:05 UTC');
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
