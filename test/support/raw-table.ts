import {
  type AttributeValue,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { TestApi } from './test-api';

/*
 * The data table as someone who can write it but holds no key reaches it: straight to DynamoDB, never through the
 * stores. For tests of what the application makes of items changed below it.
 */

/** An item's key in the data table. */
export interface RawKey {
  readonly pk: string;
  readonly sk: string;
}

/** One item as the table holds it (a consistent read), or undefined. */
export async function rawItem(
  api: TestApi,
  key: RawKey,
): Promise<Record<string, AttributeValue> | undefined> {
  return (
    await api.services.dynamo.send(
      new GetItemCommand({
        TableName: api.stack.tables.data,
        Key: { pk: { S: key.pk }, sk: { S: key.sk } },
        ConsistentRead: true,
      }),
    )
  ).Item;
}

/** Puts an item as it is given, with one PutItem. */
export async function rawPut(api: TestApi, item: Record<string, AttributeValue>): Promise<void> {
  await api.services.dynamo.send(new PutItemCommand({ TableName: api.stack.tables.data, Item: item }));
}

/** One UpdateItem of an item. */
export async function rawUpdate(
  api: TestApi,
  key: RawKey,
  expression: string,
  values?: Record<string, AttributeValue>,
): Promise<void> {
  await api.services.dynamo.send(
    new UpdateItemCommand({
      TableName: api.stack.tables.data,
      Key: { pk: { S: key.pk }, sk: { S: key.sk } },
      UpdateExpression: expression,
      ...(values ? { ExpressionAttributeValues: values } : {}),
    }),
  );
}
