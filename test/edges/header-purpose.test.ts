import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handleHttpApiEvent } from '../../services/api/src/lambda-adapter';
import { allocatedPerson, codes } from '../support/care-fixtures';
import { httpApiEvent } from '../support/http-api-event';
import { testApi } from '../support/test-api';

/**
 * A purpose with a character an HTTP header cannot carry. Sent in `X-Access-Purpose` through API Gateway, the api's
 * adapter failed with an uncaught TypeError (a 500 to the caller, nothing said); through a server that decodes the
 * header's bytes as Latin-1, the audit would record it garbled. Both are now BAD_USER_INPUT and nothing runs; the
 * `@purpose` directive, in the UTF-8 body, carries any text.
 */

const READ_PHONE = 'query ($id: ID!) { serviceUser(id: $id) { phone } }';
const lambdaContext = { awsRequestId: 'aws-req-1', functionName: 'confide-api' } as Context;

describe('a purpose an HTTP header cannot carry', () => {
  const api = testApi();

  it('is refused by the Lambda adapter as BAD_USER_INPUT naming the header, never its value', async () => {
    // Prepare
    const { worker, client } = await allocatedPerson(api);
    const purpose = 'Arranging Tuesday\u2019s visit';

    // Act
    const result = await handleHttpApiEvent(
      api.yoga,
      httpApiEvent(JSON.stringify({ query: READ_PHONE, variables: { id: client } }), {
        headers: { authorization: `Bearer ${worker.token}`, 'x-access-purpose': purpose },
      }),
      lambdaContext,
    );

    // Assess
    expect(result.statusCode).toBe(400);
    const body = JSON.parse(result.body ?? '{}') as { errors?: { message: string; extensions?: unknown }[] };
    expect(body.errors?.map((error) => error.extensions)).toEqual([{ code: 'BAD_USER_INPUT' }]);
    expect(body.errors?.[0]?.message).toContain('x-access-purpose');
    expect(result.body).not.toContain('Tuesday');
  });

  it('is refused in a header whatever the transport decoded it as, and taken in the directive', async () => {
    // Prepare: a Latin-1 purpose, which a header can carry as bytes but not as what its author wrote.
    const { worker, client } = await allocatedPerson(api);

    // Act
    const inHeader = await api.graphql(READ_PHONE, {
      token: worker.token,
      variables: { id: client },
      headers: { 'x-access-purpose': 'Visit to the caf\u00e9' },
    });
    const inDirective = await api.graphql(
      'query ($id: ID!) @purpose(reason: "Arranging Tuesday\u2019s visit to the caf\u00e9") { serviceUser(id: $id) { phone } }',
      { token: worker.token, variables: { id: client } },
    );

    // Assess
    expect(codes(inHeader)).toEqual(['BAD_USER_INPUT']);
    expect(inHeader.errors?.[0]?.extensions?.field).toEqual(['purpose']);
    expect(inHeader.data ?? null).toBeNull();
    expect(inDirective.errors).toBeUndefined();
    expect(inDirective.data).toEqual({ serviceUser: { phone: expect.any(String) } });
  });
});
