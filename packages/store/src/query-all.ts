import { type DynamoDBClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { isExpired } from '@confide/domain';
import { attr, type Item, read } from './attributes';

/** Every item a query matches, following `LastEvaluatedKey` page by page. For bounded partitions only. */
export async function queryAll(dynamo: DynamoDBClient, input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await dynamo.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/**
 * The unexpired items of one partition whose sort keys start with `prefix`. Reads filter expiry themselves:
 * DynamoDB's TTL deletes up to days late, and nothing past its `expiresAt` is ever returned.
 */
export async function queryLive(
  dynamo: DynamoDBClient,
  query: {
    readonly table: string;
    readonly pk: string;
    readonly prefix: string;
    readonly now: Date;
    readonly consistentRead?: boolean;
    /** Attributes to fetch; `expiresAt` is added, the filter needs it. */
    readonly projection?: readonly string[];
  },
): Promise<Item[]> {
  const items = await queryAll(dynamo, {
    TableName: query.table,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': attr.s(query.pk), ':prefix': attr.s(query.prefix) },
    ...(query.consistentRead ? { ConsistentRead: true } : {}),
    ...(query.projection
      ? { ProjectionExpression: [...new Set([...query.projection, 'expiresAt'])].join(', ') }
      : {}),
  });
  return items.filter((item) => !isExpired(read.n(item, 'expiresAt'), query.now));
}
