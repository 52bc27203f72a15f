import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { dataTableDesign } from '@confide/store';

/**
 * DynamoDB capacity units of a call, computed from the items themselves by AWS's published rules, because DynamoDB
 * Local's `ConsumedCapacity` is not what AWS would charge (it reported 14 WCU for a caseload's audit transaction of
 * 51 items of about 1.5 KB, each also written to two indexes: AWS charges about 400).
 *
 * - Item size: attribute names plus values (strings and binaries by length, numbers about 1 byte per 2 digits plus
 *   1, lists and maps 3 bytes plus their elements), rounded up to 1 KB for writes and 4 KB for reads.
 * - Writes: 1 WCU per KB; 2 in a transaction. Each global secondary index the item has keys for is a further write
 *   of the item (Confide's indexes project everything), 1 WCU per KB.
 * - An update's or a delete's charge depends on the stored item, which the call does not carry: counted as 1 KB,
 *   a lower bound (a note write's profile update is its largest such item).
 * - Reads: eventually consistent, 0.5 RCU per 4 KB of each item returned (a query's items are summed first); a
 *   transactional or strongly consistent read is not made on the hot path.
 */
export interface Units {
  readonly readUnits: number;
  readonly writeUnits: number;
}

type Item = Record<string, AttributeValue>;

const KB = 1024;

export function itemBytes(item: Item): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) bytes += Buffer.byteLength(name) + valueBytes(value);
  return bytes;
}

function valueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return Math.ceil(value.N.replace(/^-|\.|e.*$/gi, '').length / 2) + 1;
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS) return value.SS.reduce((sum, entry) => sum + Buffer.byteLength(entry), 0);
  if (value.NS) return value.NS.reduce((sum, entry) => sum + valueBytes({ N: entry }), 0);
  if (value.BS) return value.BS.reduce((sum, entry) => sum + entry.byteLength, 0);
  if (value.L) return 3 + value.L.reduce((sum, entry) => sum + 1 + valueBytes(entry), 0);
  if (value.M) return 3 + itemBytes(value.M) + Object.keys(value.M).length;
  return 0;
}

/** Writes of one put: the item, then each index it has keys for, in units of 1 KB. */
function putUnits(item: Item, transactional: boolean): number {
  const units = Math.ceil(itemBytes(item) / KB);
  const indexes = dataTableDesign.globalIndexes.filter(
    (index) => item[index.partitionKey] !== undefined && item[index.sortKey] !== undefined,
  ).length;
  return units * (transactional ? 2 : 1) + units * indexes;
}

function readUnitsOf(items: readonly Item[]): number {
  return items.reduce((sum, item) => sum + Math.ceil(itemBytes(item) / (4 * KB)) * 0.5, 0);
}

/** The units a call costs in AWS, from its input (writes) and output (reads). */
export function capacityUnits(commandName: string, input: unknown, output: unknown): Units {
  const request = input as Record<string, unknown>;
  const response = (output ?? {}) as Record<string, unknown>;
  switch (commandName) {
    case 'PutItemCommand':
      return { readUnits: 0, writeUnits: putUnits(request.Item as Item, false) };
    case 'UpdateItemCommand':
    case 'DeleteItemCommand':
      return { readUnits: 0, writeUnits: 1 };
    case 'TransactWriteItemsCommand': {
      let writeUnits = 0;
      for (const entry of (request.TransactItems ?? []) as { Put?: { Item: Item } }[]) {
        writeUnits += entry.Put ? putUnits(entry.Put.Item, true) : 2;
      }
      return { readUnits: 0, writeUnits };
    }
    case 'BatchWriteItemCommand': {
      let writeUnits = 0;
      for (const requests of Object.values(
        (request.RequestItems ?? {}) as Record<string, { PutRequest?: { Item: Item } }[]>,
      )) {
        for (const entry of requests)
          writeUnits += entry.PutRequest ? putUnits(entry.PutRequest.Item, false) : 1;
      }
      return { readUnits: 0, writeUnits };
    }
    case 'GetItemCommand':
      return { readUnits: response.Item ? readUnitsOf([response.Item as Item]) : 0.5, writeUnits: 0 };
    case 'BatchGetItemCommand':
      return {
        readUnits: readUnitsOf(Object.values((response.Responses ?? {}) as Record<string, Item[]>).flat()),
        writeUnits: 0,
      };
    case 'QueryCommand':
    case 'ScanCommand': {
      // A query is charged on the total size of what it read, rounded up once.
      const items = (response.Items ?? []) as Item[];
      const bytes = items.reduce((sum, item) => sum + itemBytes(item), 0);
      return { readUnits: Math.max(1, Math.ceil(bytes / (4 * KB))) * 0.5, writeUnits: 0 };
    }
    default:
      return { readUnits: 0, writeUnits: 0 };
  }
}
