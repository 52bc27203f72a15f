import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { onboardTestOrganisation } from '../support/fixtures';
import { httpApiEvent } from '../support/http-api-event';
import { testApi } from '../support/test-api';

const lambdaContext = { awsRequestId: 'aws-req-1', functionName: 'confide-api' } as Context;

describe('the api Lambda handler', () => {
  const api = testApi();

  it('answers me for a real-shaped API Gateway v2 event with a verified token', async () => {
    const org = await onboardTestOrganisation(api);
    const { handler } = await import('@confide/service-api/handler');

    const result = await handler(
      httpApiEvent(JSON.stringify({ query: '{ me { kind staffMember { handle } } }' }), {
        headers: { authorization: `Bearer ${org.adminToken}` },
        requestId: 'req-lambda-1',
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
      httpApiEvent(JSON.stringify({ query: '{ me { kind } }' }), { requestId: 'req-lambda-1' }),
      lambdaContext,
    );

    const body = JSON.parse(result.body ?? '') as { errors: { extensions: { code: string } }[] };
    expect(body.errors.map((error) => error.extensions.code)).toEqual(['UNAUTHENTICATED']);
  });
});
