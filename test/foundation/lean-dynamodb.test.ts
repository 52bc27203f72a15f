import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  DynamoDBServiceException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ResourceNotFoundException,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { newOrgId } from '@confide/domain';
import { LeanDynamoDBClient } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { localStack } from '../support/test-api';

/**
 * The lean client (decision 0069) against DynamoDB Local, beside the SDK's client: each command the records send
 * answers the same through both, and each failure is the same class with the same members. Every behaviour test of
 * the suite runs on the lean client too (createServices builds it); this one pins that it is the SDK's twin.
 */

describe('LeanDynamoDBClient answers as the SDK does (decision 0069)', () => {
  const stack = localStack();
  const config = { endpoint: stack.dynamodbEndpoint, region: stack.region };
  const lean = new LeanDynamoDBClient(config);
  const sdk = new DynamoDBClient(config);
  const TableName = stack.tables.data;

  /** A partition of its own for each test, in an organisation nobody else uses. */
  const partition = () => `ORG#${newOrgId()}#LEAN`;
  const item = (pk: string, sk: string, n: number) => ({
    pk: { S: pk },
    sk: { S: sk },
    n: { N: String(n) },
    b: { B: new Uint8Array([n, 0, 255]) },
    bs: { BS: [new Uint8Array([1]), new Uint8Array([2, n])] },
    ss: { SS: ['a', `s${n}`] },
    m: { M: { inner: { L: [{ S: 'x' }, { BOOL: true }, { NULL: true }, { N: '1.5' }] } } },
  });
  /** Both answers without their metadata (request ids differ), side by side. */
  const both = async <T extends { $metadata: unknown }>(send: (client: DynamoDBClient) => Promise<T>) => {
    const { $metadata: _lean, ...fromLean } = await send(lean);
    const { $metadata: _sdk, ...fromSdk } = await send(sdk);
    return { fromLean, fromSdk };
  };

  it('reads, queries and batch-reads items of every attribute type the same', async () => {
    // Prepare
    const pk = partition();
    for (let n = 0; n < 5; n++) {
      await lean.send(new PutItemCommand({ TableName, Item: item(pk, `ITEM#${n}`, n) }));
    }
    const key = (n: number) => ({ pk: { S: pk }, sk: { S: `ITEM#${n}` } });

    // Act
    const get = await both((client) =>
      client.send(new GetItemCommand({ TableName, Key: key(3), ConsistentRead: true })),
    );
    const query = await both((client) =>
      client.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
          ExpressionAttributeValues: { ':pk': { S: pk }, ':sk': { S: 'ITEM#' } },
          Limit: 3,
          ConsistentRead: true,
        }),
      ),
    );
    const batch = await both((client) =>
      client.send(
        new BatchGetItemCommand({ RequestItems: { [TableName]: { Keys: [key(0), key(4), key(9)] } } }),
      ),
    );

    // Assess: the lean answers are the SDK's, and they hold what was written.
    expect(get.fromLean).toEqual(get.fromSdk);
    expect(get.fromLean.Item).toEqual(item(pk, 'ITEM#3', 3));
    expect(query.fromLean).toEqual(query.fromSdk);
    expect(query.fromLean.Items).toHaveLength(3);
    expect(query.fromLean.LastEvaluatedKey).toEqual(key(2));
    const sorted = (items: Record<string, { S?: string }>[] | undefined) =>
      [...(items ?? [])].sort((a, b) => String(a.sk?.S).localeCompare(String(b.sk?.S)));
    expect(sorted(batch.fromLean.Responses?.[TableName])).toEqual(
      sorted(batch.fromSdk.Responses?.[TableName]),
    );
    expect(sorted(batch.fromLean.Responses?.[TableName])).toEqual([
      item(pk, 'ITEM#0', 0),
      item(pk, 'ITEM#4', 4),
    ]);
  });

  it('writes, updates and deletes the same, with the values they return', async () => {
    // Prepare
    const pk = partition();
    const key = { pk: { S: pk }, sk: { S: 'COUNTER' } };

    // Act
    await lean.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [TableName]: [
            { PutRequest: { Item: item(pk, 'A', 1) } },
            { PutRequest: { Item: item(pk, 'B', 2) } },
          ],
        },
      }),
    );
    await lean.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Put: {
              TableName,
              Item: { ...key, n: { N: '0' } },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          { Delete: { TableName, Key: { pk: { S: pk }, sk: { S: 'B' } } } },
        ],
      }),
    );
    const updated = await both((client) =>
      client.send(
        new UpdateItemCommand({
          TableName,
          Key: key,
          UpdateExpression: 'ADD n :one',
          ExpressionAttributeValues: { ':one': { N: '1' } },
          ReturnValues: 'UPDATED_NEW',
        }),
      ),
    );
    const deleted = await lean.send(
      new DeleteItemCommand({ TableName, Key: { pk: { S: pk }, sk: { S: 'A' } }, ReturnValues: 'ALL_OLD' }),
    );
    const left = await sdk.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: pk } },
        ConsistentRead: true,
      }),
    );

    // Assess
    expect(updated.fromLean).toEqual({ Attributes: { n: { N: '1' } } });
    expect(updated.fromSdk).toEqual({ Attributes: { n: { N: '2' } } });
    expect(deleted.Attributes).toEqual(item(pk, 'A', 1));
    expect(left.Items).toEqual([{ ...key, n: { N: '2' } }]);
  });

  it('fails the same: a refused condition, a cancelled transaction, a missing table, a bad expression', async () => {
    // Prepare
    const pk = partition();
    const stored = item(pk, 'ONE', 7);
    await lean.send(new PutItemCommand({ TableName, Item: stored }));
    const refusedPut = new PutItemCommand({
      TableName,
      Item: stored,
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    const cancelled = new TransactWriteItemsCommand({
      TransactItems: [
        { Put: { TableName, Item: item(pk, 'TWO', 2) } },
        {
          ConditionCheck: {
            TableName,
            Key: { pk: stored.pk, sk: stored.sk },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ],
    });
    const missingTable = new GetItemCommand({
      TableName: 'no-such-table',
      Key: { pk: stored.pk, sk: stored.sk },
    });
    const badExpression = new QueryCommand({
      TableName,
      KeyConditionExpression: 'pk = ',
      ExpressionAttributeValues: {},
    });
    const failure = async (client: DynamoDBClient, command: object) => {
      const error = (await client
        .send(command as never)
        .catch((caught: unknown) => caught)) as DynamoDBServiceException;
      const {
        $metadata,
        $response: _response,
        stack: _stack,
        ...members
      } = error as DynamoDBServiceException & {
        $response?: unknown;
        Item?: unknown;
        CancellationReasons?: unknown;
      };
      return {
        classes: [
          error instanceof DynamoDBServiceException,
          error instanceof ConditionalCheckFailedException,
          error instanceof TransactionCanceledException,
          error instanceof ResourceNotFoundException,
        ],
        name: error.name,
        message: error.message,
        status: $metadata.httpStatusCode,
        attempts: $metadata.attempts,
        members: { ...members },
      };
    };

    // Act and assess, each failure through both clients.
    for (const command of [refusedPut, cancelled, missingTable, badExpression] as object[]) {
      expect(await failure(lean, command)).toEqual(await failure(sdk, command));
    }
    const refused = await failure(lean, refusedPut);
    expect(refused.classes).toEqual([true, true, false, false]);
    expect(refused.members.Item).toEqual(stored);
    const transaction = await failure(lean, cancelled);
    expect(transaction.classes).toEqual([true, false, true, false]);
    expect(transaction.members.CancellationReasons).toEqual([
      { Code: 'None' },
      expect.objectContaining({ Code: 'ConditionalCheckFailed', Item: stored }),
    ]);
    expect((await failure(lean, missingTable)).classes).toEqual([true, false, false, true]);
    expect((await failure(lean, badExpression)).name).toBe('ValidationException');
  });
});
