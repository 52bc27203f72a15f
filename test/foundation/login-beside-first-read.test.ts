import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { codes, expectNoErrors, registerServiceUser } from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { serviceWorld } from '../support/records-fixtures';
import { testApi } from '../support/test-api';

/**
 * The login lookup travels beside the request's first read (issue 18): the token is verified first, the root field
 * starts reading its subject in the organisation the token names, and nothing is decided or returned until the
 * caller's account has been read and admitted. A verified token is remembered until it expires; the account never is.
 */

const CLIENT = 'query ($id: ID!) { serviceUser(id: $id) { id name } }';

describe('the login lookup beside the first read', () => {
  const api = testApi();

  it('serves nothing read beside it when the account turns out deactivated, and says so at once', async () => {
    // Prepare: a manager who may read the client, then loses their account
    const world = await serviceWorld(api);
    const clientId = await registerServiceUser(api, world.manager, world.serviceId);
    expectNoErrors(await api.graphql(CLIENT, { token: world.manager.token, variables: { id: clientId } }));
    expectNoErrors(
      await api.graphql('mutation ($id: ID!) { deactivateStaff(input: { staffId: $id }) { status } }', {
        token: world.org.adminToken,
        variables: { id: world.manager.globalId },
      }),
    );

    // Act: the same (still unexpired, remembered) token
    const refused = await api.graphql(CLIENT, { token: world.manager.token, variables: { id: clientId } });

    // Assess
    expect(codes(refused)).toEqual(['UNAUTHENTICATED']);
    expect(refused.data?.serviceUser ?? null).toBeNull();
    expect(refused.text).not.toContain('Ada');
  });

  it("does not let a token of one organisation read another organisation's client by its id", async () => {
    // Prepare
    const world = await serviceWorld(api);
    const clientId = await registerServiceUser(api, world.manager, world.serviceId);
    const other = await onboardTestOrganisation(api);
    const stranger = await addStaff(api, other, ['ORG_ADMIN', 'SENIOR_MANAGER']);

    // Act
    const result = await api.graphql(CLIENT, { token: stranger.token, variables: { id: clientId } });

    // Assess
    expect(codes(result)).toEqual(['NOT_FOUND']);
    expect(result.text).not.toContain('Ada');
  });

  it('stops accepting a remembered token once it has expired', async () => {
    // Prepare: a token that lives five seconds, used once so that it is remembered (within its life even on a machine
    // so busy that a request takes seconds)
    const org = await onboardTestOrganisation(api);
    const admin = await api.services.directory.staff(tenantScope(org.orgId), org.adminStaffId);
    const token = await api.token(
      { sub: admin?.externalSubject ?? '', org_id: org.orgId, staff_id: org.adminStaffId },
      { expiresIn: '5s' },
    );
    const exp = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).exp as number;
    expectNoErrors(await api.graphql('{ me { kind } }', { token }));

    // Act: once the clock has passed its expiry
    await expect.poll(() => Date.now() / 1000 > exp, { timeout: 60_000, interval: 100 }).toBe(true);
    const late = await api.graphql('{ me { kind } }', { token });

    // Assess
    expect(codes(late)).toEqual(['UNAUTHENTICATED']);
  });
});
