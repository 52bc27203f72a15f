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
  const adminStaffId = await staffIdByHandle(api, orgId, 'admin');
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

/** Adds a staff member through the API as the organisation's admin; returns their id and a token. */
export async function addStaff(
  api: TestApi,
  org: TestOrganisation,
  roles: Role[],
  handle = `staff-${randomBytes(3).toString('hex')}`,
): Promise<{ staffId: string; globalId: string; token: string }> {
  const result = await api.graphql<{ addStaffMember: { id: string } }>(
    `mutation ($input: AddStaffMemberInput!) { addStaffMember(input: $input) { id } }`,
    { token: org.adminToken, variables: { input: { handle, displayName: `Staff ${handle}`, roles } } },
  );
  expect(result.errors).toBeUndefined();
  const staffId = await staffIdByHandle(api, org.orgId, handle);
  return {
    staffId,
    globalId: result.data?.addStaffMember.id ?? '',
    token: await staffToken(api, org.orgId, staffId),
  };
}
