import type { Role } from '@confide/domain';
import { describe, expect, it } from 'vitest';
import type { ClientRelationFacts } from '../../facts';
import { SERVICE_MANAGEMENT_ROLES } from '../../rows';
import { OPERATION_POLICIES, type OperationPolicyId } from '../catalogue';
import type { OperationDecision, OperationFacts } from '../facts';

/*
 * A recorded "manages the service" link counts only with a management role (rows.ts SERVICE_MANAGEMENT_ROLES):
 * removing a manager's role leaves them on the service's list, and that link must open no manager's operation.
 */

const RELATION: ClientRelationFacts = {
  allocated: false,
  managesService: false,
  qaReview: false,
  investigation: false,
  // A manager link makes its holder a member of the service (request-access.ts): kept in both variants.
  serviceMember: true,
  emergency: undefined,
  self: false,
  conflict: false,
};

/** Every operation's facts for `roles`, with or without every kind of manager link. */
function facts(roles: readonly Role[], linked: boolean, namesCaller = false): OperationFacts {
  const relation = { ...RELATION, managesService: linked };
  return {
    caller: { kind: 'STAFF', roles, acknowledgedPolicy: true },
    preset: 'STRICT',
    approved: false,
    relation,
    service: { manages: linked, member: true },
    managesAnyService: linked,
    change: {
      clients: [relation, relation],
      classification: 'CARE',
      namesCaller,
      grantsCallerAccess: true,
    },
  };
}

/** A decision, or the error a policy throws on facts it does not take: either way comparable. */
function outcome(decide: () => OperationDecision): unknown {
  try {
    const { effect, rule } = decide();
    return { effect, rule };
  } catch (error) {
    return { threw: (error as Error).message };
  }
}

const WITHOUT_MANAGEMENT: readonly (readonly Role[])[] = [
  ['ADMINISTRATOR'],
  ['SUPPORT_WORKER'],
  ['TEAM_LEADER'],
  ['SUPPORT_WORKER', 'ADMINISTRATOR'],
  ['ORG_ADMIN'],
];

describe('a manager link without a management role', () => {
  const ids = Object.keys(OPERATION_POLICIES) as OperationPolicyId[];

  it.each(WITHOUT_MANAGEMENT.map((roles) => [roles.join('+'), roles] as const))(
    'changes no operation’s decision for %s',
    (_, roles) => {
      const changed = ids.filter((id) => {
        const policy = OPERATION_POLICIES[id];
        const withLink = outcome(() => policy.decide(facts(roles, true)));
        const withoutLink = outcome(() => policy.decide(facts(roles, false)));
        return JSON.stringify(withLink) !== JSON.stringify(withoutLink);
      });
      expect(changed).toEqual([]);
    },
  );

  it('still counts, with the role, for the operations a service manager runs', () => {
    const manager: readonly Role[] = ['SERVICE_MANAGER'];
    expect(SERVICE_MANAGEMENT_ROLES).toContain('SERVICE_MANAGER');
    for (const id of ['case.allocate', 'case.close', 'access.log'] as const) {
      expect(OPERATION_POLICIES[id].decide(facts(manager, true)).effect, id).toBe('ALLOW');
      expect(OPERATION_POLICIES[id].decide(facts(manager, false)).effect, id).not.toBe('ALLOW');
    }
  });

  it('makes a service manager a reviewer of the service’s emergency accesses, never of their own', () => {
    const review = OPERATION_POLICIES['emergency.review.complete'];
    expect(review.decide(facts(['SERVICE_MANAGER'], true)).effect).toBe('ALLOW');
    expect(review.decide(facts(['SERVICE_MANAGER'], true, true))).toMatchObject({
      effect: 'FORBIDDEN',
      rule: 'review.own',
    });
    expect(review.decide(facts(['ADMINISTRATOR'], true)).effect).toBe('NOT_FOUND');
  });
});
