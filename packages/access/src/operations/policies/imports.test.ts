import { ROLES, type Role } from '@confide/domain';
import { describe, expect, it } from 'vitest';
import type { CallerFacts, ClientRelationFacts } from '../../facts';
import { OPERATION_POLICIES, type OperationPolicyId } from '../catalogue';
import type { OperationDecision, OperationFacts } from '../facts';

/*
 * The import authorisation policies (policies/imports.ts, decision 0146), by table: who may authorise an import into
 * a service through the API, who may withdraw an authorisation, and who may list those of a service, with the rule each
 * answer is recorded under.
 */

interface Given {
  readonly acknowledged?: boolean;
  readonly manages?: boolean;
  readonly member?: boolean;
  readonly namesCaller?: boolean;
}

function facts(caller: CallerFacts, given: Given = {}): OperationFacts {
  return {
    caller,
    preset: 'STRICT',
    approved: false,
    service: { manages: given.manages ?? false, member: given.member ?? given.manages ?? false },
    ...(given.namesCaller === undefined ? {} : { change: { namesCaller: given.namesCaller } }),
  };
}

const staff = (roles: readonly Role[], given: Given = {}) =>
  facts({ kind: 'STAFF', roles, acknowledgedPolicy: given.acknowledged ?? true }, given);

type Row = readonly [who: string, facts: OperationFacts, effect: OperationDecision['effect'], rule: string];

function table(id: OperationPolicyId, rows: readonly Row[]) {
  describe(id, () => {
    it.each(rows)('%s → %s', (_who, given, effect, rule) => {
      const decision = OPERATION_POLICIES[id].decide(given);
      expect([decision.effect, decision.rule]).toEqual([effect, rule]);
    });
  });
}

const MANAGERS = 'import.authorise.service-managers';

table('import.authorise', [
  ['SERVICE_MANAGER of the service', staff(['SERVICE_MANAGER'], { manages: true }), 'ALLOW', MANAGERS],
  ['SENIOR_MANAGER managing the service', staff(['SENIOR_MANAGER'], { manages: true }), 'ALLOW', MANAGERS],
  [
    'SERVICE_MANAGER of the service who has not acknowledged the current policy',
    staff(['SERVICE_MANAGER'], { manages: true, acknowledged: false }),
    'POLICY_NOT_ACKNOWLEDGED',
    'policy.acknowledgement',
  ],
  ['SERVICE_MANAGER of another service', staff(['SERVICE_MANAGER']), 'FORBIDDEN', MANAGERS],
  [
    'SENIOR_MANAGER not managing the service (org-wide reads are no import authority)',
    staff(['SENIOR_MANAGER']),
    'FORBIDDEN',
    MANAGERS,
  ],
  ['SUPPORT_WORKER in the service', staff(['SUPPORT_WORKER'], { member: true }), 'FORBIDDEN', MANAGERS],
  [
    'SUPPORT_WORKER with a manager link left from a demotion (decision 0136)',
    staff(['SUPPORT_WORKER'], { manages: true }),
    'FORBIDDEN',
    MANAGERS,
  ],
  ['ORG_ADMIN', staff(['ORG_ADMIN'], { manages: true }), 'FORBIDDEN', MANAGERS],
  ['IG_LEAD', staff(['IG_LEAD']), 'FORBIDDEN', MANAGERS],
  ['CALDICOTT_GUARDIAN', staff(['CALDICOTT_GUARDIAN']), 'FORBIDDEN', MANAGERS],
  ['a platform operator', facts({ kind: 'OPERATOR' }, { manages: true }), 'FORBIDDEN', MANAGERS],
  ['a service user', facts({ kind: 'SERVICE_USER' }), 'FORBIDDEN', MANAGERS],
  ['a partner agency', facts({ kind: 'PARTNER' }), 'FORBIDDEN', MANAGERS],
]);

const GRANTOR = 'import.withdraw.grantor';

table('import.withdraw', [
  [
    'the staff member who gave it',
    staff(['SERVICE_MANAGER'], { manages: true, namesCaller: true }),
    'ALLOW',
    GRANTOR,
  ],
  [
    'the staff member who gave it, no longer managing the service (withdrawing is the safe direction)',
    staff(['SUPPORT_WORKER'], { namesCaller: true, acknowledged: false }),
    'ALLOW',
    GRANTOR,
  ],
  [
    'another manager of the service',
    staff(['SERVICE_MANAGER'], { manages: true, namesCaller: false }),
    'NOT_FOUND',
    GRANTOR,
  ],
  ['ORG_ADMIN', staff(['ORG_ADMIN'], { namesCaller: false }), 'NOT_FOUND', GRANTOR],
  ['IG_LEAD', staff(['IG_LEAD'], { namesCaller: false }), 'NOT_FOUND', GRANTOR],
  [
    'a platform operator, whatever the change says',
    facts({ kind: 'OPERATOR' }, { namesCaller: true }),
    'NOT_FOUND',
    GRANTOR,
  ],
]);

const LISTERS = 'import.list.service-managers';

table('import.list', [
  ['SERVICE_MANAGER of the service', staff(['SERVICE_MANAGER'], { manages: true }), 'ALLOW', LISTERS],
  ['SENIOR_MANAGER managing the service', staff(['SENIOR_MANAGER'], { manages: true }), 'ALLOW', LISTERS],
  [
    'SERVICE_MANAGER of the service who has not acknowledged the current policy (nothing of a client is listed)',
    staff(['SERVICE_MANAGER'], { manages: true, acknowledged: false }),
    'ALLOW',
    LISTERS,
  ],
  ['SERVICE_MANAGER of another service', staff(['SERVICE_MANAGER']), 'FORBIDDEN', LISTERS],
  ['SENIOR_MANAGER not managing the service', staff(['SENIOR_MANAGER']), 'FORBIDDEN', LISTERS],
  ['SUPPORT_WORKER in the service', staff(['SUPPORT_WORKER'], { member: true }), 'FORBIDDEN', LISTERS],
  [
    'SUPPORT_WORKER with a manager link left from a demotion (decision 0136)',
    staff(['SUPPORT_WORKER'], { manages: true }),
    'FORBIDDEN',
    LISTERS,
  ],
  ['ORG_ADMIN with a manager link', staff(['ORG_ADMIN'], { manages: true }), 'FORBIDDEN', LISTERS],
  ['IG_LEAD', staff(['IG_LEAD']), 'FORBIDDEN', LISTERS],
  ['CALDICOTT_GUARDIAN', staff(['CALDICOTT_GUARDIAN']), 'FORBIDDEN', LISTERS],
  ['a platform operator', facts({ kind: 'OPERATOR' }, { manages: true }), 'FORBIDDEN', LISTERS],
  ['a service user', facts({ kind: 'SERVICE_USER' }), 'FORBIDDEN', LISTERS],
  ['a partner agency', facts({ kind: 'PARTNER' }), 'FORBIDDEN', LISTERS],
]);

describe('import.list shows a service’s authorisations to whoever may give one', () => {
  it('admits every caller import.authorise admits: a grantor still managing the service finds theirs listed', () => {
    const missing: string[] = [];
    for (const roles of [...ROLES.map((role) => [role]), ['SUPPORT_WORKER', 'SERVICE_MANAGER']] as Role[][]) {
      for (const manages of [true, false]) {
        for (const acknowledged of [true, false]) {
          const given = staff(roles, { manages, acknowledged });
          const authorises = OPERATION_POLICIES['import.authorise'].decide(given).effect === 'ALLOW';
          const lists = OPERATION_POLICIES['import.list'].decide(given).effect === 'ALLOW';
          if (authorises && !lists) missing.push(`${roles.join('+')} manages=${manages}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('is a read of the staff only, that changes and grants nothing', () => {
    expect(OPERATION_POLICIES['import.list'].effects).toEqual({});
    expect(OPERATION_POLICIES['import.list'].principals).toEqual(['STAFF']);
    expect(OPERATION_POLICIES['import.list'].subject).toBe('SERVICE');
  });
});

describe('import.authorise asks the standing the import itself needs', () => {
  /** The importer's relation to a client they have just registered in a service they manage (import/run.ts). */
  const NEW_CLIENT: ClientRelationFacts = {
    allocated: false,
    managesService: true,
    qaReview: false,
    investigation: false,
    serviceMember: true,
    emergency: undefined,
    self: false,
    conflict: false,
  };
  const roleSets: readonly (readonly Role[])[] = [
    ...ROLES.map((role) => [role]),
    ['SUPPORT_WORKER', 'SERVICE_MANAGER'],
    ['ORG_ADMIN', 'SENIOR_MANAGER'],
  ];

  it('allows exactly the callers whom the import’s own writes would allow (register, allocate, consent, close)', () => {
    const disagreements: string[] = [];
    for (const roles of roleSets) {
      for (const manages of [true, false]) {
        for (const member of [true, false]) {
          for (const acknowledged of [true, false]) {
            const given = staff(roles, { manages, member: manages || member, acknowledged });
            const authorised = OPERATION_POLICIES['import.authorise'].decide(given).effect === 'ALLOW';
            const onNewClient = { ...given, relation: NEW_CLIENT };
            const writes =
              OPERATION_POLICIES['client.register'].decide(given).effect === 'ALLOW' &&
              OPERATION_POLICIES['case.allocate'].decide(onNewClient).effect === 'ALLOW' &&
              OPERATION_POLICIES['case.close'].decide(onNewClient).effect === 'ALLOW' &&
              OPERATION_POLICIES['consent.record'].decide({
                ...onNewClient,
                change: { classification: 'CONSENT' },
              }).effect === 'ALLOW';
            if (authorised !== writes) {
              disagreements.push(`${roles.join('+')} manages=${manages} acknowledged=${acknowledged}`);
            }
          }
        }
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('grants no access to anyone: it is a write the floor’s reachability proof need not follow', () => {
    expect(OPERATION_POLICIES['import.authorise'].effects).toEqual({ writes: true });
    expect(OPERATION_POLICIES['import.authorise'].principals).toEqual(['STAFF']);
    expect(OPERATION_POLICIES['import.withdraw'].principals).toEqual(['STAFF']);
  });
});
