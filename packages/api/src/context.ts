import {
  type ConfideError,
  forbidden,
  type OperatorPrincipal,
  type Role,
  type StaffPrincipal,
  unauthenticated,
} from '@confide/domain';
import { type TenantScope, tenantScope } from '@confide/store';
import type { RequestAccess } from './access/request-access';
import type { Authenticated } from './authentication';
import type { ConfideServices } from './services';

/**
 * Per-request state. A new one is built for every request (scope-auth caches per context object, and Lambda
 * keeps module state between invocations).
 */
export interface ConfideContext {
  readonly requestId: string;
  readonly services: ConfideServices;
  /** Undefined when the request carried no valid token; `authError` then says why. */
  readonly auth: Authenticated | undefined;
  readonly authError: ConfideError | undefined;
  /** The stated purpose of the request (`X-Access-Purpose` header or `@purpose` directive). */
  readonly purpose: string | undefined;
  /** Need-to-know decisions, relationship facts, batched reads and the audit trail of this request. */
  readonly access: RequestAccess;
}

export function authenticated(context: ConfideContext): Authenticated {
  if (!context.auth) throw context.authError ?? unauthenticated();
  return context.auth;
}

export function staffPrincipal(context: ConfideContext): StaffPrincipal {
  const { principal } = authenticated(context);
  if (principal.kind !== 'STAFF') throw forbidden();
  return principal;
}

export function operatorPrincipal(context: ConfideContext): OperatorPrincipal {
  const { principal } = authenticated(context);
  if (principal.kind !== 'OPERATOR') throw forbidden();
  return principal;
}

/** The tenant scope of a staff, service-user or partner caller; operators have none. */
export function callerScope(context: ConfideContext): TenantScope {
  const { principal } = authenticated(context);
  if (principal.kind === 'OPERATOR') throw forbidden();
  return tenantScope(principal.orgId);
}

export function hasRole(context: ConfideContext, role: Role): boolean {
  const principal = context.auth?.principal;
  return principal?.kind === 'STAFF' && principal.roles.includes(role);
}
