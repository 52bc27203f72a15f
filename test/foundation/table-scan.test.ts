import { BatchWriteItemCommand, ScanCommand, type ScanCommandInput } from '@aws-sdk/client-dynamodb';
import type { Item } from '@confide/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SCAN_SEGMENTS, scanTable } from '../support/table-scan';
import { createOwnTables, ownTables, testApi } from '../support/test-api';

/**
 * The test helpers read an organisation's items with {@link scanTable} (decision 0046): it must read exactly what
 * one paginated Scan reads, pages within a segment included, on a table of the test's own.
 */
describe('the test-only segmented scan', () => {
  const api = testApi({ tables: ownTables() });
  const table = api.stack.tables.data;
  // Ten items per segment on average, for three organisations (keys spread over every segment by their hash).
  const items = Array.from({ length: MAX_SCAN_SEGMENTS * 10 }, (_, index) => ({
    pk: { S: `ORG#org${index % 3}#CLIENT#${index % 17}` },
    sk: { S: `ITEM#${index}` },
  }));
  let removeTables: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    removeTables = await createOwnTables(api);
    for (let start = 0; start < items.length; start += 25) {
      await api.services.dynamo.send(
        new BatchWriteItemCommand({
          RequestItems: { [table]: items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
    }
  });
  afterAll(async () => {
    await removeTables?.();
  });

  /** One Scan, page after page: what the helpers did before. */
  async function oneScan(input: ScanCommandInput): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const page = await api.services.dynamo.send(new ScanCommand({ ...input, ExclusiveStartKey: startKey }));
      items.push(...((page.Items ?? []) as Item[]));
      startKey = page.LastEvaluatedKey as Item | undefined;
    } while (startKey);
    return items;
  }

  const keysOf = (items: Item[]) => items.map((item) => `${item.pk?.S}|${item.sk?.S}`).sort();

  it('reads what one Scan reads, with the filter, and every page of each segment', async () => {
    // Prepare: pages of two items, so most segments take several pages
    const input = {
      TableName: table,
      FilterExpression: 'begins_with(pk, :prefix)',
      ExpressionAttributeValues: { ':prefix': { S: 'ORG#org1#' } },
      ConsistentRead: true,
      Limit: 2,
    };

    // Act: the most segments, in pages of two; as many segments as the table's size asks for (one here), and one
    // Scan, in pages of 50 (still several pages; DynamoDB Local's cost of a page grows with how far into a segment it
    // starts, and 320 pages of two over one segment took two minutes)
    const segmented = await scanTable(api.services.dynamo, input, { segments: MAX_SCAN_SEGMENTS });
    const sized = await scanTable(api.services.dynamo, { ...input, Limit: 50 });
    const whole = await oneScan({ ...input, Limit: 50 });

    // Assess
    const written = keysOf(items.filter((item) => item.pk.S.startsWith('ORG#org1#')));
    expect(keysOf(segmented)).toEqual(written);
    expect(keysOf(sized)).toEqual(written);
    expect(keysOf(whole)).toEqual(written);
  });
});
