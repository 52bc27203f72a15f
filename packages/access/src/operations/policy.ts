import type { Role } from '@confide/domain';
import type { ClientRelationFacts, StaffCallerFacts } from '../facts';
import { SERVICE_MANAGEMENT_ROLES } from '../rows';
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
 * One operation policy: a pure decision over {@link OperationFacts}, with a stable id (the policy clause it encodes
 * is in policy-clauses.ts, out of the bundles). `principals` lists who may ever run it; anyone else is refused
 * before anything is read.
 */
export interface OperationPolicy {
  readonly id: string;
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

/**
 * `policy`, for a list of governance work naming clients (reviews, holds, disclosure work): like every client read, it
 * is refused to a staff member who has not acknowledged the current confidentiality policy (Carers Trust 6.1), before
 * the policy decides.
 */
export function acknowledgedFirst<P extends OperationPolicy>(policy: P): P {
  return {
    ...policy,
    decide: (facts) => (staff(facts)?.acknowledgedPolicy === false ? unacknowledged : policy.decide(facts)),
  };
}

/** The caller's staff facts, or undefined for any other principal. */
export function staff(facts: OperationFacts): StaffCallerFacts | undefined {
  return facts.caller.kind === 'STAFF' ? facts.caller : undefined;
}

export function hasAnyRole(facts: OperationFacts, roles: readonly Role[]): boolean {
  const caller = staff(facts);
  return caller?.roles.some((role) => roles.includes(role)) ?? false;
}

/**
 * Defines a policy, filling in the defaults (staff only, no subject, no effects). It decides on the facts as
 * {@link countedLinks} weighs them, so no policy can count a manager link its caller's roles do not back.
 */
export function operationPolicy<Id extends string>(
  definition: { readonly id: Id } & Pick<OperationPolicy, 'decide'> & Partial<OperationPolicy>,
): OperationPolicy & { readonly id: Id } {
  const { decide, approvedBy } = definition;
  return {
    principals: ['STAFF'],
    subject: 'NONE',
    effects: {},
    ...definition,
    decide: (facts) => decide(countedLinks(facts)),
    ...(approvedBy ? { approvedBy: (approver: OperationFacts) => approvedBy(countedLinks(approver)) } : {}),
  };
}

/**
 * The facts with a recorded "manages the service" link counted only for a caller holding a management role
 * (SERVICE_MANAGEMENT_ROLES, Azure 4.1c), as the read matrix counts it (rows.ts): a link left on an account after a
 * demotion, or put on one without the role, opens no manager's operation. The link still makes the caller a member
 * of the service (`serviceMember`), as it does for reads.
 */
export function countedLinks(facts: OperationFacts): OperationFacts {
  if (facts.caller.kind !== 'STAFF' || hasAnyRole(facts, SERVICE_MANAGEMENT_ROLES)) return facts;
  const unmanaged = (relation: ClientRelationFacts): ClientRelationFacts =>
    relation.managesService ? { ...relation, managesService: false } : relation;
  return {
    ...facts,
    ...(facts.relation ? { relation: unmanaged(facts.relation) } : {}),
    ...(facts.service ? { service: { ...facts.service, manages: false } } : {}),
    ...(facts.managesAnyService === undefined ? {} : { managesAnyService: false }),
    ...(facts.change?.clients
      ? { change: { ...facts.change, clients: facts.change.clients.map(unmanaged) } }
      : {}),
  };
}

/** {@link operationPolicy}, {@link acknowledgedFirst}: a list of governance work naming clients. */
export function governanceListPolicy<Id extends string>(
  definition: { readonly id: Id } & Pick<OperationPolicy, 'decide'> & Partial<OperationPolicy>,
): OperationPolicy & { readonly id: Id } {
  return acknowledgedFirst(operationPolicy(definition));
}

/** A policy as the catalogue holds it: its id is a literal, so schema fields can only name real policies. */
export type NamedPolicy<Id extends string> = OperationPolicy & { readonly id: Id };

/** Staff holding any of `roles`; everyone else FORBIDDEN. */
export function staffWithRole<Id extends string>(
  id: Id,
  roles: readonly Role[],
  extra: Partial<Omit<OperationPolicy, 'id'>> = {},
): NamedPolicy<Id> {
  return operationPolicy({
    id,
    decide: (facts) => (hasAnyRole(facts, roles) ? allow(id) : refuse(id)),
    ...extra,
  });
}
