import { TRUSTED_DOCUMENTS } from '@confide/api';
import { ErrorCode } from '@confide/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { onboardTestOrganisation, type TestOrganisation } from '../support/fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Issue 19, "error codes are an enum in the SDL": clients type `extensions.code` against `ErrorCode`, built from
 * packages/domain/src/errors.ts, each value documented. Every code the server sends — from the domain, from the
 * hardening and trusted-document layers, and from graphql-js and yoga's own request errors — is one of its values.
 */

const api: TestApi = testApi();
let org: TestOrganisation;
let enumValues: string[] = [];

beforeAll(async () => {
  org = await onboardTestOrganisation(api);
  const result = await api.graphql<{
    __type: { kind: string; enumValues: { name: string; description: string | null }[] } | null;
  }>('{ __type(name: "ErrorCode") { kind description enumValues { name description } } }', {
    token: org.adminToken,
  });
  enumValues = result.data?.__type?.enumValues.map((value) => value.name) ?? [];
});

async function codeOf(response: Response): Promise<unknown[]> {
  const body = (await response.json()) as { errors?: { extensions?: { code?: unknown } }[] };
  return (body.errors ?? []).map((error) => error.extensions?.code);
}

describe('ErrorCode in the SDL', () => {
  it('is an enum holding exactly the domain error codes, each documented', async () => {
    const result = await api.graphql<{
      __type: {
        kind: string;
        description: string | null;
        enumValues: { name: string; description: string | null }[];
      } | null;
    }>('{ __type(name: "ErrorCode") { kind description enumValues { name description } } }', {
      token: org.adminToken,
    });
    expect(result.data?.__type?.kind).toBe('ENUM');
    expect(result.data?.__type?.description).toBeTruthy();
    expect([...enumValues].sort()).toEqual(Object.values(ErrorCode).sort());
    for (const value of result.data?.__type?.enumValues ?? []) {
      expect(value.description, value.name).toMatch(/\S{3,}/);
    }
  });

  it('holds every code the server sends, whichever layer refuses', async () => {
    const send = (init: RequestInit & { url?: string }) =>
      api.yoga.fetch(init.url ?? 'http://confide.test/graphql', {
        method: 'POST',
        ...init,
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
          ...init.headers,
        },
      });
    const json = (query: string, token?: string, variables: Record<string, unknown> = {}) =>
      send({
        body: JSON.stringify({ query, variables }),
        ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
      });
    const seen: unknown[] = [];
    const collect = async (response: Response | Promise<Response>) => {
      const codes = await codeOf(await response);
      expect(codes.length).toBeGreaterThan(0);
      seen.push(...codes);
    };
    await collect(json('{ me { __typename } }')); // no token
    await collect(json('{ me { id ', org.adminToken)); // parse error
    await collect(json('{ noSuchField }', org.adminToken)); // validation error
    await collect(json('query ($id: ID!) { node(id: $id) { id } }', org.adminToken, { id: 42.5 })); // coercion
    await collect(json('query ($id: ID!) { node(id: $id) { id } }', org.adminToken, { id: 'bm90aGluZw' }));
    await collect(send({ body: '{not json', headers: { authorization: `Bearer ${org.adminToken}` } }));
    await collect(send({ body: '[]', headers: { authorization: `Bearer ${org.adminToken}` } }));
    await collect(
      send({
        method: 'GET',
        url: `http://confide.test/graphql?query=${encodeURIComponent('mutation { __typename }')}`,
        body: null,
        headers: { authorization: `Bearer ${org.adminToken}` },
      }),
    ); // a mutation over GET: yoga's own OPERATION_RESOLUTION_FAILURE unless masked
    await collect(
      send({ method: 'PUT', body: '{}', headers: { authorization: `Bearer ${org.adminToken}` } }),
    );
    // Which operation to run cannot be resolved: two with no operationName, a mistyped one, only fragments.
    await collect(json('query A { __typename } query B { __typename }', org.adminToken));
    await collect(
      send({
        body: JSON.stringify({ query: 'query A { __typename }', operationName: 'B' }),
        headers: { authorization: `Bearer ${org.adminToken}` },
      }),
    );
    await collect(json('fragment F on Query { __typename }', org.adminToken));
    // A registered document's id with a query that is not a string beside it: the client's mistake, not a fault.
    const [registered] = TRUSTED_DOCUMENTS.keys();
    for (const query of [null, 5, {}]) {
      await collect(
        send({
          body: JSON.stringify({ documentId: registered, query }),
          headers: { authorization: `Bearer ${org.adminToken}` },
        }),
      );
    }
    expect(seen).not.toContain(ErrorCode.INTERNAL);
    for (const code of seen) expect(Object.values(ErrorCode) as unknown[], String(code)).toContain(code);
    for (const code of seen) expect(enumValues, String(code)).toContain(code);
  });
});
