import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { codes, expectNoErrors } from '../support/care-fixtures';
import { walk } from '../support/cursor-walk';
import {
  addStaff,
  approvalIdOf,
  onboardTestOrganisation,
  secondAdmin,
  type TestOrganisation,
} from '../support/fixtures';
import { type TestApi, testApi } from '../support/test-api';

const ASSIGN = `mutation ($id: ID!, $roles: [Role!]!) { assignRoles(input: { staffId: $id, roles: $roles }) { roles } }`;
const APPROVE = 'mutation ($id: ID!) { approveChange(approvalId: $id) { status } }';
const REJECT = 'mutation ($id: ID!) { rejectChange(approvalId: $id) { status } }';
const CONFIRM = `mutation ($o: ID!, $a: ID!) { confirmOrganisationAdministrator(organisationId: $o, approvalId: $a) { id } }`;
const MY_ROLES = '{ me { roles } }';

async function rolesOf(api: TestApi, token: string): Promise<string[] | undefined> {
  return (await api.graphql<{ me: { roles: string[] } }>(MY_ROLES, { token })).data?.me.roles;
}

async function propose(api: TestApi, org: TestOrganisation, id: string, roles: string[]): Promise<string> {
  const proposed = await api.graphql(ASSIGN, { token: org.adminToken, variables: { id, roles } });
  expect(codes(proposed)).toEqual(['APPROVAL_REQUIRED']);
  return approvalIdOf(proposed) ?? '';
}

/**
 * Decision 0081 and 0087 from the edges: an operator's confirmation lets the proposer approve their own change only
 * while they are still the organisation's only admin; it never covers a change that also opens client content; and
 * the pending-change list, with its sealed cursors and MACed approvals, lists each change exactly once.
 */
describe('an operator’s confirmation of an organisation’s second admin', () => {
  const api = testApi();

  it('does not let the proposer approve a confirmed change alone once the organisation has a second admin', async () => {
    // Prepare: the only admin proposes two admins; the operator confirms both while the proposer is the only admin
    const org = await onboardTestOrganisation(api);
    const first = await addStaff(api, org, ['VOLUNTEER']);
    const second = await addStaff(api, org, ['VOLUNTEER']);
    const p1 = await propose(api, org, first.globalId, ['ORG_ADMIN']);
    const p2 = await propose(api, org, second.globalId, ['ORG_ADMIN']);
    const operator = await api.operatorToken();
    for (const a of [p1, p2]) {
      const confirmed = await api.graphql(CONFIRM, { token: operator, variables: { o: org.orgId, a } });
      expect(confirmed.errors).toBeUndefined();
    }
    const approvedFirst = await api.graphql(APPROVE, { token: org.adminToken, variables: { id: p1 } });
    expect(approvedFirst.errors).toBeUndefined();
    expect(await rolesOf(api, first.token)).toContain('ORG_ADMIN');

    // Act: a second admin now exists, who is the second person; the proposer approves their own change anyway
    const approvedSecond = await api.graphql(APPROVE, { token: org.adminToken, variables: { id: p2 } });

    // Assess
    expect(codes(approvedSecond)).toEqual(['FORBIDDEN']);
    expect(await rolesOf(api, second.token)).toEqual(['VOLUNTEER']);
  });

  it('refuses to confirm a change that gives ORG_ADMIN together with a content role', async () => {
    const org = await onboardTestOrganisation(api);
    const volunteer = await addStaff(api, org, ['VOLUNTEER']);
    const approvalId = await propose(api, org, volunteer.globalId, ['ORG_ADMIN', 'SUPPORT_WORKER']);

    const confirmed = await api.graphql(CONFIRM, {
      token: await api.operatorToken(),
      variables: { o: org.orgId, a: approvalId },
    });
    const selfApproved = await api.graphql(APPROVE, { token: org.adminToken, variables: { id: approvalId } });

    expect(codes(confirmed)).toEqual(['BAD_USER_INPUT']);
    expect(codes(selfApproved)).toEqual(['FORBIDDEN']);
    expect(await rolesOf(api, volunteer.token)).toEqual(['VOLUNTEER']);
  });
});

describe('pending changes, paged and decided', () => {
  const api = testApi();
  const LIST = `query ($first: Int, $after: String) {
    pendingChangesConnection(first: $first, after: $after) {
      edges { cursor node { id } } pageInfo { hasNextPage endCursor }
    }
  }`;

  it('lists every change the second admin may approve exactly once, past their own, at first 1 and 2', async () => {
    // Prepare: each admin proposes content roles for volunteers, interleaved
    const org = await onboardTestOrganisation(api);
    const other = await secondAdmin(api, org);
    const mine: string[] = [];
    for (let index = 0; index < 8; index += 1) {
      const volunteer = await addStaff(api, org, ['VOLUNTEER']);
      const token = index % 2 === 0 ? org.adminToken : other.token;
      const proposed = await api.graphql(ASSIGN, {
        token,
        variables: { id: volunteer.globalId, roles: ['SUPPORT_WORKER'] },
      });
      expect(codes(proposed)).toEqual(['APPROVAL_REQUIRED']);
      if (index % 2 === 0) mine.push(approvalIdOf(proposed) ?? '');
    }

    for (const first of [1, 2, 3]) {
      const walked = await walk<{ id: string }>(
        api,
        LIST,
        (data) => (data as { pendingChangesConnection: never }).pendingChangesConnection,
        other.token,
        {},
        first,
      );
      const seen = walked.pages.flatMap((page) => page.edges.map((edge) => edge.node.id));
      expect(seen.length, `first ${first}`).toBe(4);
      expect(new Set(seen).size, `first ${first}`).toBe(4);
    }
    expect(mine).toHaveLength(4);
  });

  it('reads a rejected change afterwards as decided, not as tampered', async () => {
    const org = await onboardTestOrganisation(api);
    const other = await secondAdmin(api, org);
    const volunteer = await addStaff(api, org, ['VOLUNTEER']);
    const approvalId = await propose(api, org, volunteer.globalId, ['SUPPORT_WORKER']);

    const rejected = await api.graphql(REJECT, { token: other.token, variables: { id: approvalId } });
    const approvedAfter = await api.graphql(APPROVE, { token: other.token, variables: { id: approvalId } });
    const stored = await api.services.approvals.get(tenantScope(org.orgId), approvalId);
    const list = await api.graphql(LIST, { token: other.token, variables: { first: 5 } });

    expectNoErrors(rejected);
    expect(codes(approvedAfter)).toEqual(['NOT_FOUND']);
    expect(stored?.status).toBe('REJECTED');
    expectNoErrors(list);
  });
});
