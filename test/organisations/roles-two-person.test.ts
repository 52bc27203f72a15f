import type { StoredAuditEvent } from '@confide/store';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { expectNoErrors, registerServiceUser } from '../support/care-fixtures';
import {
  addStaff,
  addStaffThroughTheApi,
  approvalIdOf,
  onboardTestOrganisation,
  secondAdmin,
  staffIdByHandle,
  type TestOrganisation,
} from '../support/fixtures';
import { serviceWorld } from '../support/records-fixtures';
import { type GraphqlResult, type TestApi, testApi } from '../support/test-api';

/**
 * Issue 14, side door 2 (ACCESS-MODEL.md Operations): nobody changes their own roles; a role that opens client
 * content takes effect only when a second person with authority approves it; every account, role and preset
 * change is audited before it happens, naming who changed what for whom; GROUP_WIDE needs two people.
 */

const codes = (result: GraphqlResult) => result.errors?.map((error) => error.extensions?.code);

const ASSIGN = `mutation ($id: ID!, $roles: [Role!]!) {
  assignRoles(input: { staffId: $id, roles: $roles }) { roles }
}`;
const REMOVE = `mutation ($id: ID!, $roles: [Role!]!) {
  removeRoles(input: { staffId: $id, roles: $roles }) { roles }
}`;
const APPROVE = 'mutation ($id: ID!) { approveChange(approvalId: $id) { status } }';
const MY_ROLES = '{ me { roles } }';
const PRESET = `mutation ($preset: AccessPreset!, $v: Int!) {
  setAccessPreset(preset: $preset, expectedVersion: $v) { preset version }
}`;
const ORGANISATION = '{ me { organisation { preset version } } }';

async function eventsAbout(
  api: TestApi,
  org: TestOrganisation,
  subjectId: string,
): Promise<StoredAuditEvent[]> {
  return api.services.auditLog.bySubject(tenantScope(org.orgId), subjectId);
}

async function rolesOf(api: TestApi, token: string): Promise<string[]> {
  const me = await api.graphql<{ me: { roles: string[] } }>(MY_ROLES, { token });
  return me.data?.me.roles ?? [];
}

describe('nobody changes their own roles', () => {
  const api = testApi();

  it('refuses an ORG_ADMIN giving themself SENIOR_MANAGER and IG_LEAD, and audits the refusal', async () => {
    // Prepare
    const org = await onboardTestOrganisation(api);
    const adminGlobalId = Buffer.from(`StaffMember:${org.adminStaffId}`).toString('base64');

    // Act
    const granted = await api.graphql(ASSIGN, {
      token: org.adminToken,
      variables: { id: adminGlobalId, roles: ['SENIOR_MANAGER', 'IG_LEAD'] },
    });
    const removed = await api.graphql(REMOVE, {
      token: org.adminToken,
      variables: { id: adminGlobalId, roles: ['ORG_ADMIN'] },
    });

    // Assess
    expect(codes(granted)).toEqual(['FORBIDDEN']);
    expect(codes(removed)).toEqual(['FORBIDDEN']);
    expect(await rolesOf(api, org.adminToken)).toEqual(['ORG_ADMIN']);
    const events = await eventsAbout(api, org, org.adminStaffId);
    const denied = events.filter((event) => event.action === 'DENIED');
    expect(denied.map((event) => event.operation).sort()).toEqual(['assignRoles', 'removeRoles']);
    for (const event of denied) {
      expect(event.actor.id).toBe(org.adminStaffId);
      expect(event.outcome).toBe('FORBIDDEN');
    }
  });

  it('refuses an ORG_ADMIN deactivating their own account', async () => {
    const org = await onboardTestOrganisation(api);
    const adminGlobalId = Buffer.from(`StaffMember:${org.adminStaffId}`).toString('base64');

    const result = await api.graphql(
      'mutation ($id: ID!) { deactivateStaff(input: { staffId: $id }) { status } }',
      { token: org.adminToken, variables: { id: adminGlobalId } },
    );

    expect(codes(result)).toEqual(['FORBIDDEN']);
    expect(await rolesOf(api, org.adminToken)).toEqual(['ORG_ADMIN']);
    const events = await eventsAbout(api, org, org.adminStaffId);
    expect(events.filter((e) => e.operation === 'deactivateStaff').map((e) => e.action)).toEqual(['DENIED']);
  });
});

describe('a role that opens client content needs a second person', () => {
  const api = testApi();

  it('keeps another ORG_ADMIN’s grant of SUPPORT_WORKER pending until a second admin approves it', async () => {
    // Prepare: a volunteer, and a second administrator
    const org = await onboardTestOrganisation(api);
    const volunteer = await addStaff(api, org, ['VOLUNTEER']);
    const second = await secondAdmin(api, org);

    // Act: the first admin proposes; the proposer tries to approve their own
    const proposed = await api.graphql(ASSIGN, {
      token: org.adminToken,
      variables: { id: volunteer.globalId, roles: ['SUPPORT_WORKER'] },
    });
    const approvalId = approvalIdOf(proposed);
    const rolesWhilePending = await rolesOf(api, volunteer.token);
    const ownApproval = await api.graphql(APPROVE, { token: org.adminToken, variables: { id: approvalId } });
    const rolesAfterOwnApproval = await rolesOf(api, volunteer.token);
    const approved = await api.graphql(APPROVE, { token: second.token, variables: { id: approvalId } });

    // Assess
    expect(codes(proposed)).toEqual(['APPROVAL_REQUIRED']);
    expect(approvalId).toBeDefined();
    expect(rolesWhilePending).toEqual(['VOLUNTEER']);
    expect(codes(ownApproval)).toEqual(['FORBIDDEN']);
    expect(rolesAfterOwnApproval).toEqual(['VOLUNTEER']);
    expect(codes(approved)).toBeUndefined();
    expect(await rolesOf(api, volunteer.token)).toEqual(['SUPPORT_WORKER', 'VOLUNTEER']);
    const events = (await eventsAbout(api, org, volunteer.staffId)).filter(
      (e) => e.operation === 'assignRoles',
    );
    const requested = events.find((event) => event.outcome === 'APPROVAL_REQUESTED');
    const applied = events.find((event) => event.outcome === 'ALLOWED');
    expect(requested?.actor.id).toBe(org.adminStaffId);
    expect(requested?.fields).toEqual(['SUPPORT_WORKER']);
    expect(applied?.actor.id).toBe(second.staffId);
    expect(applied?.fields).toEqual(['SUPPORT_WORKER']);
    expect(applied?.rule).toMatch(/\+approved$/);
  });

  it('is not approved by the staff member who would gain the role', async () => {
    // Prepare: two admins; the first proposes SENIOR_MANAGER for the second
    const org = await onboardTestOrganisation(api);
    const second = await secondAdmin(api, org);
    const secondGlobalId = Buffer.from(`StaffMember:${second.staffId}`).toString('base64');
    const proposed = await api.graphql(ASSIGN, {
      token: org.adminToken,
      variables: { id: secondGlobalId, roles: ['SENIOR_MANAGER'] },
    });

    // Act
    const selfApproval = await api.graphql(APPROVE, {
      token: second.token,
      variables: { id: approvalIdOf(proposed) },
    });

    // Assess
    expect(codes(proposed)).toEqual(['APPROVAL_REQUIRED']);
    expect(codes(selfApproval)).toEqual(['FORBIDDEN']);
    expect(await rolesOf(api, second.token)).toEqual(['ORG_ADMIN']);
  });

  it('gives a role without client content at once, audited before with the roles named', async () => {
    const org = await onboardTestOrganisation(api);
    const clerk = await addStaffThroughTheApi(api, org, ['VOLUNTEER']);
    const worker = await addStaff(api, org, ['SUPPORT_WORKER', 'VOLUNTEER']);

    const granted = await api.graphql(ASSIGN, {
      token: org.adminToken,
      variables: { id: worker.globalId, roles: ['VOLUNTEER'] },
    });
    const removed = await api.graphql(REMOVE, {
      token: org.adminToken,
      variables: { id: worker.globalId, roles: ['SUPPORT_WORKER'] },
    });

    expect(codes(granted)).toBeUndefined();
    expect(codes(removed)).toBeUndefined();
    expect(await rolesOf(api, worker.token)).toEqual(['VOLUNTEER']);
    const byOperation = async (subject: string, operation: string) =>
      (await eventsAbout(api, org, subject))
        .filter((event) => event.operation === operation && event.outcome === 'ALLOWED')
        .map((event) => ({ actor: event.actor.id, fields: event.fields }));
    expect(await byOperation(worker.staffId, 'assignRoles')).toEqual([
      { actor: org.adminStaffId, fields: ['VOLUNTEER'] },
    ]);
    expect(await byOperation(worker.staffId, 'removeRoles')).toEqual([
      { actor: org.adminStaffId, fields: ['SUPPORT_WORKER'] },
    ]);
    expect(await byOperation(clerk.staffId, 'addStaffMember')).toEqual([
      { actor: org.adminStaffId, fields: ['VOLUNTEER'] },
    ]);
  });

  it('adds no account administrator on one admin’s word: the new account waits for another admin', async () => {
    // Prepare: an organisation with one admin
    const org = await onboardTestOrganisation(api);

    // Act
    const added = await api.graphql(
      'mutation { addStaffMember(input: { handle: "second.self", displayName: "Second Self", roles: [ORG_ADMIN] }) { id } }',
      { token: org.adminToken },
    );

    // Assess: pending on the approver rule, and no account meanwhile
    expect(codes(added)).toEqual(['APPROVAL_REQUIRED']);
    const pending = await api.services.approvals.get(tenantScope(org.orgId), approvalIdOf(added) ?? '');
    expect(pending?.rule).toBe('identity.roles.approver');
    expect(await api.services.directory.staffByHandle(tenantScope(org.orgId), 'second.self')).toBeUndefined();
  });

  it('lets a second admin, not the admin concerned, approve an ORG_ADMIN role', async () => {
    // Prepare: two admins; the first proposes to make a volunteer an admin
    const org = await onboardTestOrganisation(api);
    const second = await secondAdmin(api, org);
    const volunteer = await addStaffThroughTheApi(api, org, ['VOLUNTEER']);
    const proposed = await api.graphql(ASSIGN, {
      token: org.adminToken,
      variables: { id: volunteer.globalId, roles: ['ORG_ADMIN'] },
    });

    // Act
    const approved = await api.graphql(APPROVE, {
      token: second.token,
      variables: { id: approvalIdOf(proposed) },
    });

    // Assess
    expect(codes(approved)).toBeUndefined();
    expect(await rolesOf(api, volunteer.token)).toEqual(['VOLUNTEER', 'ORG_ADMIN']);
  });

  it('leaves one admin no way to approve their own proposal through an admin account they made', async () => {
    // Prepare: one admin proposes a support worker account for themself to use
    const org = await onboardTestOrganisation(api);
    const proposed = await api.graphql(
      'mutation { addStaffMember(input: { handle: "own.worker", displayName: "Own Worker", roles: [SUPPORT_WORKER] }) { id } }',
      { token: org.adminToken },
    );
    const volunteer = await addStaffThroughTheApi(api, org, ['VOLUNTEER']);

    // Act: the admin tries to make an approver of their own: a volunteer made admin, or a new admin account
    const madeAdmin = await api.graphql(ASSIGN, {
      token: org.adminToken,
      variables: { id: volunteer.globalId, roles: ['ORG_ADMIN'] },
    });
    const approvedByVolunteer = await api.graphql(APPROVE, {
      token: volunteer.token,
      variables: { id: approvalIdOf(proposed) },
    });

    // Assess: the role waits for a second admin, and the volunteer may not approve
    expect(codes(proposed)).toEqual(['APPROVAL_REQUIRED']);
    expect(codes(madeAdmin)).toEqual(['APPROVAL_REQUIRED']);
    expect(codes(approvedByVolunteer)).toEqual(['FORBIDDEN']);
    expect(await api.services.directory.staffByHandle(tenantScope(org.orgId), 'own.worker')).toBeUndefined();
  });

  it('gives an ADMINISTRATOR, who reads the names and contact details of their services’ people, only with a second admin', async () => {
    // Prepare: a service with a person, and an account one admin puts on its team alone
    const world = await serviceWorld(api);
    const person = await registerServiceUser(api, world.manager, world.serviceId);
    const clerk = await addStaffThroughTheApi(api, world.org, ['VOLUNTEER']);
    expectNoErrors(
      await api.graphql(
        'mutation ($s: ID!, $m: ID!) { addServiceStaff(serviceId: $s, staffId: $m) { id } }',
        {
          token: world.org.adminToken,
          variables: { s: world.serviceId, m: clerk.globalId },
        },
      ),
    );
    const read = () =>
      api.graphql<{ serviceUser: { name: string } | null }>(
        'query ($id: ID!) { serviceUser(id: $id) { name } }',
        {
          token: clerk.token,
          variables: { id: person },
        },
      );

    // Act: the same admin makes the account an ADMINISTRATOR
    const proposed = await api.graphql(ASSIGN, {
      token: world.org.adminToken,
      variables: { id: clerk.globalId, roles: ['ADMINISTRATOR'] },
    });
    const before = await read();
    const approvalId = approvalIdOf(proposed);
    const approved = await api.graphql(APPROVE, {
      token: (await secondAdmin(api, world.org)).token,
      variables: { id: approvalId },
    });

    // Assess: it waits for a second admin, and the person is not the account's to read until then
    expect(codes(proposed)).toEqual(['APPROVAL_REQUIRED']);
    expect(before.data?.serviceUser ?? null).toBeNull();
    expect(codes(approved)).toBeUndefined();
    expect((await read()).data?.serviceUser?.name).toEqual(expect.any(String));
  });

  it('creates an account with a content role only when a second admin approves it, audited for that account', async () => {
    // Prepare
    const org = await onboardTestOrganisation(api);
    const second = await secondAdmin(api, org);

    // Act
    const proposed = await api.graphql(
      'mutation { addStaffMember(input: { handle: "sam.senior", displayName: "Sam Senior", roles: [SENIOR_MANAGER] }) { id } }',
      { token: org.adminToken },
    );
    const whilePending = await api.services.directory.staffByHandle(tenantScope(org.orgId), 'sam.senior');
    const approved = await api.graphql(APPROVE, {
      token: second.token,
      variables: { id: approvalIdOf(proposed) },
    });

    // Assess
    expect(codes(proposed)).toEqual(['APPROVAL_REQUIRED']);
    expect(whilePending).toBeUndefined();
    expect(codes(approved)).toBeUndefined();
    const staffId = await staffIdByHandle(api, org.orgId, 'sam.senior');
    const events = (await eventsAbout(api, org, staffId)).filter((e) => e.operation === 'addStaffMember');
    expect(events.map((event) => [event.outcome, event.actor.id, event.fields]).sort()).toEqual([
      ['ALLOWED', second.staffId, ['SENIOR_MANAGER']],
      ['APPROVAL_REQUESTED', org.adminStaffId, ['SENIOR_MANAGER']],
    ]);
    for (const event of events) expect(JSON.stringify(event)).not.toContain('Sam Senior');
    // The pending change held the display name only until it was decided.
    const decided = await api.services.approvals.get(tenantScope(org.orgId), approvalIdOf(proposed) ?? '');
    expect(decided?.status).toBe('APPROVED');
    expect(JSON.stringify(decided)).not.toContain('Sam Senior');
  });

  it('audits a deactivation before it happens, naming the account', async () => {
    const org = await onboardTestOrganisation(api);
    const volunteer = await addStaff(api, org, ['VOLUNTEER']);

    const result = await api.graphql(
      'mutation ($id: ID!) { deactivateStaff(input: { staffId: $id }) { status } }',
      { token: org.adminToken, variables: { id: volunteer.globalId } },
    );

    expect(result.data).toEqual({ deactivateStaff: { status: 'DEACTIVATED' } });
    const events = await eventsAbout(api, org, volunteer.staffId);
    expect(
      events.filter((e) => e.operation === 'deactivateStaff').map((e) => [e.action, e.outcome, e.actor.id]),
    ).toEqual([['ADMIN', 'ALLOWED', org.adminStaffId]]);
  });
});

describe('switching to GROUP_WIDE needs two people', () => {
  const api = testApi();

  it('is pending until the Caldicott Guardian approves; another admin cannot', async () => {
    // Prepare
    const org = await onboardTestOrganisation(api);
    const second = await secondAdmin(api, org);
    const guardian = await addStaff(api, org, ['CALDICOTT_GUARDIAN']);
    const before = await api.graphql<{ me: { organisation: { preset: string; version: number } } }>(
      ORGANISATION,
      { token: org.adminToken },
    );
    const version = before.data?.me.organisation.version;

    // Act
    const proposed = await api.graphql(PRESET, {
      token: org.adminToken,
      variables: { preset: 'GROUP_WIDE', v: version },
    });
    const approvalId = approvalIdOf(proposed);
    const byAdmin = await api.graphql(APPROVE, { token: second.token, variables: { id: approvalId } });
    const whilePending = await api.graphql<{ me: { organisation: { preset: string } } }>(ORGANISATION, {
      token: org.adminToken,
    });
    const byGuardian = await api.graphql(APPROVE, { token: guardian.token, variables: { id: approvalId } });
    const after = await api.graphql<{ me: { organisation: { preset: string; version: number } } }>(
      ORGANISATION,
      { token: org.adminToken },
    );
    const narrowed = await api.graphql(PRESET, {
      token: org.adminToken,
      variables: { preset: 'STRICT', v: after.data?.me.organisation.version },
    });

    // Assess
    expect(before.data?.me.organisation.preset).toBe('STRICT');
    expect(codes(proposed)).toEqual(['APPROVAL_REQUIRED']);
    expect(codes(byAdmin)).toEqual(['FORBIDDEN']);
    expect(whilePending.data?.me.organisation.preset).toBe('STRICT');
    expect(codes(byGuardian)).toBeUndefined();
    expect(after.data?.me.organisation.preset).toBe('GROUP_WIDE');
    expect(codes(narrowed)).toBeUndefined();
    const presetEvents = (await api.services.auditLog.byActor(tenantScope(org.orgId), org.adminStaffId))
      .concat(await api.services.auditLog.byActor(tenantScope(org.orgId), guardian.staffId))
      .filter((event) => event.operation === 'setAccessPreset')
      .map((event) => [event.actor.id, event.outcome, event.fields]);
    expect(presetEvents).toEqual(
      expect.arrayContaining([
        [org.adminStaffId, 'APPROVAL_REQUESTED', ['GROUP_WIDE']],
        [guardian.staffId, 'ALLOWED', ['GROUP_WIDE']],
        [org.adminStaffId, 'ALLOWED', ['STRICT']],
      ]),
    );
  });
});
