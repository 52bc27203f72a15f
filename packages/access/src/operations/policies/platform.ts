import { allow, operationPolicy, refuse } from '../policy';

const operator = (id: string) => (facts: { caller: { kind: string } }) =>
  facts.caller.kind === 'OPERATOR' ? allow(id) : refuse(id);

/**
 * Platform operators: onboarding and offboarding organisations; they read no tenant data (ACCESS-MODEL.md,
 * Operators see nothing). Their actions and refusals go to the platform audit log, not a tenant's.
 */
export const PLATFORM_POLICIES = [
  operationPolicy({
    id: 'platform.organisations.list',
    clause: 'DESIGN.md Platform operators: list the deployment’s organisations (no tenant data)',
    principals: ['OPERATOR'],
    decide: operator('platform.organisations.list'),
  }),
  operationPolicy({
    id: 'platform.organisation.onboard',
    clause: 'DESIGN.md Platform operators: onboard a charity with its own key and first ORG_ADMIN',
    principals: ['OPERATOR'],
    effects: { writes: true },
    decide: operator('platform.organisation.onboard'),
  }),
  operationPolicy({
    id: 'platform.organisation.offboard',
    clause:
      'Issue 14: offboarding needs two operators. The first operator’s call records a pending offboarding ' +
      '(APPROVAL_REQUIRED); a different operator’s call runs it; the same operator cannot approve their own',
    principals: ['OPERATOR'],
    // Each call either records a request or runs another operator's: the two-operator check is on the pending
    // offboarding in the platform store (the plugin's approvals are tenant-scoped), see schema/organisations.ts.
    effects: { writes: true },
    decide: operator('platform.organisation.offboard'),
  }),
  operationPolicy({
    id: 'platform.organisation.export.waive',
    clause:
      'Decision 0034: a processor hands the controller its records before offboarding, unless an operator records why not (a reason code and the controller’s reference, never free text)',
    principals: ['OPERATOR'],
    effects: { writes: true },
    decide: (facts) =>
      facts.caller.kind === 'OPERATOR' && facts.change?.detail
        ? allow(`platform.organisation.export.waived.${facts.change.detail}`)
        : refuse('platform.organisation.export.waive'),
  }),
  operationPolicy({
    id: 'platform.organisation.admin.confirm',
    clause:
      'ACCESS-MODEL.md Operations: a role that lets its holder approve is given only when a second person approves it; an organisation’s only ORG_ADMIN has nobody inside it, so the platform operator who onboarded it with one admin is that second person (decision 0081). The operator reads nothing and gives nothing alone: the admin’s own approval runs the change',
    principals: ['OPERATOR'],
    effects: { writes: true },
    decide: (facts) =>
      facts.caller.kind === 'OPERATOR'
        ? allow('platform.organisation.admin.confirm')
        : refuse('platform.organisation.admin.confirm'),
  }),
  operationPolicy({
    id: 'platform.organisation.admin.restore',
    clause:
      'Decision 0109: once its admins have all left, two operators (the second never the first) give ORG_ADMIN to an active staff member the charity names and deactivate its other admins; they read nothing',
    principals: ['OPERATOR'],
    // Each call either records a request or runs another operator's: the two-operator check is on the pending
    // restoration in the platform store, as offboarding's is (schema/organisations.ts).
    effects: { writes: true },
    decide: operator('platform.organisation.admin.restore'),
  }),
  operationPolicy({
    id: 'platform.operator.suspend',
    clause:
      'Decision 0026: an operator is admitted only while their stored status is ACTIVE; suspending one takes another, active operator (never oneself) and is recorded in the platform audit log before it is stored',
    principals: ['OPERATOR'],
    effects: { writes: true },
    decide: operator('platform.operator.suspend'),
  }),
  operationPolicy({
    id: 'platform.organisation.own',
    clause: 'ACCESS-MODEL.md: staff see their own organisation’s settings (no personal data)',
    decide: (facts) =>
      facts.caller.kind === 'STAFF'
        ? allow('platform.organisation.own')
        : refuse('platform.organisation.own'),
  }),
] as const;
