import { Readable } from 'node:stream';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  DynamoDBServiceException,
  GetItemCommand,
  ListTablesCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest, HttpResponse } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { LeanDynamoDBClient } from './lean-dynamodb';
import { RequestCounters } from './request-counters';

/**
 * The lean client's pure parts against a transport that records each request and answers from a script: its
 * signature is the SDK signer's, its retries are the SDK strategy's, and its failures are the SDK's classes. Its
 * answers against DynamoDB itself are compared with the SDK's in test/foundation/lean-dynamodb.test.ts.
 */

const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-of-an-assumed-role',
};

type Answer = { status: number; body: string; headers?: Record<string, string> };

function scripted(answers: Answer[], Client: typeof DynamoDBClient = LeanDynamoDBClient) {
  const sent: HttpRequest[] = [];
  const handler = {
    handle: async (request: HttpRequest): Promise<{ response: HttpResponse }> => {
      sent.push(request);
      const answer = answers.shift() ?? { status: 200, body: '{}' };
      return {
        response: {
          statusCode: answer.status,
          headers: { 'content-type': 'application/x-amz-json-1.0', ...answer.headers },
          body: Readable.from([Buffer.from(answer.body)]),
        },
      };
    },
  };
  const client = new Client({
    region: 'eu-west-2',
    credentials: CREDENTIALS,
    requestHandler: handler,
  });
  return { client: client as LeanDynamoDBClient, sent };
}

const GET = new GetItemCommand({ TableName: 'data', Key: { pk: { S: 'a' }, sk: { S: 'b' } } });

describe('LeanDynamoDBClient', () => {
  it('signs as the SDK signer signs the same request, session token included', async () => {
    // Prepare
    const { client, sent } = scripted([]);

    // Act
    await client.send(GET);

    // Assess
    const request = sent[0] as HttpRequest;
    expect(request.hostname).toBe('dynamodb.eu-west-2.amazonaws.com');
    const { authorization, 'content-length': _length, ...headers } = request.headers;
    const amzDate = String(headers['x-amz-date']);
    const signingDate = new Date(
      `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13)}`,
    );
    const signer = new SignatureV4({
      service: 'dynamodb',
      region: 'eu-west-2',
      credentials: CREDENTIALS,
      sha256: Sha256,
    });
    const theirs = await signer.sign(
      {
        method: 'POST',
        protocol: 'https:',
        hostname: request.hostname,
        path: '/',
        headers: Object.fromEntries(
          Object.entries(headers).filter(([name]) => name !== 'x-amz-security-token'),
        ),
        body: request.body,
      },
      { signingDate },
    );
    expect(authorization).toBe(theirs.headers.authorization);
    expect(headers['x-amz-security-token']).toBe(CREDENTIALS.sessionToken);
    expect(JSON.parse(String(request.body))).toEqual(GET.input);
  });

  it('gives a transaction an idempotency token, as the SDK does, and keeps the same body on a retry', async () => {
    // Prepare
    const { client, sent } = scripted([{ status: 500, body: '{"__type":"InternalServerError"}' }]);
    const transaction = new TransactWriteItemsCommand({
      TransactItems: [{ Put: { TableName: 'data', Item: { pk: { S: 'a' }, sk: { S: 'b' } } } }],
    });

    // Act
    const output = await client.send(transaction);

    // Assess
    expect(output.$metadata.attempts).toBe(2);
    const bodies = sent.map((request) => JSON.parse(String(request.body)));
    expect(bodies[0].ClientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(bodies[1]).toEqual(bodies[0]);
  });

  it('sends binary attributes as base64 and answers them as bytes', async () => {
    // Prepare
    const { client, sent } = scripted([
      { status: 200, body: JSON.stringify({ Item: { b: { B: 'AQID' }, bs: { BS: ['BAU='] } } }) },
    ]);

    // Act
    const output = await client.send(
      new GetItemCommand({ TableName: 'data', Key: { pk: { B: new Uint8Array([9, 8]) }, sk: { S: 'b' } } }),
    );

    // Assess
    expect(JSON.parse(String(sent[0]?.body)).Key.pk).toEqual({ B: 'CQg=' });
    expect(output.Item?.b?.B).toEqual(new Uint8Array([1, 2, 3]));
    expect(output.Item?.bs?.BS).toEqual([new Uint8Array([4, 5])]);
  });

  it('throws a refused condition as the SDK class, with the item, and does not retry it', async () => {
    // Prepare
    const { client, sent } = scripted([
      {
        status: 400,
        body: JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
          message: 'The conditional request failed',
          Item: { pk: { S: 'a' }, v: { B: 'AQ==' } },
        }),
      },
    ]);

    // Act
    const failure = await client.send(GET).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(ConditionalCheckFailedException);
    const error = failure as ConditionalCheckFailedException;
    expect(error.name).toBe('ConditionalCheckFailedException');
    expect(error.message).toBe('The conditional request failed');
    expect(error.$fault).toBe('client');
    expect(error.Item).toEqual({ pk: { S: 'a' }, v: { B: new Uint8Array([1]) } });
    expect(error.$metadata.attempts).toBe(1);
    expect(sent).toHaveLength(1);
  });

  it('retries as the SDK does: throttling and server errors, as many attempts, ending with the last error', async () => {
    // Prepare: the same scripts through the lean client and through the SDK's own.
    const unavailable = { status: 503, body: '{"__type":"x#ServiceUnavailable","message":"Try again"}' };
    const throttled = { status: 400, body: '{"__type":"x#ThrottlingException","message":"Rate exceeded"}' };
    const outcomes = async (client: DynamoDBClient, sent: HttpRequest[]) => {
      const failure = (await client.send(GET).catch((error: unknown) => error)) as DynamoDBServiceException;
      const failedAfter = sent.length;
      const output = await client.send(GET);
      return {
        failure: [failure instanceof DynamoDBServiceException, failure.name, failure.$metadata.attempts],
        failedAfter,
        succeededAfter: output.$metadata.attempts,
      };
    };
    const script = () => [unavailable, unavailable, unavailable, unavailable, unavailable, throttled];
    const lean = scripted(script());
    const sdk = scripted(script(), DynamoDBClient);

    // Act
    const leanOutcomes = await outcomes(lean.client, lean.sent);
    const sdkOutcomes = await outcomes(sdk.client, sdk.sent);

    // Assess: the SDK's attempts for DynamoDB (4 in this version), the same for both.
    expect(leanOutcomes).toEqual(sdkOutcomes);
    expect(leanOutcomes.failure).toEqual([true, 'ServiceUnavailable', leanOutcomes.failedAfter]);
    expect(leanOutcomes.failedAfter).toBeGreaterThan(1);
    // The second call meets the fifth 503, then the throttling, then an answer.
    expect(leanOutcomes.succeededAfter).toBe(3);
  });

  it('retries a failure whose body is not DynamoDB’s (a proxy’s page) as the SDK does', async () => {
    // Prepare
    const script = () => [{ status: 502, body: '<html>Bad gateway</html>' }];
    const lean = scripted(script());
    const sdk = scripted(script(), DynamoDBClient);

    // Act
    const [fromLean, fromSdk] = await Promise.all([lean.client.send(GET), sdk.client.send(GET)]);

    // Assess
    expect(fromLean.$metadata.attempts).toBe(2);
    expect(fromLean.$metadata.attempts).toBe(fromSdk.$metadata.attempts);
  });

  it('names an unmodelled error by its code', async () => {
    // Prepare
    const { client } = scripted([
      {
        status: 400,
        body: '{"message":"Invalid KeyConditionExpression"}',
        headers: { 'x-amzn-errortype': 'ValidationException:http://internal.amazon.com/coral/' },
      },
    ]);

    // Act
    const failure = await client.send(GET).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(DynamoDBServiceException);
    expect((failure as DynamoDBServiceException).name).toBe('ValidationException');
    expect((failure as DynamoDBServiceException).message).toBe('Invalid KeyConditionExpression');
  });

  it('counts its calls, and leaves other commands and clients with added middleware to the SDK', async () => {
    // Prepare
    const { client, sent } = scripted([]);
    const counters = new RequestCounters();
    client.countInto(counters);
    const seen: string[] = [];

    // Act
    const before = [client.sendsLean(GET), client.sendsLean(new ListTablesCommand({}))];
    await client.send(GET);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        seen.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize' },
    );
    await client.send(GET);

    // Assess
    expect(before).toEqual([true, false]);
    expect(client.sendsLean(GET)).toBe(false);
    expect(seen).toEqual(['GetItemCommand']);
    expect(sent).toHaveLength(2);
    expect(counters.snapshot()).toEqual({ 'DynamoDB.GetItem': 2 });
    expect(counters.spans()).toHaveLength(2);
  });
});
