import { describe, expect, it } from 'vitest';
import {
  cellKey,
  monthBounds,
  monthsBetween,
  publish,
  publishAggregate,
  roundToBase,
} from './disclosure-control';

describe('publish', () => {
  it.each([0, 1, 2, 3, 4])('suppresses %i', (value) => {
    expect(publish(value)).toEqual({ count: null, suppressed: true });
  });

  it.each([
    [5, 5],
    [7, 5],
    [8, 10],
    [12, 10],
    [13, 15],
    [1234, 1235],
  ])('rounds %i to %i', (value, published) => {
    expect(publish(value)).toEqual({ count: published, suppressed: false });
  });

  it('refuses negative or fractional counts', () => {
    expect(() => publish(-1)).toThrow(RangeError);
    expect(() => publish(2.5)).toThrow(RangeError);
  });
});

describe('publishAggregate', () => {
  const grid = (medical: number) => ({
    services: [{ id: 's1', name: 'North' }],
    months: ['2026-01', '2026-02'],
    categories: ['DAILY_SUPPORT', 'MEDICAL'],
    counts: new Map([
      [cellKey('s1', '2026-01', 'DAILY_SUPPORT'), 7],
      [cellKey('s1', '2026-02', 'DAILY_SUPPORT'), 12],
      [cellKey('s1', '2026-02', 'MEDICAL'), medical],
    ]),
  });

  it('publishes every combination, and controls each total from the true counts', () => {
    const published = publishAggregate(grid(3));

    expect(published.cells).toHaveLength(4);
    expect(published.byMonth.map((c) => c.count)).toEqual([5, 15]); // 7 → 5, 15 → 15
    expect(published.byCategory.map((c) => [c.category, c.count])).toEqual([
      ['DAILY_SUPPORT', 20], // 19
      ['MEDICAL', null],
    ]);
    expect(published.total).toMatchObject({ count: 20, suppressed: false }); // 22
  });

  it('publishes the same numbers whether the small cell is 2 or 3: a total minus its parts leaves it open', () => {
    expect(publishAggregate(grid(2))).toEqual(publishAggregate(grid(3)));
  });

  it('brute force: for a total and one published part, every small value stays possible', () => {
    // For any true part p ≥ 5 and small cell s (1–4), some other (p', s') with s' ≠ s publishes the same pair.
    for (let part = 5; part <= 60; part++) {
      for (let small = 1; small <= 4; small++) {
        const seen = [publish(part + small), publish(part)];
        const alternatives = new Set<number>();
        for (let p = Math.max(0, part - 4); p <= part + 4; p++) {
          for (let s = 1; s <= 4; s++) {
            const candidate = [publish(p + s), publish(p)];
            if (JSON.stringify(candidate) === JSON.stringify(seen)) alternatives.add(s);
          }
        }
        expect(alternatives.size, `part ${part}, small ${small}`).toBeGreaterThan(1);
      }
    }
  });
});

describe('months', () => {
  it('lists calendar months across a year end, and refuses malformed or reversed ranges', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween('2026-02', '2026-01')).toBeUndefined();
    expect(monthsBetween('2026-2', '2026-03')).toBeUndefined();
    expect(monthsBetween('2026-13', '2026-13')).toBeUndefined();
  });

  it('bounds a month in UTC', () => {
    expect(monthBounds('2026-12')).toEqual({
      start: '2026-12-01T00:00:00.000Z',
      end: '2027-01-01T00:00:00.000Z',
    });
  });
});

describe('roundToBase', () => {
  it('rounds to the nearest multiple', () => {
    expect([0, 2, 3, 17, 18].map((v) => roundToBase(v))).toEqual([0, 0, 5, 15, 20]);
  });
});
