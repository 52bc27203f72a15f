import type { Role } from '@confide/domain';
import { clientVisible } from '../../decide';
import type { ClientRelationFacts } from '../../facts';
import type { OperationDecision, OperationFacts } from '../facts';
import {
  allow,
  governanceListPolicy,
  hasAnyRole,
  hidden,
  operationPolicy,
  refuse,
  staff,
  unacknowledged,
} from '../policy';
import { clientPolicy } from './common';

/** Who declares a conflict of interest for someone else, and who clears one (ACCESS-MODEL.md, Rules). */
const CONFLICT_MANAGER_ROLES: readonly Role[] = ['HR_OFFICER', 'SENIOR_MANAGER'];
/** Who reads a client's access log beyond the service's managers (DATA-PROTECTION.md, Access audit). */
const ACCESS_LOG_ROLES: readonly Role[] = ['IG_LEAD', 'CALDICOTT_GUARDIAN'];
/** Who reviews every emergency access, whatever the service (a service manager reviews their own services'). */
export const BREAK_GLASS_REVIEWERS: readonly Role[] = ['CALDICOTT_GUARDIAN', 'IG_LEAD'];

/** The rule an allowed event names: `prefix.QUALIFIER` when the change gives one (`conflict.RELATIVE`). */
const qualified = (prefix: string, facts: OperationFacts, otherwise: string): string =>
  facts.change?.detail ? `${prefix}.${facts.change.detail}` : otherwise;

/** The service's managers, HR and senior managers manage conflicts of interest for others. */
const managesConflicts = (facts: OperationFacts): boolean =>
  facts.relation?.managesService === true || hasAnyRole(facts, CONFLICT_MANAGER_ROLES);

/** Every client an investigation names: its subject and the others its change lists. */
const namedClients = (facts: OperationFacts): ClientRelationFacts[] => [
  ...(facts.relation ? [facts.relation] : []),
  ...(facts.change?.clients ?? []),
];

const clearConflict = clientPolicy({
  id: 'conflict.clear',
  effects: { writes: true },
  decide: (facts) => (managesConflicts(facts) ? allow('conflict.cleared') : refuse('conflict.managers')),
});

/**
 * Access governance: conflicts of interest, safeguarding investigations, break-glass and its review, and the
 * caller's view of why they can or cannot read a client and who read it.
 */
export const ACCESS_GOVERNANCE_POLICIES = [
  // ── Conflicts of interest ──────────────────────────────────────────────────────────────────────────────
  clientPolicy({
    id: 'conflict.declare',
    effects: { writes: true },
    changeFacts: ['namesCaller', 'detail'],
    decide: (facts) =>
      facts.change?.namesCaller || managesConflicts(facts)
        ? allow(qualified('conflict', facts, 'conflict.declared'))
        : refuse('conflict.managers'),
  }),
  operationPolicy({
    id: 'conflict.clear',
    subject: 'CLIENT',
    effects: { writes: true },
    changeFacts: ['namesCaller'],
    decide: (facts) => {
      // The person it concerns is told no, not that the client is unknown: the conflict hides the client from
      // them, and they know of it. Anyone else who may not know the client exists is told NOT_FOUND.
      const caller = staff(facts);
      const knows =
        caller?.acknowledgedPolicy === true &&
        facts.relation !== undefined &&
        (facts.relation.conflict || clientVisible(facts.caller, facts.relation, facts.preset));
      if (facts.change?.namesCaller && knows) return refuse('conflict.self-clear');
      return clearConflict.decide(facts);
    },
  }),

  // ── Safeguarding investigations ────────────────────────────────────────────────────────────────────────
  clientPolicy({
    id: 'investigation.open',
    effects: { writes: true, grantsAccess: true, grants: 'INVESTIGATION' },
    changeFacts: ['grantsCallerAccess', 'clients'],
    decide: (facts): OperationDecision => {
      const clients = namedClients(facts);
      if (!clients.every((relation) => clientVisible(facts.caller, relation, facts.preset))) {
        return hidden('existence.no-relationship');
      }
      const senior = hasAnyRole(facts, ['SENIOR_MANAGER']);
      const managesAll = clients.every((relation) => relation.managesService);
      if (facts.change?.grantsCallerAccess && !senior && !managesAll) return refuse('investigation.self');
      return senior || managesAll ? allow('investigation.opened') : refuse('investigation.managers');
    },
  }),

  clientPolicy({
    id: 'investigation.close',
    effects: { writes: true },
    changeFacts: ['namesCaller', 'clients'],
    decide: (facts): OperationDecision => {
      const clients = namedClients(facts);
      if (!clients.every((relation) => clientVisible(facts.caller, relation, facts.preset))) {
        return hidden('existence.no-relationship');
      }
      if (hasAnyRole(facts, ['SENIOR_MANAGER']) || clients.every((relation) => relation.managesService)) {
        return allow('investigation.closed');
      }
      if (facts.change?.namesCaller) return allow('investigation.closed-by-investigator');
      return refuse('investigation.managers');
    },
  }),

  // ── Break-glass and its review ─────────────────────────────────────────────────────────────────────────
  // Break-glass is the one sanctioned single-person route to a client the caller has no relationship with
  // (ACCESS-MODEL.md, Rules): its subject is not a CLIENT, because the client is by design not yet the caller's
  // to know; the api gives the caller's relationship to it as the change's `clients`. Every read under it is
  // audited as EMERGENCY_ACCESS and a review is raised.
  operationPolicy({
    id: 'emergency.open',
    effects: { writes: true, grantsAccess: true, grants: 'EMERGENCY' },
    changeFacts: ['clients', 'detail'],
    decide: (facts): OperationDecision => {
      const caller = staff(facts);
      if (!caller) return refuse('emergency.staff');
      if (!caller.acknowledgedPolicy) return unacknowledged;
      const relation = facts.change?.clients?.[0];
      if (!relation) return refuse('emergency.client');
      if (relation.conflict) return refuse('emergency.conflict');
      return { ...allow(qualified('emergency', facts, 'emergency.opened')), relationship: 'EMERGENCY' };
    },
  }),
  clientPolicy({
    id: 'emergency.review.complete',
    effects: { writes: true },
    changeFacts: ['namesCaller', 'detail'],
    decide: (facts) => {
      // Someone who reviews nothing of this client's is not told the review exists.
      if (!hasAnyRole(facts, BREAK_GLASS_REVIEWERS) && !facts.relation?.managesService) {
        return hidden('review.reviewers');
      }
      if (facts.change?.namesCaller) return refuse('review.own');
      return allow(qualified('review', facts, 'review.completed'));
    },
  }),
  clientPolicy({
    id: 'emergency.review.read',
    // Those who may review it; anyone else is not told the review exists.
    decide: (facts) =>
      hasAnyRole(facts, BREAK_GLASS_REVIEWERS) || facts.relation?.managesService
        ? allow('review.read')
        : hidden('review.reviewers'),
  }),
  governanceListPolicy({
    id: 'emergency.review.list',
    decide: () => allow('review.listed'),
  }),

  // ── Explain and the access log ─────────────────────────────────────────────────────────────────────────
  clientPolicy({
    id: 'access.explain',
    decide: () => allow('access.explain'),
  }),
  clientPolicy({
    id: 'access.log',
    decide: (facts) =>
      hasAnyRole(facts, ACCESS_LOG_ROLES) || facts.relation?.managesService
        ? allow('access-log.readers')
        : refuse('access-log.readers'),
  }),
] as const;
