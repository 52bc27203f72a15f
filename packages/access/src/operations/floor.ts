import { CLASSIFICATIONS, type Classification, EMERGENCY_REASONS, ROLES, type Role } from '@confide/domain';
import { clientVisible, decideRead } from '../decide';
import type { ReadDecision } from '../decision';
import type { ClientRelationFacts } from '../facts';
import type { Invariant } from '../invariants';
import type { OperationDecision, OperationFacts } from './facts';
import { type AccessGrant, countedLinks, type OperationPolicy } from './policy';

/** Roles whose holder can read client content (ACCESS-MODEL.md); the rest are administrative. */
export const NON_CONTENT_ROLES: readonly Role[] = ['ORG_ADMIN', 'ADMINISTRATOR', 'VOLUNTEER'];
export const CONTENT_ROLES: readonly Role[] = ROLES.filter((role) => !NON_CONTENT_ROLES.includes(role));

/** One operation decision of the enumerated space. */
export interface OperationRequest {
  readonly policy: OperationPolicy;
  readonly facts: OperationFacts;
}

const runs = (decision: OperationDecision) => decision.effect === 'ALLOW';
const proposes = (decision: OperationDecision) =>
  decision.effect === 'ALLOW' || decision.effect === 'APPROVAL_REQUIRED';

/**
 * THE ONE PLACE listing the operation floor: what no operation policy may ever decide, whatever the facts.
 * `operations-floor.test.ts` checks each on every decision of every policy over the enumerated fact space.
 */
export const OPERATION_INVARIANTS: readonly Invariant<OperationRequest, OperationDecision>[] = [
  {
    id: 'op.operators-see-nothing',
    clause: 'ACCESS-MODEL.md Operators see nothing; DESIGN.md the operator is a processor',
    holds: ({ policy, facts }, decision) =>
      facts.caller.kind !== 'OPERATOR' ||
      !proposes(decision) ||
      (policy.subject === 'NONE' && !policy.effects.readsClientContent),
  },
  {
    id: 'op.no-own-roles',
    clause: 'Issue 14; ACCESS-MODEL.md Separation of duties: nobody changes their own roles',
    holds: ({ policy, facts }, decision) =>
      !(policy.effects.changesRoles || policy.effects.grants === 'ROLE') ||
      facts.targetIsCaller !== true ||
      !proposes(decision),
  },
  {
    id: 'op.two-person',
    clause: 'Issue 14: nothing irreversible happens on one person’s word',
    holds: ({ policy, facts }, decision) =>
      facts.approved ||
      !runs(decision) ||
      !(
        policy.effects.irreversible ||
        facts.change?.grantsContentRole ||
        facts.change?.grantsApproverRole ||
        facts.change?.widensPreset ||
        facts.change?.expiresImmediately
      ),
  },
  {
    id: 'op.acknowledgement',
    clause: 'Carers Trust 6.1; ACCESS-MODEL.md Policy acknowledgement gate',
    holds: ({ policy, facts }, decision) =>
      policy.subject !== 'CLIENT' ||
      facts.caller.kind !== 'STAFF' ||
      facts.caller.acknowledgedPolicy ||
      !proposes(decision),
  },
  {
    id: 'op.existence-hiding',
    clause: 'ACCESS-MODEL.md Existence hiding; Lets connect 4.3',
    holds: ({ policy, facts }, decision) =>
      policy.subject !== 'CLIENT' ||
      (facts.relation !== undefined && clientVisible(facts.caller, facts.relation, facts.preset)) ||
      !proposes(decision),
  },
  {
    id: 'op.no-self-grant',
    clause: 'Issue 14: no single person gains access to a record they have no relationship with',
    holds: ({ policy, facts }, decision) =>
      policy.effects.grants === undefined ||
      policy.effects.grants === 'EMERGENCY' ||
      !facts.change?.grantsCallerAccess ||
      facts.approved ||
      !runs(decision) ||
      hasRelationship(facts),
  },
];

/** Whether the caller already holds a relationship to the client (ACCESS-MODEL.md, Relationships). */
function hasRelationship(raw: OperationFacts): boolean {
  // A manager link counts only with a management role, as the policies weigh it.
  const facts = countedLinks(raw);
  const relation = facts.relation;
  if (facts.caller.kind !== 'STAFF') return false;
  if (facts.caller.roles.includes('SENIOR_MANAGER')) return true;
  if (facts.service?.manages) return true;
  return (
    relation !== undefined &&
    (relation.allocated || relation.managesService || relation.qaReview || relation.investigation)
  );
}

/** A staff member's standing towards one client: what the reachability proof moves between. */
export interface Standing {
  readonly roles: readonly Role[];
  readonly relation: ClientRelationFacts;
  readonly preset: 'STRICT' | 'GROUP_WIDE';
}

/** The facts a policy sees when the caller runs a granting operation on themself from `standing`. */
export function selfGrantFacts(policy: OperationPolicy, standing: Standing): OperationFacts {
  const caller = { kind: 'STAFF' as const, roles: standing.roles, acknowledgedPolicy: true };
  const base = { caller, preset: standing.preset, approved: false };
  const grantsContentRole = policy.effects.grants === 'ROLE';
  const change = {
    grantsCallerAccess: true,
    grantsContentRole,
    widensPreset: policy.effects.grants === 'PRESET',
  };
  switch (policy.subject) {
    case 'CLIENT':
      return { ...base, relation: standing.relation, change };
    case 'STAFF':
      return { ...base, targetIsCaller: true, change };
    case 'SERVICE':
      return {
        ...base,
        service: {
          manages: standing.relation.managesService,
          member: standing.relation.serviceMember || standing.relation.managesService,
        },
        change,
      };
    default:
      return { ...base, change };
  }
}

/** The standing after a granting operation the caller ran on themself. */
export function applyGrant(grant: AccessGrant, standing: Standing): Standing[] {
  const relation = standing.relation;
  switch (grant) {
    case 'ROLE':
      return CONTENT_ROLES.filter((role) => !standing.roles.includes(role)).map((role) => ({
        ...standing,
        roles: [...standing.roles, role],
      }));
    case 'ALLOCATION':
      return [{ ...standing, relation: { ...relation, allocated: true } }];
    case 'SERVICE_MANAGER':
      return [{ ...standing, relation: { ...relation, managesService: true, serviceMember: true } }];
    case 'SERVICE_MEMBER':
      return [{ ...standing, relation: { ...relation, serviceMember: true } }];
    case 'QA_REVIEW':
      return [{ ...standing, relation: { ...relation, qaReview: true } }];
    case 'INVESTIGATION':
      return [{ ...standing, relation: { ...relation, investigation: true } }];
    case 'PRESET':
      return [{ ...standing, preset: 'GROUP_WIDE' }];
    case 'EMERGENCY':
      return EMERGENCY_REASONS.map((reason) => ({
        ...standing,
        relation: { ...relation, emergency: reason },
      }));
  }
}

const key = (standing: Standing) =>
  JSON.stringify([[...standing.roles].sort(), standing.relation, standing.preset]);

/** Every standing a caller reaches from `start` by operations the policies let them run alone. */
export function reachableAlone(policies: readonly OperationPolicy[], start: Standing): Standing[] {
  const granting = policies.filter((policy) => policy.effects.grants !== undefined);
  const seen = new Map<string, Standing>([[key(start), start]]);
  const queue = [start];
  for (let standing = queue.shift(); standing; standing = queue.shift()) {
    for (const policy of granting) {
      if (!policy.principals.includes('STAFF')) continue;
      if (policy.decide(selfGrantFacts(policy, standing)).effect !== 'ALLOW') continue;
      for (const next of applyGrant(policy.effects.grants as AccessGrant, standing)) {
        if (seen.has(key(next))) continue;
        seen.set(key(next), next);
        queue.push(next);
      }
    }
  }
  return [...seen.values()];
}

function reads(decision: ReadDecision): boolean {
  return decision.effect === 'ALLOW' || decision.effect === 'JUSTIFICATION_REQUIRED';
}

/** The client classifications the standing reads (freely or with a purpose), and on which relationship. */
export function readsFrom(standing: Standing): Map<Classification, ReadDecision> {
  const readable = new Map<Classification, ReadDecision>();
  for (const classification of CLASSIFICATIONS) {
    if (classification === 'STAFF_PERSONAL') continue;
    const decision = decideRead({
      caller: { kind: 'STAFF', roles: standing.roles, acknowledgedPolicy: true },
      relation: standing.relation,
      item: { sealed: false, namedStaff: false, withheldFromSubject: false, grantedToPartner: false },
      classification,
      preset: standing.preset,
      purpose: 'stated',
    });
    if (reads(decision)) readable.set(classification, decision);
  }
  return readable;
}
