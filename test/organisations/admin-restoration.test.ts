import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { tenantScope } from '@confide/store';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/support/run-cli';
import { codes, expectNoErrors } from '../support/care-fixtures';
import {
  addStaffThroughTheApi,
  onboardTestOrganisation,
  secondAdmin,
  type TestOrganisation,
} from '../support/fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Decision 0109: a charity whose admins have all left. Their accounts stay active, nobody can sign in to them, and
 * nobody else in the organisation can add or deactivate staff (not even the leavers'). Decision 0081 gave no way back:
 * no operator adds an admin on their own word. Two operators now restore it on the charity's request: the first asks,
 * a different one runs it; the staff member the charity names gets ORG_ADMIN, every other admin account is
 * deactivated, and the governance contacts are told. Neither operator reads anything or gains anything.
 */

const RESTORE = `mutation ($o: ID!, $s: ID!) {
  restoreOrganisationAdministrator(organisationId: $o, staffId: $s) { id status }
}`;
const MY_ROLES = '{ me { roles } }';

interface Restored {
  data?: { restoreOrganisationAdministrator: { id: string; status: string } } | null;
  errors?: { message: string; extensions?: { code?: string; restorationId?: string; field?: string[] } }[];
}

async function rolesOf(api: TestApi, token: string): Promise<string[] | undefined> {
  return (await api.graphql<{ me: { roles: string[] } }>(MY_ROLES, { token })).data?.me.roles;
}

function restore(api: TestApi, token: string, org: TestOrganisation, staffId: string): Promise<Restored> {
  return api.graphql(RESTORE, { token, variables: { o: org.orgId, s: staffId } }) as Promise<Restored>;
}

/** An organisation with two admins (both to leave) and a caseworker the charity names as its new admin. */
async function charityWhoseAdminsLeft(api: TestApi) {
  const org = await onboardTestOrganisation(api);
  const other = await secondAdmin(api, org);
  const named = await addStaffThroughTheApi(api, org, ['SUPPORT_WORKER']);
  return { org, other, named };
}

describe('restoring the administration of an organisation whose admins left', () => {
  const api = testApi();

  it('takes two operators, gives the named account ORG_ADMIN, deactivates the others and tells governance', async () => {
    // Prepare
    const { org, other, named } = await charityWhoseAdminsLeft(api);
    const operator1 = await api.operatorToken();
    const operator2 = await api.secondOperatorToken();

    // Act: the first operator asks, asks again, and a second operator runs it.
    const asked = await restore(api, operator1, org, named.staffId);
    const rolesWhilePending = await rolesOf(api, named.token);
    const askedAgain = await restore(api, operator1, org, named.staffId);
    // The second names the person by the StaffMember id they read from `me`.
    const ran = await restore(api, operator2, org, named.globalId);

    // Assess: nothing changed until the second operator ran it.
    expect(codes(asked)).toEqual(['APPROVAL_REQUIRED']);
    const restorationId = asked.errors?.[0]?.extensions?.restorationId;
    expect(restorationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(rolesWhilePending).toEqual(['SUPPORT_WORKER']);
    expect(codes(askedAgain)).toEqual(['FORBIDDEN']);
    expect(ran.errors).toBeUndefined();
    expect(ran.data?.restoreOrganisationAdministrator.status).toBe('ACTIVE');
    // The named account administers now; the admins who left are refused from this moment.
    expect((await rolesOf(api, named.token))?.sort()).toEqual(['ORG_ADMIN', 'SUPPORT_WORKER']);
    expect(codes(await api.graphql(MY_ROLES, { token: org.adminToken }))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await api.graphql(MY_ROLES, { token: other.token }))).toEqual(['UNAUTHENTICATED']);
    const scope = tenantScope(org.orgId);
    expect((await api.services.directory.staff(scope, org.adminStaffId))?.status).toBe('DEACTIVATED');
    expect((await api.services.directory.staff(scope, other.staffId))?.status).toBe('DEACTIVATED');
    // The governance contacts are told, by reference only.
    expect(await api.services.notifications.list(scope)).toEqual([
      expect.objectContaining({ kind: 'ADMINISTRATION_RESTORED', reference: restorationId }),
    ]);
    // The platform audit log has every step, and the request is gone.
    const outcomes = (await api.services.platformAudit.list({ organisationId: org.orgId }))
      .filter((event) => event.operation === 'restoreOrganisationAdministrator')
      .map((event) => `${event.actor.id} ${event.outcome}`)
      .reverse();
    expect(outcomes).toEqual([
      'operator-1 APPROVAL_REQUESTED',
      'operator-1 FORBIDDEN',
      'operator-2 ALLOWED',
      'operator-2 COMPLETED',
    ]);
    expect(await api.services.platformAudit.pendingAdminRestoration(org.orgId)).toBeUndefined();
  });

  it('lets the restored admin act: they deactivate a leaver with no admin role', async () => {
    // Prepare
    const { org, named } = await charityWhoseAdminsLeft(api);
    const leaver = await addStaffThroughTheApi(api, org, ['SUPPORT_WORKER']);
    await restore(api, await api.operatorToken(), org, named.staffId);
    await restore(api, await api.secondOperatorToken(), org, named.staffId);

    // Act
    const result = await api.graphql(
      'mutation ($id: ID!) { deactivateStaff(input: { staffId: $id }) { status } }',
      { token: named.token, variables: { id: leaver.globalId } },
    );

    // Assess
    expect(result.errors).toBeUndefined();
    expect(codes(await api.graphql(MY_ROLES, { token: leaver.token }))).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses, recording no request, an account that cannot be named or a caller who is no operator', async () => {
    // Prepare
    const { org, other, named } = await charityWhoseAdminsLeft(api);
    const gone = await addStaffThroughTheApi(api, org, ['SUPPORT_WORKER']);
    await api.graphql('mutation ($id: ID!) { deactivateStaff(input: { staffId: $id }) { status } }', {
      token: org.adminToken,
      variables: { id: gone.globalId },
    });
    const operator1 = await api.operatorToken();

    // Act
    const results = {
      anAdmin: await restore(api, operator1, org, other.staffId),
      deactivated: await restore(api, operator1, org, gone.staffId),
      unknown: await restore(api, operator1, org, 'stf_aaaaaaaaaaaaaaaaaaaaaaaaaa'),
      malformed: await restore(api, operator1, org, 'someone'),
      unknownOrganisation: await api.graphql(RESTORE, {
        token: operator1,
        variables: { o: 'org_aaaaaaaaaaaaaaaaaaaaaaaaaa', s: named.staffId },
      }),
      staffAdmin: await restore(api, org.adminToken, org, named.staffId),
    };

    // Assess
    expect(codes(results.anAdmin)).toEqual(['CONFLICT']);
    expect(codes(results.deactivated)).toEqual(['CONFLICT']);
    expect(codes(results.unknown)).toEqual(['NOT_FOUND']);
    expect(codes(results.malformed)).toEqual(['BAD_USER_INPUT']);
    expect(codes(results.unknownOrganisation)).toEqual(['NOT_FOUND']);
    expect(codes(results.staffAdmin)).toEqual(['FORBIDDEN']);
    expect(await api.services.platformAudit.pendingAdminRestoration(org.orgId)).toBeUndefined();
    expect(await rolesOf(api, named.token)).toEqual(['SUPPORT_WORKER']);
  });

  it('a second operator approves only the account the request names', async () => {
    // Prepare
    const { org, named } = await charityWhoseAdminsLeft(api);
    const someoneElse = await addStaffThroughTheApi(api, org, ['SUPPORT_WORKER']);
    await restore(api, await api.operatorToken(), org, named.staffId);

    // Act
    const result = await restore(api, await api.secondOperatorToken(), org, someoneElse.staffId);

    // Assess
    expect(codes(result)).toEqual(['CONFLICT']);
    expect(result.errors?.[0]?.extensions?.field).toEqual(['staffId']);
    expect(await rolesOf(api, someoneElse.token)).toEqual(['SUPPORT_WORKER']);
    expect((await api.services.directory.staff(tenantScope(org.orgId), org.adminStaffId))?.status).toBe(
      'ACTIVE',
    );
  });

  it('withdraws a request whose named account was deactivated meanwhile, so another can be asked at once', async () => {
    // Prepare: a request for the named account, which is then deactivated (by the admin, still able to sign in).
    const { org, named } = await charityWhoseAdminsLeft(api);
    const someoneElse = await addStaffThroughTheApi(api, org, ['SUPPORT_WORKER']);
    await restore(api, await api.operatorToken(), org, named.staffId);
    expectNoErrors(
      await api.graphql('mutation ($id: ID!) { deactivateStaff(input: { staffId: $id }) { status } }', {
        token: org.adminToken,
        variables: { id: named.globalId },
      }),
    );

    // Act
    const ran = await restore(api, await api.secondOperatorToken(), org, named.staffId);
    const pendingAfter = await api.services.platformAudit.pendingAdminRestoration(org.orgId);
    const askedAgain = await restore(api, await api.operatorToken(), org, someoneElse.staffId);

    // Assess
    expect(codes(ran)).toEqual(['CONFLICT']);
    expect(ran.errors?.[0]?.extensions?.field).toEqual(['staffId']);
    expect(pendingAfter).toBeUndefined();
    expect(codes(askedAgain)).toEqual(['APPROVAL_REQUIRED']);
    expect(await rolesOf(api, org.adminToken)).toEqual(['ORG_ADMIN']);
  });

  it('does not let one operator restore alone through a request written in another operator’s name', async () => {
    // Prepare: a request "by operator-2" put straight into the table (decision 0030's threat: no key).
    const { org, named } = await charityWhoseAdminsLeft(api);
    const now = Math.floor(Date.now() / 1000);
    await api.services.dynamo.send(
      new PutItemCommand({
        TableName: api.stack.tables.data,
        Item: {
          pk: { S: `PLATFORM#ADMIN-RESTORATION#${org.orgId}` },
          sk: { S: 'PENDING' },
          orgId: { S: org.orgId },
          restorationId: { S: '00000000-0000-4000-8000-000000000000' },
          staffId: { S: named.staffId },
          proposedBy: { S: 'operator-2' },
          proposedAt: { S: new Date(now * 1000).toISOString() },
          expiresAt: { N: String(now + 3600) },
        },
      }),
    );

    // Act: operator-1 "approves" it.
    const result = await restore(api, await api.operatorToken(), org, named.staffId);

    // Assess: refused closed, nothing changed, and the planted request is an incident.
    expect(codes(result)).toEqual(['INTERNAL']);
    expect(await rolesOf(api, named.token)).toEqual(['SUPPORT_WORKER']);
    expect(await rolesOf(api, org.adminToken)).toEqual(['ORG_ADMIN']);
    expect(await api.services.integrityIncidents.list(tenantScope(org.orgId))).toEqual([
      expect.objectContaining({
        kind: 'TAMPERED_STATE',
        subjectId: org.orgId,
        itemKind: 'ADMIN_RESTORATION',
      }),
    ]);
  });

  describe('with `confide org restore-admin` on the local stack', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'confide-restore-admin-'));
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    it('one operator asks, another runs it; a staff id that is not one names the flag', async () => {
      // Prepare
      writeFileSync(join(dataDir, 'stack.json'), JSON.stringify(api.stack));
      const { org, named } = await charityWhoseAdminsLeft(api);
      const restoreAs = (operatorId: string, staff: string) =>
        runCli(['org', 'restore-admin', '--slug', org.slug, '--staff', staff, '--operator-id', operatorId], {
          CONFIDE_DATA_DIR: dataDir,
        });

      // Act
      const malformed = await restoreAs('operator-1', 'someone');
      const asked = await restoreAs('operator-1', named.staffId);
      const sameOperator = await restoreAs('operator-1', named.staffId);
      const ran = await restoreAs('operator-2', named.staffId);

      // Assess
      expect(malformed.code).toBe(1);
      expect(malformed.stderr).toContain('--staff: staffId is a staff id');
      expect(asked.code, asked.stderr).toBe(0);
      expect(asked.stdout).toContain('a second operator runs the same command within 72 hours');
      expect(sameOperator.code).toBe(1);
      expect(sameOperator.stderr).toContain('(FORBIDDEN)');
      expect(ran.code, ran.stderr).toBe(0);
      expect(ran.stdout).toContain(`Restored the administration of ${org.slug}`);
      expect((await rolesOf(api, named.token))?.sort()).toEqual(['ORG_ADMIN', 'SUPPORT_WORKER']);
    });
  });
});
