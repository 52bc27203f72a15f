import type { Role } from '@confide/domain';
import type { StaffCallerFacts } from '../facts';
import type { ChangeFacts, OperationDecision, OperationFacts, PrincipalKind, SubjectKind } from './facts';

/** What running an operation can do that the provable floor reasons about. */
export interface OperationEffects {
  /** Changes someone's roles. Nobody changes their own. */
  readonly changesRoles?: boolean;
  /** Creates a relationship, team membership or role that opens client records to someone. */
  readonly grantsAccess?: boolean;
  /** Cannot be taken back (erasure, sending an invitation, releasing data, a preset widening everyone's view). */
  readonly irreversible?: boolean;
  /** Returns the content of a client's record outside the field-level need-to-know (an export). */
  readonly readsClientContent?: boolean;
  /** Changes anything at all (mutations). */
  readonly writes?: boolean;
  /**
   * The access it creates for the person it names, for the floor's reachability proof: a role, an allocation to
   * the client, a service's management or team, a QA review of a service, an investigation, a wider preset, a
   * break-glass grant.
   */
  readonly grants?: AccessGrant;
}

/** The kinds of access an operation can create (see {@link OperationEffects.grants}). */
export const ACCESS_GRANTS = [
  'ROLE',
  'ALLOCATION',
  'SERVICE_MANAGER',
  'SERVICE_MEMBER',
  'QA_REVIEW',
  'INVESTIGATION',
  'PRESET',
  'EMERGENCY',
] as const;
export type AccessGrant = (typeof ACCESS_GRANTS)[number];

/**
 * One operation policy: a pure decision over {@link OperationFacts}, with a stable id and the policy clause it
 * encodes. `principals` lists who may ever run it; anyone else is refused before anything is read.
 */
export interface OperationPolicy {
  readonly id: string;
  readonly clause: string;
  readonly principals: readonly PrincipalKind[];
  readonly subject: SubjectKind;
  readonly effects: OperationEffects;
  /** The argument facts (`ChangeFacts`) it decides on; the api supplies them through `operation.change`. */
  readonly changeFacts?: readonly (keyof ChangeFacts)[];
  readonly decide: (facts: OperationFacts) => OperationDecision;
  /**
   * For a decision of `APPROVAL_REQUIRED`: whether this second person may approve (the api has already
   * checked they are not the proposer and, for `STAFF` operations, not the staff member concerned).
   */
  readonly approvedBy?: (approver: OperationFacts) => boolean;
}

export const allow = (rule: string): OperationDecision => ({ effect: 'ALLOW', rule });
export const refuse = (rule: string): OperationDecision => ({ effect: 'FORBIDDEN', rule });
export const hidden = (rule: string): OperationDecision => ({ effect: 'NOT_FOUND', rule });
export const needsApproval = (rule: string): OperationDecision => ({ effect: 'APPROVAL_REQUIRED', rule });
export const unacknowledged: OperationDecision = {
  effect: 'POLICY_NOT_ACKNOWLEDGED',
  rule: 'policy.acknowledgement',
};

/** The caller's staff facts, or undefined for any other principal. */
export function staff(facts: OperationFacts): StaffCallerFacts | undefined {
  return facts.caller.kind === 'STAFF' ? facts.caller : undefined;
}

export function hasAnyRole(facts: OperationFacts, roles: readonly Role[]): boolean {
  const caller = staff(facts);
  return caller?.roles.some((role) => roles.includes(role)) ?? false;
}

/** Defines a policy, filling in the defaults (staff only, no subject, no effects). */
export function operationPolicy<Id extends string>(
  definition: { readonly id: Id } & Pick<OperationPolicy, 'clause' | 'decide'> & Partial<OperationPolicy>,
): OperationPolicy & { readonly id: Id } {
  return { principals: ['STAFF'], subject: 'NONE', effects: {}, ...definition };
}

/** A policy as the catalogue holds it: its id is a literal, so schema fields can only name real policies. */
export type NamedPolicy<Id extends string> = OperationPolicy & { readonly id: Id };

/** Staff holding any of `roles`; everyone else FORBIDDEN. */
export function staffWithRole<Id extends string>(
  id: Id,
  clause: string,
  roles: readonly Role[],
  extra: Partial<Omit<OperationPolicy, 'id'>> = {},
): NamedPolicy<Id> {
  return operationPolicy({
    id,
    clause,
    decide: (facts) => (hasAnyRole(facts, roles) ? allow(id) : refuse(id)),
    ...extra,
  });
}
