import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createConfideYoga, DEFAULT_LIMITS } from '@confide/api';
import { startLocalServer } from '@confide/service-api';
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardTestOrganisation, type TestOrganisation } from '../support/fixtures';
import { testApi } from '../support/test-api';

/**
 * GraphQL-over-HTTP compliance: graphql-http's server audits against the local HTTP server (the same yoga
 * instance and node:http adapter as `npm start`), on a free loopback port. Every MUST and SHOULD audit passes; the
 * MAY audits are run too, and get no server error.
 */

const api = testApi();
let server: Server;
let url = '';

beforeAll(async () => {
  server = await startLocalServer(createConfideYoga(api.services), 0);
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const audits = serverAudits({ url: () => url, fetchFn: fetch });
const must = audits.filter((audit) => audit.name.startsWith('MUST'));

describe('GraphQL over HTTP: MUST audits of graphql-http', () => {
  it('has MUST audits to run', () => {
    expect(must.length).toBeGreaterThan(10);
  });

  for (const audit of must) {
    it(`${audit.id}: ${audit.name}`, async () => {
      const result = await audit.fn();
      expect(result.status, 'reason' in result ? result.reason : '').toBe('ok');
    });
  }
});

describe('GraphQL over HTTP: the server after every audit', () => {
  let org: TestOrganisation;

  beforeAll(async () => {
    org = await onboardTestOrganisation(api);
  });

  it('passes every SHOULD audit, and answers the MAY audits without a server error', async () => {
    const others = audits.filter((audit) => !audit.name.startsWith('MUST'));
    const results = await Promise.all(others.map((audit) => audit.fn()));
    for (const result of results) {
      if (result.status === 'ok') continue;
      if (result.name.startsWith('SHOULD')) expect.fail(`${result.name}: ${result.reason}`);
      expect(result.response.status, result.name).toBeLessThan(500);
    }
  });

  it('refuses a body over the cap with 413 over real HTTP (Content-Length declared) and serves the next request', async () => {
    const headers = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      authorization: `Bearer ${org.adminToken}`,
    };
    const big = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        query: '{ me { kind } }',
        variables: { pad: 'x'.repeat(DEFAULT_LIMITS.maxBodyBytes) },
      }),
    });
    const bigBody = (await big.json()) as { errors: { extensions: Record<string, unknown> }[] };
    const normal = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: '{ me { organisation { slug } } }' }),
    });

    expect(big.status).toBe(413);
    expect(bigBody.errors.map((error) => error.extensions.code)).toEqual(['BAD_USER_INPUT']);
    expect(normal.status).toBe(200);
    expect(await normal.json()).toEqual({ data: { me: { organisation: { slug: org.slug } } } });
  });
});
