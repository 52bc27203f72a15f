import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { onboardTestOrganisation, type TestOrganisation } from '../support/fixtures';
import { testApi } from '../support/test-api';

/**
 * Issue 17 item 6 (a, b) and item 8's last part, through the same yoga instance the HTTP server and the Lambda
 * adapter run: a GraphQL request travels only as a JSON POST body (never in a URL, never form-encoded), a body that
 * is not JSON is answered with a fixed message that quotes none of it, and only the console's origins are answered
 * to cross-origin, without credentials.
 */

const api = testApi({ env: { CONFIDE_CORS_ORIGINS: 'https://console.confide.example' } });
let org: TestOrganisation;

beforeAll(async () => {
  org = await onboardTestOrganisation(api);
});

const canary = () => `CANARY${randomBytes(6).toString('hex')}`;

async function send(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await api.yoga.fetch(`http://confide.test${path}`, {
    method: init.method ?? 'POST',
    headers: { authorization: `Bearer ${org.adminToken}`, ...init.headers },
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };

describe('a body that is not JSON', () => {
  for (const [name, body] of [
    ['malformed JSON', (value: string) => `{"query": "{ me { kind } }", "variables": {"name": "${value}"`],
    ['an empty body', () => ''],
    ['JSON that is not an object', (value: string) => JSON.stringify(value)],
  ] as const) {
    it(`${name}: 400 BAD_USER_INPUT with a fixed message, no parser message, nothing of the body`, async () => {
      const value = canary();
      const answer = await send('/graphql', { headers: JSON_HEADERS, body: body(value) });
      const parsed = JSON.parse(answer.text) as {
        errors: { message: string; extensions: Record<string, unknown> }[];
      };

      expect(answer.status).toBe(400);
      expect(answer.text).not.toContain(value);
      expect(answer.text).not.toContain('originalError');
      expect(answer.text).not.toMatch(/position|Unexpected|SyntaxError/);
      expect(parsed.errors.map((error) => error.extensions.code)).toEqual(['BAD_USER_INPUT']);
    });
  }
});

describe('POST with a JSON body only', () => {
  it('a GET carrying a query is refused with 405 (Allow: POST) and not executed: arguments never travel in URLs', async () => {
    const query = encodeURIComponent('{ me { kind } }');
    const answer = await send(`/graphql?query=${query}`, {
      method: 'GET',
      headers: { accept: 'application/json' },
    });

    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('POST');
    expect(answer.text).not.toContain('STAFF');
    expect(JSON.parse(answer.text).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('a GET of a search is refused before it runs', async () => {
    const query = encodeURIComponent(`{ searchServiceUsers(name: "${canary()}") { totalCount } }`);
    const answer = await send(`/graphql?query=${query}`, {
      method: 'GET',
      headers: { accept: 'application/json' },
    });

    expect(answer.status).toBe(405);
  });

  for (const [type, body] of [
    ['application/x-www-form-urlencoded', `query=${encodeURIComponent('{ me { kind } }')}`],
    [
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{"query":"{ me { kind } }"}\r\n--x--\r\n',
    ],
    ['application/graphql', '{ me { kind } }'],
    ['text/plain', '{"query":"{ me { kind } }"}'],
  ] as const) {
    it(`a POST of ${type.split(';')[0]} is refused with 415 naming application/json, and not executed`, async () => {
      const answer = await send('/graphql', { headers: { 'content-type': type }, body });

      expect(answer.status).toBe(415);
      expect(answer.text).not.toContain('STAFF');
      const parsed = JSON.parse(answer.text) as {
        errors: { message: string; extensions: Record<string, unknown> }[];
      };
      expect(parsed.errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
      expect(parsed.errors[0]?.message).toContain('application/json');
    });
  }

  it('no other path reaches GraphQL: a trailing slash, or a URL that merely ends in /graphql, runs nothing', async () => {
    const query = encodeURIComponent('{ me { kind } }');
    const answers = [
      await send(`/graphql/?query=${query}`, { method: 'GET', headers: { accept: 'application/json' } }),
      await send(`/?query=${query}&x=/graphql`, { method: 'GET', headers: { accept: 'application/json' } }),
      await send('/graphql/', {
        headers: { 'content-type': 'application/graphql' },
        body: '{ me { kind } }',
      }),
      await send('/graphql/', { headers: JSON_HEADERS, body: JSON.stringify({ query: '{ me { kind } }' }) }),
    ];

    expect(answers.map((answer) => answer.status)).toEqual([404, 404, 404, 404]);
    for (const answer of answers) expect(answer.text).not.toContain('STAFF');
  });

  it('a JSON POST (with a charset) is served', async () => {
    const answer = await send('/graphql', {
      headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' },
      body: JSON.stringify({ query: '{ me { kind } }' }),
    });

    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ data: { me: { kind: 'STAFF' } } });
  });
});

describe('cross-origin requests', () => {
  const body = JSON.stringify({ query: '{ me { kind } }' });

  it('another origin gets no CORS headers at all: neither its origin reflected nor credentials', async () => {
    const answer = await send('/graphql', {
      headers: { ...JSON_HEADERS, origin: 'https://evil.example' },
      body,
    });
    const preflight = await send('/graphql', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });

    for (const response of [answer, preflight]) {
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      expect(response.headers.get('access-control-allow-headers')).toBeNull();
    }
  });

  for (const origin of ['http://localhost:4000', 'https://console.confide.example']) {
    it(`the console's origin ${origin} is allowed, POST only, without credentials`, async () => {
      const preflight = await send('/graphql', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
      const answer = await send('/graphql', { headers: { ...JSON_HEADERS, origin }, body });

      expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
      expect(preflight.headers.get('access-control-allow-methods')).toBe('POST');
      expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
      expect(answer.headers.get('access-control-allow-origin')).toBe(origin);
      expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    });
  }
});

describe('the stated purpose', () => {
  const query = (document: string, headers: Record<string, string> = {}) =>
    send('/graphql', { headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify({ query: document }) });
  const long = 'x'.repeat(501);

  it('longer than 500 characters, by header or by directive, is refused as BAD_USER_INPUT on purpose, and not run', async () => {
    // Act
    const answers = await Promise.all([
      query('{ __typename }', { 'x-access-purpose': long }),
      query(`query @purpose(reason: "${long}") { __typename }`),
    ]);

    // Assess: the whole purpose is recorded or none of it, never its first 500 characters without a word.
    for (const answer of answers) {
      const body = JSON.parse(answer.text) as {
        data?: unknown;
        errors?: { message: string; extensions?: { code?: string; field?: string[] } }[];
      };
      expect(body.data ?? null).toBeNull();
      expect(body.errors?.map((error) => error.extensions)).toEqual([
        { code: 'BAD_USER_INPUT', field: ['purpose'] },
      ]);
      expect(body.errors?.[0]?.message).toContain('500');
      expect(answer.text).not.toContain(long.slice(0, 100));
    }
  });

  it('of 500 characters is accepted, by header and by directive', async () => {
    // Act
    const answers = await Promise.all([
      query('{ __typename }', { 'x-access-purpose': long.slice(1) }),
      query(`query @purpose(reason: "${long.slice(1)}") { __typename }`),
    ]);

    // Assess
    for (const answer of answers) expect(JSON.parse(answer.text)).toEqual({ data: { __typename: 'Query' } });
  });
});
