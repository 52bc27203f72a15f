import { CLASSIFICATIONS, type Classification, type Relationship } from '@confide/domain';
import type { RuleId } from './rules';

/** The classifications of client data: every column of the matrix (STAFF_PERSONAL is not client data). */
export type ClientClassification = Exclude<Classification, 'STAFF_PERSONAL'>;

/** The matrix columns, in ACCESS-MODEL.md order. */
export const CLIENT_CLASSIFICATIONS: readonly ClientClassification[] = CLASSIFICATIONS.filter(
  (classification): classification is ClientClassification => classification !== 'STAFF_PERSONAL',
);

/**
 * A matrix cell: R read, W write, RW both, J read only with a stated purpose, — nothing (ACCESS-MODEL.md,
 * Default matrix).
 */
export type Cell = 'R' | 'RW' | 'W' | 'J' | '—';

/** The rows of the default (STRICT) matrix that grant something. */
export type MatrixRowId =
  | 'ALLOCATED_SUPPORT_WORKER'
  | 'ALLOCATED_VOLUNTEER'
  | 'MANAGES_SERVICE'
  | 'QA_REVIEW'
  | 'INVESTIGATION'
  | 'ORG_WIDE'
  | 'SELF'
  | 'ADMINISTRATOR'
  | 'INFORMATION_GOVERNANCE'
  | 'EMERGENCY';

/** One source of access: a matrix row, or the GROUP_WIDE preset's grant. */
export interface AccessRow<Id extends string = MatrixRowId | 'GROUP_WIDE'> {
  readonly id: Id;
  /** The relationship a decision from this row reports (`NONE` for rows that rest on a role alone). */
  readonly relationship: Relationship;
  readonly rule: RuleId;
  readonly cells: Readonly<Record<ClientClassification, Cell>>;
}

/**
 * The default (STRICT) matrix as data, one row per line of ACCESS-MODEL.md; the citation of each row is in
 * {@link RULES} under its rule. Array order is the tie-break between rows granting the same level: ordinary
 * relationships first and EMERGENCY last, so a read that another relationship already allows is never
 * recorded as break-glass ("staff who already hold a relationship are never asked to break glass").
 *
 * CHIEF_EXECUTIVE has no row: with no relationship the Chief Executive sees clients only through EMERGENCY
 * (Azure 4.1f), which the EMERGENCY row covers.
 */
export const STRICT_MATRIX: readonly AccessRow<MatrixRowId>[] = [
  {
    id: 'ALLOCATED_SUPPORT_WORKER',
    relationship: 'ALLOCATED',
    rule: 'matrix.allocated-support-worker',
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
    id: 'ALLOCATED_VOLUNTEER',
    relationship: 'ALLOCATED',
    rule: 'matrix.allocated-volunteer',
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
    id: 'MANAGES_SERVICE',
    relationship: 'MANAGES_SERVICE',
    rule: 'matrix.manages-service',
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
    id: 'QA_REVIEW',
    relationship: 'QA_REVIEW',
    rule: 'matrix.qa-review',
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
    id: 'INVESTIGATION',
    relationship: 'INVESTIGATION',
    rule: 'matrix.investigation',
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
    id: 'ORG_WIDE',
    relationship: 'ORG_WIDE',
    rule: 'matrix.org-wide',
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
    id: 'SELF',
    relationship: 'SELF',
    rule: 'matrix.self',
    // SAFEGUARDING: "withheld items excluded" is the item fact withheldFromSubject, applied before the matrix.
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
    id: 'ADMINISTRATOR',
    relationship: 'NONE',
    rule: 'matrix.administrator',
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
    id: 'INFORMATION_GOVERNANCE',
    relationship: 'NONE',
    rule: 'matrix.information-governance',
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
    id: 'EMERGENCY',
    relationship: 'EMERGENCY',
    rule: 'matrix.emergency',
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
];

/**
 * The GROUP_WIDE preset's grant to every staff member (community group 2): read PSEUDONYMOUS, IDENTIFYING,
 * CONTACT and CARE of every client, nothing else, no writes. It sits between the matrix rows and EMERGENCY in
 * the tie-break.
 */
export const GROUP_WIDE_GRANT: AccessRow<'GROUP_WIDE'> = {
  id: 'GROUP_WIDE',
  relationship: 'ORG_WIDE',
  rule: 'preset.group-wide',
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

/** The row with this id. */
export function matrixRow(id: MatrixRowId): AccessRow<MatrixRowId> {
  const row = STRICT_MATRIX.find((candidate) => candidate.id === id);
  if (row === undefined) throw new Error(`No matrix row ${id}`);
  return row;
}

/** How much a cell lets a caller read: 2 freely, 1 with a stated purpose, 0 not at all. */
export function readLevel(cell: Cell): 0 | 1 | 2 {
  if (cell === 'R' || cell === 'RW') return 2;
  return cell === 'J' ? 1 : 0;
}

/** Whether a cell lets a caller write. */
export function writes(cell: Cell): boolean {
  return cell === 'W' || cell === 'RW';
}
