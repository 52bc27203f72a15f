import { configFromEnv, TokenBuckets } from '@confide/api';
import { describe, expect, it } from 'vitest';
import { addStaff, OPERATOR_ONLY_QUERY, onboardTestOrganisation } from '../support/fixtures';
import { testApi } from '../support/test-api';

/**
 * Noisy neighbours: a token bucket per organisation in the api process. An organisation that bursts over its
 * limit gets `RATE_LIMITED` (HTTP 429, Retry-After) while another organisation in the same process is served.
 */

const ME = '{ me { organisation { slug } } }';
const BURST = 5;

describe('the per-organisation rate limit', () => {
  // One request per second sustained, five at once: the burst below takes far less than a second.
  const api = testApi({ env: { CONFIDE_RATE_LIMIT_RPS: '1', CONFIDE_RATE_LIMIT_BURST: String(BURST) } });

  it('answers RATE_LIMITED to the organisation over its limit, and serves another one normally', async () => {
    const noisy = await onboardTestOrganisation(api);
    const quiet = await onboardTestOrganisation(api);

    const started = performance.now();
    const burst = await Promise.all(
      Array.from({ length: 3 * BURST }, () => api.graphql(ME, { token: noisy.adminToken })),
    );
    const elapsedSeconds = (performance.now() - started) / 1000;
    const neighbour = await Promise.all(
      Array.from({ length: BURST - 1 }, () => api.graphql(ME, { token: quiet.adminToken })),
    );

    const served = burst.filter((result) => result.errors === undefined);
    const limited = burst.filter((result) => result.errors !== undefined);
    expect(served.length).toBeGreaterThanOrEqual(BURST);
    expect(served.length).toBeLessThanOrEqual(BURST + Math.ceil(elapsedSeconds));
    for (const result of served) expect(result.data).toEqual({ me: { organisation: { slug: noisy.slug } } });
    expect(limited.length).toBeGreaterThan(0);
    for (const result of limited) {
      expect(result.status).toBe(429);
      expect(result.data).toBeUndefined();
      expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['RATE_LIMITED']);
      expect(result.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(result.text).not.toContain(noisy.slug);
    }
    // The neighbour in the same process is untouched.
    for (const result of neighbour) {
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ me: { organisation: { slug: quiet.slug } } });
    }
  });

  it('sends Retry-After with the 429 and serves the organisation again once its bucket refills', async () => {
    const org = await onboardTestOrganisation(api);
    const call = () =>
      api.yoga.fetch('http://confide.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${org.adminToken}` },
        body: JSON.stringify({ query: ME }),
      });
    let response = await call();
    while (response.status !== 429) response = await call();

    const retryAfterSeconds = Number(response.headers.get('retry-after'));
    expect(retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // As long as the answer says (the bucket refills by the clock): the test holds Retry-After to its word.
    await new Promise((resolve) => setTimeout(resolve, retryAfterSeconds * 1_000));
    const again = await call();
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ data: { me: { organisation: { slug: org.slug } } } });
  });

  it('does not count platform operators, who belong to no organisation', async () => {
    const operator = await api.operatorToken();
    const results = await Promise.all(
      Array.from({ length: 3 * BURST }, () => api.graphql(OPERATOR_ONLY_QUERY, { token: operator })),
    );
    for (const result of results) expect(result.errors).toBeUndefined();
  });
});

describe('rate limit configuration', () => {
  const base = { CONFIDE_JWT_ISSUER: 'https://issuer.test', CONFIDE_JWT_AUDIENCE: 'confide' };

  it('is off locally and in tests unless configured, and on by default in deployed stages', () => {
    expect(configFromEnv({ ...base, CONFIDE_STAGE: 'local' }).rateLimit).toBeUndefined();
    expect(configFromEnv({ ...base, CONFIDE_STAGE: 'test' }).rateLimit).toBeUndefined();
    expect(configFromEnv({ ...base, CONFIDE_STAGE: 'prod' }).rateLimit).toEqual({
      requestsPerSecond: 25,
      burst: 50,
    });
    expect(
      configFromEnv({
        ...base,
        CONFIDE_STAGE: 'dev',
        CONFIDE_RATE_LIMIT_RPS: '100',
        CONFIDE_RATE_LIMIT_BURST: '300',
      }).rateLimit,
    ).toEqual({ requestsPerSecond: 100, burst: 300 });
    expect(
      configFromEnv({ ...base, CONFIDE_STAGE: 'prod', CONFIDE_RATE_LIMIT: 'off' }).rateLimit,
    ).toBeUndefined();
    expect(() => configFromEnv({ ...base, CONFIDE_RATE_LIMIT_RPS: 'fast' })).toThrow(
      /CONFIDE_RATE_LIMIT_RPS/,
    );
  });
});

describe('TokenBuckets', () => {
  it('allows the burst, refills at the sustained rate, and keeps organisations apart', () => {
    let now = 0;
    const buckets = new TokenBuckets({ requestsPerSecond: 2, burst: 3 }, () => now);

    const first = [1, 2, 3, 4].map(() => buckets.take('org-a'));
    expect(first.map((result) => result.allowed)).toEqual([true, true, true, false]);
    expect(first[3]).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(buckets.take('org-b').allowed).toBe(true);

    now += 500; // one token back at 2 per second
    expect(buckets.take('org-a').allowed).toBe(true);
    expect(buckets.take('org-a').allowed).toBe(false);

    now += 60_000; // refills to the burst, not beyond
    expect([1, 2, 3, 4].map(() => buckets.take('org-a').allowed)).toEqual([true, true, true, false]);
  });
});

describe('the rate limit and refused accounts', () => {
  // No refill to speak of during the test: what is spent stays spent unless given back.
  const api = testApi({ env: { CONFIDE_RATE_LIMIT_RPS: '0.001', CONFIDE_RATE_LIMIT_BURST: String(BURST) } });

  it('does not let a deactivated account’s still-valid token spend its former organisation’s requests', async () => {
    // Prepare: a staff member whose account is deactivated while their token has not expired
    const org = await onboardTestOrganisation(api);
    const leaver = await addStaff(api, org, ['SUPPORT_WORKER']);
    const deactivated = await api.graphql(
      'mutation ($id: ID!) { deactivateStaff(input: { staffId: $id }) { status } }',
      { token: org.adminToken, variables: { id: leaver.globalId } },
    );
    expect(deactivated.errors).toBeUndefined();

    // Act: the leaver sends more requests than the organisation's whole burst, one after another
    const refused = [];
    for (let sent = 0; sent < 2 * BURST; sent++) refused.push(await api.graphql(ME, { token: leaver.token }));
    const colleague = await api.graphql(ME, { token: org.adminToken });

    // Assess: every one refused as unauthenticated, and the organisation still served
    for (const result of refused) {
      expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    }
    expect(colleague.errors).toBeUndefined();
    expect(colleague.data).toEqual({ me: { organisation: { slug: org.slug } } });
  });
});
