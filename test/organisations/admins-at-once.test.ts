import { describe, expect, it } from 'vitest';
import { codes, expectNoErrors } from '../support/care-fixtures';
import { interleavingDynamoClient, updatesWith } from '../support/failing-dynamo';
import { addStaff, globalIdOf, onboardTestOrganisation } from '../support/fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Two admins act on each other at once. Nobody deactivates themselves or takes their own roles, so one admin always
 * remains, but only if each change is written while its caller still holds the authority it was checked with. Before,
 * two admins deactivating each other at the same moment both succeeded, and the organisation was left with no active
 * ORG_ADMIN: nobody could add staff, approve a change or propose a new admin for the operator to confirm (0081).
 */

const DEACTIVATE = 'mutation ($id: ID!) { deactivateStaff(input: { staffId: $id }) { status } }';
const REMOVE_ADMIN =
  'mutation ($id: ID!) { removeRoles(input: { staffId: $id, roles: [ORG_ADMIN] }) { roles } }';
const ENDED = `mutation ($id: ID!, $endedOn: String!) {
  recordEmploymentEnded(input: { staffId: $id, endedOn: $endedOn }) { staffMemberId }
}`;
const STAFF = 'query ($id: ID!) { staffMember(id: $id) { status roles } }';

const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

/** The staff update of a status or roles change (the audit event written before it is not picked). */
const staffChange = (call: Parameters<typeof updatesWith>[0]) =>
  updatesWith(call, 'SET #roles = :roles, #status = :status');

async function twoAdmins(api: TestApi) {
  const org = await onboardTestOrganisation(api);
  // The second admin holds another role too: removing their last role is refused before anything is written.
  const second = await addStaff(api, org, ['ORG_ADMIN', 'VOLUNTEER']);
  return {
    org,
    first: { token: org.adminToken, globalId: globalIdOf('StaffMember', org.adminStaffId) },
    second,
  };
}

describe('two admins acting on each other at once', () => {
  it.each([
    ['deactivates', DEACTIVATE, (id: string) => ({ id })],
    ['removes ORG_ADMIN from', REMOVE_ADMIN, (id: string) => ({ id })],
    ['records the employment ended of', ENDED, (id: string) => ({ id, endedOn: yesterday() })],
  ])(
    'the first admin %s the second while the second deactivates the first: the later write is refused, one admin remains',
    async (_name, mutation, variables) => {
      // Prepare: the first admin's change to the second is held just before its write while the second admin
      // deactivates the first to the end.
      const api = testApi();
      const { first, second } = await twoAdmins(api);
      const meanwhile = interleavingDynamoClient(api, staffChange, async () => {
        expectNoErrors(
          await api.graphql(DEACTIVATE, { token: second.token, variables: { id: first.globalId } }),
        );
      });

      // Act
      const late = await testApi({ dynamo: meanwhile.client }).graphql(mutation, {
        token: first.token,
        variables: variables(second.globalId),
      });

      // Assess: the first admin had lost their authority before their write; it is refused, and the second admin is
      // still an active ORG_ADMIN who can act.
      expect(meanwhile.interleaved()).toBe(true);
      expect(codes(late)).toEqual(['CONFLICT']);
      const state = await api.graphql<{ staffMember: { status: string; roles: string[] } }>(STAFF, {
        token: second.token,
        variables: { id: second.globalId },
      });
      expectNoErrors(state);
      expect(state.data?.staffMember.status).toBe('ACTIVE');
      expect(state.data?.staffMember.roles).toContain('ORG_ADMIN');
      const firstNow = await api.graphql<{ staffMember: { status: string } }>(STAFF, {
        token: second.token,
        variables: { id: first.globalId },
      });
      expect(firstNow.data?.staffMember.status).toBe('DEACTIVATED');
    },
  );

  it('the first admin re-employs a former employee while the second deactivates the first: refused, nobody reactivated', async () => {
    // Prepare: a former employee (employment ended); the first admin's re-employment of them is held just before its
    // write while the second admin deactivates the first.
    const api = testApi();
    const { org, first, second } = await twoAdmins(api);
    const leaver = await addStaff(api, org, ['VOLUNTEER']);
    expectNoErrors(
      await api.graphql(ENDED, {
        token: first.token,
        variables: { id: leaver.globalId, endedOn: yesterday() },
      }),
    );
    const meanwhile = interleavingDynamoClient(api, staffChange, async () => {
      expectNoErrors(
        await api.graphql(DEACTIVATE, { token: second.token, variables: { id: first.globalId } }),
      );
    });

    // Act
    const late = await testApi({ dynamo: meanwhile.client }).graphql(
      'mutation ($id: ID!) { recordReemployment(input: { staffId: $id }) { id } }',
      { token: first.token, variables: { id: leaver.globalId } },
    );

    // Assess: written after its caller lost the authority it was checked with: refused, the leaver still deactivated.
    expect(meanwhile.interleaved()).toBe(true);
    expect(codes(late)).toEqual(['CONFLICT']);
    const state = await api.graphql<{ staffMember: { status: string } }>(STAFF, {
      token: second.token,
      variables: { id: leaver.globalId },
    });
    expect(state.data?.staffMember.status).toBe('DEACTIVATED');
  });

  it('an admin given another role meanwhile is still an active ORG_ADMIN: their change goes through', async () => {
    // Prepare: the first admin's deactivation of a volunteer is held while the second admin gives the first admin
    // another role (a change to the caller's own account between their check and their write).
    const api = testApi();
    const { org, first, second } = await twoAdmins(api);
    const volunteer = await addStaff(api, org, ['VOLUNTEER']);
    const meanwhile = interleavingDynamoClient(api, staffChange, async () => {
      expectNoErrors(
        await api.graphql(
          'mutation ($id: ID!) { assignRoles(input: { staffId: $id, roles: [VOLUNTEER] }) { roles } }',
          { token: second.token, variables: { id: first.globalId } },
        ),
      );
    });

    // Act
    const result = await testApi({ dynamo: meanwhile.client }).graphql(DEACTIVATE, {
      token: first.token,
      variables: { id: volunteer.globalId },
    });

    // Assess: the authority the write needs (an active ORG_ADMIN) still stood when it was written.
    expect(meanwhile.interleaved()).toBe(true);
    expectNoErrors(result);
    expect(result.data).toEqual({ deactivateStaff: { status: 'DEACTIVATED' } });
  });
});
