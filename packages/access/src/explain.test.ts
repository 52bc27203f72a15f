import { ACCESS_PRESETS, EMERGENCY_REASONS, ROLES, type Role } from '@confide/domain';
import { describe, expect, it } from 'vitest';
import { decideRead } from './decide';
import { explain } from './explain';
import { type CallerFacts, type ClientRelationFacts, PLAIN_ITEM } from './facts';
import { CLIENT_CLASSIFICATIONS } from './matrix';
import { RULE_IDS, RULES } from './rules';

const NO_RELATION: ClientRelationFacts = {
  allocated: false,
  managesService: false,
  qaReview: false,
  investigation: false,
  serviceMember: false,
  emergency: undefined,
  self: false,
  conflict: false,
};

const staff = (...roles: Role[]): CallerFacts => ({ kind: 'STAFF', roles, acknowledgedPolicy: true });
const relation = (facts: Partial<ClientRelationFacts>): ClientRelationFacts => ({ ...NO_RELATION, ...facts });

describe('explain', () => {
  it('gives one entry per client classification, in matrix order, never STAFF_PERSONAL', () => {
    const explanation = explain(staff('SUPPORT_WORKER'), relation({ allocated: true }), 'STRICT');

    expect(explanation.map((entry) => entry.classification)).toEqual(CLIENT_CLASSIFICATIONS);
  });

  it('says why an allocated volunteer can and cannot read, in plain words', () => {
    const explanation = explain(staff('VOLUNTEER'), relation({ allocated: true }), 'STRICT');

    const care = explanation.find((entry) => entry.classification === 'CARE');
    const health = explanation.find((entry) => entry.classification === 'HEALTH');

    expect(care).toEqual({
      classification: 'CARE',
      effect: 'ALLOW',
      relationship: 'ALLOCATED',
      rule: 'matrix.allocated-volunteer',
      reason: 'You can read care data: you are allocated to this client as a volunteer.',
    });
    expect(health).toMatchObject({
      effect: 'FORBIDDEN',
      relationship: 'ALLOCATED',
      rule: 'matrix.allocated-volunteer',
    });
    expect(health?.reason).toBe(
      'You cannot read health data: you are allocated to this client as a volunteer, which does not include health data.',
    );
  });

  it('says when a purpose is needed', () => {
    const explanation = explain(staff('TEAM_LEADER'), relation({ qaReview: true }), 'STRICT');

    const identifying = explanation.find((entry) => entry.classification === 'IDENTIFYING');

    expect(identifying).toMatchObject({ effect: 'JUSTIFICATION_REQUIRED', relationship: 'QA_REVIEW' });
    expect(identifying?.reason).toMatch(/^You can read identifying data once you state a purpose/);
  });

  it('names emergency access and the preset as what they are', () => {
    const explanation = explain(
      staff('HR_OFFICER'),
      relation({ emergency: 'MEDICAL_EMERGENCY' }),
      'GROUP_WIDE',
    );

    expect(explanation.map(({ classification, effect, rule }) => [classification, effect, rule])).toEqual([
      ['PSEUDONYMOUS', 'ALLOW', 'preset.group-wide'],
      ['IDENTIFYING', 'ALLOW', 'preset.group-wide'],
      ['CONTACT', 'ALLOW', 'preset.group-wide'],
      ['CARE', 'ALLOW', 'preset.group-wide'],
      ['HEALTH', 'JUSTIFICATION_REQUIRED', 'matrix.emergency'],
      ['FINANCE', 'FORBIDDEN', 'preset.group-wide'],
      ['SAFEGUARDING', 'JUSTIFICATION_REQUIRED', 'matrix.emergency'],
      ['CONSENT', 'JUSTIFICATION_REQUIRED', 'matrix.emergency'],
    ]);
  });

  it('asks an unacknowledged staff member to acknowledge, without revealing their relationship', () => {
    const unacknowledged: CallerFacts = {
      kind: 'STAFF',
      roles: ['SUPPORT_WORKER'],
      acknowledgedPolicy: false,
    };

    const allocated = explain(unacknowledged, relation({ allocated: true }), 'STRICT');
    const stranger = explain(unacknowledged, NO_RELATION, 'STRICT');

    expect(allocated).toEqual(stranger);
    expect(new Set(allocated.map((entry) => `${entry.effect} ${entry.relationship} ${entry.rule}`))).toEqual(
      new Set(['POLICY_NOT_ACKNOWLEDGED NONE policy.acknowledgement']),
    );
    expect(allocated[0]?.reason).toMatch(/acknowledge the organisation's current confidentiality policy/);
  });

  it('tells an operator that operators see no tenant data', () => {
    const explanation = explain({ kind: 'OPERATOR' }, relation({ self: true }), 'STRICT');

    expect(explanation.every((entry) => entry.effect === 'FORBIDDEN' && entry.rule === 'operator.none')).toBe(
      true,
    );
    expect(explanation[0]?.reason).toBe(
      'You cannot read pseudonymous data: platform operators never see tenant data.',
    );
  });

  describe('reveals nothing beyond the decision', () => {
    const hidden = explain(staff('SUPPORT_WORKER'), NO_RELATION, 'STRICT');

    // Every way a client can be hidden must read exactly like a client that does not exist.
    // `wide`: hidden under GROUP_WIDE too (conflicts, partners and other service users are hidden under any preset).
    const cases: { name: string; caller: CallerFacts; relation: ClientRelationFacts; wide: boolean }[] = [
      {
        name: 'a conflict of interest',
        caller: staff('SUPPORT_WORKER'),
        relation: relation({ allocated: true, conflict: true }),
        wide: true,
      },
      {
        name: 'a conflict despite emergency access',
        caller: staff('SENIOR_MANAGER'),
        relation: relation({ conflict: true, emergency: 'IMMINENT_DANGER' }),
        wide: true,
      },
      {
        name: 'a chief executive without emergency access',
        caller: staff('CHIEF_EXECUTIVE'),
        relation: NO_RELATION,
        wide: false,
      },
      {
        name: 'a relation fact that does not count for the role',
        caller: staff('VOLUNTEER'),
        relation: relation({ qaReview: true }),
        wide: false,
      },
      { name: 'a partner', caller: { kind: 'PARTNER' }, relation: relation({ allocated: true }), wide: true },
      { name: 'another service user', caller: { kind: 'SERVICE_USER' }, relation: NO_RELATION, wide: true },
      {
        name: 'the client naming the staff member as conflicted',
        caller: staff('ADMINISTRATOR'),
        relation: relation({ serviceMember: true, conflict: true }),
        wide: true,
      },
    ];

    it.each(cases)('explains $name like no relationship at all', ({ caller, relation: facts, wide }) => {
      expect(explain(caller, facts, 'STRICT')).toEqual(hidden);
      if (wide) expect(explain(caller, facts, 'GROUP_WIDE')).toEqual(hidden);
    });

    it('uses one neutral entry for hidden clients', () => {
      expect(
        new Set(hidden.map((entry) => `${entry.effect} ${entry.relationship} ${entry.rule} ${entry.reason}`)),
      ).toEqual(
        new Set(['NOT_FOUND NONE existence.hidden No client record is visible to you under this reference.']),
      );
    });
  });

  it('agrees with decideRead for every role pair, relation and preset', () => {
    const disagreements: string[] = [];
    const roleSets: Role[][] = [
      [],
      ...ROLES.map((role) => [role]),
      ...ROLES.flatMap((a, i) => ROLES.slice(i + 1).map((b) => [a, b])),
    ];
    const relations = [
      NO_RELATION,
      relation({ allocated: true }),
      relation({ managesService: true }),
      relation({ qaReview: true }),
      relation({ investigation: true }),
      relation({ serviceMember: true }),
      relation({ conflict: true, allocated: true }),
      ...EMERGENCY_REASONS.map((emergency) => relation({ emergency })),
    ];

    for (const roles of roleSets)
      for (const acknowledgedPolicy of [true, false])
        for (const facts of relations)
          for (const preset of ACCESS_PRESETS) {
            const caller: CallerFacts = { kind: 'STAFF', roles, acknowledgedPolicy };
            for (const entry of explain(caller, facts, preset)) {
              const decision = decideRead({
                caller,
                relation: facts,
                item: PLAIN_ITEM,
                classification: entry.classification,
                preset,
                purpose: undefined,
              });
              const agrees =
                entry.effect === decision.effect &&
                (decision.effect === 'NOT_FOUND'
                  ? entry.rule === 'existence.hidden' && entry.relationship === 'NONE'
                  : entry.rule === decision.rule &&
                    entry.relationship === ('relationship' in decision ? decision.relationship : 'NONE'));
              if (!agrees)
                disagreements.push(`${JSON.stringify({ caller, facts, preset })} ${JSON.stringify(entry)}`);
            }
          }

    expect(disagreements.slice(0, 3)).toEqual([]);
  });
});

describe('the rule catalogue', () => {
  it.each(RULE_IDS)('gives %s a plain-words reason and a source', (rule) => {
    const { reason, source } = RULES[rule];

    expect(reason.length).toBeGreaterThan(10);
    expect(reason).not.toMatch(/[.!]$/); // explain ends the sentence
    expect(reason).toMatch(/^[a-z]/); // explain capitalises it
    expect(source.length).toBeGreaterThan(3);
  });
});
