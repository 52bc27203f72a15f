import { randomBytes } from 'node:crypto';
import { configFromEnv } from '@confide/api';
import { newId } from '@confide/domain';
import { mintToken, type TokenClaims } from '@confide/local';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { OPERATOR_ONLY_QUERY, onboardTestOrganisation, type TestOrganisation } from '../support/fixtures';
import { offboardWithTwoOperators } from '../support/platform-fixtures';
import { type GraphqlResult, type TestApi, testApi } from '../support/test-api';

const ME = '{ me { kind staffMember { handle } } }';
const APP_CLIENT = 'partnerappclient0000000001';
const AGENCY_CLIENT = 'partneragencyclient0000001';

const codes = (result: GraphqlResult) => result.errors?.map((error) => error.extensions?.code);

/** A token shaped like a Cognito access token: `client_id`, `token_use: access`, and no `aud`. */
function cognitoAccessToken(api: TestApi, claims: TokenClaims, clientId = APP_CLIENT): Promise<string> {
  return mintToken(api.stack.dataDir, { issuer: api.stack.issuer }, { client_id: clientId, ...claims });
}

async function adminClaims(api: TestApi, org: TestOrganisation): Promise<TokenClaims> {
  const admin = await api.services.directory.staff(tenantScope(org.orgId), org.adminStaffId);
  return { sub: admin?.externalSubject ?? '', org_id: org.orgId, username: 'admin' };
}

describe('Cognito access tokens, as the deployed api is configured (app client ids, no audience)', () => {
  // As CDK configures the api: CONFIDE_JWT_CLIENT_IDS set, CONFIDE_JWT_AUDIENCE not.
  const local = testApi();
  const deployed = testApi({
    env: { CONFIDE_JWT_CLIENT_IDS: `${APP_CLIENT}, ${AGENCY_CLIENT}`, CONFIDE_JWT_AUDIENCE: '' },
  });

  it('accepts an access token naming a configured app client, with no aud', async () => {
    const org = await onboardTestOrganisation(local);

    const fromApp = await deployed.graphql(ME, {
      token: await cognitoAccessToken(deployed, await adminClaims(deployed, org)),
    });
    const fromAgencyClient = await deployed.graphql(ME, {
      token: await cognitoAccessToken(deployed, await adminClaims(deployed, org), AGENCY_CLIENT),
    });

    expect(fromApp.errors).toBeUndefined();
    expect(fromApp.data).toEqual({ me: { kind: 'STAFF', staffMember: { handle: 'admin' } } });
    expect(fromAgencyClient.errors).toBeUndefined();
  });

  it('accepts an operator’s access token (cognito:groups) for operator-only fields', async () => {
    const token = await cognitoAccessToken(deployed, {
      sub: 'operator-cognito',
      'cognito:groups': ['confide-operators'],
    });

    const result = await deployed.graphql(OPERATOR_ONLY_QUERY, { token });

    expect(result.errors).toBeUndefined();
  });

  it('refuses an id token, an unknown app client, a missing token_use and a token naming only an audience', async () => {
    const org = await onboardTestOrganisation(local);
    const claims = await adminClaims(deployed, org);
    const { dataDir, issuer } = deployed.stack;

    const idToken = await mintToken(
      dataDir,
      { issuer, audience: APP_CLIENT },
      { ...claims, token_use: 'id' },
    );
    const idTokenWithClientId = await cognitoAccessToken(deployed, { ...claims, token_use: 'id' });
    const unknownClient = await cognitoAccessToken(deployed, claims, 'someoneelsesappclient00001');
    const noTokenUse = await mintToken(
      dataDir,
      { issuer },
      { ...claims, client_id: APP_CLIENT, token_use: undefined },
    );
    const audienceOnly = await mintToken(dataDir, { issuer, audience: APP_CLIENT }, claims);
    const localAudience = await deployed.token(claims);

    for (const token of [
      idToken,
      idTokenWithClientId,
      unknownClient,
      noTokenUse,
      audienceOnly,
      localAudience,
    ]) {
      expect(codes(await deployed.graphql(ME, { token }))).toEqual(['UNAUTHENTICATED']);
    }
    // The same claims in a proper access token are fine: it is the token's shape that is refused.
    expect(
      (await deployed.graphql(ME, { token: await cognitoAccessToken(deployed, claims) })).errors,
    ).toBeUndefined();
  });

  it('refuses an access token of a configured client from another issuer, or expired', async () => {
    const org = await onboardTestOrganisation(local);
    const claims = await adminClaims(deployed, org);
    const { dataDir } = deployed.stack;

    const otherIssuer = await mintToken(
      dataDir,
      { issuer: 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Other' },
      { ...claims, client_id: APP_CLIENT },
    );
    const expired = await mintToken(
      dataDir,
      { issuer: deployed.stack.issuer, expiresIn: Math.floor(Date.now() / 1000) - 60 },
      { ...claims, client_id: APP_CLIENT },
    );

    expect(codes(await deployed.graphql(ME, { token: otherIssuer }))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await deployed.graphql(ME, { token: expired }))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('partner agencies’ own app clients: client-credentials tokens with no org_id (decision 0022)', () => {
  const local = testApi();
  const deployed = testApi({
    env: { CONFIDE_JWT_CLIENT_IDS: `${APP_CLIENT}, ${AGENCY_CLIENT}`, CONFIDE_JWT_AUDIENCE: '' },
  });
  const AS_PARTNER = '{ me { kind } releasedToMe { id } }';

  /** A partner bound to an app client as the provisioner binds it, and that client's id. */
  async function boundPartner(org: TestOrganisation): Promise<{ partnerId: string; clientId: string }> {
    const scope = tenantScope(org.orgId);
    const partner = await local.services.partners.register(scope, {
      name: 'County Council',
      clientId: newId('subject'),
    });
    const clientId = randomBytes(13).toString('hex');
    await local.services.partners.bindClient(scope, partner.partnerId, partner.clientId, clientId);
    return { partnerId: partner.partnerId, clientId };
  }

  /** As Cognito issues it for client credentials: `sub` and `client_id` the app client, no `org_id`, no `aud`. */
  const clientCredentials = (api: TestApi, clientId: string, claims: Partial<TokenClaims> = {}) =>
    cognitoAccessToken(api, { sub: clientId, scope: 'confide/partner.read', ...claims }, clientId);

  it('finds the organisation of a bound app client and authenticates its partner', async () => {
    const org = await onboardTestOrganisation(local);
    const { partnerId, clientId } = await boundPartner(org);

    const result = await deployed.graphql(AS_PARTNER, { token: await clientCredentials(deployed, clientId) });

    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ me: { kind: 'PARTNER' }, releasedToMe: [] });
    expect(await local.services.partners.clientBinding(clientId)).toEqual({
      clientId,
      orgId: org.orgId,
      partnerId,
    });
  });

  it('refuses an unbound client, a sub that is not the client, an org_id claim, and the local path', async () => {
    const org = await onboardTestOrganisation(local);
    const { clientId } = await boundPartner(org);

    const refused = [
      await clientCredentials(deployed, randomBytes(13).toString('hex')),
      await clientCredentials(deployed, clientId, { sub: 'someone-else' }),
      await clientCredentials(deployed, clientId, { org_id: org.orgId }),
      await clientCredentials(deployed, clientId, { token_use: 'id' }),
    ];

    for (const token of refused) {
      expect(codes(await deployed.graphql(AS_PARTNER, { token }))).toEqual(['UNAUTHENTICATED']);
    }
    // Without app client ids (the local issuer) such a token is not for this API at all.
    expect(
      codes(await local.graphql(AS_PARTNER, { token: await clientCredentials(local, clientId) })),
    ).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses a bound client of an offboarded organisation, and a binding to a staff identity', async () => {
    const org = await onboardTestOrganisation(local);
    const { clientId } = await boundPartner(org);
    const staffSubject = (await adminClaims(local, org)).sub ?? '';
    const scope = tenantScope(org.orgId);
    // A binding whose subject is a staff member's (never written by the provisioner): no PARTNER identity, refused.
    const staffBound = await local.services.partners.register(scope, {
      name: 'Odd',
      clientId: newId('subject'),
    });
    await expect(
      local.services.partners.bindClient(scope, staffBound.partnerId, staffBound.clientId, staffSubject),
    ).rejects.toMatchObject({ code: 'CONFLICT' });

    await offboard(org);

    expect(
      codes(await deployed.graphql(AS_PARTNER, { token: await clientCredentials(deployed, clientId) })),
    ).toEqual(['UNAUTHENTICATED']);
  });

  async function offboard(org: TestOrganisation): Promise<void> {
    const operator = await local.token({ sub: 'operator-x', 'cognito:groups': ['confide-operators'] });
    // Two operators (issue 14): operator-x asks, a second operator runs it.
    const result = await offboardWithTwoOperators(local, org.orgId, 7, { first: operator });
    expect(result.errors).toBeUndefined();
  }
});

describe('the local issuer path (an audience, no app client ids)', () => {
  const local = testApi();

  it('still accepts local tokens by aud, and refuses a Cognito-shaped token it has no client ids for', async () => {
    const org = await onboardTestOrganisation(local);
    const claims = await adminClaims(local, org);

    expect((await local.graphql(ME, { token: await local.token(claims) })).errors).toBeUndefined();
    expect(codes(await local.graphql(ME, { token: await cognitoAccessToken(local, claims) }))).toEqual([
      'UNAUTHENTICATED',
    ]);
  });

  it('refuses an id token even when its aud is the configured audience', async () => {
    const org = await onboardTestOrganisation(local);
    const claims = await adminClaims(local, org);

    const idToken = await local.token({ ...claims, token_use: 'id' });

    expect(codes(await local.graphql(ME, { token: idToken }))).toEqual(['UNAUTHENTICATED']);
  });

  it('accepts both kinds when both are configured', async () => {
    const org = await onboardTestOrganisation(local);
    const both = testApi({ env: { CONFIDE_JWT_CLIENT_IDS: APP_CLIENT } });
    const claims = await adminClaims(both, org);

    expect((await both.graphql(ME, { token: await both.token(claims) })).errors).toBeUndefined();
    expect(
      (await both.graphql(ME, { token: await cognitoAccessToken(both, claims) })).errors,
    ).toBeUndefined();
  });
});

describe('token recipients in the configuration', () => {
  const base = { CONFIDE_JWT_ISSUER: 'https://issuer.example' };

  it('reads app client ids as a comma-separated list, and needs an audience or at least one client id', () => {
    expect(configFromEnv({ ...base, CONFIDE_JWT_CLIENT_IDS: ' a1 ,b2,, ' }).auth).toMatchObject({
      audience: undefined,
      clientIds: ['a1', 'b2'],
    });
    expect(configFromEnv({ ...base, CONFIDE_JWT_AUDIENCE: 'confide-local' }).auth).toMatchObject({
      audience: 'confide-local',
      clientIds: [],
    });
    expect(() => configFromEnv(base)).toThrow(/CONFIDE_JWT_AUDIENCE or CONFIDE_JWT_CLIENT_IDS/);
    expect(() => configFromEnv({ ...base, CONFIDE_JWT_CLIENT_IDS: ' , ' })).toThrow(/CONFIDE_JWT_CLIENT_IDS/);
  });
});
