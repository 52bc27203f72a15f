import { ACCESS_PRESETS, CLASSIFICATIONS, ROLES, type Role } from '@confide/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CallerFacts, type ClientRelationFacts, PLAIN_ITEM } from '../facts';
import { OPERATION_POLICIES, type OperationPolicyId } from './catalogue';
import type { ChangeFacts, OperationFacts } from './facts';
import {
  OPERATION_INVARIANTS,
  type OperationRequest,
  reachableAlone,
  readsFrom,
  type Standing,
} from './floor';
import { ACCESS_GRANTS, allow, type OperationPolicy, operationPolicy } from './policy';
import { OPERATION_POLICY_CLAUSES } from './policy-clauses';

/*
 * The operation floor (issue 14), proved by enumeration like the field floor in ../floor.test.ts: every
 * operation policy of the catalogue is asked every question of the finite fact space below, and every answer
 * is checked against every invariant of floor.ts. Then a reachability search shows that no staff member can
 * gain a read of a client they have no relationship with by any sequence of operations they can run alone
 * (break-glass excepted: its reads are EMERGENCY reads, audited and always reviewed).
 *
 * The space: role sets none, every single role and every pair; policy acknowledged or not; the relation facts
 * one at a time (plus none, and a conflict with an allocation); both presets; approved or not; the change
 * facts one flag at a time, and every classification for classified writes; the target being the caller or
 * not; managing / working in the service or not; every caller kind.
 */

const POLICIES: readonly OperationPolicy[] = Object.values(OPERATION_POLICIES);
const BOOLEANS = [false, true] as const;
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

const ROLE_SETS: readonly (readonly Role[])[] = [
  [],
  ...ROLES.map((role) => [role]),
  ...ROLES.flatMap((first, index) => ROLES.slice(index + 1).map((second) => [first, second])),
];

const RELATIONS: readonly ClientRelationFacts[] = [
  NOTHING,
  { ...NOTHING, allocated: true },
  { ...NOTHING, managesService: true, serviceMember: true },
  { ...NOTHING, qaReview: true },
  { ...NOTHING, investigation: true },
  { ...NOTHING, serviceMember: true },
  { ...NOTHING, emergency: 'IMMINENT_DANGER' },
  { ...NOTHING, self: true },
  { ...NOTHING, allocated: true, conflict: true },
];

const FLAGS = [
  'grantsContentRole',
  'grantsApproverRole',
  'widensPreset',
  'expiresImmediately',
  'grantsCallerAccess',
] as const;

/** The argument facts asked about: none, each flag the policy decides on, every classification it writes. */
function changes(policy: OperationPolicy): (ChangeFacts | undefined)[] {
  const considered = policy.changeFacts ?? [];
  return [
    undefined,
    ...FLAGS.filter((flag) => considered.includes(flag)).map((flag) => ({ [flag]: true })),
    ...(considered.includes('classification')
      ? CLASSIFICATIONS.map((classification) => ({ classification, item: PLAIN_ITEM }))
      : []),
  ];
}

const CALLERS: readonly CallerFacts[] = [
  ...ROLE_SETS.flatMap((roles) =>
    BOOLEANS.map((acknowledgedPolicy) => ({ kind: 'STAFF' as const, roles, acknowledgedPolicy })),
  ),
  { kind: 'SERVICE_USER' },
  { kind: 'PARTNER' },
  { kind: 'OPERATOR' },
];

/** Every question for one policy, shaped by what it acts on. */
function* questions(policy: OperationPolicy): Generator<OperationFacts> {
  for (const caller of CALLERS) {
    // The plugin refuses a principal the policy does not admit before the policy is asked.
    if (!policy.principals.includes(caller.kind)) continue;
    for (const preset of ACCESS_PRESETS)
      for (const approved of BOOLEANS)
        for (const change of changes(policy)) {
          const base = { caller, preset, approved, ...(change ? { change } : {}) };
          if (policy.subject === 'CLIENT') {
            for (const relation of RELATIONS) yield { ...base, relation };
          } else if (policy.subject === 'STAFF') {
            for (const targetIsCaller of BOOLEANS) yield { ...base, targetIsCaller };
          } else if (policy.subject === 'SERVICE') {
            for (const manages of BOOLEANS)
              for (const member of BOOLEANS)
                yield { ...base, service: { manages, member: member || manages } };
          } else {
            yield base;
          }
        }
  }
}

function decideSafely(policy: OperationPolicy, facts: OperationFacts) {
  try {
    return policy.decide(facts);
  } catch {
    // A classified write asked without a classification: the plugin always supplies one.
    return undefined;
  }
}

/**
 * One pass over the space asks each policy each question once and checks every invariant and the rule's name on each
 * decision; the tests below each assert their own part of it. (A pass per invariant asked the same questions ten times:
 * about 10 s of a 12 s file.)
 */
function enumerateDecisions() {
  const broken = new Map(OPERATION_INVARIANTS.map((invariant) => [invariant.id, [] as string[]]));
  const unnamed = new Set<string>();
  let checked = 0;
  const decided = new Map(POLICIES.map((policy) => [policy.id, 0]));
  for (const policy of POLICIES) {
    for (const facts of questions(policy)) {
      const decision = decideSafely(policy, facts);
      if (!decision) continue;
      checked += 1;
      decided.set(policy.id, (decided.get(policy.id) ?? 0) + 1);
      const request: OperationRequest = { policy, facts };
      for (const invariant of OPERATION_INVARIANTS) {
        const found = broken.get(invariant.id) as string[];
        if (!invariant.holds(request, decision) && found.length < 5) {
          found.push(`${policy.id} ${decision.effect} ${JSON.stringify(facts)}`);
        }
      }
      if (!/^[a-z][a-z0-9.+-]*$/.test(decision.rule)) unnamed.add(`${policy.id}: ${decision.rule}`);
    }
  }
  return { broken, unnamed, checked, decided };
}

describe('the operation floor', () => {
  let space: ReturnType<typeof enumerateDecisions>;
  beforeAll(() => {
    space = enumerateDecisions();
  });

  it('has a policy for every catalogue id, each with a clause and admitted principals', () => {
    for (const [id, policy] of Object.entries(OPERATION_POLICIES)) {
      expect(policy.id, id).toBe(id);
      expect(OPERATION_POLICY_CLAUSES[id as OperationPolicyId].length, id).toBeGreaterThan(10);
      expect(policy.principals.length, id).toBeGreaterThan(0);
    }
    // One clause per policy, in the catalogue's order, so a reader finds each where its policy is.
    expect(Object.keys(OPERATION_POLICY_CLAUSES)).toEqual(Object.keys(OPERATION_POLICIES));
  });

  it('asks every policy questions it decides', () => {
    // Each policy, not the catalogue as a whole: one that threw on every question would have no invariant checked.
    const undecided = [...space.decided].filter(([, count]) => count === 0).map(([id]) => id);
    expect(undecided).toEqual([]);
    expect(space.checked).toBeGreaterThan(POLICIES.length);
  });

  for (const invariant of OPERATION_INVARIANTS) {
    it(`${invariant.id} holds for every decision of every policy (${invariant.clause})`, () => {
      expect(space.broken.get(invariant.id)).toEqual([]);
    });
  }

  it('names a rule on every decision', () => {
    expect([...space.unnamed]).toEqual([]);
  });
});

describe('no single person gains access to a record they have no relationship with', () => {
  const starts: Standing[] = ROLE_SETS.flatMap((roles) =>
    BOOLEANS.flatMap((serviceMember) =>
      ACCESS_PRESETS.map((preset) => ({ roles, relation: { ...NOTHING, serviceMember }, preset })),
    ),
  );

  /** Reads gained on the way that do not rest on break-glass. */
  function gainedWithoutBreakGlass(policies: readonly OperationPolicy[], start: Standing): string[] {
    const before = readsFrom(start);
    const gained: string[] = [];
    for (const standing of reachableAlone(policies, start)) {
      for (const [classification, decision] of readsFrom(standing)) {
        if (before.has(classification)) continue;
        if ('relationship' in decision && decision.relationship === 'EMERGENCY') continue;
        gained.push(`${classification} via ${JSON.stringify(standing)}`);
      }
    }
    return gained;
  }

  it('by any sequence of operations the catalogue lets them run alone (break-glass reads excepted)', () => {
    for (const start of starts)
      expect(gainedWithoutBreakGlass(POLICIES, start), JSON.stringify(start)).toEqual([]);
  });

  it('reasons about every kind of grant the catalogue has', () => {
    const kinds = new Set(POLICIES.map((policy) => policy.effects.grants).filter(Boolean));
    expect([...kinds].sort()).toEqual([...ACCESS_GRANTS].sort());
  });

  it('would catch a policy that lets a worker allocate themself', () => {
    const selfAllocation = operationPolicy({
      id: 'test.self-allocation',
      subject: 'CLIENT',
      effects: { grants: 'ALLOCATION', writes: true },
      decide: () => allow('test.self-allocation'),
    });
    const worker: Standing = { roles: ['SUPPORT_WORKER'], relation: NOTHING, preset: 'STRICT' };
    expect(gainedWithoutBreakGlass([selfAllocation], worker).length).toBeGreaterThan(0);
  });
});
