import { describe, expect, it } from 'vitest';
import { codes, expectNoErrors } from '../support/care-fixtures';
import { addStaff, globalIdOf, onboardTestOrganisation } from '../support/fixtures';
import { testApi } from '../support/test-api';

/**
 * ACCESS-MODEL.md: "a role that grants client content takes effect only when a second person with authority approves
 * it"; decision 0081: one admin can no longer make another alone. Re-employing someone makes their account active
 * again with every role it holds, and it went through on one admin's word: recording the end of a deactivated
 * account's employment and then its re-employment undid another admin's deactivation. It is now judged as a grant of
 * those roles: one that opens client content, or ORG_ADMIN, waits for another ORG_ADMIN.
 */

const DEACTIVATE = 'mutation ($id: ID!) { deactivateStaff(input: { staffId: $id }) { status } }';
const ENDED = `mutation ($id: ID!, $endedOn: String!) {
  recordEmploymentEnded(input: { staffId: $id, endedOn: $endedOn }) { staffMemberId }
}`;
const REEMPLOYED = 'mutation ($id: ID!) { recordReemployment(input: { staffId: $id }) { status roles } }';
const APPROVE = 'mutation ($id: ID!) { approveChange(approvalId: $id) { status } }';
const STAFF = 'query ($id: ID!) { staffMember(id: $id) { status roles } }';

describe('re-employment', () => {
  const api = testApi();

  it('of an account whose roles open client content waits for another admin’s approval', async () => {
    // Prepare: two admins; B deactivates a senior manager X
    const org = await onboardTestOrganisation(api);
    const [b, x] = await Promise.all([
      addStaff(api, org, ['ORG_ADMIN', 'VOLUNTEER']),
      addStaff(api, org, ['SENIOR_MANAGER']),
    ]);
    expectNoErrors(await api.graphql(DEACTIVATE, { token: b.token, variables: { id: x.globalId } }));
    const a = { token: org.adminToken, globalId: globalIdOf('StaffMember', org.adminStaffId) };
    const state = async () => {
      const result = await api.graphql<{ staffMember: { status: string; roles: string[] } }>(STAFF, {
        token: b.token,
        variables: { id: x.globalId },
      });
      expectNoErrors(result);
      return result.data?.staffMember;
    };

    // Act: admin A records X's employment ended, then X's re-employment; A tries to approve it, then B does
    const today = new Date().toISOString().slice(0, 10);
    expectNoErrors(
      await api.graphql(ENDED, { token: a.token, variables: { id: x.globalId, endedOn: today } }),
    );
    const proposed = await api.graphql(REEMPLOYED, { token: a.token, variables: { id: x.globalId } });
    const approvalId = proposed.errors?.[0]?.extensions?.approvalId as string;
    const afterProposal = await state();
    const byProposer = await api.graphql(APPROVE, { token: a.token, variables: { id: approvalId } });
    const bySecond = await api.graphql(APPROVE, { token: b.token, variables: { id: approvalId } });

    // Assess: nothing changed on A's word alone; B's approval makes X active again, with their role
    expect(codes(proposed)).toEqual(['APPROVAL_REQUIRED']);
    expect(afterProposal).toEqual({ status: 'DEACTIVATED', roles: ['SENIOR_MANAGER'] });
    expect(codes(byProposer)).toEqual(['FORBIDDEN']);
    expectNoErrors(bySecond);
    expect(await state()).toEqual({ status: 'ACTIVE', roles: ['SENIOR_MANAGER'] });
    // Recording it again gives nothing (decision 0129: a retry only enables the sign-in user in a deployed stage):
    // it is not a second grant waiting for approval, and here, with nothing to enable, the employment stands.
    const again = await api.graphql(REEMPLOYED, { token: a.token, variables: { id: x.globalId } });
    expect(codes(again)).toEqual(['CONFLICT']);
  });

  it('of a volunteer needs no second person', async () => {
    // Prepare
    const org = await onboardTestOrganisation(api);
    const volunteer = await addStaff(api, org, ['VOLUNTEER']);
    const today = new Date().toISOString().slice(0, 10);
    expectNoErrors(
      await api.graphql(DEACTIVATE, { token: org.adminToken, variables: { id: volunteer.globalId } }),
    );
    expectNoErrors(
      await api.graphql(ENDED, {
        token: org.adminToken,
        variables: { id: volunteer.globalId, endedOn: today },
      }),
    );

    // Act
    const reemployed = await api.graphql<{ recordReemployment: { status: string; roles: string[] } }>(
      REEMPLOYED,
      {
        token: org.adminToken,
        variables: { id: volunteer.globalId },
      },
    );

    // Assess
    expectNoErrors(reemployed);
    expect(reemployed.data?.recordReemployment).toEqual({ status: 'ACTIVE', roles: ['VOLUNTEER'] });
  });
});

describe('a pending change whose proposer was deactivated since', () => {
  const api = testApi();

  it('is not run on the approver’s word alone: CONFLICT, nothing changed; the approver can reject it', async () => {
    // Prepare: admin A proposes giving X a senior manager's role; admin B then deactivates A
    const org = await onboardTestOrganisation(api);
    const [b, x] = await Promise.all([
      addStaff(api, org, ['ORG_ADMIN', 'VOLUNTEER']),
      addStaff(api, org, ['VOLUNTEER']),
    ]);
    const aId = globalIdOf('StaffMember', org.adminStaffId);
    const proposed = await api.graphql(
      'mutation ($id: ID!) { assignRoles(input: { staffId: $id, roles: [SENIOR_MANAGER] }) { roles } }',
      { token: org.adminToken, variables: { id: x.globalId } },
    );
    expect(codes(proposed)).toEqual(['APPROVAL_REQUIRED']);
    const approvalId = proposed.errors?.[0]?.extensions?.approvalId as string;
    expectNoErrors(await api.graphql(DEACTIVATE, { token: b.token, variables: { id: aId } }));

    // Act
    const approved = await api.graphql(APPROVE, { token: b.token, variables: { id: approvalId } });
    const rejected = await api.graphql('mutation ($id: ID!) { rejectChange(approvalId: $id) { status } }', {
      token: b.token,
      variables: { id: approvalId },
    });
    const xNow = await api.graphql<{ staffMember: { roles: string[] } }>(STAFF, {
      token: b.token,
      variables: { id: x.globalId },
    });

    // Assess
    expect(codes(approved)).toEqual(['CONFLICT']);
    expectNoErrors(rejected);
    expect(xNow.data?.staffMember.roles).toEqual(['VOLUNTEER']);
  });

  it('is not run once its proposer has lost the role that let them propose it', async () => {
    // Prepare: admin A proposes giving X a senior manager's role; admin B then takes A's ORG_ADMIN away
    const org = await onboardTestOrganisation(api);
    const [b, x] = await Promise.all([
      addStaff(api, org, ['ORG_ADMIN', 'VOLUNTEER']),
      addStaff(api, org, ['VOLUNTEER']),
    ]);
    const aId = globalIdOf('StaffMember', org.adminStaffId);
    expectNoErrors(
      await api.graphql(
        'mutation ($id: ID!) { assignRoles(input: { staffId: $id, roles: [VOLUNTEER] }) { roles } }',
        {
          token: b.token,
          variables: { id: aId },
        },
      ),
    );
    const proposed = await api.graphql(
      'mutation ($id: ID!) { assignRoles(input: { staffId: $id, roles: [SENIOR_MANAGER] }) { roles } }',
      { token: org.adminToken, variables: { id: x.globalId } },
    );
    expect(codes(proposed)).toEqual(['APPROVAL_REQUIRED']);
    expectNoErrors(
      await api.graphql(
        'mutation ($id: ID!) { removeRoles(input: { staffId: $id, roles: [ORG_ADMIN] }) { roles } }',
        {
          token: b.token,
          variables: { id: aId },
        },
      ),
    );

    // Act
    const approved = await api.graphql(APPROVE, {
      token: b.token,
      variables: { id: proposed.errors?.[0]?.extensions?.approvalId },
    });
    const xNow = await api.graphql<{ staffMember: { roles: string[] } }>(STAFF, {
      token: b.token,
      variables: { id: x.globalId },
    });

    // Assess
    expect(codes(approved)).toEqual(['CONFLICT']);
    expect(xNow.data?.staffMember.roles).toEqual(['VOLUNTEER']);
  });
});
