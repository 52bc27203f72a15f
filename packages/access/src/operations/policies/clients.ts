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
    clause:
      'ACCESS-MODEL.md Existence hiding: a client is found only by those with a relationship; each field is then decided by the matrix',
    principals: ['STAFF', 'SERVICE_USER', 'PARTNER'],
    decide: () => allow('client.read'),
  }),
  operationPolicy({
    id: 'client.lists',
    clause:
      'ACCESS-MODEL.md Lists filter, they never fail: a caseload, a service’s list or a search shows only the clients the caller may know exist',
    decide: () => allow('client.lists'),
  }),
  operationPolicy({
    id: 'client.register',
    clause: 'Lets connect 3.1: the managers of a service register the people it supports',
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
    clause:
      'Lets connect 3.1: case management (reopening, allocations) belongs to the managers of the service',
    effects: { writes: true },
    decide: managesService,
  }),
  clientPolicy({
    id: 'case.allocate',
    clause:
      'Lets connect 3.1: the managers of the service allocate workers and cover (JRH), giving them access to the record',
    effects: { writes: true, grantsAccess: true, grants: 'ALLOCATION' },
    decide: managesService,
  }),
  clientPolicy({
    id: 'case.close',
    clause:
      'Lets connect 3.1 and DATA-PROTECTION.md Retention: the managers of the service close a case, which starts its retention; a closure that would let the records expire at once is an erasure and goes through eraseServiceUser',
    effects: { writes: true },
    decide: notAnErasure(managesService),
  }),
  // ── Notes, media, supervision ──────────────────────────────────────────────────────────────────────────
  (() => {
    const write = classifiedWritePolicy({ id: 'note.record', clause: '' });
    return clientPolicy({
      id: 'note.record',
      clause:
        'ACCESS-MODEL.md Matrix W cells: writing a note needs write access to its classification; Principals: a note is withheld from the person only under a recorded exemption, judged by staff whose role carries that judgement',
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
    const write = classifiedWritePolicy({ id: 'note.amend', clause: '' });
    return clientPolicy({
      id: 'note.amend',
      clause:
        'Azure 4.1: a note is amended by its author or the service’s managers, within the W cells of its classification; nothing is overwritten',
      effects: { writes: true },
      decide: (facts) =>
        facts.change?.callerIsAuthor || facts.relation?.managesService
          ? write.decide(facts)
          : refuse('note.amend.author-or-managers'),
    });
  })(),
  classifiedWritePolicy({
    id: 'client.contact.correct',
    clause:
      'ACCESS-MODEL.md Matrix W cells: a client’s contact details (CONTACT) are corrected by those with W on CONTACT — the ADMINISTRATOR of the client’s service, the allocated support worker, the service’s managers',
  }),
  classifiedWritePolicy({
    id: 'media.record',
    clause:
      'Azure 8.1: a photo or recording is part of the CARE record (its W cell), and only under prior written consent',
  }),
  clientPolicy({
    id: 'client.supervision',
    clause:
      'Lets connect 4.2, 4.5: supervision views are for the service’s managers and team leaders on QA review, pseudonymised',
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
  staffWithRole(
    'retention.rules',
    'DATA-PROTECTION.md Retention: the organisation’s rules are organisation settings (ORG_ADMIN); a change that would let records expire at once is an erasure and goes through eraseServiceUser',
    ['ORG_ADMIN'],
    {
      effects: { writes: true },
      decide: notAnErasure((facts) =>
        hasAnyRole(facts, ['ORG_ADMIN']) ? allow('retention.rules') : refuse('retention.rules'),
      ),
    },
  ),
  clientPolicy({
    id: 'retention.place-hold',
    clause:
      'Lets connect 5: a legal hold keeps records (the safe direction): the service’s managers, senior managers, the IG lead and the Caldicott Guardian',
    effects: { writes: true },
    decide: (facts) =>
      facts.relation?.managesService || hasAnyRole(facts, RETENTION_GOVERNANCE_ROLES)
        ? allow('retention.legal-hold')
        : refuse('retention.legal-hold.place'),
  }),
  clientPolicy({
    id: 'retention.lift-hold',
    clause:
      'Lets connect 5: lifting a hold lets deletion resume, a governance decision (senior managers, the IG lead, the Caldicott Guardian); a lift that would let the records expire at once is an erasure',
    effects: { writes: true },
    decide: notAnErasure((facts) =>
      hasAnyRole(facts, RETENTION_GOVERNANCE_ROLES)
        ? allow('retention.legal-hold')
        : refuse('retention.legal-hold.lift'),
    ),
  }),
  clientPolicy({
    id: 'retention.erasure',
    clause:
      'DATA-PROTECTION.md Erasure and ACCESS-MODEL.md Two-person rule: the IG lead proposes an erasure with a reason; it runs only when the Caldicott Guardian or another IG lead approves',
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
  acknowledgedFirst(
    staffWithRole(
      'retention.legal-holds',
      'Lets connect 5: the register of legal holds is for senior managers, the IG lead and the Caldicott Guardian',
      RETENTION_GOVERNANCE_ROLES,
    ),
  ),
  acknowledgedFirst(
    staffWithRole(
      'retention.schedule',
      'DATA-PROTECTION.md Retention: what expires when is reported to the IG lead (pseudonymous)',
      ['IG_LEAD'],
    ),
  ),
] as const;
