import { describe, expect, it } from 'vitest';
import { onboardTestOrganisation } from '../support/fixtures';
import { testApi } from '../support/test-api';

const ME = '{ me { kind roles organisation { slug } staffMember { handle displayName } } }';

describe('me, with a verified token', () => {
  const api = testApi();

  it('returns the staff member, with roles read from the table', async () => {
    const org = await onboardTestOrganisation(api);

    const result = await api.graphql(ME, { token: org.adminToken });

    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      me: {
        kind: 'STAFF',
        roles: ['ORG_ADMIN'],
        organisation: { slug: org.slug },
        staffMember: { handle: 'admin', displayName: 'Ada Admin' },
      },
    });
  });

  it('ignores roles claimed in the token', async () => {
    const org = await onboardTestOrganisation(api);
    const staff = await api.services.directory.staffByHandle(
      (await import('@confide/store')).tenantScope(org.orgId),
      'admin',
    );
    const token = await api.token({
      sub: staff?.externalSubject ?? '',
      org_id: org.orgId,
      roles: ['CHIEF_EXECUTIVE'],
      'cognito:groups': ['SENIOR_MANAGER'],
    });

    const result = await api.graphql<{ me: { roles: string[] } }>(ME, { token });

    expect(result.data?.me.roles).toEqual(['ORG_ADMIN']);
  });
});

describe('me, without a valid token', () => {
  const api = testApi();

  const unauthenticated = (result: { errors?: { extensions?: Record<string, unknown> }[] | undefined }) =>
    result.errors?.map((error) => error.extensions?.code);

  it('refuses a request with no token', async () => {
    const result = await api.graphql(ME);
    expect(unauthenticated(result)).toEqual(['UNAUTHENTICATED']);
    expect(result.data).toBeNull();
  });

  it('refuses a malformed Authorization header', async () => {
    const result = await api.graphql(ME, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(unauthenticated(result)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses an expired token', async () => {
    const org = await onboardTestOrganisation(api);
    const staff = await api.services.directory.staff(
      (await import('@confide/store')).tenantScope(org.orgId),
      org.adminStaffId,
    );
    const token = await api.token(
      { sub: staff?.externalSubject ?? '', org_id: org.orgId },
      { expiresIn: Math.floor(Date.now() / 1000) - 60 },
    );
    expect(unauthenticated(await api.graphql(ME, { token }))).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses a token for another audience', async () => {
    const org = await onboardTestOrganisation(api);
    const token = await api.token({ sub: 'x', org_id: org.orgId }, { audience: 'some-other-app' });
    expect(unauthenticated(await api.graphql(ME, { token }))).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses a token whose signature does not verify', async () => {
    const org = await onboardTestOrganisation(api);
    const [header, payload, signature] = org.adminToken.split('.');
    const forged = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()),
        sub: 'someone-else',
      }),
    ).toString('base64url');
    const token = `${header}.${forged}.${signature}`;
    expect(unauthenticated(await api.graphql(ME, { token }))).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses a locally minted token when the api trusts another issuer, as in production', async () => {
    const org = await onboardTestOrganisation(api);
    const production = testApi({
      env: { CONFIDE_JWT_ISSUER: 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Example' },
    });
    expect(unauthenticated(await production.graphql(ME, { token: org.adminToken }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    // The same token is fine for the api that trusts the local issuer.
    expect((await api.graphql(ME, { token: org.adminToken })).errors).toBeUndefined();
  });

  it('answers with 401 and no internal detail', async () => {
    const result = await api.graphql(ME, { token: 'a.b.c' });
    expect(result.status).toBe(401);
    expect(result.text).not.toMatch(/stack|at \w+ \(|JWS|jose/i);
  });
});
