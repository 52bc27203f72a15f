import { CLASSIFICATIONS, EMERGENCY_REASONS, type Relationship, ROLES, type Role } from '@confide/domain';
import { describe, expect, it } from 'vitest';
import { clientVisible, decideRead, decideWrite, relationshipsOf } from './decide';
import type { ReadDecision, WriteDecision } from './decision';
import {
  DEFAULT_MATRIX_SPEC,
  type DefaultMatrixScenario,
  type DefaultMatrixSpecRow,
  GROUP_WIDE_SPEC,
  type SpecCell,
} from './default-matrix-spec';
import {
  type CallerFacts,
  type ClientRelationFacts,
  type ItemFacts,
  PLAIN_ITEM,
  type ReadRequest,
} from './facts';
import {
  CLIENT_CLASSIFICATIONS,
  type ClientClassification,
  GROUP_WIDE_GRANT,
  type MatrixRowId,
  STRICT_MATRIX,
} from './matrix';
import { decideStaffPersonalRead, EMPLOYMENT_READERS } from './staff-personal';

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
const PURPOSE = 'reviewing the support plan with the client';

const staff = (...roles: Role[]): CallerFacts => ({
  kind: 'STAFF',
  roles,
  acknowledgedPolicy: true,
});

function requestFor(
  scenario: Pick<DefaultMatrixScenario, 'caller' | 'relation'>,
  classification: ReadRequest['classification'],
  overrides: Partial<Omit<ReadRequest, 'relation' | 'item'>> & {
    relation?: Partial<ClientRelationFacts>;
    item?: Partial<ItemFacts>;
  } = {},
): ReadRequest {
  const { relation, item, ...rest } = overrides;
  return {
    caller: scenario.caller,
    relation: { ...NO_RELATION, ...scenario.relation, ...relation },
    item: { ...PLAIN_ITEM, ...item },
    classification,
    preset: 'STRICT',
    purpose: undefined,
    ...rest,
  };
}

/** A decision in a few words, so a failing case shows what happened at a glance. */
function said(decision: ReadDecision | WriteDecision): string {
  if (decision.effect === 'ALLOW' && 'justified' in decision && decision.justified) {
    return `ALLOW (justified) via ${decision.relationship}`;
  }
  return 'relationship' in decision ? `${decision.effect} via ${decision.relationship}` : decision.effect;
}

interface Observed {
  readonly read: string;
  readonly readWithPurpose: string;
  readonly write: string;
}

function observe(request: ReadRequest): Observed {
  return {
    read: said(decideRead({ ...request, purpose: undefined })),
    readWithPurpose: said(decideRead({ ...request, purpose: PURPOSE })),
    write: said(decideWrite(request)),
  };
}

/** What a cell of ACCESS-MODEL.md means for a read without purpose, a read with one, and a write. */
function expectedFor(cell: SpecCell | 'HIDDEN', relationship: Relationship): Observed {
  const via = (effect: string) => `${effect} via ${relationship}`;
  switch (cell) {
    case 'HIDDEN':
      return { read: 'NOT_FOUND', readWithPurpose: 'NOT_FOUND', write: 'NOT_FOUND' };
    case 'R':
      return { read: via('ALLOW'), readWithPurpose: via('ALLOW'), write: via('FORBIDDEN') };
    case 'RW':
      return { read: via('ALLOW'), readWithPurpose: via('ALLOW'), write: via('ALLOW') };
    case 'W':
      return { read: via('FORBIDDEN'), readWithPurpose: via('FORBIDDEN'), write: via('ALLOW') };
    case 'J':
      return {
        read: via('JUSTIFICATION_REQUIRED'),
        readWithPurpose: via('ALLOW (justified)'),
        write: via('FORBIDDEN'),
      };
    case '—':
      return { read: via('FORBIDDEN'), readWithPurpose: via('FORBIDDEN'), write: via('FORBIDDEN') };
  }
}

function cellOf(row: DefaultMatrixSpecRow, classification: ClientClassification): SpecCell | 'HIDDEN' {
  return row.cells === 'HIDDEN' ? 'HIDDEN' : row.cells[classification];
}

function casesOf(rows: readonly DefaultMatrixSpecRow[]) {
  return rows.flatMap((row) =>
    row.scenarios.flatMap((scenario) =>
      CLIENT_CLASSIFICATIONS.map((classification) => ({
        name: `${row.heading} · ${scenario.name} · ${classification}: ${cellOf(row, classification)}`,
        row,
        scenario,
        classification,
      })),
    ),
  );
}

const STAFF_SCENARIOS = DEFAULT_MATRIX_SPEC.flatMap((row) => row.scenarios).filter(
  (scenario) => scenario.caller.kind === 'STAFF',
);

describe('the default (STRICT) matrix of ACCESS-MODEL.md', () => {
  it.each(casesOf(DEFAULT_MATRIX_SPEC))('$name', ({ row, scenario, classification }) => {
    const request = requestFor(scenario, classification);

    const observed = observe(request);

    expect(observed).toEqual(expectedFor(cellOf(row, classification), row.relationship));
  });

  it('is the table the engine holds, row for row', () => {
    const headings: Record<MatrixRowId, string> = {
      ALLOCATED_SUPPORT_WORKER: 'ALLOCATED (SUPPORT_WORKER)',
      ALLOCATED_VOLUNTEER: 'ALLOCATED (VOLUNTEER)',
      MANAGES_SERVICE: 'MANAGES_SERVICE',
      QA_REVIEW: 'QA_REVIEW',
      INVESTIGATION: 'INVESTIGATION (SAFEGUARDING_LEAD)',
      ORG_WIDE: 'ORG_WIDE (SENIOR_MANAGER)',
      EMERGENCY: 'EMERGENCY (any staff role)',
      SELF: 'SELF',
      ADMINISTRATOR: 'ADMINISTRATOR (any client of their services)',
      INFORMATION_GOVERNANCE: 'CALDICOTT_GUARDIAN, IG_LEAD (no relationship)',
    };

    const engine = STRICT_MATRIX.map((row) => ({
      heading: headings[row.id],
      relationship: row.relationship,
      cells: row.cells,
    }));
    const spec = DEFAULT_MATRIX_SPEC.filter((row) => row.cells !== 'HIDDEN').map(
      ({ heading, relationship, cells }) => ({
        heading,
        relationship,
        cells,
      }),
    );

    expect(new Set(STRICT_MATRIX.map((row) => row.id)).size).toBe(STRICT_MATRIX.length);
    expect(engine).toEqual(expect.arrayContaining(spec));
    expect(spec).toEqual(expect.arrayContaining(engine));
  });

  it('only reads STAFF_PERSONAL through staff records, never through a client', () => {
    const decisions = DEFAULT_MATRIX_SPEC.flatMap((row) =>
      row.scenarios.map((scenario) => [
        row.heading,
        said(decideRead(requestFor(scenario, 'STAFF_PERSONAL'))),
      ]),
    );

    for (const [heading, decision] of decisions) {
      expect(decision, heading).toMatch(/^(FORBIDDEN via|NOT_FOUND)/);
    }
  });
});

describe('the GROUP_WIDE preset', () => {
  it.each(casesOf([GROUP_WIDE_SPEC]))('$name', ({ row, scenario, classification }) => {
    const request = requestFor(scenario, classification, { preset: 'GROUP_WIDE' });

    const observed = observe(request);

    expect(observed).toEqual(expectedFor(cellOf(row, classification), row.relationship));
  });

  it('is the grant the engine holds', () => {
    expect(GROUP_WIDE_GRANT.cells).toEqual(GROUP_WIDE_SPEC.cells);
  });

  // On top of a matrix row the most permissive read wins (the row on a tie); writes stay the row's.
  const READ_LEVEL: Record<SpecCell, number> = { R: 2, RW: 2, J: 1, W: 0, '—': 0 };
  const combined = DEFAULT_MATRIX_SPEC.filter(
    // EMERGENCY is checked apart below: the preset comes before break-glass, so it wins ties.
    (row) => row.cells !== 'HIDDEN' && row.relationship !== 'SELF' && row.relationship !== 'EMERGENCY',
  ).flatMap((row) =>
    row.scenarios.flatMap((scenario) =>
      CLIENT_CLASSIFICATIONS.map((classification) => ({
        name: `${row.heading} · ${scenario.name} · ${classification}`,
        row,
        scenario,
        classification,
      })),
    ),
  );

  it.each(combined)('widens $name by at most the preset', ({ row, scenario, classification }) => {
    const rowCell = cellOf(row, classification) as SpecCell;
    const presetCell = (GROUP_WIDE_SPEC.cells as Record<ClientClassification, SpecCell>)[classification];
    const presetWins = READ_LEVEL[presetCell] > READ_LEVEL[rowCell];
    const rowExpected = expectedFor(rowCell, row.relationship);
    const expected: Observed = presetWins
      ? { ...expectedFor('R', 'ORG_WIDE'), write: rowExpected.write }
      : rowExpected;

    const observed = observe(requestFor(scenario, classification, { preset: 'GROUP_WIDE' }));

    expect(observed).toEqual(expected);
  });

  it('comes before break-glass: emergency reads only what the preset does not give', () => {
    const scenario = { caller: staff('HR_OFFICER'), relation: { emergency: 'MEDICAL_EMERGENCY' as const } };

    const observed = CLIENT_CLASSIFICATIONS.map((classification) =>
      said(decideRead(requestFor(scenario, classification, { preset: 'GROUP_WIDE' }))),
    );

    expect(observed).toEqual([
      'ALLOW via ORG_WIDE',
      'ALLOW via ORG_WIDE',
      'ALLOW via ORG_WIDE',
      'ALLOW via ORG_WIDE',
      'JUSTIFICATION_REQUIRED via EMERGENCY',
      'FORBIDDEN via ORG_WIDE',
      'JUSTIFICATION_REQUIRED via EMERGENCY',
      'JUSTIFICATION_REQUIRED via EMERGENCY',
    ]);
  });

  it('leaves SELF as it is', () => {
    const self = { caller: { kind: 'SERVICE_USER' } as const, relation: { self: true } };

    const strict = CLIENT_CLASSIFICATIONS.map((classification) => observe(requestFor(self, classification)));
    const wide = CLIENT_CLASSIFICATIONS.map((classification) =>
      observe(requestFor(self, classification, { preset: 'GROUP_WIDE' })),
    );

    expect(wide).toEqual(strict);
  });

  it('opens a sealed item to the staff the client named, allocated or not, and to nobody else', () => {
    // ACCESS-MODEL.md Sealed items: a sealed item is readable by the person and the staff they named (issue 15).
    const volunteer = { caller: staff('VOLUNTEER'), relation: {} };

    const named = decideRead(
      requestFor(volunteer, 'CARE', { preset: 'GROUP_WIDE', item: { sealed: true, namedStaff: true } }),
    );
    const namedHealth = decideRead(
      requestFor(volunteer, 'HEALTH', { preset: 'GROUP_WIDE', item: { sealed: true, namedStaff: true } }),
    );
    const notNamed = decideRead(
      requestFor(volunteer, 'CARE', { preset: 'GROUP_WIDE', item: { sealed: true } }),
    );
    const namedWrite = decideWrite(
      requestFor(volunteer, 'CARE', { preset: 'GROUP_WIDE', item: { sealed: true, namedStaff: true } }),
    );

    expect(named).toEqual({
      effect: 'ALLOW',
      relationship: 'ORG_WIDE',
      justified: false,
      rule: 'preset.group-wide',
    });
    expect(namedHealth).toMatchObject({ effect: 'FORBIDDEN' });
    expect(notNamed).toEqual({ effect: 'FORBIDDEN', relationship: 'ORG_WIDE', rule: 'floor.sealed' });
    expect(namedWrite).toMatchObject({ effect: 'FORBIDDEN' });
  });
});

describe('the Chief Executive', () => {
  const chiefExecutive = staff('CHIEF_EXECUTIVE');

  it('sees no client without emergency access, and existence stays hidden', () => {
    const scenario = { caller: chiefExecutive, relation: {} };

    const decisions = CLASSIFICATIONS.map((classification) =>
      decideRead(requestFor(scenario, classification)),
    );

    expect(new Set(decisions.map((decision) => JSON.stringify(decision)))).toEqual(
      new Set([JSON.stringify({ effect: 'NOT_FOUND', rule: 'matrix.chief-executive' })]),
    );
    expect(clientVisible(chiefExecutive, NO_RELATION, 'STRICT')).toBe(false);
  });

  it.each(EMERGENCY_REASONS)('reads through emergency access (%s) as the EMERGENCY row says', (emergency) => {
    const scenario = { caller: chiefExecutive, relation: { emergency } };

    const observed = CLIENT_CLASSIFICATIONS.map((classification) =>
      observe(requestFor(scenario, classification)),
    );

    const emergencyRow = DEFAULT_MATRIX_SPEC.find((row) => row.heading === 'EMERGENCY (any staff role)');
    expect(emergencyRow).toBeDefined();
    expect(observed).toEqual(
      CLIENT_CLASSIFICATIONS.map((classification) =>
        expectedFor(cellOf(emergencyRow as DefaultMatrixSpecRow, classification), 'EMERGENCY'),
      ),
    );
  });
});

describe('break-glass', () => {
  it('is not needed, and not recorded, where another relationship already reads', () => {
    const allocated = {
      caller: staff('SUPPORT_WORKER'),
      relation: { allocated: true, emergency: 'MEDICAL_EMERGENCY' as const },
    };

    expect(decideRead(requestFor(allocated, 'HEALTH'))).toEqual({
      effect: 'ALLOW',
      relationship: 'ALLOCATED',
      justified: false,
      rule: 'matrix.allocated-support-worker',
    });
  });

  it('adds what the caller lacks, with a purpose, as an emergency read', () => {
    const volunteer = {
      caller: staff('VOLUNTEER'),
      relation: { allocated: true, emergency: 'MEDICAL_EMERGENCY' as const },
    };

    expect(decideRead(requestFor(volunteer, 'HEALTH'))).toEqual({
      effect: 'JUSTIFICATION_REQUIRED',
      relationship: 'EMERGENCY',
      rule: 'matrix.emergency',
    });
    expect(
      decideRead(requestFor(volunteer, 'HEALTH', { purpose: 'unconscious, paramedics asking' })),
    ).toEqual({
      effect: 'ALLOW',
      relationship: 'EMERGENCY',
      justified: true,
      rule: 'matrix.emergency',
    });
    expect(decideRead(requestFor(volunteer, 'FINANCE', { purpose: 'any' }))).toMatchObject({
      effect: 'FORBIDDEN',
    });
  });

  it('never writes', () => {
    const scenario = { caller: staff('HR_OFFICER'), relation: { emergency: 'IMMINENT_DANGER' as const } };

    const writes = CLIENT_CLASSIFICATIONS.map(
      (classification) => decideWrite(requestFor(scenario, classification)).effect,
    );

    expect(new Set(writes)).toEqual(new Set(['FORBIDDEN']));
  });
});

describe('conflicts of interest', () => {
  const variants = [
    { name: 'STRICT', overrides: {} },
    { name: 'GROUP_WIDE', overrides: { preset: 'GROUP_WIDE' as const } },
    {
      name: 'emergency (imminent danger)',
      overrides: { relation: { emergency: 'IMMINENT_DANGER' as const } },
    },
    { name: 'named staff on a sealed item', overrides: { item: { sealed: true, namedStaff: true } } },
  ];
  const cases = [
    ...STAFF_SCENARIOS,
    { name: 'the service user', caller: { kind: 'SERVICE_USER' as const }, relation: { self: true } },
  ].flatMap((scenario) =>
    variants.map((variant) => ({ name: `${scenario.name} · ${variant.name}`, scenario, variant })),
  );

  it.each(cases)('hide the client from $name', ({ scenario, variant }) => {
    const withConflict = { ...scenario, relation: { ...scenario.relation, conflict: true } };

    const observed = CLASSIFICATIONS.map((classification) => {
      const request = requestFor(withConflict, classification, variant.overrides);
      return [
        said(decideRead(request)),
        said(decideRead({ ...request, purpose: PURPOSE })),
        said(decideWrite(request)),
      ];
    });
    const request = requestFor(withConflict, 'CARE', variant.overrides);

    expect(new Set(observed.flat())).toEqual(new Set(['NOT_FOUND']));
    expect(clientVisible(request.caller, request.relation, request.preset)).toBe(false);
    expect(relationshipsOf(request.caller, request.relation, request.preset)).toEqual(['NONE']);
  });
});

describe('sealed items', () => {
  const supportWorker = { caller: staff('SUPPORT_WORKER'), relation: { allocated: true } };
  const sealed = { sealed: true };
  const cases: { name: string; request: ReadRequest; read: string; write: string }[] = [
    {
      name: 'the allocated worker the client did not name is refused',
      request: requestFor(supportWorker, 'CARE', { item: sealed }),
      read: 'FORBIDDEN via ALLOCATED',
      write: 'FORBIDDEN via ALLOCATED',
    },
    {
      name: 'the named allocated worker reads and writes as the row says',
      request: requestFor(supportWorker, 'CARE', { item: { sealed: true, namedStaff: true } }),
      read: 'ALLOW via ALLOCATED',
      write: 'ALLOW via ALLOCATED',
    },
    {
      name: 'naming does not widen the row (volunteer, HEALTH)',
      request: requestFor({ caller: staff('VOLUNTEER'), relation: { allocated: true } }, 'HEALTH', {
        item: { sealed: true, namedStaff: true },
      }),
      read: 'FORBIDDEN via ALLOCATED',
      write: 'FORBIDDEN via ALLOCATED',
    },
    {
      name: 'naming does not reveal the client to staff without a relationship',
      request: requestFor({ caller: staff('SUPPORT_WORKER'), relation: {} }, 'CARE', {
        item: { sealed: true, namedStaff: true },
      }),
      read: 'NOT_FOUND',
      write: 'NOT_FOUND',
    },
    {
      name: 'a manager of the service the client did not name is refused',
      request: requestFor(
        { caller: staff('SERVICE_MANAGER'), relation: { managesService: true } },
        'HEALTH',
        {
          item: sealed,
        },
      ),
      read: 'FORBIDDEN via MANAGES_SERVICE',
      write: 'FORBIDDEN via MANAGES_SERVICE',
    },
    {
      name: 'a senior manager the client did not name is refused',
      request: requestFor({ caller: staff('SENIOR_MANAGER'), relation: {} }, 'SAFEGUARDING', {
        item: sealed,
      }),
      read: 'FORBIDDEN via ORG_WIDE',
      write: 'FORBIDDEN via ORG_WIDE',
    },
    ...(['IMMINENT_DANGER', 'SAFEGUARDING'] as const).map((emergency) => ({
      name: `break-glass for ${emergency} opens it, with a purpose, as an emergency read`,
      request: requestFor(
        { caller: staff('SUPPORT_WORKER'), relation: { allocated: true, emergency } },
        'CARE',
        {
          item: sealed,
        },
      ),
      read: 'JUSTIFICATION_REQUIRED via EMERGENCY',
      write: 'FORBIDDEN via ALLOCATED',
    })),
    ...(['MEDICAL_EMERGENCY', 'LEGAL_REQUIREMENT', 'OTHER'] as const).map((emergency) => ({
      name: `break-glass for ${emergency} does not open it`,
      request: requestFor({ caller: staff('SUPPORT_WORKER'), relation: { emergency } }, 'CARE', {
        item: sealed,
      }),
      read: 'FORBIDDEN via EMERGENCY',
      write: 'FORBIDDEN via EMERGENCY',
    })),
    {
      name: 'the client reads their own sealed item',
      request: requestFor({ caller: { kind: 'SERVICE_USER' }, relation: { self: true } }, 'HEALTH', {
        item: sealed,
      }),
      read: 'ALLOW via SELF',
      write: 'FORBIDDEN via SELF',
    },
    {
      name: 'a partner holding a grant for it is still refused',
      request: requestFor({ caller: { kind: 'PARTNER' }, relation: {} }, 'HEALTH', {
        item: { sealed: true, grantedToPartner: true },
      }),
      read: 'FORBIDDEN via NONE',
      write: 'FORBIDDEN via NONE',
    },
  ];

  it.each(cases)('$name', ({ request, read, write }) => {
    expect({ read: said(decideRead(request)), write: said(decideWrite(request)) }).toEqual({ read, write });
  });

  it('names the floor rule when it refuses', () => {
    expect(decideRead(requestFor(supportWorker, 'CARE', { item: sealed }))).toMatchObject({
      rule: 'floor.sealed',
    });
  });
});

describe('partners', () => {
  const partner = { caller: { kind: 'PARTNER' } as const, relation: {} };

  it.each(CLIENT_CLASSIFICATIONS)('read a granted %s item, read-only', (classification) => {
    const request = requestFor(partner, classification, { item: { grantedToPartner: true } });

    expect(decideRead(request)).toEqual({
      effect: 'ALLOW',
      relationship: 'NONE',
      justified: false,
      rule: 'partner.grant',
    });
    expect(decideWrite(request)).toEqual({
      effect: 'FORBIDDEN',
      relationship: 'NONE',
      rule: 'partner.read-only',
    });
  });

  it.each(CLASSIFICATIONS)(
    'learn nothing of an item not granted (%s), not even that the person is a client',
    (classification) => {
      const request = requestFor(partner, classification, {
        relation: { allocated: true, self: true, serviceMember: true },
        purpose: PURPOSE,
      });

      expect(decideRead(request)).toEqual({ effect: 'NOT_FOUND', rule: 'partner.no-grant' });
      expect(decideWrite(request)).toEqual({ effect: 'NOT_FOUND', rule: 'partner.no-grant' });
    },
  );

  it('never list clients', () => {
    expect(clientVisible({ kind: 'PARTNER' }, NO_RELATION, 'GROUP_WIDE')).toBe(false);
    expect(relationshipsOf({ kind: 'PARTNER' }, NO_RELATION, 'GROUP_WIDE')).toEqual(['NONE']);
  });
});

describe('the service user (SELF)', () => {
  const self = { caller: { kind: 'SERVICE_USER' } as const, relation: { self: true } };

  it.each(CLIENT_CLASSIFICATIONS)('does not even see that a withheld %s item exists', (classification) => {
    const request = requestFor(self, classification, { item: { withheldFromSubject: true } });

    expect(decideRead(request)).toEqual({ effect: 'NOT_FOUND', rule: 'self.withheld' });
    expect(decideWrite(request)).toEqual({ effect: 'NOT_FOUND', rule: 'self.withheld' });
  });

  it('still sees the record itself', () => {
    expect(clientVisible(self.caller, { ...NO_RELATION, self: true }, 'STRICT')).toBe(true);
    expect(relationshipsOf(self.caller, { ...NO_RELATION, self: true }, 'STRICT')).toEqual(['SELF']);
  });

  it("does not see another client's record", () => {
    const other = requestFor({ caller: { kind: 'SERVICE_USER' }, relation: {} }, 'PSEUDONYMOUS');

    expect(decideRead(other)).toEqual({ effect: 'NOT_FOUND', rule: 'existence.no-relationship' });
    expect(clientVisible(other.caller, other.relation, 'STRICT')).toBe(false);
  });

  it('does not need to acknowledge the staff policy or state a purpose', () => {
    const decisions = CLIENT_CLASSIFICATIONS.map((classification) =>
      decideRead(requestFor(self, classification)),
    );

    expect(decisions.every((decision) => decision.effect === 'ALLOW' && !decision.justified)).toBe(true);
  });
});

describe('platform operators', () => {
  const operator = {
    caller: { kind: 'OPERATOR' } as const,
    relation: { self: true, allocated: true, serviceMember: true },
  };

  it.each(CLASSIFICATIONS)(
    'are refused %s under either preset, with or without a purpose',
    (classification) => {
      const refused = { effect: 'FORBIDDEN', relationship: 'NONE', rule: 'operator.none' };

      for (const preset of ['STRICT', 'GROUP_WIDE'] as const) {
        const request = requestFor(operator, classification, {
          preset,
          purpose: PURPOSE,
          item: { grantedToPartner: true },
        });
        expect(decideRead(request)).toEqual(refused);
        expect(decideWrite(request)).toEqual(refused);
      }
    },
  );

  it('see no client in any list', () => {
    expect(clientVisible(operator.caller, { ...NO_RELATION, self: true }, 'GROUP_WIDE')).toBe(false);
  });
});

describe('the policy acknowledgement gate', () => {
  it.each(STAFF_SCENARIOS.map((scenario) => ({ ...scenario, name: scenario.name })))(
    'stops $name on every read and write until the current policy is acknowledged',
    (scenario) => {
      const unacknowledged = { ...scenario, caller: { ...scenario.caller, acknowledgedPolicy: false } };

      const observed = CLASSIFICATIONS.flatMap((classification) =>
        (['STRICT', 'GROUP_WIDE'] as const).map((preset) =>
          observe(requestFor(unacknowledged, classification, { preset })),
        ),
      );
      const request = requestFor(unacknowledged, 'CARE');

      expect(new Set(observed.flatMap((each) => Object.values(each)))).toEqual(
        new Set(['POLICY_NOT_ACKNOWLEDGED']),
      );
      expect(clientVisible(request.caller, request.relation, 'GROUP_WIDE')).toBe(false);
    },
  );
});

describe('justification', () => {
  const qaReview = { caller: staff('TEAM_LEADER'), relation: { qaReview: true } };

  it.each(['', '   ', '\n\t'])('treats a blank purpose (%j) as none', (purpose) => {
    expect(decideRead(requestFor(qaReview, 'IDENTIFYING', { purpose }))).toEqual({
      effect: 'JUSTIFICATION_REQUIRED',
      relationship: 'QA_REVIEW',
      rule: 'matrix.qa-review',
    });
  });

  it('does not mark an R read as justified because a purpose was given', () => {
    expect(decideRead(requestFor(qaReview, 'CARE', { purpose: PURPOSE }))).toMatchObject({
      effect: 'ALLOW',
      justified: false,
    });
  });

  it('is needed for every investigation read but pseudonymous and safeguarding data', () => {
    const investigator = { caller: staff('SAFEGUARDING_LEAD'), relation: { investigation: true } };

    const needingPurpose = CLIENT_CLASSIFICATIONS.filter(
      (classification) =>
        decideRead(requestFor(investigator, classification)).effect === 'JUSTIFICATION_REQUIRED',
    );

    expect(needingPurpose).toEqual(['IDENTIFYING', 'CONTACT', 'CARE', 'HEALTH', 'FINANCE', 'CONSENT']);
  });
});

describe('which rows apply (decisions where the model is silent)', () => {
  const cases: {
    name: string;
    caller: CallerFacts;
    relation: Partial<ClientRelationFacts>;
    visible: boolean;
    relationships: Relationship[];
    health: string;
  }[] = [
    {
      name: 'an allocated service manager gets the support-worker row',
      caller: staff('SERVICE_MANAGER'),
      relation: { allocated: true },
      visible: true,
      relationships: ['ALLOCATED'],
      health: 'ALLOW via ALLOCATED',
    },
    {
      name: 'an allocated volunteer who is also an administrator keeps the volunteer row',
      caller: staff('VOLUNTEER', 'ADMINISTRATOR'),
      relation: { allocated: true },
      visible: true,
      relationships: ['ALLOCATED'],
      health: 'FORBIDDEN via ALLOCATED',
    },
    {
      name: 'an allocation opens nothing to an HR officer: only support roles and volunteers are allocated',
      caller: staff('HR_OFFICER'),
      relation: { allocated: true },
      visible: false,
      relationships: ['NONE'],
      health: 'NOT_FOUND',
    },
    {
      name: 'an allocation opens nothing to an organisation admin',
      caller: staff('ORG_ADMIN'),
      relation: { allocated: true },
      visible: false,
      relationships: ['NONE'],
      health: 'NOT_FOUND',
    },
    {
      name: 'an allocated chief executive still reads only through emergency access',
      caller: staff('CHIEF_EXECUTIVE'),
      relation: { allocated: true },
      visible: false,
      relationships: ['NONE'],
      health: 'NOT_FOUND',
    },
    {
      name: 'a manager link without a management role counts for nothing',
      caller: staff('SUPPORT_WORKER'),
      relation: { managesService: true },
      visible: false,
      relationships: ['NONE'],
      health: 'NOT_FOUND',
    },
    {
      name: 'a QA assignment counts only for a team leader',
      caller: staff('SUPPORT_WORKER'),
      relation: { qaReview: true },
      visible: false,
      relationships: ['NONE'],
      health: 'NOT_FOUND',
    },
    {
      name: 'an investigation counts only for a safeguarding lead',
      caller: staff('TEAM_LEADER'),
      relation: { investigation: true },
      visible: false,
      relationships: ['NONE'],
      health: 'NOT_FOUND',
    },
    {
      name: 'an administrator outside the client’s services sees nothing',
      caller: staff('ADMINISTRATOR'),
      relation: {},
      visible: false,
      relationships: ['NONE'],
      health: 'NOT_FOUND',
    },
    {
      name: 'the Caldicott Guardian sees the client through the role, with no relationship',
      caller: staff('CALDICOTT_GUARDIAN'),
      relation: {},
      visible: true,
      relationships: ['NONE'],
      health: 'FORBIDDEN via NONE',
    },
    {
      name: 'HR officers and org admins have no client row',
      caller: staff('HR_OFFICER', 'ORG_ADMIN'),
      relation: { serviceMember: true },
      visible: false,
      relationships: ['NONE'],
      health: 'NOT_FOUND',
    },
    {
      name: 'a staff member with no role gets nothing, not even by emergency',
      caller: staff(),
      relation: { allocated: true, emergency: 'IMMINENT_DANGER' },
      visible: false,
      relationships: ['NONE'],
      health: 'NOT_FOUND',
    },
    {
      name: 'relationships are listed most specific first, emergency last',
      caller: staff('TEAM_LEADER', 'SENIOR_MANAGER'),
      relation: { allocated: true, qaReview: true, emergency: 'OTHER' },
      visible: true,
      relationships: ['ALLOCATED', 'QA_REVIEW', 'ORG_WIDE', 'EMERGENCY'],
      health: 'ALLOW via ALLOCATED',
    },
  ];

  it.each(cases)('$name', ({ caller, relation, visible, relationships, health }) => {
    const request = requestFor({ caller, relation }, 'HEALTH');

    expect(clientVisible(caller, request.relation, 'STRICT')).toBe(visible);
    expect(relationshipsOf(caller, request.relation, 'STRICT')).toEqual(relationships);
    expect(said(decideRead(request))).toBe(health);
  });

  it('gives a staff member with no role nothing under GROUP_WIDE either', () => {
    expect(clientVisible(staff(), NO_RELATION, 'GROUP_WIDE')).toBe(false);
  });

  it('reports ORG_WIDE for everyone under GROUP_WIDE', () => {
    expect(relationshipsOf(staff('ORG_ADMIN'), NO_RELATION, 'GROUP_WIDE')).toEqual(['ORG_WIDE']);
  });
});

describe('staff records (STAFF_PERSONAL)', () => {
  const readers = ['HR_OFFICER', 'SENIOR_MANAGER', 'CHIEF_EXECUTIVE'];

  it.each(ROLES)("decides %s reading a colleague's personal data", (role) => {
    const decision = decideStaffPersonalRead(staff(role), false);

    expect(decision).toEqual(
      readers.includes(role)
        ? { effect: 'ALLOW', relationship: 'ORG_WIDE', justified: false, rule: 'staff-personal.personnel' }
        : { effect: 'FORBIDDEN', relationship: 'NONE', rule: 'staff-personal.none' },
    );
  });

  it.each(ROLES)('lets a %s read their own record, even before acknowledging the policy', (role) => {
    const caller: CallerFacts = { kind: 'STAFF', roles: [role], acknowledgedPolicy: false };

    expect(decideStaffPersonalRead(caller, true)).toEqual({
      effect: 'ALLOW',
      relationship: 'SELF',
      justified: false,
      rule: 'staff-personal.own-record',
    });
  });

  it("gates colleagues' records behind the policy acknowledgement", () => {
    const caller: CallerFacts = { kind: 'STAFF', roles: ['HR_OFFICER'], acknowledgedPolicy: false };

    expect(decideStaffPersonalRead(caller, false).effect).toBe('POLICY_NOT_ACKNOWLEDGED');
  });

  it('lets the administrators and the IG lead read when a staff member left, beside the personnel readers, nobody else', () => {
    const allowed = ROLES.filter(
      (role) => decideStaffPersonalRead(staff(role), false, EMPLOYMENT_READERS).effect === 'ALLOW',
    );
    expect([...allowed].sort()).toEqual(
      ['CHIEF_EXECUTIVE', 'HR_OFFICER', 'IG_LEAD', 'ORG_ADMIN', 'SENIOR_MANAGER'].sort(),
    );
    expect(decideStaffPersonalRead(staff('HR_OFFICER'), false, EMPLOYMENT_READERS).rule).toBe(
      'staff-personal.employment',
    );
  });

  it('hides staff records from service users and partners and refuses operators', () => {
    expect(decideStaffPersonalRead({ kind: 'SERVICE_USER' }, true).effect).toBe('NOT_FOUND');
    expect(decideStaffPersonalRead({ kind: 'PARTNER' }, false).effect).toBe('NOT_FOUND');
    expect(decideStaffPersonalRead({ kind: 'OPERATOR' }, true)).toEqual({
      effect: 'FORBIDDEN',
      relationship: 'NONE',
      rule: 'operator.none',
    });
  });
});
