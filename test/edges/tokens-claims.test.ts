import { randomBytes } from 'node:crypto';
import { mintToken } from '@confide/local';
import { beforeAll, describe, expect, it } from 'vitest';
import { onboardTestOrganisation, type TestOrganisation } from '../support/fixtures';
import { testApi } from '../support/test-api';

/**
 * Issue 17 item 6c, through the API: a token issued in the future (beyond a minute of clock skew) is refused, and a
 * partner agency's token is accepted only when it carries the partner scope.
 */

const api = testApi();
let org: TestOrganisation;

beforeAll(async () => {
  org = await onboardTestOrganisation(api);
});

const ME = '{ me { kind } }';

function tokenIssuedAt(claims: Parameters<typeof mintToken>[2], issuedAt: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return mintToken(
    api.stack.dataDir,
    { issuer: api.stack.issuer, audience: api.stack.audience, issuedAt, expiresIn: now + 8 * 3600 },
    claims,
  );
}

async function adminClaims() {
  const staff = await api.services.directory.staff(
    (await import('@confide/store')).tenantScope(org.orgId),
    org.adminStaffId,
  );
  return { sub: staff?.externalSubject ?? '', org_id: org.orgId, staff_id: org.adminStaffId };
}

describe('the time a token says it was issued', () => {
  it('five minutes in the future: UNAUTHENTICATED', async () => {
    const token = await tokenIssuedAt(await adminClaims(), Math.floor(Date.now() / 1000) + 300);
    const result = await api.graphql(ME, { token });

    expect(result.data?.me ?? null).toBeNull();
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('thirty seconds in the future (clock skew): accepted', async () => {
    const token = await tokenIssuedAt(await adminClaims(), Math.floor(Date.now() / 1000) + 30);
    const result = await api.graphql(ME, { token });

    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ me: { kind: 'STAFF' } });
  });
});

describe('partner tokens carry the partner scope', () => {
  let clientId: string;

  beforeAll(async () => {
    clientId = `scope-${randomBytes(4).toString('hex')}`;
    const partner = await api.graphql(
      'mutation ($c: String!) { registerPartnerAgency(name: "Scope probe agency", clientId: $c) { id } }',
      { token: org.adminToken, variables: { c: clientId } },
    );
    expect(partner.errors).toBeUndefined();
  });

  for (const [name, scope] of [
    ['no scope claim', undefined],
    ['another scope', 'confide/staff.read'],
    ['a scope that merely contains the partner scope’s text', 'confide/partner.read.extra'],
  ] as const) {
    it(`a partner token with ${name}: UNAUTHENTICATED`, async () => {
      const claims = { sub: clientId, client_id: clientId, org_id: org.orgId };
      const token = await api.token(scope === undefined ? { ...claims, scope: '' } : { ...claims, scope });
      const result = await api.graphql('{ me { kind } releasedToMe { id } }', { token });

      expect(result.data ?? null).toBeNull();
      expect(result.errors?.map((error) => error.extensions?.code)).toContain('UNAUTHENTICATED');
    });
  }

  it('a partner token with the partner scope (among others) is the partner', async () => {
    const token = await api.token({
      sub: clientId,
      client_id: clientId,
      org_id: org.orgId,
      scope: 'openid confide/partner.read',
    });
    const result = await api.graphql('{ me { kind } releasedToMe { id } }', { token });

    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ me: { kind: 'PARTNER' }, releasedToMe: [] });
  });
});
