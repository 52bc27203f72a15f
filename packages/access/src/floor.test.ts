import {
  ACCESS_PRESETS,
  CLASSIFICATIONS,
  type Classification,
  EMERGENCY_REASONS,
  type EmergencyReason,
  ROLES,
  type Role,
} from '@confide/domain';
import { describe, expect, it } from 'vitest';
import { decideRead, decideWrite } from './decide';
import type { ReadDecision, WriteDecision } from './decision';
import {
  type CallerFacts,
  type ClientRelationFacts,
  type ItemFacts,
  PLAIN_ITEM,
  type ReadRequest,
  type WriteRequest,
} from './facts';
import {
  type Invariant,
  READ_INVARIANTS,
  STAFF_PERSONAL_INVARIANTS,
  type StaffPersonalReadRequest,
  WRITE_INVARIANTS,
} from './invariants';
import { decideStaffPersonalRead } from './staff-personal';

/*
 * The provable floor (ACCESS-MODEL.md): every decision of the finite policy space, checked against every
 * invariant of invariants.ts.
 *
 * Enumerated in full: role sets (none, every single role, every pair: every way two roles combine, such as an
 * allocated VOLUNTEER who is also a SUPPORT_WORKER or a CHIEF_EXECUTIVE who is also an HR_OFFICER), policy
 * acknowledged or not, every relation boolean, the emergency grant (none + each of the five reasons), every item fact, every
 * classification (STAFF_PERSONAL included), both presets, purpose absent / stated, every caller kind.
 *
 * One pruning: each caller kind gets its own facts and the shared ones (conflict, emergency, sealed); facts
 * about another kind of caller are fixed to false.
 * - STAFF: `self` (about the service user themself), `withheldFromSubject` (an exemption from subject
 *   access) and `grantedToPartner` (a partner's grant).
 * - SERVICE_USER, PARTNER, OPERATOR: allocated, managesService, qaReview, investigation, serviceMember and
 *   namedStaff (facts about staff).
 * Why they cannot matter: the engine evaluates each kind in its own function, whose parameter types leave the
 * other kinds' facts out (`evaluateStaff` with `StaffRelationFacts` / `StaffItemFacts`, `evaluateServiceUser`,
 * `evaluatePartner` in decide.ts; the gate sees only the caller and `conflict`), so no decision can read them;
 * and the invariants read them only for the kind they are about. "decisions ignore facts about other caller
 * kinds" below checks it anyway. Without this the space is eight times larger for no additional proof.
 *
 * A blank purpose is not a separate value: `hasPurpose` treats it as absent (matrix.test.ts covers it).
 */

const BOOLEANS = [false, true] as const;
const EMERGENCIES: readonly (EmergencyReason | undefined)[] = [undefined, ...EMERGENCY_REASONS];
const PURPOSES: readonly (string | undefined)[] = [undefined, 'checking medication before a visit'];
const NOTHING: ClientRelationFacts = {
  allocated: false,
  managesService: false,
  qaReview: false,
  investigation: false,
  serviceMember: false,
  emergency: undefined,
  self: false,
  conflict: false,
};

function roleSets(): Role[][] {
  const sets: Role[][] = [[]];
  ROLES.forEach((first, index) => {
    sets.push([first]);
    for (const second of ROLES.slice(index + 1)) sets.push([first, second]);
  });
  return sets;
}

/** Every combination of the given boolean facts on top of `base`. */
function combinations<Facts extends object>(base: Facts, keys: readonly (keyof Facts)[]): Facts[] {
  return keys.reduce<Facts[]>(
    (all, key) => all.flatMap((facts) => BOOLEANS.map((value) => ({ ...facts, [key]: value }))),
    [base],
  );
}

function withEmergencies(all: readonly ClientRelationFacts[]): ClientRelationFacts[] {
  return all.flatMap((facts) => EMERGENCIES.map((emergency) => ({ ...facts, emergency })));
}

const STAFF_RELATIONS = withEmergencies(
  combinations(NOTHING, [
    'allocated',
    'managesService',
    'qaReview',
    'investigation',
    'serviceMember',
    'conflict',
  ]),
);
const OTHER_RELATIONS = withEmergencies(combinations(NOTHING, ['self', 'conflict']));
const STAFF_ITEMS = combinations(PLAIN_ITEM, ['sealed', 'namedStaff']);
const OTHER_ITEMS = combinations(PLAIN_ITEM, ['sealed', 'withheldFromSubject', 'grantedToPartner']);

const ROLE_SETS = roleSets();
const STAFF_CALLERS: CallerFacts[] = ROLE_SETS.flatMap((roles) =>
  BOOLEANS.map((acknowledgedPolicy): CallerFacts => ({ kind: 'STAFF', roles, acknowledgedPolicy })),
);
const OTHER_CALLERS: CallerFacts[] = [{ kind: 'SERVICE_USER' }, { kind: 'PARTNER' }, { kind: 'OPERATOR' }];

/** The space: each caller with the relation and item facts of its kind. */
const SPACES = [
  { callers: STAFF_CALLERS, relations: STAFF_RELATIONS, items: STAFF_ITEMS },
  { callers: OTHER_CALLERS, relations: OTHER_RELATIONS, items: OTHER_ITEMS },
];

interface Counterexample<Request, Decision> {
  readonly failures: number;
  readonly first: { readonly request: Request; readonly decision: Decision };
}

/** Checks every invariant on one decision; keeps the first counterexample of each. */
function check<Request, Decision>(
  invariants: readonly Invariant<Request, Decision>[],
  request: Request,
  decision: Decision,
  found: Map<string, Counterexample<Request, Decision>>,
): void {
  for (const invariant of invariants) {
    if (invariant.holds(request, decision)) continue;
    const seen = found.get(invariant.id);
    found.set(invariant.id, {
      failures: (seen?.failures ?? 0) + 1,
      first: seen?.first ?? { request, decision },
    });
  }
}

function sameDecision(a: ReadDecision | WriteDecision, b: ReadDecision | WriteDecision): boolean {
  return (
    a.effect === b.effect &&
    a.rule === b.rule &&
    ('relationship' in a ? a.relationship : undefined) ===
      ('relationship' in b ? b.relationship : undefined) &&
    ('justified' in a ? a.justified : undefined) === ('justified' in b ? b.justified : undefined)
  );
}

function report<Request, Decision>(found: Map<string, Counterexample<Request, Decision>>): string {
  return [...found]
    .map(
      ([id, { failures, first }]) =>
        `${id} fails on ${failures} decisions; first counterexample:\n  request:  ${JSON.stringify(first.request)}\n  decision: ${JSON.stringify(first.decision)}`,
    )
    .join('\n');
}

const READ_CASES = SPACES.reduce(
  (sum, space) =>
    sum +
    space.callers.length *
      space.relations.length *
      space.items.length *
      CLASSIFICATIONS.length *
      ACCESS_PRESETS.length *
      PURPOSES.length,
  0,
);
const WRITE_CASES = READ_CASES / PURPOSES.length;

describe('the provable floor', () => {
  // Millions of cases: seconds on an idle machine, so allow generous time on a loaded one.
  it(`holds on every read decision of the policy space (${READ_CASES.toLocaleString('en-GB')} cases)`, {
    timeout: 180_000,
  }, () => {
    const found = new Map<string, Counterexample<ReadRequest, ReadDecision>>();
    let checked = 0;

    for (const space of SPACES)
      for (const caller of space.callers)
        for (const relation of space.relations)
          for (const item of space.items)
            for (const classification of CLASSIFICATIONS)
              for (const preset of ACCESS_PRESETS)
                for (const purpose of PURPOSES) {
                  const request: ReadRequest = { caller, relation, item, classification, preset, purpose };
                  check(READ_INVARIANTS, request, decideRead(request), found);
                  checked += 1;
                }

    expect(report(found)).toBe('');
    expect(checked).toBe(READ_CASES);
    expect(checked).toBe(8_757_504);
  });

  it(`holds on every write decision of the policy space (${WRITE_CASES.toLocaleString('en-GB')} cases)`, {
    timeout: 180_000,
  }, () => {
    const found = new Map<string, Counterexample<WriteRequest, WriteDecision>>();
    let checked = 0;

    for (const space of SPACES)
      for (const caller of space.callers)
        for (const relation of space.relations)
          for (const item of space.items)
            for (const classification of CLASSIFICATIONS)
              for (const preset of ACCESS_PRESETS) {
                const request: WriteRequest = { caller, relation, item, classification, preset };
                check(WRITE_INVARIANTS, request, decideWrite(request), found);
                checked += 1;
              }

    expect(report(found)).toBe('');
    expect(checked).toBe(WRITE_CASES);
    expect(checked).toBe(4_378_752);
  });

  it('holds on every read of staff records (STAFF_PERSONAL)', () => {
    const found = new Map<string, Counterexample<StaffPersonalReadRequest, ReadDecision>>();
    let checked = 0;

    for (const caller of [...STAFF_CALLERS, ...OTHER_CALLERS])
      for (const isOwnRecord of BOOLEANS) {
        const request: StaffPersonalReadRequest = { caller, isOwnRecord };
        check(STAFF_PERSONAL_INVARIANTS, request, decideStaffPersonalRead(caller, isOwnRecord), found);
        checked += 1;
      }

    expect(report(found)).toBe('');
    expect(checked).toBe((STAFF_CALLERS.length + OTHER_CALLERS.length) * 2);
  });

  it('decisions ignore facts about other caller kinds (justifies the pruning above)', () => {
    const differences: ReadRequest[] = [];
    const singleRoles: CallerFacts[] = ROLE_SETS.filter((roles) => roles.length <= 1).map((roles) => ({
      kind: 'STAFF',
      roles,
      acknowledgedPolicy: true,
    }));
    // All pruned facts at once on the staff side (a quarter of a million requests); each alone on the small
    // side of the other kinds.
    type Flip = { relation?: Partial<ClientRelationFacts>; item?: Partial<ItemFacts> };
    const staffFlips: Flip[] = [
      { relation: { self: true }, item: { withheldFromSubject: true, grantedToPartner: true } },
    ];
    const otherFlips: Flip[] = [
      { relation: { allocated: true } },
      { relation: { managesService: true } },
      { relation: { qaReview: true } },
      { relation: { investigation: true } },
      { relation: { serviceMember: true } },
      { item: { namedStaff: true } },
      {
        relation: {
          allocated: true,
          managesService: true,
          qaReview: true,
          investigation: true,
          serviceMember: true,
        },
        item: { namedStaff: true },
      },
    ];
    const sides = [
      { callers: singleRoles, relations: STAFF_RELATIONS, items: STAFF_ITEMS, flips: staffFlips },
      { callers: OTHER_CALLERS, relations: OTHER_RELATIONS, items: OTHER_ITEMS, flips: otherFlips },
    ];

    for (const side of sides)
      for (const caller of side.callers)
        for (const relation of side.relations)
          for (const item of side.items)
            for (const classification of CLASSIFICATIONS)
              for (const preset of ACCESS_PRESETS) {
                const base: ReadRequest = {
                  caller,
                  relation,
                  item,
                  classification,
                  preset,
                  purpose: PURPOSES[1],
                };
                const read = decideRead(base);
                const write = decideWrite(base);
                for (const flip of side.flips) {
                  const other: ReadRequest = {
                    ...base,
                    relation: { ...relation, ...flip.relation },
                    item: { ...item, ...flip.item },
                  };
                  if (!sameDecision(decideRead(other), read) || !sameDecision(decideWrite(other), write)) {
                    differences.push(other);
                  }
                }
              }

    expect(differences.slice(0, 3)).toEqual([]);
  });
});

describe('the invariants themselves', () => {
  // Wrong answers an engine could give; every invariant must reject at least one of them somewhere in a small
  // corner of the space, or it proves nothing.
  const WRONG_READS: readonly ReadDecision[] = [
    { effect: 'ALLOW', relationship: 'NONE', justified: false, rule: 'matrix.org-wide' },
    { effect: 'ALLOW', relationship: 'ALLOCATED', justified: true, rule: 'matrix.allocated-support-worker' },
    { effect: 'JUSTIFICATION_REQUIRED', relationship: 'EMERGENCY', rule: 'matrix.emergency' },
    { effect: 'FORBIDDEN', relationship: 'NONE', rule: 'existence.no-relationship' },
    { effect: 'NOT_FOUND', rule: 'existence.no-relationship' },
    { effect: 'ALLOW', relationship: 'EMERGENCY', justified: false, rule: 'matrix.emergency' },
  ];
  const WRONG_WRITES: readonly WriteDecision[] = [
    { effect: 'ALLOW', relationship: 'NONE', rule: 'matrix.org-wide' },
    { effect: 'ALLOW', relationship: 'EMERGENCY', rule: 'matrix.emergency' },
    { effect: 'FORBIDDEN', relationship: 'NONE', rule: 'existence.no-relationship' },
    { effect: 'NOT_FOUND', rule: 'existence.no-relationship' },
  ];
  const PROBE_CALLERS: CallerFacts[] = [
    ...OTHER_CALLERS,
    ...STAFF_CALLERS.filter((caller) => caller.kind === 'STAFF' && caller.roles.length <= 1),
  ];
  const PROBE_RELATIONS = withEmergencies(
    combinations(NOTHING, ['allocated', 'serviceMember', 'self', 'conflict']),
  );
  const PROBE_ITEMS = combinations(PLAIN_ITEM, [
    'sealed',
    'namedStaff',
    'withheldFromSubject',
    'grantedToPartner',
  ]);
  const PROBE_CLASSIFICATIONS: readonly Classification[] = ['CARE', 'HEALTH', 'STAFF_PERSONAL'];

  function rejectsSomething<Request, Decision>(
    invariant: Invariant<Request, Decision>,
    requests: () => Generator<Request>,
    wrong: readonly Decision[],
  ): boolean {
    for (const request of requests())
      if (wrong.some((decision) => !invariant.holds(request, decision))) return true;
    return false;
  }

  function* readProbes(): Generator<ReadRequest> {
    for (const caller of PROBE_CALLERS)
      for (const relation of PROBE_RELATIONS)
        for (const item of PROBE_ITEMS)
          for (const classification of PROBE_CLASSIFICATIONS)
            for (const preset of ACCESS_PRESETS)
              for (const purpose of PURPOSES)
                yield { caller, relation, item, classification, preset, purpose };
  }

  function* writeProbes(): Generator<WriteRequest> {
    for (const { purpose: _purpose, ...request } of readProbes()) yield request;
  }

  it.each(READ_INVARIANTS.map((invariant) => [invariant.id, invariant] as const))(
    'read invariant %s rejects a wrong decision',
    (_id, invariant) => {
      expect(rejectsSomething(invariant, readProbes, WRONG_READS)).toBe(true);
    },
  );

  it.each(WRITE_INVARIANTS.map((invariant) => [invariant.id, invariant] as const))(
    'write invariant %s rejects a wrong decision',
    (_id, invariant) => {
      expect(rejectsSomething(invariant, writeProbes, WRONG_WRITES)).toBe(true);
    },
  );

  it.each(STAFF_PERSONAL_INVARIANTS.map((invariant) => [invariant.id, invariant] as const))(
    'staff-record invariant %s rejects a wrong decision',
    (_id, invariant) => {
      function* probes(): Generator<StaffPersonalReadRequest> {
        for (const caller of PROBE_CALLERS) for (const isOwnRecord of BOOLEANS) yield { caller, isOwnRecord };
      }
      expect(rejectsSomething(invariant, probes, WRONG_READS)).toBe(true);
    },
  );

  it('have unique ids and say which clause they encode', () => {
    const all = [...READ_INVARIANTS, ...WRITE_INVARIANTS, ...STAFF_PERSONAL_INVARIANTS];

    const ids = new Set(all.map((invariant) => invariant.id));

    expect(ids.size).toBe(all.length);
    for (const invariant of all) expect(invariant.clause).toMatch(/ACCESS-MODEL\.md/);
  });
});
