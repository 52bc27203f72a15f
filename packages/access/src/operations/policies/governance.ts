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
    decide: (facts) => decideReport(facts, MONITORING_ROLES, 'monitoring.report'),
  }),
  // Its events carry stated purposes, opened under each person's key, which name people as often as not (0028).
  governanceListPolicy({
    id: 'monitoring.staff-access-report',
    subject: 'STAFF',
    decide: (facts) => decideReport(facts, MONITORING_ROLES, 'monitoring.staff-access-report'),
  }),
  operationPolicy({
    id: 'monitoring.aggregate-report',
    decide: (facts) => decideReport(facts, AGGREGATE_REPORT_ROLES, 'monitoring.aggregate-report'),
  }),
  // It names clients: after the acknowledgement, like every client read.
  acknowledgedFirst(staffWithRole('monitoring.integrity-incidents', MONITORING_ROLES)),
  staffWithRole('monitoring.notifications', MONITORING_ROLES),
  staffWithRole('monitoring.governance-summary', ['IG_LEAD']),
  staffWithRole('monitoring.settings.read', [
    'IG_LEAD',
    'CALDICOTT_GUARDIAN',
    'ORG_ADMIN',
    'SERVICE_MANAGER',
  ]),
  staffWithRole('monitoring.settings.change', ['IG_LEAD', 'ORG_ADMIN'], { effects: { writes: true } }),
  // ── The person's own view ──
  clientPolicy({
    id: 'monitoring.own-access-log',
    principals: ['SERVICE_USER'],
    decide: (facts) =>
      facts.caller.kind === 'SERVICE_USER' && facts.relation?.self
        ? { effect: 'ALLOW', rule: 'self-view.own-access-log', relationship: 'SELF' }
        : refuse('monitoring.own-access-log'),
  }),
  staffWithRole('monitoring.staff-names', ['ORG_ADMIN'], { effects: { writes: true } }),
  // ── Staff records (Azure 5.1) ──
  operationPolicy({
    id: 'staff-personal.read',
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
    subject: 'STAFF',
    effects: { writes: true },
    decide: decideStaffPersonalWrite,
  }),
  operationPolicy({
    id: 'staff-personal.reference-permission',
    subject: 'STAFF',
    effects: { writes: true },
    decide: (facts) =>
      staff(facts) && facts.targetIsCaller
        ? { effect: 'ALLOW', rule: 'staff-personal.reference-permission', relationship: 'SELF' }
        : refuse('staff-personal.reference-permission-own-only'),
  }),
  operationPolicy({
    id: 'staff-personal.reference-permission-withdraw',
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
