import { newId, newOrgId, type OrgId } from '@confide/domain';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { OrganisationDirectory } from './organisation-directory';
import { platformKey, type TenantScope, tenantScope } from './tenant-scope';

describe('tenantScope', () => {
  const orgId = newOrgId();

  it.each([
    ['an empty string', ''],
    ['a short org id', 'org_x'],
    ['a key prefix instead of an id', `ORG#${orgId}#`],
    ['a key prefix without the trailing #', `ORG#${orgId}`],
    ['a staff id of the right length', `stf_${'a'.repeat(26)}`],
    ['a service user id', newId('serviceUser')],
    ['an org id with a # inside', `${orgId.slice(0, 10)}#${orgId.slice(11)}`],
    ['an org id with a # appended', `${orgId}#`],
    ['an org id with a * (wildcard) appended', `${orgId}*`],
    ['an org id one character short (a prefix of a real one)', orgId.slice(0, -1)],
    ['an upper-case org id', orgId.toUpperCase()],
  ])('refuses %s', (_label, value) => {
    expect(() => tenantScope(value)).toThrow(TypeError);
  });

  it('carries the organisation id', () => {
    const scope = tenantScope(orgId);

    expect(scope.orgId).toBe(orgId);
  });

  it('builds every key as ORG#<orgId>#<parts joined by #>', () => {
    const scope = tenantScope(orgId);
    const staffId = newId('staff');

    const keys = [
      scope.key('ORG'),
      scope.key('STAFF'),
      scope.key('STAFF', staffId),
      scope.key('HANDLE', 'ab12'),
    ];

    for (const key of keys) expect(key.startsWith(`ORG#${orgId}#`)).toBe(true);
    expect(keys).toEqual([
      `ORG#${orgId}#ORG`,
      `ORG#${orgId}#STAFF`,
      `ORG#${orgId}#STAFF#${staffId}`,
      `ORG#${orgId}#HANDLE#ab12`,
    ]);
  });

  it.each([
    ['no parts', []],
    ['an empty part', ['STAFF', '']],
    ['an empty first part', ['']],
    ['a part containing #', ['STAFF', 'stf_1#PROFILE']],
    ['a part that is only #', ['#']],
    ['a part that would climb into another organisation', ['#ORG', 'org_other']],
  ])('refuses a key with %s', (_label, parts) => {
    const scope = tenantScope(orgId);

    expect(() => scope.key(...parts)).toThrow(TypeError);
  });

  it('never builds a key of one organisation that starts with another’s prefix', () => {
    const ids = Array.from({ length: 200 }, () => newOrgId());
    const scopes = ids.map((id) => tenantScope(id));

    const leaks = scopes.flatMap((scope) =>
      ids
        .filter((other) => other !== scope.orgId)
        .filter((other) => scope.key('STAFF', 'x').startsWith(`ORG#${other}`)),
    );

    expect(leaks).toEqual([]);
  });

  it('is frozen: neither its organisation nor its key builder can be swapped', () => {
    const scope = tenantScope(orgId);
    const other = newOrgId();

    expect(Object.isFrozen(scope)).toBe(true);
    expect(() => Object.assign(scope, { orgId: other })).toThrow(TypeError);
    expect(scope.key('ORG')).toBe(`ORG#${orgId}#ORG`);
  });

  it('keeps the platform registry outside every organisation prefix', () => {
    expect(platformKey.organisations.startsWith('ORG#')).toBe(false);
    expect(platformKey.slug('acme').startsWith('ORG#')).toBe(false);
  });
});

/**
 * Store calls need a tenant scope. Proved by the type-check that `npm test` runs (`npm run check`), not by a test:
 * this function is never called, and the check fails if a call below compiles or a parameter is not a TenantScope.
 */
export function storeCallsNeedATenantScope(directory: OrganisationDirectory, orgId: OrgId): void {
  // @ts-expect-error a staff member can only be read within a tenant scope
  void directory.staff(`stf_${'a'.repeat(26)}`);
  // @ts-expect-error an organisation id is not a scope
  void directory.staff(orgId, `stf_${'a'.repeat(26)}`);
  // @ts-expect-error a plain string is not a scope
  void directory.listStaff('org_aaaaaaaaaaaaaaaaaaaaaaaaaa');
  // @ts-expect-error a key cannot be built from an object without the key builder
  void directory.listStaff({ orgId });
  expectTypeOf<Parameters<OrganisationDirectory['staff']>[0]>().toEqualTypeOf<TenantScope>();
  expectTypeOf<Parameters<OrganisationDirectory['listStaff']>[0]>().toEqualTypeOf<TenantScope>();
  expectTypeOf<Parameters<OrganisationDirectory['addStaff']>[0]>().toEqualTypeOf<TenantScope>();
  expectTypeOf<Parameters<OrganisationDirectory['updateStaff']>[0]>().toEqualTypeOf<TenantScope>();
  expectTypeOf<Parameters<OrganisationDirectory['staffByHandle']>[0]>().toEqualTypeOf<TenantScope>();
  expectTypeOf<Parameters<OrganisationDirectory['linkIdentity']>[0]>().toEqualTypeOf<TenantScope>();
}
