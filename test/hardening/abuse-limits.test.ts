import { DEFAULT_LIMITS } from '@confide/api';
import { beforeAll, describe, expect, it } from 'vitest';
import { onboardTestOrganisation, type TestOrganisation } from '../support/fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * DESIGN.md, GraphQL API conventions: depth, alias, directive, token and cost limits; field suggestions off;
 * introspection off in production; a request body cap; no batching. Each attack gets one clear error
 * (`BAD_USER_INPUT`, `extensions.protection` naming the limit), nothing executes, and the same process answers a
 * normal request right after.
 */

const ME = '{ me { kind roles organisation { slug } } }';

interface RawResult {
  status: number;
  text: string;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function post(api: TestApi, body: string, headers: Record<string, string> = {}): Promise<RawResult> {
  const response = await api.yoga.fetch('http://confide.test/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...headers,
    },
    body,
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as RawResult['body'] };
}

const refusals = (result: { errors?: { extensions?: Record<string, unknown> }[] | undefined }) =>
  (result.errors ?? []).map((error) => ({
    code: error.extensions?.code,
    protection: error.extensions?.protection,
  }));

/** `serviceUser → notes → edges → node → serviceUser → …`: a valid query, `depth` fields deep (with the leaf). */
function deepQuery(depth: number): string {
  // One note a page: the depth alone is under test, not the cost of the pages.
  const cycle = ['notes(first: 1)', 'edges', 'node', 'serviceUser'];
  const path = ['serviceUser(id: $id)'];
  while (path.length < depth - 1) path.push(cycle[(path.length - 1) % cycle.length] ?? 'node');
  return `query ($id: ID!) { ${path.join(' { ')} { __typename${' }'.repeat(path.length)} }`;
}

describe('abuse limits', () => {
  const api = testApi();
  let org: TestOrganisation;

  beforeAll(async () => {
    org = await onboardTestOrganisation(api);
  });

  /** The process is healthy: a normal request from the same organisation is answered in full. */
  async function expectHealthy(target: TestApi = api): Promise<void> {
    const result = await target.graphql<{ me: { organisation: { slug: string } } }>(ME, {
      token: org.adminToken,
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.me.organisation.slug).toBe(org.slug);
  }

  it('refuses a query nested deeper than the depth limit', async () => {
    const allowed = await api.graphql(deepQuery(DEFAULT_LIMITS.maxDepth), {
      token: org.adminToken,
      variables: { id: 'U2VydmljZVVzZXI6bm9wZQ==' },
    });
    const deep = await api.graphql(deepQuery(DEFAULT_LIMITS.maxDepth + 3), {
      token: org.adminToken,
      variables: { id: 'U2VydmljZVVzZXI6bm9wZQ==' },
    });

    // At the limit the query is executed (and finds no such client); past it, nothing runs.
    expect(refusals(allowed).filter((error) => error.protection)).toEqual([]);
    expect(deep.status).toBe(400);
    expect(deep.data).toBeUndefined();
    expect(refusals(deep)).toEqual([{ code: 'BAD_USER_INPUT', protection: 'maxDepth' }]);
    expect(deep.errors?.[0]?.message).toBe(
      `The query is nested too deeply: at most ${DEFAULT_LIMITS.maxDepth} levels are allowed.`,
    );
    await expectHealthy();
  });

  it('refuses an alias flood', async () => {
    const aliases = Array.from({ length: 100 }, (_, index) => `a${index}: me { kind }`).join(' ');

    const result = await api.graphql(`{ ${aliases} }`, { token: org.adminToken });

    expect(result.status).toBe(400);
    expect(result.data).toBeUndefined();
    expect(refusals(result)).toEqual([{ code: 'BAD_USER_INPUT', protection: 'maxAliases' }]);
    expect(result.errors?.[0]?.message).toContain(`at most ${DEFAULT_LIMITS.maxAliases}`);
    await expectHealthy();
  });

  it('refuses a directive flood', async () => {
    const directives = Array.from({ length: 200 }, () => '@include(if: true)').join(' ');

    const result = await api.graphql(`{ me ${directives} { kind } }`, { token: org.adminToken });

    expect(result.status).toBe(400);
    expect(result.data).toBeUndefined();
    expect(refusals(result)).toEqual([{ code: 'BAD_USER_INPUT', protection: 'maxDirectives' }]);
    await expectHealthy();
  });

  it('counts the directives on repeated fragment spreads, and those inside the fragment at each spread', async () => {
    const onSpreads = Array.from({ length: 60 }, () => '...F @include(if: true) @skip(if: false)').join(' ');
    const inside = Array.from({ length: 5 }, () => '...G').join(' ');
    const within = '@include(if: true) @skip(if: false)';

    const spreads = await api.graphql(`{ ${onSpreads} } fragment F on Query { __typename }`, {
      token: org.adminToken,
    });
    const nested = await api.graphql(
      `{ ${inside} } fragment G on Query { a: __typename ${within} b: __typename ${within} c: __typename ${within} }`,
      { token: org.adminToken },
    );
    const few = await api.graphql(
      '{ ...F @include(if: true) ...F } fragment F on Query { __typename @skip(if: false) }',
      {
        token: org.adminToken,
      },
    );

    for (const result of [spreads, nested]) {
      expect(result.status).toBe(400);
      expect(result.data).toBeUndefined();
      expect(refusals(result)).toEqual([{ code: 'BAD_USER_INPUT', protection: 'maxDirectives' }]);
    }
    expect(few.errors).toBeUndefined();
    await expectHealthy();
  });

  it('refuses a token flood before it is parsed in full', async () => {
    const tokens = Array.from({ length: 5_000 }, () => 'kind').join(' ');

    const result = await api.graphql(`{ me { ${tokens} } }`, { token: org.adminToken });

    expect(result.status).toBe(400);
    expect(result.data).toBeUndefined();
    expect(refusals(result)).toEqual([{ code: 'BAD_USER_INPUT', protection: 'maxTokens' }]);
    expect(result.errors?.[0]?.message).toBe(
      `The query is too long: at most ${DEFAULT_LIMITS.maxTokens} tokens are allowed.`,
    );
    await expectHealthy();
  });

  it('refuses an expensive query (lists of lists) by its estimated cost', async () => {
    const expensive = `{ caseload(first: 100) { edges { node { name notes(first: 100) {
      edges { node { id kind recordedAt serviceUser { name phone } } } } } } } }`;

    const result = await api.graphql(expensive, { token: org.adminToken });

    expect(result.status).toBe(400);
    expect(result.data).toBeUndefined();
    expect(refusals(result)).toEqual([{ code: 'BAD_USER_INPUT', protection: 'maxCost' }]);
    await expectHealthy();
  });

  it('counts a page asked for without a size (or with a null one) at its default size, not as one node', async () => {
    const nested = (
      first: string,
    ) => `query ${first ? '($n: Int = 2)' : ''} { caseload${first} { edges { node { notes${first} {
      edges { node { serviceUser { notes${first} { edges { node { id kind recordedAt } } } } } } } } } } }`;

    const unsized = await api.graphql(nested(''), { token: org.adminToken });
    const nulled = await api.graphql(nested('(first: $n)'), {
      token: org.adminToken,
      variables: { n: null },
    });
    const defaulted = await api.graphql(nested('(first: $n)'), { token: org.adminToken });

    for (const result of [unsized, nulled]) {
      expect(result.status).toBe(400);
      expect(result.data).toBeUndefined();
      expect(refusals(result)).toEqual([{ code: 'BAD_USER_INPUT', protection: 'maxCost' }]);
    }
    // The variable's default is the size asked for: two a page is within the cost.
    expect(refusals(defaulted).filter((error) => error.protection)).toEqual([]);
    await expectHealthy();
  });

  it('reports every limit a query exceeds, and executes none of it', async () => {
    const aliases = Array.from({ length: 30 }, (_, index) => `a${index}: me @include(if: true) { kind }`);

    const result = await api.graphql(`{ ${aliases.join(' ')} }`, { token: org.adminToken });

    expect(result.data).toBeUndefined();
    expect(refusals(result)).toEqual([
      { code: 'BAD_USER_INPUT', protection: 'maxDirectives' },
      { code: 'BAD_USER_INPUT', protection: 'maxAliases' },
    ]);
  });

  it('refuses an oversized body with HTTP 413, whether or not it declares its length', async () => {
    const body = JSON.stringify({
      query: 'query ($pad: String) { me { kind } }',
      variables: { pad: 'x'.repeat(DEFAULT_LIMITS.maxBodyBytes) },
    });

    const streamed = await post(api, body, { authorization: `Bearer ${org.adminToken}` });
    const declared = await post(api, body, {
      authorization: `Bearer ${org.adminToken}`,
      'content-length': String(Buffer.byteLength(body)),
    });

    for (const result of [streamed, declared]) {
      expect(result.status).toBe(413);
      expect(result.body.data).toBeUndefined();
      expect(refusals(result.body)).toEqual([{ code: 'BAD_USER_INPUT', protection: 'maxBodyBytes' }]);
      expect(result.body.errors?.[0]?.message).toBe(
        `The request body is too large: at most ${DEFAULT_LIMITS.maxBodyBytes} bytes are allowed.`,
      );
    }
    await expectHealthy();
  });

  it('refuses a batched (JSON array) request', async () => {
    const batch = JSON.stringify([{ query: ME }, { query: ME }]);

    const result = await post(api, batch, { authorization: `Bearer ${org.adminToken}` });

    expect(result.status).toBe(400);
    expect(result.body.data).toBeUndefined();
    expect(refusals(result.body)).toEqual([{ code: 'BAD_USER_INPUT', protection: 'batching' }]);
    expect(result.text).not.toContain(org.slug);
    await expectHealthy();
  });

  it('never suggests field, argument, type or enum names', async () => {
    const attempts = [
      await api.graphql('{ me { kindd rolez } }', { token: org.adminToken }),
      await api.graphql('{ caseload(frist: 5) { edges { node { id } } } }', { token: org.adminToken }),
      await api.graphql('query ($x: Strin) { me { kind } }', { token: org.adminToken }),
      await api.graphql(
        'mutation { recordNote(input: { serviceUserId: "x", kind: MEDICA, body: "x" }) { id } }',
        {
          token: org.adminToken,
        },
      ),
      await api.graphql('mutation ($input: RecordNoteInput!) { recordNote(input: $input) { id } }', {
        token: org.adminToken,
        variables: { input: { serviceUserId: 'x', kind: 'MEDICA', body: 'x', bodyy: 'x' } },
      }),
    ];

    for (const result of attempts) {
      expect(result.data ?? undefined).toBeUndefined();
      expect(result.errors?.length).toBeGreaterThan(0);
      expect(result.text).not.toMatch(/did you mean/i);
      for (const error of result.errors ?? []) expect(error.extensions?.code).toBeDefined();
    }
    // The refusal itself stays clear: it names what was wrong, only the guess is gone.
    expect(attempts[0]?.errors?.[0]?.message).toBe('Cannot query field "kindd" on type "Viewer".');
    await expectHealthy();
  });

  it('keeps introspection on where the stage allows it (here: test)', async () => {
    const result = await api.graphql('{ __schema { queryType { name } } }', { token: org.adminToken });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});

describe('abuse limits in a prod-configured api', () => {
  const api = testApi();
  // Trusted documents off: the limits are tested on arbitrary documents (test/edges/trusted-documents.test.ts covers those).
  const prod = testApi({ env: { CONFIDE_STAGE: 'prod', CONFIDE_TRUSTED_DOCUMENTS_ONLY: 'false' } });
  let org: TestOrganisation;

  beforeAll(async () => {
    org = await onboardTestOrganisation(api);
  });

  it('turns introspection off (prod stage) while __typename still works', async () => {
    expect(prod.services.config.introspection).toBe(false);

    const schema = await prod.graphql('{ __schema { types { name } } }', { token: org.adminToken });
    const type = await prod.graphql('{ __type(name: "ServiceUser") { fields { name } } }');
    const typename = await prod.graphql<{ __typename: string }>('{ __typename }');

    for (const result of [schema, type]) {
      expect(result.status).toBe(400);
      expect(result.data).toBeUndefined();
      expect(refusals(result)).toEqual([{ code: 'BAD_USER_INPUT', protection: 'introspection' }]);
      expect(result.text).not.toContain('ServiceUser"');
    }
    expect(typename.data).toEqual({ __typename: 'Query' });
    const me = await prod.graphql<{ me: { organisation: { slug: string } } }>(ME, { token: org.adminToken });
    expect(me.errors).toBeUndefined();
    expect(me.data?.me.organisation.slug).toBe(org.slug);
  });

  it('serves no GraphiQL page in prod', async () => {
    const response = await prod.yoga.fetch('http://confide.test/graphql', {
      headers: { accept: 'text/html' },
    });
    expect(await response.text()).not.toMatch(/graphiql/i);
  });
});
