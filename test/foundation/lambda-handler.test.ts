import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { onboardTestOrganisation } from '../support/fixtures';
import { testApi } from '../support/test-api';

function httpApiEvent(body: string, headers: Record<string, string>): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /graphql',
    rawPath: '/graphql',
    rawQueryString: '',
    headers: {
      host: 'abc123.execute-api.eu-west-2.amazonaws.com',
      'content-length': String(body.length),
      ...headers,
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-2.amazonaws.com',
      domainPrefix: 'abc123',
      http: {
        method: 'POST',
        path: '/graphql',
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.9',
        userAgent: 'test',
      },
      requestId: 'req-lambda-1',
      routeKey: 'POST /graphql',
      stage: '$default',
      time: '22/Nov/2026:09:00:00 +0000',
      timeEpoch: 1795338000000,
    },
    body: Buffer.from(body).toString('base64'),
    isBase64Encoded: true,
  };
}

const lambdaContext = { awsRequestId: 'aws-req-1', functionName: 'confide-api' } as Context;

describe('the api Lambda handler', () => {
  const api = testApi();

  it('answers me for a real-shaped API Gateway v2 event with a verified token', async () => {
    const org = await onboardTestOrganisation(api);
    const { handler } = await import('@confide/service-api/handler');

    const result = await handler(
      httpApiEvent(JSON.stringify({ query: '{ me { kind staffMember { handle } } }' }), {
        'content-type': 'application/json',
        authorization: `Bearer ${org.adminToken}`,
      }),
      lambdaContext,
    );

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body ?? '')).toEqual({
      data: { me: { kind: 'STAFF', staffMember: { handle: 'admin' } } },
    });
  });

  it('answers UNAUTHENTICATED to an event without a token', async () => {
    const { handler } = await import('@confide/service-api/handler');

    const result = await handler(
      httpApiEvent(JSON.stringify({ query: '{ me { kind } }' }), { 'content-type': 'application/json' }),
      lambdaContext,
    );

    const body = JSON.parse(result.body ?? '') as { errors: { extensions: { code: string } }[] };
    expect(body.errors.map((error) => error.extensions.code)).toEqual(['UNAUTHENTICATED']);
  });
});
