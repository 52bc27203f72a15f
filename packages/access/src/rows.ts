import type { AccessPreset, EmergencyReason, Role } from '@confide/domain';
import type { ClientRelationFacts, ItemFacts, StaffCallerFacts } from './facts';
import { type AccessRow, GROUP_WIDE_GRANT, type MatrixRowId, STRICT_MATRIX } from './matrix';

/**
 * Roles in the line of direct support and its management (Azure 4.1 b–e). An allocated staff member holding
 * one of them gets the ALLOCATED (SUPPORT_WORKER) row; an allocated VOLUNTEER gets the narrower ALLOCATED
 * (VOLUNTEER) row. An allocation gives no other role anything (an ADMINISTRATOR's contact data only, an ORG_ADMIN's
 * no client content, a CHIEF_EXECUTIVE's emergency access only stand whatever the allocations say): decision 0014.
 */
export const DIRECT_SUPPORT_ROLES: readonly Role[] = [
  'SUPPORT_WORKER',
  'TEAM_LEADER',
  'SERVICE_MANAGER',
  'SENIOR_MANAGER',
];

/** The roles an allocation gives a row to: the only staff a person is allocated to. */
export const ALLOCATABLE_ROLES: readonly Role[] = [...DIRECT_SUPPORT_ROLES, 'VOLUNTEER'];

/**
 * Roles for which a recorded "manages the client's service" link counts (Azure 4.1c). The link alone on an
 * account without a management role (for example after a demotion) grants nothing.
 */
export const SERVICE_MANAGEMENT_ROLES: readonly Role[] = ['SERVICE_MANAGER', 'SENIOR_MANAGER'];

/** Roles whose matrix row gives reads without any relationship (Lets connect 2, 4.3). */
export const INFORMATION_GOVERNANCE_ROLES: readonly Role[] = ['CALDICOTT_GUARDIAN', 'IG_LEAD'];

/** Break-glass reasons that may open a sealed item (ACCESS-MODEL.md, Sealed items). */
export const SEALED_ITEM_EMERGENCY_REASONS: readonly EmergencyReason[] = ['IMMINENT_DANGER', 'SAFEGUARDING'];

/**
 * What the staff path of the engine may know about the relation: everything but `self`, which is about
 * service users. Typing the staff path with it makes `self` unreadable there.
 */
export type StaffRelationFacts = Omit<ClientRelationFacts, 'self'>;

/**
 * What the staff path may know about an item: whether it is sealed and whether the client named the caller
 * (not `withheldFromSubject`, which is about SELF, nor `grantedToPartner`, which is about partners).
 */
export type StaffItemFacts = Pick<ItemFacts, 'sealed' | 'namedStaff'>;

const ROWS = new Map(STRICT_MATRIX.map((row) => [row.id, row]));

function row(id: MatrixRowId): AccessRow {
  const found = ROWS.get(id);
  if (found === undefined) throw new Error(`STRICT_MATRIX has no row ${id}`);
  return found;
}

/** Every row a staff member can hold, in tie-break order: the matrix rows, then the preset, EMERGENCY last. */
const STAFF_ROW_ORDER: readonly AccessRow[] = [
  row('ALLOCATED_SUPPORT_WORKER'),
  row('ALLOCATED_VOLUNTEER'),
  row('MANAGES_SERVICE'),
  row('QA_REVIEW'),
  row('INVESTIGATION'),
  row('ORG_WIDE'),
  row('ADMINISTRATOR'),
  row('INFORMATION_GOVERNANCE'),
  GROUP_WIDE_GRANT,
  row('EMERGENCY'),
];
// Bits of STAFF_ROW_ORDER, same order.
const ALLOCATED_SUPPORT_WORKER = 1 << 0;
const ALLOCATED_VOLUNTEER = 1 << 1;
const MANAGES_SERVICE = 1 << 2;
const QA_REVIEW = 1 << 3;
const INVESTIGATION = 1 << 4;
const ORG_WIDE = 1 << 5;
const ADMINISTRATOR = 1 << 6;
const INFORMATION_GOVERNANCE = 1 << 7;
const GROUP_WIDE = 1 << 8;
const EMERGENCY = 1 << 9;

// This runs once per field read: the row lists are shared, frozen values per combination (keyed by value, so
// no fact object is ever cached).
const ROWS_BY_MASK: (readonly AccessRow[] | undefined)[] = [];

function rowsOf(mask: number): readonly AccessRow[] {
  let rows = ROWS_BY_MASK[mask];
  if (rows === undefined) {
    rows = Object.freeze(STAFF_ROW_ORDER.filter((_, index) => (mask & (1 << index)) !== 0));
    ROWS_BY_MASK[mask] = rows;
  }
  return rows;
}

function staffRowMask(caller: StaffCallerFacts, relation: StaffRelationFacts, preset: AccessPreset): number {
  const { roles } = caller;
  if (roles.length === 0) return 0;
  let directSupport = false;
  let volunteer = false;
  let management = false;
  let governance = false;
  for (const role of roles) {
    directSupport ||= DIRECT_SUPPORT_ROLES.includes(role);
    volunteer ||= role === 'VOLUNTEER';
    management ||= SERVICE_MANAGEMENT_ROLES.includes(role);
    governance ||= INFORMATION_GOVERNANCE_ROLES.includes(role);
  }
  let mask = 0;
  if (relation.allocated && directSupport) mask |= ALLOCATED_SUPPORT_WORKER;
  else if (relation.allocated && volunteer) mask |= ALLOCATED_VOLUNTEER;
  if (relation.managesService && management) mask |= MANAGES_SERVICE;
  if (relation.qaReview && roles.includes('TEAM_LEADER')) mask |= QA_REVIEW;
  if (relation.investigation && roles.includes('SAFEGUARDING_LEAD')) mask |= INVESTIGATION;
  if (roles.includes('SENIOR_MANAGER')) mask |= ORG_WIDE;
  if (relation.serviceMember && roles.includes('ADMINISTRATOR')) mask |= ADMINISTRATOR;
  if (governance) mask |= INFORMATION_GOVERNANCE;
  if (preset === 'GROUP_WIDE') mask |= GROUP_WIDE;
  if (relation.emergency !== undefined) mask |= EMERGENCY;
  return mask;
}

/**
 * The rows that apply to a staff member for one client, most specific first and EMERGENCY last (the
 * tie-break order of {@link STRICT_MATRIX}). Gates (acknowledgement, conflict) are not applied here.
 *
 * A staff member holding no role at all gets no row, not even GROUP_WIDE or EMERGENCY: roles are what give
 * an account duties towards clients.
 */
export function staffRows(
  caller: StaffCallerFacts,
  relation: StaffRelationFacts,
  preset: AccessPreset,
): readonly AccessRow[] {
  return rowsOf(staffRowMask(caller, relation, preset));
}

/**
 * The rows that apply ({@link staffRows}) and those of them the caller may use on this item. On an unsealed
 * item, all of them. On a sealed item the client's named staff keep every row they hold, the preset's grant
 * included (ACCESS-MODEL.md Sealed items: readable by the person and the staff they named — under GROUP_WIDE
 * a named staff member need not also be allocated), and anyone else only an EMERGENCY row opened for
 * IMMINENT_DANGER or SAFEGUARDING: sealing narrows, never widens — a named staff member reads a sealed item
 * exactly as they would read it unsealed.
 */
export function staffRowsForItem(
  caller: StaffCallerFacts,
  relation: StaffRelationFacts,
  item: StaffItemFacts,
  preset: AccessPreset,
): { readonly all: readonly AccessRow[]; readonly usable: readonly AccessRow[] } {
  const mask = staffRowMask(caller, relation, preset);
  const all = rowsOf(mask);
  if (!item.sealed) return { all, usable: all };
  if (item.namedStaff) return { all, usable: all };
  const opens =
    relation.emergency !== undefined && SEALED_ITEM_EMERGENCY_REASONS.includes(relation.emergency);
  return { all, usable: rowsOf(opens ? mask & EMERGENCY : 0) };
}

/** The SELF row, for a service user reading their own record. */
export const SELF_ROW: AccessRow = row('SELF');
