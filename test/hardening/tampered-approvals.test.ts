import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { addStaff, approvalIdOf, onboardTestOrganisation, secondAdmin } from '../support/fixtures';
import { testApi } from '../support/test-api';

/**
 * Integrity below the application (decision 0030) for the two-person rule: it rests on the approval item's
 * `proposedBy`, `rule` and `confirmedByOperator`, which carried no MAC. An admin who could also write the table proposed
 * a role that opens client content, rewrote who proposed it (or marked it confirmed by an operator under the approver
 * rule) and approved it themself: the change ran, and the role it wrote carried a genuine accessMac. Approvals now
 * carry a MAC, and a confirmation its own (decision 0087); a rewritten one is refused as tampered.
 */

const ASSIGN = `mutation ($id: ID!, $roles: [Role!]!) {
  assignRoles(input: { staffId: $id, roles: $roles }) { roles }
}`;
const APPROVE = 'mutation ($id: ID!) { approveChange(approvalId: $id) { status } }';

describe('a pending change rewritten in the table', () => {
  const api = testApi();

  it('is not approved by the admin who proposed it, once named as proposed by another', async () => {
    // Prepare: a volunteer, and a second admin who never sees the change
    const org = await onboardTestOrganisation(api);
    const volunteer = await addStaff(api, org, ['VOLUNTEER']);
    const second = await secondAdmin(api, org);
    const proposed = await api.graphql(ASSIGN, {
      token: org.adminToken,
      variables: { id: volunteer.globalId, roles: ['SUPPORT_WORKER'] },
    });
    const approvalId = approvalIdOf(proposed);
    expect(approvalId).toBeDefined();
    const own = await api.graphql(APPROVE, { token: org.adminToken, variables: { id: approvalId } });
    expect(own.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // Act: one raw UpdateItem names the second admin as the proposer; the first admin approves
    await api.services.dynamo.send(
      new UpdateItemCommand({
        TableName: api.stack.tables.data,
        Key: { pk: { S: tenantScope(org.orgId).key('APPROVAL') }, sk: { S: approvalId ?? '' } },
        UpdateExpression: 'SET proposedBy = :other',
        ExpressionAttributeValues: { ':other': { S: second.staffId } },
      }),
    );
    const approved = await api.graphql(APPROVE, { token: org.adminToken, variables: { id: approvalId } });
    const roles = await api.graphql<{ me: { roles: string[] } }>('{ me { roles } }', {
      token: volunteer.token,
    });

    // Assess: the change did not run on one person's word
    expect(roles.data?.me.roles).toEqual(['VOLUNTEER']);
    expect(approved.errors).toBeDefined();
  });

  it('is not approved by its proposer on a confirmation written by a raw write', async () => {
    // Prepare
    const org = await onboardTestOrganisation(api);
    const volunteer = await addStaff(api, org, ['VOLUNTEER']);
    const proposed = await api.graphql(ASSIGN, {
      token: org.adminToken,
      variables: { id: volunteer.globalId, roles: ['SUPPORT_WORKER'] },
    });
    const approvalId = approvalIdOf(proposed);

    // Act: the change is relabelled as giving ORG_ADMIN and marked confirmed by an operator; the proposer approves
    await api.services.dynamo.send(
      new UpdateItemCommand({
        TableName: api.stack.tables.data,
        Key: { pk: { S: tenantScope(org.orgId).key('APPROVAL') }, sk: { S: approvalId ?? '' } },
        UpdateExpression: 'SET #rule = :rule, confirmedByOperator = :op',
        ExpressionAttributeNames: { '#rule': 'rule' },
        ExpressionAttributeValues: {
          ':rule': { S: 'identity.roles.approver' },
          ':op': { S: 'local-operator' },
        },
      }),
    );
    const approved = await api.graphql(APPROVE, { token: org.adminToken, variables: { id: approvalId } });
    const roles = await api.graphql<{ me: { roles: string[] } }>('{ me { roles } }', {
      token: volunteer.token,
    });

    // Assess
    expect(approved.errors).toBeDefined();
    expect(roles.data?.me.roles).toEqual(['VOLUNTEER']);
  });
});
