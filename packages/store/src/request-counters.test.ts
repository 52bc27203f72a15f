import { DescribeTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { localStack } from '../../../test/support/test-api';
import { countRequests, RequestCounters } from './request-counters';

const DEAD_ENDPOINT = 'http://127.0.0.1:1';
const CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'x' };

describe('RequestCounters in a process that never resets them', () => {
  it('keeps a bounded number of spans, the newest', () => {
    const counters = new RequestCounters();
    const calls = RequestCounters.MAX_SPANS * 2 + 1;

    for (let n = 0; n < calls; n++) {
      counters.recordSpan({ service: 'DynamoDB', operation: 'GetItem', startedAt: n, endedAt: n + 1 });
    }

    const spans = counters.spans();
    expect(spans.length).toBeLessThanOrEqual(RequestCounters.MAX_SPANS);
    expect(spans.at(-1)?.startedAt).toBe(calls - 1);
    expect(spans.length).toBeGreaterThanOrEqual(RequestCounters.MAX_SPANS / 2);
  });
});

describe('RequestCounters on real SDK clients', () => {
  const stack = localStack();

  function countedDynamo(counters: RequestCounters): DynamoDBClient {
    const client = new DynamoDBClient({ region: stack.region, endpoint: stack.dynamodbEndpoint });
    countRequests(client.middlewareStack, 'DynamoDB', counters);
    return client;
  }

  it('counts each request by operation, and total() sums one service', async () => {
    const counters = new RequestCounters();
    const dynamo = countedDynamo(counters);

    await dynamo.send(new DescribeTableCommand({ TableName: stack.tables.data }));
    await dynamo.send(new DescribeTableCommand({ TableName: stack.tables.keys }));
    await dynamo.send(
      new GetItemCommand({
        TableName: stack.tables.data,
        Key: { pk: { S: 'ORG#nobody#ORG' }, sk: { S: 'PROFILE' } },
      }),
    );

    expect(counters.snapshot()).toEqual({ 'DynamoDB.DescribeTable': 2, 'DynamoDB.GetItem': 1 });
    expect(counters.total('DynamoDB')).toBe(3);
    expect(counters.total('KMS')).toBe(0);
  });

  it('counts a request that fails on the server, since it went over the wire', async () => {
    const counters = new RequestCounters();
    const dynamo = countedDynamo(counters);

    await expect(dynamo.send(new DescribeTableCommand({ TableName: 'no-such-table' }))).rejects.toMatchObject(
      {
        name: 'ResourceNotFoundException',
      },
    );

    expect(counters.snapshot()).toEqual({ 'DynamoDB.DescribeTable': 1 });
  });

  it('keeps services apart: total() matches the whole service name, not a prefix of it', async () => {
    const counters = new RequestCounters();
    const dynamo = countedDynamo(counters);
    const kms = new KMSClient({ region: stack.region, endpoint: stack.kmsEndpoint, maxAttempts: 1 });
    countRequests(kms.middlewareStack, 'KMS', counters);

    await dynamo.send(new DescribeTableCommand({ TableName: stack.tables.data }));
    await kms.send(new ListKeysCommand({})).catch(() => undefined);

    expect(counters.total('DynamoDB')).toBe(1);
    expect(counters.total('KMS')).toBe(1);
    expect(counters.total('Dynamo')).toBe(0);
    expect(counters.total('K')).toBe(0);
  });

  it('counts every attempt, retries included', async () => {
    const counters = new RequestCounters();
    const kms = new KMSClient({
      region: stack.region,
      endpoint: DEAD_ENDPOINT,
      credentials: CREDENTIALS,
      maxAttempts: 3,
    });
    countRequests(kms.middlewareStack, 'KMS', counters);

    await expect(kms.send(new ListKeysCommand({}))).rejects.toThrow();

    expect(counters.snapshot()).toEqual({ 'KMS.ListKeys': 3 });
  });

  it('counts once per request when attached twice to the same client', async () => {
    const counters = new RequestCounters();
    const dynamo = countedDynamo(counters);
    countRequests(dynamo.middlewareStack, 'DynamoDB', counters);

    await dynamo.send(new DescribeTableCommand({ TableName: stack.tables.data }));

    expect(counters.total('DynamoDB')).toBe(1);
  });

  it('reset() starts from zero and snapshot() is a copy', async () => {
    const counters = new RequestCounters();
    const dynamo = countedDynamo(counters);
    await dynamo.send(new DescribeTableCommand({ TableName: stack.tables.data }));
    const before = counters.snapshot();

    counters.reset();
    await dynamo.send(
      new GetItemCommand({ TableName: stack.tables.data, Key: { pk: { S: 'x' }, sk: { S: 'y' } } }),
    );

    expect(before).toEqual({ 'DynamoDB.DescribeTable': 1 });
    expect(counters.snapshot()).toEqual({ 'DynamoDB.GetItem': 1 });
    expect(counters.total('DynamoDB')).toBe(1);
  });
});
