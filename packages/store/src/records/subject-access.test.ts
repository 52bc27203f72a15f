import { describe, expect, it } from 'vitest';
import { oneMonthAfter } from './subject-access';

/**
 * The subject access deadline (UK GDPR Art. 12(3), as the ICO counts it): the corresponding calendar date in the next
 * month, or that month's last day when it has no such date. The API's tests take the deadline from this function, so
 * its calendar is pinned here with fixed dates.
 */
describe('oneMonthAfter', () => {
  it.each([
    ['2026-09-03', '2026-10-03'],
    ['2026-12-07', '2027-01-07'],
    ['2026-01-31', '2026-02-28'],
    ['2028-01-31', '2028-02-29'],
    ['2026-03-31', '2026-04-30'],
    ['2026-02-28', '2026-03-28'],
    ['2026-12-31', '2027-01-31'],
  ])('%s → %s', (received, deadline) => {
    expect(oneMonthAfter(received)).toBe(deadline);
  });
});
