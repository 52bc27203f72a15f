import { type TenantScope, tenantScope } from '../tenant-scope';
import { TenantKeyError } from '../tenant-table';

/**
 * The organisation of an item already read through the request's gateway (a note, a review), for writes whose
 * callers pass the record rather than the scope. Only sound for records whose `pk` was checked against the
 * request's organisation when they were read: a full key is checked again by the gateway it builds.
 */
export function scopeOfItem(pk: string): TenantScope {
  const match = /^ORG#([^#]+)#./.exec(pk);
  if (!match?.[1]) throw new TenantKeyError('key');
  return tenantScope(match[1]);
}
