import type { Role } from '@confide/domain';
import { decideStaffPersonalRead } from '../../staff-personal';
import type { OperationDecision, OperationFacts } from '../facts';
import {
  acknowledgedFirst,
  governanceListPolicy,
  hasAnyRole,
  hidden,
  operationPolicy,
  refuse,
  staff,
  staffWithRole,
  unacknowledged,
} from '../policy';
import { decideReport } from '../report-scope';
import { clientPolicy } from './common';

/** The roles that monitor access across the whole organisation (DATA-PROTECTION.md, Access audit). */
export const MONITORING_ROLES: readonly Role[] = ['IG_LEAD', 'CALDICOTT_GUARDIAN'];

/** The roles that read aggregate reports of every service (funders' and the IG group's figures). */
export const AGGREGATE_REPORT_ROLES: readonly Role[] = [
  'IG_LEAD',
  'CALDICOTT_GUARDIAN',
  'SENIOR_MANAGER',
  'CHIEF_EXECUTIVE',
];

/** The personnel record fields a staff member keeps up to date themself; personnel notes are HR's (Azure 5.1). */
export const OWN_CONTACT_FIELDS: readonly string[] = [
  'PersonnelRecord.homeAddress',
  'PersonnelRecord.personalPhone',
  'PersonnelRecord.emergencyContact',
];

const REPORT_CLAUSE =
  'DATA-PROTECTION.md Access audit: reports for IG_LEAD and CALDICOTT_GUARDIAN, a SERVICE_MANAGER for their services (Lets connect 4.3, 5.2)';

/**
 * A change to a staff member's personnel record (Azure 5.1, "named personnel staff"): a staff member changes
 * their own contact details, never their personnel notes; an HR_OFFICER changes anyone else's record once they
 * have acknowledged the current policy (Carers Trust 1.2: the same principles apply to colleagues' information).
 * Nobody, HR included, writes personnel notes about themself.
 */
function decideStaffPersonalWrite(facts: OperationFacts): OperationDecision {
  const caller = staff(facts);
  if (!caller) return refuse('staff-personal.none');
  if (facts.targetIsCaller) {
    const fields = facts.change?.fields ?? [];
    return fields.length > 0 && fields.every((field) => OWN_CONTACT_FIELDS.includes(field))
      ? { effect: 'ALLOW', rule: 'staff-personal.own-contact-details', relationship: 'SELF' }
      : refuse('staff-personal.own-personnel-notes');
  }
  if (!caller.acknowledgedPolicy) return unacknowledged;
  return caller.roles.includes('HR_OFFICER')
    ? { effect: 'ALLOW', rule: 'staff-personal.hr-officer', relationship: 'ORG_WIDE' }
    : refuse('staff-personal.none');
}

/** Governance: access monitoring, reports, the person's own access log, staff records. */
export const GOVERNANCE_POLICIES = [
  // ── Monitoring reports ──
  // Its reports name clients (emergency accesses, alerts): like every client read, after the acknowledgement.
  governanceListPolicy({
    id: 'monitoring.report',
    clause: REPORT_CLAUSE,
    decide: (facts) => decideReport(facts, MONITORING_ROLES, 'monitoring.report'),
  }),
  // Its events carry stated purposes, opened under each person's key, which name people as often as not (0028).
  governanceListPolicy({
    id: 'monitoring.staff-access-report',
    clause: `${REPORT_CLAUSE}: what a staff member accessed`,
    subject: 'STAFF',
    decide: (facts) => decideReport(facts, MONITORING_ROLES, 'monitoring.staff-access-report'),
  }),
  operationPolicy({
    id: 'monitoring.aggregate-report',
    clause:
      'ACCESS-MODEL.md Minimum necessary: aggregate reports suppress small counts; IG group, senior management and the chief executive for every service, a SERVICE_MANAGER for theirs',
    decide: (facts) => decideReport(facts, AGGREGATE_REPORT_ROLES, 'monitoring.aggregate-report'),
  }),
  // It names clients: after the acknowledgement, like every client read.
  acknowledgedFirst(
    staffWithRole(
      'monitoring.integrity-incidents',
      'DATA-PROTECTION.md Access audit, and decision 0030: what the stored records failed (a removal the rules do not explain, a forged erasure, tampered access metadata) is for those who monitor access',
      MONITORING_ROLES,
    ),
  ),
  staffWithRole(
    'monitoring.notifications',
    'Issue 20 and decision 0035: the governance contacts are told of break-glass openings, escalated disclosure requests, overdue breaches and subject access deadlines, by reference only',
    MONITORING_ROLES,
  ),
  staffWithRole(
    'monitoring.governance-summary',
    'Lets connect 5.2, 6: the information governance lead’s monthly report',
    ['IG_LEAD'],
  ),
  staffWithRole(
    'monitoring.settings.read',
    'DATA-PROTECTION.md Access audit: the unusual-access thresholds, for those who monitor and the organisation’s admin',
    ['IG_LEAD', 'CALDICOTT_GUARDIAN', 'ORG_ADMIN', 'SERVICE_MANAGER'],
  ),
  staffWithRole(
    'monitoring.settings.change',
    'DATA-PROTECTION.md Access audit: working hours and thresholds are set by the IG lead or the organisation’s admin',
    ['IG_LEAD', 'ORG_ADMIN'],
    { effects: { writes: true } },
  ),
  // ── The person's own view ──
  clientPolicy({
    id: 'monitoring.own-access-log',
    clause:
      'Lets connect 5.2; DATA-PROTECTION.md Access audit: the person sees who accessed their record and why',
    principals: ['SERVICE_USER'],
    decide: (facts) =>
      facts.caller.kind === 'SERVICE_USER' && facts.relation?.self
        ? { effect: 'ALLOW', rule: 'self-view.own-access-log', relationship: 'SELF' }
        : refuse('monitoring.own-access-log'),
  }),
  staffWithRole(
    'monitoring.staff-names',
    'ACCESS-MODEL.md Roles: ORG_ADMIN manages the organisation’s settings; whether a person’s own access list names staff',
    ['ORG_ADMIN'],
    { effects: { writes: true } },
  ),
  // ── Staff records (Azure 5.1) ──
  operationPolicy({
    id: 'staff-personal.read',
    clause:
      'ACCESS-MODEL.md Staff records: HR_OFFICER, SENIOR_MANAGER and CHIEF_EXECUTIVE read STAFF_PERSONAL; the staff member their own (Azure 5.1)',
    subject: 'STAFF',
    decide: (facts): OperationDecision => {
      const decision = decideStaffPersonalRead(facts.caller, facts.targetIsCaller === true);
      switch (decision.effect) {
        case 'ALLOW':
        case 'JUSTIFICATION_REQUIRED':
          return { effect: 'ALLOW', rule: decision.rule, relationship: decision.relationship };
        case 'POLICY_NOT_ACKNOWLEDGED':
          return unacknowledged;
        case 'NOT_FOUND':
          return hidden(decision.rule);
        default:
          return refuse(decision.rule);
      }
    },
  }),
  operationPolicy({
    id: 'staff-personal.write',
    clause:
      'Azure 5.1: named personnel staff (HR_OFFICER) keep personnel records; each staff member keeps their own contact details',
    subject: 'STAFF',
    effects: { writes: true },
    decide: decideStaffPersonalWrite,
  }),
  operationPolicy({
    id: 'staff-personal.reference-permission',
    clause:
      'ACCESS-MODEL.md Staff records: a reference needs the staff member’s recorded permission, which only they give or withdraw (Azure 5.1)',
    subject: 'STAFF',
    effects: { writes: true },
    decide: (facts) =>
      staff(facts) && facts.targetIsCaller
        ? { effect: 'ALLOW', rule: 'staff-personal.reference-permission', relationship: 'SELF' }
        : refuse('staff-personal.reference-permission-own-only'),
  }),
  operationPolicy({
    id: 'staff-personal.reference-permission-withdraw',
    clause:
      'Azure 5.1: the staff member withdraws their own reference permission; named personnel staff (HR_OFFICER) record a withdrawal they were given, as for a leaver who can no longer sign in. Nobody else, and nobody but the staff member gives one',
    subject: 'STAFF',
    effects: { writes: true },
    decide: (facts): OperationDecision => {
      const caller = staff(facts);
      if (caller && facts.targetIsCaller) {
        return { effect: 'ALLOW', rule: 'staff-personal.reference-permission', relationship: 'SELF' };
      }
      if (!caller || !hasAnyRole(facts, ['HR_OFFICER'])) {
        return refuse('staff-personal.reference-permission-withdraw-own-or-hr');
      }
      if (!caller.acknowledgedPolicy) return unacknowledged;
      // Withdrawing only narrows what may be disclosed: HR records it on the staff member's word.
      return {
        effect: 'ALLOW',
        rule: 'staff-personal.reference-permission-withdrawn-by-hr',
        relationship: 'ORG_WIDE',
      };
    },
  }),
  operationPolicy({
    id: 'staff-personal.reference-release',
    clause:
      'Azure 5.1: references about staff are given by named personnel staff (HR_OFFICER), under the staff member’s permission, never about themself',
    subject: 'STAFF',
    effects: { writes: true },
    decide: (facts): OperationDecision => {
      const caller = staff(facts);
      if (!caller || !hasAnyRole(facts, ['HR_OFFICER'])) {
        return refuse('staff-personal.reference-release-hr-only');
      }
      if (!caller.acknowledgedPolicy) return unacknowledged;
      // The organisation's reference about someone is given by another person: nobody vouches for themself.
      if (facts.targetIsCaller) return refuse('staff-personal.reference-release-own');
      return { effect: 'ALLOW', rule: 'staff-personal.reference-release', relationship: 'ORG_WIDE' };
    },
  }),
] as const;
