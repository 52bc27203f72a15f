import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { tenantScope } from '@confide/store';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/support/run-cli';
import { codes } from '../support/care-fixtures';
import {
  addStaffThroughTheApi,
  approvalIdOf,
  onboardTestOrganisation,
  secondAdmin,
  type TestOrganisation,
} from '../support/fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Decision 0081: one ORG_ADMIN alone makes no other admin (its holder would approve the first admin's proposals).
 * An organisation with one admin has nobody inside it to approve a second, so a platform operator, who onboarded it,
 * confirms the change as its second person; the admin's own approval then runs it. The operator gives nothing alone.
 */

const ASSIGN = `mutation ($id: ID!) { assignRoles(input: { staffId: $id, roles: [ORG_ADMIN] }) { roles } }`;
const APPROVE = 'mutation ($id: ID!) { approveChange(approvalId: $id) { status } }';
const CONFIRM = `mutation ($o: ID!, $a: ID!) {
  confirmOrganisationAdministrator(organisationId: $o, approvalId: $a) { id }
}`;
const MY_ROLES = '{ me { roles } }';

async function rolesOf(api: TestApi, token: string): Promise<string[] | undefined> {
  return (await api.graphql<{ me: { roles: string[] } }>(MY_ROLES, { token })).data?.me.roles;
}

/** An organisation whose only admin proposes to make a volunteer an admin. */
async function adminProposed(api: TestApi): Promise<{
  org: TestOrganisation;
  volunteer: { staffId: string; globalId: string; token: string };
  approvalId: string;
}> {
  const org = await onboardTestOrganisation(api);
  const volunteer = await addStaffThroughTheApi(api, org, ['VOLUNTEER']);
  const proposed = await api.graphql(ASSIGN, {
    token: org.adminToken,
    variables: { id: volunteer.globalId },
  });
  expect(codes(proposed)).toEqual(['APPROVAL_REQUIRED']);
  return { org, volunteer, approvalId: approvalIdOf(proposed) ?? '' };
}

describe('an operator confirming the second admin of an organisation with one', () => {
  const api = testApi();

  it('lets the only admin approve their proposal once an operator confirmed it, audited on the platform', async () => {
    // Prepare
    const { org, volunteer, approvalId } = await adminProposed(api);
    const tooEarly = await api.graphql(APPROVE, { token: org.adminToken, variables: { id: approvalId } });

    // Act
    const confirmed = await api.graphql(CONFIRM, {
      token: await api.operatorToken(),
      variables: { o: org.orgId, a: approvalId },
    });
    const approved = await api.graphql(APPROVE, { token: org.adminToken, variables: { id: approvalId } });

    // Assess
    expect(codes(tooEarly)).toEqual(['FORBIDDEN']);
    expect(confirmed.errors).toBeUndefined();
    expect(approved.errors).toBeUndefined();
    expect(await rolesOf(api, volunteer.token)).toEqual(['VOLUNTEER', 'ORG_ADMIN']);
    const platform = await api.services.platformAudit.list({ organisationId: org.orgId });
    expect(platform.map((event) => event.rule)).toContain('platform.organisation.admin.confirm');
  });

  it('does not take a second admin hidden by a raw write for absent: the confirmation fails closed', async () => {
    // Prepare: a proposal in an organisation with two admins; the second is written DEACTIVATED below the API (its
    // access MAC still over ACTIVE), as someone would to make the proposer look like the only admin.
    const { org, approvalId } = await adminProposed(api);
    const second = await secondAdmin(api, org);
    await api.services.dynamo.send(
      new UpdateItemCommand({
        TableName: api.stack.tables.data,
        Key: {
          pk: { S: tenantScope(org.orgId).key('STAFF', second.staffId) },
          sk: { S: 'PROFILE' },
        },
        UpdateExpression: 'SET #status = :deactivated',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':deactivated': { S: 'DEACTIVATED' } },
      }),
    );

    // Act
    const confirmed = await api.graphql(CONFIRM, {
      token: await api.operatorToken(),
      variables: { o: org.orgId, a: approvalId },
    });
    const selfApproved = await api.graphql(APPROVE, { token: org.adminToken, variables: { id: approvalId } });

    // Assess: neither the operator's confirmation nor the proposer's own approval goes through
    expect(codes(confirmed)).toEqual(['INTERNAL']);
    expect(codes(selfApproved)).not.toEqual([]);
    const platform = await api.services.platformAudit.list({ organisationId: org.orgId });
    expect(platform.map((event) => event.rule)).not.toContain('platform.organisation.admin.confirm');
  });

  it('confirms only a pending change giving ORG_ADMIN, only while its proposer is the only admin, only as an operator', async () => {
    // Prepare: a pending admin in one organisation; a content role proposed, and a second admin, in another
    const { org, approvalId } = await adminProposed(api);
    const other = await onboardTestOrganisation(api);
    const content = await api.graphql(
      'mutation { addStaffMember(input: { handle: "own.worker", displayName: "Own Worker", roles: [SUPPORT_WORKER] }) { id } }',
      { token: other.adminToken },
    );
    const contentId = approvalIdOf(content) ?? '';
    const twoAdmins = await adminProposed(api);
    await secondAdmin(api, twoAdmins.org);
    const operator = await api.operatorToken();
    const confirm = (token: string, o: string, a: string) =>
      api.graphql(CONFIRM, { token, variables: { o, a } });

    // Act
    const asStaff = await confirm(org.adminToken, org.orgId, approvalId);
    const contentRole = await confirm(operator, other.orgId, contentId);
    const anotherAdmin = await confirm(operator, twoAdmins.org.orgId, twoAdmins.approvalId);
    const elsewhere = await confirm(operator, other.orgId, approvalId);
    const selfApproved = await api.graphql(APPROVE, {
      token: other.adminToken,
      variables: { id: contentId },
    });

    // Assess: each refused with its code, and no change confirmed
    expect(codes(asStaff)).toEqual(['FORBIDDEN']);
    expect(codes(contentRole)).toEqual(['BAD_USER_INPUT']);
    expect(contentRole.errors?.[0]?.extensions?.field).toEqual(['approvalId']);
    expect(codes(anotherAdmin)).toEqual(['CONFLICT']);
    expect(codes(elsewhere)).toEqual(['NOT_FOUND']);
    expect(codes(selfApproved)).toEqual(['FORBIDDEN']);
    for (const [orgId, id] of [
      [org.orgId, approvalId],
      [other.orgId, contentId],
      [twoAdmins.org.orgId, twoAdmins.approvalId],
    ] as const) {
      const pending = await api.services.approvals.get(tenantScope(orgId), id);
      expect(pending).toMatchObject({ status: 'PENDING', confirmedByOperator: undefined });
    }
  });

  describe('with `confide org confirm-admin` on the local stack', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'confide-confirm-admin-'));
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    it('confirms through the api, which the admin then approves; a change that is not an admin is refused', async () => {
      // Prepare
      writeFileSync(join(dataDir, 'stack.json'), JSON.stringify(api.stack));
      const { org, volunteer, approvalId } = await adminProposed(api);
      const content = await api.graphql(
        'mutation { addStaffMember(input: { handle: "own.worker", displayName: "Own Worker", roles: [SUPPORT_WORKER] }) { id } }',
        { token: org.adminToken },
      );
      const confirm = (approval: string) =>
        runCli(['org', 'confirm-admin', '--slug', org.slug, '--approval', approval], {
          CONFIDE_DATA_DIR: dataDir,
        });

      // Act
      const refused = await confirm(approvalIdOf(content) ?? '');
      const confirmed = await confirm(approvalId);
      const approved = await api.graphql(APPROVE, { token: org.adminToken, variables: { id: approvalId } });

      // Assess
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        '--approval: An operator confirms only a change that gives ORG_ADMIN. (BAD_USER_INPUT)',
      );
      expect(confirmed.code, confirmed.stderr).toBe(0);
      expect(confirmed.stdout).toContain(`Confirmed the new admin of ${org.slug}`);
      expect(approved.errors).toBeUndefined();
      expect(await rolesOf(api, volunteer.token)).toEqual(['VOLUNTEER', 'ORG_ADMIN']);
    });
  });
});
