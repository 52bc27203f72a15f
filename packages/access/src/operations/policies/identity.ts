import type { Role } from '@confide/domain';
import type { OperationFacts } from '../facts';
import {
  allow,
  hasAnyRole,
  hidden,
  needsApproval,
  operationPolicy,
  refuse,
  staff,
  staffWithRole,
} from '../policy';

/**
 * Roles that open no client content by themselves (ACCESS-MODEL.md Operations): every other role takes effect only
 * when a second person with authority approves it. A VOLUNTEER reads only the people a service's manager allocates
 * them to, a second person's act. ADMINISTRATOR is not among them: it reads the identifying and contact data of every
 * person of its services (the matrix), and one ORG_ADMIN may add an account to a team alone.
 */
export const ROLES_WITHOUT_CLIENT_CONTENT: readonly Role[] = ['ORG_ADMIN', 'VOLUNTEER'];

/** Whether any of `roles` opens client content, so that giving it needs a second person. */
export function grantsContentRole(roles: readonly Role[]): boolean {
  return roles.some((role) => !ROLES_WITHOUT_CLIENT_CONTENT.includes(role));
}

/**
 * The rule a change giving ORG_ADMIN waits on. Where the proposer is the organisation's only ORG_ADMIN, a platform
 * operator may confirm it as the second person (`platform.organisation.admin.confirm`, decision 0081).
 */
export const APPROVER_ROLE_RULE = 'identity.roles.approver';

/**
 * Whether `roles` makes its holder an approver of others' proposals (ORG_ADMIN), so that giving it needs a second
 * person too: an approver made by one person alone could approve that person's own proposals (decision 0081).
 */
export function grantsApproverRole(roles: readonly Role[]): boolean {
  return roles.includes('ORG_ADMIN');
}

/**
 * The rule a role change waits on a second person under, if any: a role that opens client content, or ORG_ADMIN,
 * whose holder approves the others' proposals.
 */
function secondPersonRule(facts: OperationFacts): string | undefined {
  if (facts.change?.grantsContentRole) return 'identity.roles.content';
  if (facts.change?.grantsApproverRole) return APPROVER_ROLE_RULE;
  return undefined;
}

/** Another ORG_ADMIN, never the staff member concerned, approves a role that opens client content or ORG_ADMIN. */
const anotherOrgAdmin = (facts: OperationFacts): boolean =>
  hasAnyRole(facts, ['ORG_ADMIN']) && facts.targetIsCaller !== true;

/**
 * `identity.staff.read`'s change detail when the staff member manages or works in a service the caller manages
 * (the api compares the two staff items' service links).
 */
export const STAFF_IN_MANAGED_SERVICE = 'MANAGED_SERVICE';

/** Who sets up a service and its managers. */
const mayManageServices = (facts: OperationFacts): boolean =>
  hasAnyRole(facts, ['ORG_ADMIN', 'SENIOR_MANAGER']);

/** Who changes a service's team: those who set up services, and the service's own managers. */
const mayChangeTeam = (facts: OperationFacts): boolean =>
  mayManageServices(facts) || facts.service?.manages === true;

/** Who the caller is, their organisation and staff: identity and organisation administration. */
export const IDENTITY_POLICIES = [
  operationPolicy({
    id: 'identity.self',
    principals: ['STAFF', 'SERVICE_USER', 'PARTNER', 'OPERATOR'],
    decide: () => allow('identity.self'),
  }),
  operationPolicy({
    id: 'node.read',
    principals: ['STAFF', 'SERVICE_USER', 'PARTNER'],
    decide: () => allow('node.read'),
  }),

  // ── Staff accounts and roles ────────────────────────────────────────────────────────────────────────────
  staffWithRole('identity.staff.list', ['ORG_ADMIN', 'HR_OFFICER']),
  operationPolicy({
    id: 'identity.staff.read',
    subject: 'STAFF',
    changeFacts: ['detail'],
    decide: (facts) => {
      if (facts.targetIsCaller) return allow('identity.staff.read.self');
      if (hasAnyRole(facts, ['ORG_ADMIN', 'HR_OFFICER'])) return allow('identity.staff.read');
      if (hasAnyRole(facts, ['IG_LEAD', 'CALDICOTT_GUARDIAN'])) return allow('identity.staff.read.oversight');
      if (hasAnyRole(facts, ['SERVICE_MANAGER']) && facts.change?.detail === STAFF_IN_MANAGED_SERVICE) {
        return allow('identity.staff.read.managed-service');
      }
      // Whether a colleague's account exists is not the caller's business.
      return hidden('identity.staff.read');
    },
  }),
  operationPolicy({
    id: 'identity.staff.add',
    subject: 'STAFF',
    changeFacts: ['grantsContentRole', 'grantsApproverRole'],
    effects: { writes: true, changesRoles: true, grantsAccess: true, grants: 'ROLE' },
    decide: (facts) => {
      if (!hasAnyRole(facts, ['ORG_ADMIN'])) return refuse('identity.staff.add');
      // A new account is never the caller's; the rule is stated so the floor can check it holds regardless.
      if (facts.targetIsCaller) return refuse('identity.roles.self');
      const second = secondPersonRule(facts);
      if (second && !facts.approved) return needsApproval(second);
      return allow('identity.staff.add');
    },
    approvedBy: anotherOrgAdmin,
  }),
  operationPolicy({
    id: 'identity.roles.assign',
    subject: 'STAFF',
    changeFacts: ['grantsContentRole', 'grantsApproverRole'],
    effects: { writes: true, changesRoles: true, grantsAccess: true, grants: 'ROLE' },
    decide: (facts) => {
      if (!hasAnyRole(facts, ['ORG_ADMIN'])) return refuse('identity.roles.assign');
      if (facts.targetIsCaller) return refuse('identity.roles.self');
      const second = secondPersonRule(facts);
      if (second && !facts.approved) return needsApproval(second);
      return allow('identity.roles.assign');
    },
    approvedBy: anotherOrgAdmin,
  }),
  operationPolicy({
    id: 'identity.roles.remove',
    subject: 'STAFF',
    effects: { writes: true, changesRoles: true },
    decide: (facts) => {
      if (!hasAnyRole(facts, ['ORG_ADMIN'])) return refuse('identity.roles.remove');
      if (facts.targetIsCaller) return refuse('identity.roles.self');
      return allow('identity.roles.remove');
    },
  }),
  operationPolicy({
    id: 'identity.staff.deactivate',
    subject: 'STAFF',
    effects: { writes: true },
    decide: (facts) => {
      if (!hasAnyRole(facts, ['ORG_ADMIN'])) return refuse('identity.staff.deactivate');
      if (facts.targetIsCaller) return refuse('identity.staff.self');
      return allow('identity.staff.deactivate');
    },
  }),
  // An invitation links a sign-in to an account whose roles were already given (and approved where they open
  // client content); deactivating the account refuses its tokens at once, so it is not treated as irreversible.
  staffWithRole('identity.staff.invite', ['ORG_ADMIN'], { subject: 'STAFF', effects: { writes: true } }),
  operationPolicy({
    id: 'identity.employment.end',
    subject: 'STAFF',
    effects: { writes: true },
    decide: (facts) => {
      if (!hasAnyRole(facts, ['ORG_ADMIN'])) return refuse('identity.employment.end');
      if (facts.targetIsCaller) return refuse('identity.staff.self');
      return allow('retention.staff-employment-ended');
    },
  }),
  operationPolicy({
    id: 'identity.employment.resume',
    subject: 'STAFF',
    // The roles the account comes back with, as a role grant is judged: one that opens client content, or ORG_ADMIN,
    // waits for another ORG_ADMIN, or one admin could undo another's deactivation alone.
    changeFacts: ['grantsContentRole', 'grantsApproverRole'],
    effects: { writes: true, changesRoles: true, grantsAccess: true, grants: 'ROLE' },
    decide: (facts) => {
      if (!hasAnyRole(facts, ['ORG_ADMIN'])) return refuse('identity.employment.resume');
      if (facts.targetIsCaller) return refuse('identity.staff.self');
      const second = secondPersonRule(facts);
      if (second && !facts.approved) return needsApproval(second);
      return allow('retention.staff-reemployed');
    },
    approvedBy: anotherOrgAdmin,
  }),

  // ── Partner agencies ───────────────────────────────────────────────────────────────────────────────────
  staffWithRole('identity.partner.list', ['ORG_ADMIN']),
  staffWithRole('identity.partner.directory', [
    'ORG_ADMIN',
    'SERVICE_MANAGER',
    'SENIOR_MANAGER',
    'CALDICOTT_GUARDIAN',
    'IG_LEAD',
  ]),
  staffWithRole('identity.partner.register', ['ORG_ADMIN'], { effects: { writes: true } }),

  // ── Organisation settings: confidentiality policy and preset ───────────────────────────────────────────
  staffWithRole('organisation.policy.publish', ['ORG_ADMIN', 'IG_LEAD'], { effects: { writes: true } }),
  operationPolicy({
    id: 'organisation.policy.status',
    decide: (facts) => (staff(facts) ? allow('policy.status') : refuse('policy.status')),
  }),
  operationPolicy({
    id: 'organisation.policy.acknowledge',
    effects: { writes: true },
    decide: (facts) => (staff(facts) ? allow('policy.acknowledged') : refuse('policy.acknowledged')),
  }),
  operationPolicy({
    id: 'organisation.preset',
    // Widening is the grant the two-person rule governs; narrowing takes access away and is one person's call.
    effects: { writes: true, grantsAccess: true, grants: 'PRESET' },
    decide: (facts) => {
      const widens = facts.change?.widensPreset === true;
      // The Caldicott Guardian runs a widening another person proposed; otherwise only ORG_ADMIN.
      const guardianApproving = facts.approved && widens && hasAnyRole(facts, ['CALDICOTT_GUARDIAN']);
      if (!hasAnyRole(facts, ['ORG_ADMIN']) && !guardianApproving) return refuse('organisation.preset');
      if (widens && !facts.approved) return needsApproval('organisation.preset.widen');
      return allow(widens ? 'organisation.preset.widen' : 'organisation.preset');
    },
    approvedBy: (facts) => hasAnyRole(facts, ['CALDICOTT_GUARDIAN']),
  }),

  // ── Services and their teams (relationships: access grants) ────────────────────────────────────────────
  operationPolicy({
    id: 'service.list',
    decide: () => allow('service.list'),
  }),
  staffWithRole('service.create', ['ORG_ADMIN', 'SENIOR_MANAGER'], {
    effects: { writes: true },
  }),
  operationPolicy({
    id: 'service.managers',
    subject: 'SERVICE',
    effects: { writes: true, grantsAccess: true, grants: 'SERVICE_MANAGER' },
    decide: (facts) => {
      if (!mayManageServices(facts)) return refuse('service.managers');
      if (facts.change?.grantsCallerAccess) return refuse('service.self');
      return allow('service.managers');
    },
  }),
  operationPolicy({
    id: 'service.team',
    subject: 'SERVICE',
    effects: { writes: true, grantsAccess: true, grants: 'SERVICE_MEMBER' },
    decide: (facts) => {
      if (!mayChangeTeam(facts)) return refuse('service.team');
      if (facts.change?.grantsCallerAccess) return refuse('service.self');
      return allow('service.team');
    },
  }),
  operationPolicy({
    id: 'service.qa-review',
    subject: 'SERVICE',
    effects: { writes: true, grantsAccess: true, grants: 'QA_REVIEW' },
    decide: (facts) => {
      if (!mayChangeTeam(facts)) return refuse('service.qa-review');
      if (facts.change?.grantsCallerAccess) return refuse('service.self');
      return allow('service.qa-review');
    },
  }),
] as const;
