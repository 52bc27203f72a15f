import { BatchGetItemCommand, type DynamoDBClient, type KeysAndAttributes } from '@aws-sdk/client-dynamodb';
import type { Item } from './attributes';

export interface ItemRef {
  readonly table: string;
  readonly key: Item;
}

const MAX_PER_CALL = 100;

/**
 * Reads many items, across tables, in as few BatchGetItem calls as DynamoDB allows (100 keys per call),
 * retrying unprocessed keys. Results come back keyed by `table|pk|sk`; missing items are simply absent.
 */
export async function batchGet(dynamo: DynamoDBClient, refs: readonly ItemRef[]): Promise<Map<string, Item>> {
  const found = new Map<string, Item>();
  const unique = new Map<string, ItemRef>();
  for (const ref of refs) unique.set(refKey(ref.table, ref.key), ref);
  const all = [...unique.values()];
  for (let start = 0; start < all.length; start += MAX_PER_CALL) {
    let pending: Record<string, KeysAndAttributes> = {};
    for (const ref of all.slice(start, start + MAX_PER_CALL)) {
      pending[ref.table] ??= { Keys: [], ConsistentRead: true };
      pending[ref.table]?.Keys?.push(ref.key);
    }
    for (let attempt = 0; Object.keys(pending).length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
      if (attempt > 8) throw new Error('DynamoDB kept keys unprocessed.');
      const result = await dynamo.send(new BatchGetItemCommand({ RequestItems: pending }));
      for (const [table, items] of Object.entries(result.Responses ?? {})) {
        for (const item of items) found.set(refKey(table, item), item);
      }
      pending = result.UnprocessedKeys ?? {};
    }
  }
  return found;
}

export function refKey(table: string, key: Item): string {
  return `${table}|${key.pk?.S}|${key.sk?.S}`;
}
