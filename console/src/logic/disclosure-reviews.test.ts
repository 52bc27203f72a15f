import { describe, expect, it } from 'vitest';
import { partInDisclosure, recordedForAnother } from './disclosure-reviews';

describe('the viewer’s part in an exceptional disclosure under review (decision 0142)', () => {
  const made = { madeBy: 'manager', recordedBy: 'manager' };
  const madeForAnother = { madeBy: 'manager', recordedBy: 'guardian' };

  it.each([
    [made, 'manager', 'MADE'],
    [madeForAnother, 'manager', 'MADE'],
    [madeForAnother, 'guardian', 'RECORDED'],
    [made, 'guardian', undefined],
    [madeForAnother, 'other-manager', undefined],
    [made, undefined, undefined],
  ])('%j seen by %s: %s', (disclosure, viewer, part) => {
    expect(partInDisclosure(disclosure, viewer)).toBe(part);
  });

  it('says when the disclosure was recorded for the one who made it', () => {
    expect(recordedForAnother(made)).toBe(false);
    expect(recordedForAnother(madeForAnother)).toBe(true);
  });
});
