import type { Role } from '@confide/domain';
import { SERVICE_MANAGEMENT_ROLES } from '../../rows';
import type { OperationDecision, OperationFacts } from '../facts';
import {
  acknowledgedFirst,
  allow,
  hasAnyRole,
  needsApproval,
  operationPolicy,
  refuse,
  staff,
  staffWithRole,
  unacknowledged,
} from '../policy';
import { classifiedWritePolicy, clientPolicy } from './common';

/** Roles that govern retention across services (DATA-PROTECTION.md, Retention; Lets connect 5). */
const RETENTION_GOVERNANCE_ROLES: readonly Role[] = ['SENIOR_MANAGER', 'IG_LEAD', 'CALDICOTT_GUARDIAN'];
/**
 * Who may withhold a note from the person it is about: the judgement that telling them would harm someone, or would
 * tell them about someone else, is made by support staff and those above them (DPA 2018's exemptions are applied
 * case by case), never on a volunteer's write alone (Carers Trust 1.1: volunteers' remit is narrower).
 */
const WITHHOLDING_ROLES: readonly Role[] = [
  'SUPPORT_WORKER',
  'TEAM_LEADER',
  'SERVICE_MANAGER',
  'SENIOR_MANAGER',
  'SAFEGUARDING_LEAD',
  'CALDICOTT_GUARDIAN',
  'IG_LEAD',
];
/** Who may be the second person on an erasure: the Caldicott Guardian, or another IG lead. */
const ERASURE_APPROVER_ROLES: readonly Role[] = ['CALDICOTT_GUARDIAN', 'IG_LEAD'];

/**
 * The rule a routine change hits when it would let a person's records expire at once: that is an erasure in
 * effect, and erasure has its own path (`eraseServiceUser`: the IG lead, a reason and a second person).
 */
export const IMMEDIATE_EXPIRY_RULE = 'retention.immediate-expiry-is-erasure';

const managesService = (facts: OperationFacts): OperationDecision =>
  facts.relation?.managesService
    ? { ...allow('case.service-managers'), relationship: 'MANAGES_SERVICE' }
    : refuse('case.service-managers');

/** A routine change that would make items expire at once is refused: it must go through erasure. */
const notAnErasure =
  (decide: (facts: OperationFacts) => OperationDecision) =>
  (facts: OperationFacts): OperationDecision =>
    facts.change?.expiresImmediately ? refuse(IMMEDIATE_EXPIRY_RULE) : decide(facts);

/** Client records: services, registration, case management, notes, media, supervision, retention. */
export const CLIENT_POLICIES = [
  // ── Reading ────────────────────────────────────────────────────────────────────────────────────────────
  clientPolicy({
    id: 'client.read',
    principals: ['STAFF', 'SERVICE_USER', 'PARTNER'],
    decide: () => allow('client.read'),
  }),
  operationPolicy({
    id: 'client.lists',
    decide: () => allow('client.lists'),
  }),
  operationPolicy({
    id: 'client.register',
    subject: 'SERVICE',
    effects: { writes: true },
    decide: (facts) => {
      const caller = staff(facts);
      if (caller && !caller.acknowledgedPolicy) return unacknowledged;
      return facts.service?.manages
        ? { ...allow('client.register.service-managers'), relationship: 'MANAGES_SERVICE' }
        : refuse('client.register.service-managers');
    },
  }),
  // ── Case management ────────────────────────────────────────────────────────────────────────────────────
  clientPolicy({
    id: 'case.manage',
    effects: { writes: true },
    decide: managesService,
  }),
  clientPolicy({
    id: 'case.allocate',
    effects: { writes: true, grantsAccess: true, grants: 'ALLOCATION' },
    decide: managesService,
  }),
  clientPolicy({
    id: 'case.close',
    effects: { writes: true },
    decide: notAnErasure(managesService),
  }),
  // ── Notes, media, supervision ──────────────────────────────────────────────────────────────────────────
  (() => {
    const write = classifiedWritePolicy({ id: 'note.record' });
    return clientPolicy({
      id: 'note.record',
      effects: { writes: true },
      changeFacts: ['classification', 'item', 'withholding'],
      decide: (facts) => {
        const decision = write.decide(facts);
        const exemption = facts.change?.withholding;
        if (!exemption || decision.effect !== 'ALLOW') return decision;
        // The rule names the exemption, so the audit records what the note is withheld under.
        return hasAnyRole(facts, WITHHOLDING_ROLES)
          ? { ...decision, rule: `note.withhold.${exemption}` }
          : refuse('note.withhold.professional-roles');
      },
    });
  })(),
  (() => {
    const write = classifiedWritePolicy({ id: 'note.amend' });
    return clientPolicy({
      id: 'note.amend',
      effects: { writes: true },
      decide: (facts) =>
        facts.change?.callerIsAuthor || facts.relation?.managesService
          ? write.decide(facts)
          : refuse('note.amend.author-or-managers'),
    });
  })(),
  classifiedWritePolicy({
    id: 'client.contact.correct',
  }),
  classifiedWritePolicy({
    id: 'media.record',
  }),
  clientPolicy({
    id: 'client.supervision',
    decide: (facts) => {
      if (facts.relation?.managesService && hasAnyRole(facts, SERVICE_MANAGEMENT_ROLES)) {
        return { ...allow('supervision.pseudonymised'), relationship: 'MANAGES_SERVICE' };
      }
      if (facts.relation?.qaReview && hasAnyRole(facts, ['TEAM_LEADER'])) {
        return { ...allow('supervision.pseudonymised'), relationship: 'QA_REVIEW' };
      }
      return refuse('supervision.managers-and-qa-review');
    },
  }),
  // ── Retention ──────────────────────────────────────────────────────────────────────────────────────────
  staffWithRole('retention.rules', ['ORG_ADMIN'], {
    effects: { writes: true },
    decide: notAnErasure((facts) =>
      hasAnyRole(facts, ['ORG_ADMIN']) ? allow('retention.rules') : refuse('retention.rules'),
    ),
  }),
  clientPolicy({
    id: 'retention.place-hold',
    effects: { writes: true },
    decide: (facts) =>
      facts.relation?.managesService || hasAnyRole(facts, RETENTION_GOVERNANCE_ROLES)
        ? allow('retention.legal-hold')
        : refuse('retention.legal-hold.place'),
  }),
  clientPolicy({
    id: 'retention.lift-hold',
    effects: { writes: true },
    decide: notAnErasure((facts) =>
      hasAnyRole(facts, RETENTION_GOVERNANCE_ROLES)
        ? allow('retention.legal-hold')
        : refuse('retention.legal-hold.lift'),
    ),
  }),
  clientPolicy({
    id: 'retention.erasure',
    effects: { writes: true, irreversible: true },
    decide: (facts) => {
      if (facts.approved) {
        return hasAnyRole(facts, ERASURE_APPROVER_ROLES)
          ? allow('retention.erasure')
          : refuse('retention.erasure.approver');
      }
      return hasAnyRole(facts, ['IG_LEAD'])
        ? needsApproval('retention.erasure.two-person')
        : refuse('retention.erasure');
    },
    approvedBy: (facts) => hasAnyRole(facts, ERASURE_APPROVER_ROLES),
  }),
  acknowledgedFirst(staffWithRole('retention.legal-holds', RETENTION_GOVERNANCE_ROLES)),
  acknowledgedFirst(staffWithRole('retention.schedule', ['IG_LEAD'])),
] as const;
