import { describe, expect, it } from 'vitest';
import { capacityUnits, itemBytes } from '../../bench/capacity-units';

/** The benchmark's capacity units follow AWS's rules, not DynamoDB Local's report (issue 18). */
describe('capacity units from items', () => {
  const text = (bytes: number) => ({ S: 'x'.repeat(bytes) });

  it('sizes an item by its names and values', () => {
    expect(itemBytes({ pk: { S: 'ab' }, n: { N: '1234' }, flag: { BOOL: true } })).toBe(
      2 + 2 + 1 + 3 + 4 + 1,
    );
  });

  it('charges a transactional put twice per KB, and once per KB for each index it is projected into', () => {
    const indexed = { pk: text(10), sk: text(10), gsi1pk: text(10), gsi1sk: text(10), body: text(1500) };
    const plain = { pk: text(10), sk: text(10), body: text(100) };
    const units = capacityUnits(
      'TransactWriteItemsCommand',
      { TransactItems: [{ Put: { Item: indexed } }, { Put: { Item: plain } }, { Update: {} }] },
      {},
    );
    // indexed: 2 KB → 4 (transactional) + 2 (gsi1); plain: 1 KB → 2; update: 2 at its lower bound
    expect(units).toEqual({ readUnits: 0, writeUnits: 4 + 2 + 2 + 2 });
  });

  it('charges a batch get half a unit per 4 KB of each item, and a query on its total', () => {
    const small = { pk: text(100) };
    const large = { pk: text(5000) };
    expect(
      capacityUnits('BatchGetItemCommand', {}, { Responses: { data: [small, large], keys: [small] } }),
    ).toEqual({ readUnits: 0.5 + 1 + 0.5, writeUnits: 0 });
    expect(capacityUnits('QueryCommand', {}, { Items: [small, small, small] })).toEqual({
      readUnits: 0.5,
      writeUnits: 0,
    });
  });
});
