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
    principals: ['OPERATOR'],
    decide: operator('platform.organisations.list'),
  }),
  operationPolicy({
    id: 'platform.organisation.onboard',
    principals: ['OPERATOR'],
    effects: { writes: true },
    decide: operator('platform.organisation.onboard'),
  }),
  operationPolicy({
    id: 'platform.organisation.offboard',
    principals: ['OPERATOR'],
    // Each call either records a request or runs another operator's: the two-operator check is on the pending
    // offboarding in the platform store (the plugin's approvals are tenant-scoped), see schema/organisations.ts.
    effects: { writes: true },
    decide: operator('platform.organisation.offboard'),
  }),
  operationPolicy({
    id: 'platform.organisation.export.waive',
    principals: ['OPERATOR'],
    effects: { writes: true },
    decide: (facts) =>
      facts.caller.kind === 'OPERATOR' && facts.change?.detail
        ? allow(`platform.organisation.export.waived.${facts.change.detail}`)
        : refuse('platform.organisation.export.waive'),
  }),
  operationPolicy({
    id: 'platform.organisation.admin.confirm',
    principals: ['OPERATOR'],
    effects: { writes: true },
    decide: (facts) =>
      facts.caller.kind === 'OPERATOR'
        ? allow('platform.organisation.admin.confirm')
        : refuse('platform.organisation.admin.confirm'),
  }),
  operationPolicy({
    id: 'platform.organisation.admin.restore',
    principals: ['OPERATOR'],
    // Each call either records a request or runs another operator's: the two-operator check is on the pending
    // restoration in the platform store, as offboarding's is (schema/organisations.ts).
    effects: { writes: true },
    decide: operator('platform.organisation.admin.restore'),
  }),
  operationPolicy({
    id: 'platform.operator.suspend',
    principals: ['OPERATOR'],
    effects: { writes: true },
    decide: operator('platform.operator.suspend'),
  }),
  operationPolicy({
    id: 'platform.organisation.own',
    decide: (facts) =>
      facts.caller.kind === 'STAFF'
        ? allow('platform.organisation.own')
        : refuse('platform.organisation.own'),
  }),
] as const;
