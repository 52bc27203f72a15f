import { randomUUID } from 'node:crypto';
import {
  forbidden,
  type OperatorPrincipal,
  type OrgId,
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
  /** The caller's own `x-request-id`, only when bounded (see {@link requestIdentity}); never an audit id. */
  readonly correlationId?: string | undefined;
  readonly services: ConfideServices;
  /**
   * Undefined when the request carried no valid token (`authError` then says why) — and until `authenticating`
   * has settled: read it only after awaiting that (root fields do, in the operation plugin).
   */
  readonly auth: Authenticated | undefined;
  /** Why the caller was not admitted: UNAUTHENTICATED, or a fault while their account was read. */
  readonly authError: Error | undefined;
  /**
   * Settles (never rejects) once the caller's principal has been read from the table or refused. The token itself
   * was verified before execution; the login lookup runs beside the request's first reads (issue 18).
   */
  readonly authenticating: Promise<void>;
  /** The organisation the verified token names, for reads started before the table confirms the caller. */
  readonly claimedOrgId: OrgId | undefined;
  /** The staff id a verified staff token names (with {@link claimedOrgId}), for the same early reads. */
  readonly claimedStaffId: string | undefined;
  /** The stated purpose of the request (`X-Access-Purpose` header or `@purpose` directive). */
  readonly purpose: string | undefined;
  /** Need-to-know decisions, relationship facts, batched reads and the audit trail of this request. */
  readonly access: RequestAccess;
}

/** A caller's `x-request-id` is kept only if it is this: short, and nothing but an id's characters. */
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,64}$/;
/** API Gateway's request ids are of this shape; anything else is not taken from the platform. */
const PLATFORM_REQUEST_ID = /^[A-Za-z0-9=_-]{1,64}$/;

/**
 * The request's id and the caller's correlation id (issue 17 item 2). The id comes from the platform (API Gateway's
 * `requestContext.requestId`, passed by the Lambda adapter as the server context's `event`) or is generated; it is
 * never taken from the caller. A caller's `x-request-id` is kept apart as a correlation id, and only when it is
 * bounded in length and charset: it cannot carry free text into anything that records it.
 */
export function requestIdentity(
  request: Request,
  serverContext: { event?: { requestContext?: { requestId?: unknown } } } = {},
): { requestId: string; correlationId: string | undefined } {
  const platform = serverContext.event?.requestContext?.requestId;
  const requestId =
    typeof platform === 'string' && PLATFORM_REQUEST_ID.test(platform) ? platform : randomUUID();
  const given = request.headers.get('x-request-id')?.trim();
  return { requestId, correlationId: given && CORRELATION_ID.test(given) ? given : undefined };
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
