import { describe, expect, it } from 'vitest';
import { cellWords, dayBounds, dayHeadingWords, flagMarks, heatLevel } from './heat-map';

describe('heatLevel', () => {
  it('shades a cell in four steps of the busiest cell, and leaves a day without reads blank', () => {
    expect([0, 1, 25, 26, 50, 51, 75, 76, 100].map((reads) => heatLevel(reads, 100))).toEqual([
      0, 1, 1, 2, 2, 3, 3, 4, 4,
    ]);
    expect(heatLevel(0, 0)).toBe(0);
    expect(heatLevel(1, 1)).toBe(4);
  });
});

describe('flagMarks', () => {
  it('names each kind of finding with a letter and its count, and nothing for none', () => {
    expect(flagMarks({ offCaseload: 3, outOfHours: 0, denied: 2 })).toEqual(['C3', 'R2']);
    expect(flagMarks({ offCaseload: 0, outOfHours: 1, denied: 0 })).toEqual(['H1']);
    expect(flagMarks({ offCaseload: 0, outOfHours: 0, denied: 0 })).toEqual([]);
  });
});

describe('cellWords', () => {
  it('says the whole cell in words, for a screen reader and a tooltip', () => {
    expect(
      cellWords('Sam Worker', '2026-03-04', { reads: 12, offCaseload: 3, outOfHours: 1, denied: 0 }),
    ).toBe('Sam Worker on Wed 4 Mar: 12 reads, 3 outside their caseload, 1 access out of hours.');
    expect(
      cellWords('Sam Worker', '2026-03-04', { reads: 1, offCaseload: 0, outOfHours: 0, denied: 2 }),
    ).toBe('Sam Worker on Wed 4 Mar: 1 read, 2 refused attempts.');
  });
});

describe('dayHeadingWords', () => {
  it('reads a local date as a short weekday, day and month', () => {
    expect(dayHeadingWords('2026-11-30')).toBe('Mon 30 Nov');
  });
});

describe('dayBounds', () => {
  it('is the local day’s midnight to midnight as instants, in winter and in summer', () => {
    expect(dayBounds('2026-01-15', 'Europe/London')).toEqual({
      from: '2026-01-15T00:00:00.000Z',
      to: '2026-01-16T00:00:00.000Z',
    });
    expect(dayBounds('2026-07-01', 'Europe/London')).toEqual({
      from: '2026-06-30T23:00:00.000Z',
      to: '2026-07-01T23:00:00.000Z',
    });
  });

  it('is 23 hours long on the day the clocks go forward', () => {
    expect(dayBounds('2026-03-29', 'Europe/London')).toEqual({
      from: '2026-03-29T00:00:00.000Z',
      to: '2026-03-29T23:00:00.000Z',
    });
  });
});
