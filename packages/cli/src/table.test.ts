import { describe, expect, it } from 'vitest';
import { table } from './table';

describe('table', () => {
  it('pads each column to its widest cell, header included, and leaves the last one unpadded', () => {
    expect(
      table(
        ['SLUG', 'STATUS', 'NAME'],
        [
          ['a-rather-long-charity-slug', 'ACTIVE', 'Long'],
          ['b', 'OFFBOARDED', 'B'],
        ],
      ),
    ).toBe(
      [
        'SLUG                        STATUS      NAME',
        'a-rather-long-charity-slug  ACTIVE      Long',
        'b                           OFFBOARDED  B',
      ].join('\n'),
    );
  });

  it('is the header alone when there are no rows', () => {
    expect(table(['STAFF ID', 'CREATED'], [])).toBe('STAFF ID  CREATED');
  });
});
