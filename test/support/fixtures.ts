import { randomBytes } from 'node:crypto';
import type { AccessPreset, OrgId, Role } from '@confide/domain';
import { tenantScope } from '@confide/store';
import { expect } from 'vitest';
import type { TestApi } from './test-api';

export interface TestOrganisation {
  readonly orgId: OrgId;
  readonly slug: string;
  readonly adminStaffId: string;
  readonly adminToken: string;
}

/**
 * A query only platform operators may run, reading one organisation: for tests about operators themselves (their
 * status, rate limits, tokens). The `organisations` list would read every organisation in the shared stack, one
 * GetItem each, so its cost grew with the run (2,300-3,800 reads for one test file's fifteen requests late in a run).
 */
export const OPERATOR_ONLY_QUERY = '{ organisationsConnection(first: 1) { edges { node { id slug } } } }';

/** A unique slug per call, so every test works in an organisation of its own. */
export function uniqueSlug(prefix = 'test'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** Onboards a fresh organisation through the operator mutation and returns its first admin's token. */
export async function onboardTestOrganisation(
  api: TestApi,
  options: { preset?: AccessPreset; name?: string } = {},
): Promise<TestOrganisation> {
  const slug = uniqueSlug();
  const result = await api.graphql<{
    onboardOrganisation: { organisation: { id: string }; firstAdmin: { id: string } };
  }>(
    `mutation ($input: OnboardOrganisationInput!) {
      onboardOrganisation(input: $input) { organisation { id } firstAdmin { id } }
    }`,
    {
      token: await api.operatorToken(),
      variables: {
        input: {
          name: options.name ?? `Test charity ${slug}`,
          slug,
          preset: options.preset ?? 'STRICT',
          firstAdminHandle: 'admin',
          firstAdminDisplayName: 'Ada Admin',
        },
      },
    },
  );
  expect(result.errors).toBeUndefined();
  const orgId = result.data?.onboardOrganisation.organisation.id as OrgId;
  const adminStaffId = localIdOf(result.data?.onboardOrganisation.firstAdmin.id ?? '');
  return { orgId, slug, adminStaffId, adminToken: await staffToken(api, orgId, adminStaffId) };
}

export async function staffIdByHandle(api: TestApi, orgId: OrgId, handle: string): Promise<string> {
  const staff = await api.services.directory.staffByHandle(tenantScope(orgId), handle);
  if (!staff) throw new Error(`No staff ${handle}`);
  return staff.staffId;
}

/** A token for a staff member, signed by the local issuer for their identity-provider subject. */
export async function staffToken(api: TestApi, orgId: OrgId, staffId: string): Promise<string> {
  const staff = await api.services.directory.staff(tenantScope(orgId), staffId);
  if (!staff) throw new Error('No such staff member');
  return api.token({ sub: staff.externalSubject, org_id: orgId, staff_id: staff.staffId });
}

/** The local id inside a Relay global id (for a note: `<clientId>.<noteId>`). */
export function localIdOf(global: string): string {
  const decoded = Buffer.from(global, 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1);
}

/** A note's own id inside its global id (base64 of `CareNote:<clientId>.<noteId>`), as the register stores it. */
export function localNoteIdOf(globalId: string): string {
  return localIdOf(globalId).split('.')[1] ?? '';
}

/** A Relay global id, as the API gives it. */
export function globalIdOf(typename: string, id: string): string {
  return Buffer.from(`${typename}:${id}`, 'utf8').toString('base64');
}

/** The approvalId of a change the API answered APPROVAL_REQUIRED, or undefined. */
export function approvalIdOf(result: {
  errors?: { extensions?: Record<string, unknown> }[] | undefined;
}): string | undefined {
  const error = result.errors?.find((entry) => entry.extensions?.code === 'APPROVAL_REQUIRED');
  const id = error?.extensions?.approvalId;
  return typeof id === 'string' ? id : undefined;
}

const secondAdmins = new Map<string, Promise<{ staffId: string; token: string }>>();

/**
 * A second ORG_ADMIN of the organisation (added once), who approves the changes the first admin proposes under the
 * two-person rule. One admin cannot make another alone (decision 0081): the operator names the second at onboarding,
 * which this fixture stands for by adding the account through the directory.
 */
export function secondAdmin(
  api: TestApi,
  org: TestOrganisation,
): Promise<{ staffId: string; token: string }> {
  let admin = secondAdmins.get(org.orgId);
  if (!admin) {
    admin = addStaff(api, org, ['ORG_ADMIN'], `approver-${randomBytes(3).toString('hex')}`);
    secondAdmins.set(org.orgId, admin);
  }
  return admin;
}

/** Approves a pending change as `token`'s holder; fails the test if that is refused. */
export async function approve(api: TestApi, approvalId: string, token: string): Promise<void> {
  const result = await api.graphql('mutation ($id: ID!) { approveChange(approvalId: $id) { status } }', {
    token,
    variables: { id: approvalId },
  });
  expect(result.errors).toBeUndefined();
}

/**
 * Adds a staff member as the organisation's directory does (what `addStaffMember` runs once its policy, audit and,
 * for a role that opens client content, a second admin's approval allow it): a fixture sets the scene, and the
 * API's own path costs 16 DynamoDB calls where this costs 2. Tests of adding staff call the mutation itself.
 * Returns their id and a token.
 */
export async function addStaff(
  api: TestApi,
  org: TestOrganisation,
  roles: Role[],
  handle = `staff-${randomBytes(3).toString('hex')}`,
): Promise<{ staffId: string; globalId: string; token: string }> {
  const staff = await api.services.directory.addStaff(tenantScope(org.orgId), {
    handle,
    displayName: `Staff ${handle}`,
    roles,
  });
  return {
    staffId: staff.staffId,
    globalId: globalIdOf('StaffMember', staff.staffId),
    token: await api.token({ sub: staff.externalSubject, org_id: org.orgId, staff_id: staff.staffId }),
  };
}

/**
 * Adds a staff member through `addStaffMember` as the organisation's admin, with the second admin's approval when a
 * role opens client content: for tests about what adding staff leaves behind (its audit events, its approval).
 */
export async function addStaffThroughTheApi(
  api: TestApi,
  org: TestOrganisation,
  roles: Role[],
  handle = `staff-${randomBytes(3).toString('hex')}`,
): Promise<{ staffId: string; globalId: string; token: string }> {
  const result = await api.graphql<{ addStaffMember: { id: string } }>(
    `mutation ($input: AddStaffMemberInput!) { addStaffMember(input: $input) { id } }`,
    { token: org.adminToken, variables: { input: { handle, displayName: `Staff ${handle}`, roles } } },
  );
  const approvalId = approvalIdOf(result);
  if (approvalId) await approve(api, approvalId, (await secondAdmin(api, org)).token);
  else expect(result.errors).toBeUndefined();
  const staffId = await staffIdByHandle(api, org.orgId, handle);
  return {
    staffId,
    globalId: globalIdOf('StaffMember', staffId),
    token: await staffToken(api, org.orgId, staffId),
  };
}

/**
 * The organisation's integrity incidents include one for an item that failed its check (decision 0030): `itemKind`,
 * and `subjectId` when given (others may be there too: see each test for an exact list where it matters).
 */
export async function expectTamperedState(
  api: Pick<TestApi, 'services'>,
  orgId: string,
  itemKind: string,
  subjectId?: string,
): Promise<void> {
  expect(await api.services.integrityIncidents.list(tenantScope(orgId))).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ kind: 'TAMPERED_STATE', itemKind, ...(subjectId ? { subjectId } : {}) }),
    ]),
  );
}
