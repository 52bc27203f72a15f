import type { Role } from './access-vocabulary';
import type { OrgId } from './ids';

/** A staff member of exactly one organisation. Roles come from the table, never from the token. */
export interface StaffPrincipal {
  readonly kind: 'STAFF';
  readonly orgId: OrgId;
  readonly staffId: string;
  readonly roles: readonly Role[];
}

/** A service user looking at their own record (SELF). */
export interface ServiceUserPrincipal {
  readonly kind: 'SERVICE_USER';
  readonly orgId: OrgId;
  readonly serviceUserId: string;
}

/** A partner agency's client-credentials app, bound to one organisation's partner record. */
export interface PartnerPrincipal {
  readonly kind: 'PARTNER';
  readonly orgId: OrgId;
  readonly partnerId: string;
}

/** A platform operator: onboards and offboards organisations, reads no tenant data. */
export interface OperatorPrincipal {
  readonly kind: 'OPERATOR';
  readonly operatorId: string;
}

export type Principal = StaffPrincipal | ServiceUserPrincipal | PartnerPrincipal | OperatorPrincipal;
export type TenantPrincipal = Exclude<Principal, OperatorPrincipal>;

export function isTenantPrincipal(principal: Principal): principal is TenantPrincipal {
  return principal.kind !== 'OPERATOR';
}
