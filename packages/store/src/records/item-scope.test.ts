import { newOrgId } from '@confide/domain';
import { describe, expect, it } from 'vitest';
import { tenantScope } from '../tenant-scope';
import { TenantKeyError } from '../tenant-table';
import { scopeOfItem } from './item-scope';

describe('scopeOfItem', () => {
  it('gives the organisation of a tenant key', () => {
    const orgId = newOrgId();
    const scope = scopeOfItem(tenantScope(orgId).key('CLIENT', 'su_x'));
    expect(scope.orgId).toBe(orgId);
    expect(scope.key('CLIENT', 'su_x')).toBe(`ORG#${orgId}#CLIENT#su_x`);
  });

  it('refuses platform keys, bare prefixes and malformed organisation ids', () => {
    expect(() => scopeOfItem('PLATFORM#ORGANISATIONS')).toThrow(TenantKeyError);
    expect(() => scopeOfItem(`ORG#${newOrgId()}#`)).toThrow(TenantKeyError);
    expect(() => scopeOfItem('ORG#org_short#CLIENT#x')).toThrow();
  });
});
