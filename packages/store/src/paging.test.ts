import { describe, expect, it } from 'vitest';
import { QueryCursors } from './paging';

const reviews = new QueryCursors({
  KeyConditionExpression: 'pk = :pk',
  ExpressionAttributeValues: { ':pk': { S: 'ORG#org_a#DISCLOSURE_REVIEWS' } },
  ScanIndexForward: false,
});
const item = { pk: { S: 'ORG#org_a#DISCLOSURE_REVIEWS' }, sk: { S: '2026-12-03T09:00:00Z#drv_1' } };

describe('cursors bound to their query', () => {
  it('continue the query they came from after the item they name', () => {
    // Act
    const start = reviews.startKey(reviews.after(item));

    // Assess
    expect(start).toEqual(item);
    expect(reviews.startKey(undefined)).toBeUndefined();
  });

  it.each([
    [
      'another partition',
      new QueryCursors({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'ORG#org_b#DISCLOSURE_REVIEWS' } },
        ScanIndexForward: false,
      }),
    ],
    [
      'another filter',
      new QueryCursors({
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: '#status = :status',
        ExpressionAttributeValues: {
          ':pk': { S: 'ORG#org_a#DISCLOSURE_REVIEWS' },
          ':status': { S: 'PENDING' },
        },
        ScanIndexForward: false,
      }),
    ],
    [
      'the other direction',
      new QueryCursors({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'ORG#org_a#DISCLOSURE_REVIEWS' } },
      }),
    ],
  ])('are BAD_USER_INPUT on %s', (_, other) => {
    // Act and assess
    expect(() => other.startKey(reviews.after(item))).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT' }),
    );
  });

  it('are BAD_USER_INPUT when forged or malformed, never a key for DynamoDB', () => {
    // Prepare: the right binding, a key in another organisation's partition.
    const [binding] = JSON.parse(Buffer.from(reviews.after(item), 'base64url').toString('utf8')) as [string];
    const forged = Buffer.from(
      JSON.stringify([binding, ['ORG#org_b#DISCLOSURE_REVIEWS', '2026#x']]),
      'utf8',
    ).toString('base64url');

    // Act and assess
    for (const cursor of [forged, 'not a cursor', '', Buffer.from('[1,2]').toString('base64url')]) {
      expect(() => reviews.startKey(cursor)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    }
  });
});
