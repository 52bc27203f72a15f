import type { Relationship, Role } from '@confide/domain';
import type { CallerFacts, ClientRelationFacts } from './facts';
import type { ClientClassification } from './matrix';

/**
 * ACCESS-MODEL.md's default matrix transcribed by hand, independently of the engine's `STRICT_MATRIX`, as the
 * expectation the engine is tested against (here, and later through GraphQL). Change one without the other
 * and `matrix.test.ts` fails. Keep this file a literal copy of the document: no logic, no imports of values.
 */

/** An expected cell: R read, W write, RW both, J read only with a stated purpose, — nothing. */
export type SpecCell = 'R' | 'RW' | 'W' | 'J' | '—';

/**
 * A caller and the facts that put them in exactly one row. Facts not given are false / undefined; the
 * caller has acknowledged the current policy.
 */
export interface DefaultMatrixScenario {
  readonly name: string;
  readonly caller: CallerFacts;
  readonly relation: Partial<ClientRelationFacts>;
}

/** One row of the matrix as printed. */
export interface DefaultMatrixSpecRow {
  /** The row heading in ACCESS-MODEL.md. */
  readonly heading: string;
  /** The relationship a decision from this row reports (NONE for rows that rest on a role alone). */
  readonly relationship: Relationship;
  readonly scenarios: readonly DefaultMatrixScenario[];
  /** The cells, or `'HIDDEN'` for a row that shows no client at all (every field NOT_FOUND). */
  readonly cells: Readonly<Record<ClientClassification, SpecCell>> | 'HIDDEN';
}

const staff = (...roles: Role[]): CallerFacts => ({
  kind: 'STAFF',
  roles,
  acknowledgedPolicy: true,
});

/** The default (STRICT) matrix, row by row, as ACCESS-MODEL.md prints it. */
export const DEFAULT_MATRIX_SPEC: readonly DefaultMatrixSpecRow[] = [
  {
    heading: 'ALLOCATED (SUPPORT_WORKER)',
    relationship: 'ALLOCATED',
    scenarios: [
      {
        name: 'allocated support worker',
        caller: staff('SUPPORT_WORKER'),
        relation: { allocated: true, serviceMember: true },
      },
      {
        name: 'allocated team leader',
        caller: staff('TEAM_LEADER'),
        relation: { allocated: true, serviceMember: true },
      },
    ],
    cells: {
      PSEUDONYMOUS: 'R',
      IDENTIFYING: 'R',
      CONTACT: 'RW',
      CARE: 'RW',
      HEALTH: 'RW',
      FINANCE: 'RW',
      SAFEGUARDING: 'W',
      CONSENT: 'R',
    },
  },
  {
    heading: 'ALLOCATED (VOLUNTEER)',
    relationship: 'ALLOCATED',
    scenarios: [
      {
        name: 'allocated volunteer',
        caller: staff('VOLUNTEER'),
        relation: { allocated: true, serviceMember: true },
      },
    ],
    cells: {
      PSEUDONYMOUS: 'R',
      IDENTIFYING: 'R',
      CONTACT: 'R',
      CARE: 'RW',
      HEALTH: '—',
      FINANCE: '—',
      SAFEGUARDING: 'W',
      CONSENT: 'R',
    },
  },
  {
    heading: 'MANAGES_SERVICE',
    relationship: 'MANAGES_SERVICE',
    scenarios: [
      {
        name: 'manager of the service',
        caller: staff('SERVICE_MANAGER'),
        relation: { managesService: true, serviceMember: true },
      },
    ],
    cells: {
      PSEUDONYMOUS: 'R',
      IDENTIFYING: 'RW',
      CONTACT: 'RW',
      CARE: 'RW',
      HEALTH: 'R',
      FINANCE: 'RW',
      SAFEGUARDING: 'R',
      CONSENT: 'RW',
    },
  },
  {
    heading: 'QA_REVIEW',
    relationship: 'QA_REVIEW',
    scenarios: [
      { name: 'team leader on a QA assignment', caller: staff('TEAM_LEADER'), relation: { qaReview: true } },
    ],
    cells: {
      PSEUDONYMOUS: 'R',
      IDENTIFYING: 'J',
      CONTACT: 'J',
      CARE: 'R',
      HEALTH: 'J',
      FINANCE: 'J',
      SAFEGUARDING: '—',
      CONSENT: 'R',
    },
  },
  {
    heading: 'INVESTIGATION (SAFEGUARDING_LEAD)',
    relationship: 'INVESTIGATION',
    scenarios: [
      {
        name: 'safeguarding lead investigating',
        caller: staff('SAFEGUARDING_LEAD'),
        relation: { investigation: true },
      },
    ],
    cells: {
      PSEUDONYMOUS: 'R',
      IDENTIFYING: 'J',
      CONTACT: 'J',
      CARE: 'J',
      HEALTH: 'J',
      FINANCE: 'J',
      SAFEGUARDING: 'RW',
      CONSENT: 'J',
    },
  },
  {
    heading: 'ORG_WIDE (SENIOR_MANAGER)',
    relationship: 'ORG_WIDE',
    scenarios: [{ name: 'senior manager', caller: staff('SENIOR_MANAGER'), relation: {} }],
    cells: {
      PSEUDONYMOUS: 'R',
      IDENTIFYING: 'R',
      CONTACT: 'R',
      CARE: 'R',
      HEALTH: 'J',
      FINANCE: 'R',
      SAFEGUARDING: 'R',
      CONSENT: 'R',
    },
  },
  {
    heading: 'EMERGENCY (any staff role)',
    relationship: 'EMERGENCY',
    scenarios: [
      {
        name: 'unallocated support worker, medical emergency',
        caller: staff('SUPPORT_WORKER'),
        relation: { emergency: 'MEDICAL_EMERGENCY' },
      },
      {
        name: 'volunteer, imminent danger',
        caller: staff('VOLUNTEER'),
        relation: { emergency: 'IMMINENT_DANGER' },
      },
      {
        name: 'chief executive, other reason',
        caller: staff('CHIEF_EXECUTIVE'),
        relation: { emergency: 'OTHER' },
      },
      {
        name: 'HR officer, legal requirement',
        caller: staff('HR_OFFICER'),
        relation: { emergency: 'LEGAL_REQUIREMENT' },
      },
      {
        name: 'org admin, safeguarding',
        caller: staff('ORG_ADMIN'),
        relation: { emergency: 'SAFEGUARDING' },
      },
    ],
    cells: {
      PSEUDONYMOUS: 'R',
      IDENTIFYING: 'J',
      CONTACT: 'J',
      CARE: 'J',
      HEALTH: 'J',
      FINANCE: '—',
      SAFEGUARDING: 'J',
      CONSENT: 'J',
    },
  },
  {
    heading: 'SELF',
    relationship: 'SELF',
    scenarios: [{ name: 'the service user', caller: { kind: 'SERVICE_USER' }, relation: { self: true } }],
    // SAFEGUARDING: "withheld items excluded" — R on items not withheld; withheld items are tested apart.
    cells: {
      PSEUDONYMOUS: 'R',
      IDENTIFYING: 'R',
      CONTACT: 'R',
      CARE: 'R',
      HEALTH: 'R',
      FINANCE: 'R',
      SAFEGUARDING: 'R',
      CONSENT: 'RW',
    },
  },
  {
    heading: 'ADMINISTRATOR (any client of their services)',
    relationship: 'NONE',
    scenarios: [
      {
        name: 'administrator of the service',
        caller: staff('ADMINISTRATOR'),
        relation: { serviceMember: true },
      },
    ],
    cells: {
      PSEUDONYMOUS: 'R',
      IDENTIFYING: 'R',
      CONTACT: 'RW',
      CARE: '—',
      HEALTH: '—',
      FINANCE: '—',
      SAFEGUARDING: '—',
      CONSENT: '—',
    },
  },
  {
    heading: 'CALDICOTT_GUARDIAN, IG_LEAD (no relationship)',
    relationship: 'NONE',
    scenarios: [
      { name: 'Caldicott Guardian', caller: staff('CALDICOTT_GUARDIAN'), relation: {} },
      { name: 'IG lead', caller: staff('IG_LEAD'), relation: {} },
    ],
    cells: {
      PSEUDONYMOUS: 'R',
      IDENTIFYING: '—',
      CONTACT: '—',
      CARE: '—',
      HEALTH: '—',
      FINANCE: '—',
      SAFEGUARDING: '—',
      CONSENT: 'R',
    },
  },
  {
    heading: 'CHIEF_EXECUTIVE (no relationship)',
    relationship: 'NONE',
    scenarios: [
      { name: 'chief executive without emergency', caller: staff('CHIEF_EXECUTIVE'), relation: {} },
    ],
    cells: 'HIDDEN',
  },
];

/**
 * The GROUP_WIDE preset for a staff member with no relationship (ACCESS-MODEL.md, Presets): PSEUDONYMOUS,
 * IDENTIFYING, CONTACT and CARE of every client, read only; everything else stays need-to-know.
 */
export const GROUP_WIDE_SPEC: DefaultMatrixSpecRow = {
  heading: 'GROUP_WIDE (every staff member)',
  relationship: 'ORG_WIDE',
  scenarios: [
    { name: 'unallocated support worker', caller: staff('SUPPORT_WORKER'), relation: {} },
    { name: 'volunteer', caller: staff('VOLUNTEER'), relation: {} },
    { name: 'HR officer', caller: staff('HR_OFFICER'), relation: {} },
    { name: 'org admin', caller: staff('ORG_ADMIN'), relation: {} },
    { name: 'chief executive', caller: staff('CHIEF_EXECUTIVE'), relation: {} },
    {
      name: 'team leader without an assignment',
      caller: staff('TEAM_LEADER'),
      relation: { qaReview: false },
    },
  ],
  cells: {
    PSEUDONYMOUS: 'R',
    IDENTIFYING: 'R',
    CONTACT: 'R',
    CARE: 'R',
    HEALTH: '—',
    FINANCE: '—',
    SAFEGUARDING: '—',
    CONSENT: '—',
  },
};
