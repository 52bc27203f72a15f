import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handleHttpApiEvent } from '../../services/api/src/lambda-adapter';
import { allocatedPerson, codes } from '../support/care-fixtures';
import { httpApiEvent } from '../support/http-api-event';
import { testApi } from '../support/test-api';

/**
 * A purpose with a character an HTTP header cannot carry. Sent in `X-Access-Purpose` through API Gateway, the api's
 * adapter failed with an uncaught TypeError (a 500 to the caller, nothing said); a control character reached the
 * audit as sent. Both are now BAD_USER_INPUT and nothing runs; the header takes printable Latin-1 (what fetch clients
 * send), and the `@purpose` directive, in the UTF-8 body, any text.
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

  it('takes Latin-1 in a header, refuses a control character there, and takes any text in the directive', async () => {
    // Prepare
    const { worker, client } = await allocatedPerson(api);
    const inHeader = (purpose: string) =>
      api.graphql(READ_PHONE, {
        token: worker.token,
        variables: { id: client },
        headers: { 'x-access-purpose': purpose },
      });

    // Act
    const latin1 = await inHeader('Visit to the caf\u00e9');
    const control = await inHeader('Visit\u0001');
    const inDirective = await api.graphql(
      'query ($id: ID!) @purpose(reason: "Arranging Tuesday\u2019s visit") { serviceUser(id: $id) { phone } }',
      { token: worker.token, variables: { id: client } },
    );

    // Assess
    expect(latin1.errors).toBeUndefined();
    expect(codes(control)).toEqual(['BAD_USER_INPUT']);
    expect(control.errors?.[0]?.extensions?.field).toEqual(['purpose']);
    expect(control.errors?.[0]?.message).toContain('printable Latin-1');
    expect(control.data ?? null).toBeNull();
    expect(inDirective.errors).toBeUndefined();
    expect(inDirective.data).toEqual({ serviceUser: { phone: expect.any(String) } });
  });

  it('refuses a directive purpose given through a variable holding a lone surrogate, and runs nothing', async () => {
    // Prepare: UTF-8 cannot hold a lone surrogate: recorded, it would become a character its author did not write.
    const { worker, client } = await allocatedPerson(api);

    // Act
    const result = await api.graphql(
      'query ($id: ID!, $why: String!) @purpose(reason: $why) { serviceUser(id: $id) { phone } }',
      { token: worker.token, variables: { id: client, why: 'Safeguarding check \ud800' } },
    );

    // Assess
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.extensions?.field).toEqual(['purpose']);
    expect(result.data ?? null).toBeNull();
  });
});
