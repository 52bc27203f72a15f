import type { AccessPreset, Classification, Relationship } from '@confide/domain';
import type { ReadDecision, WriteDecision } from './decision';
import type {
  CallerFacts,
  ClientRelationFacts,
  ItemFacts,
  ReadRequest,
  StaffCallerFacts,
  WriteRequest,
} from './facts';
import { type AccessRow, type ClientClassification, readLevel, writes } from './matrix';
import { SELF_ROW, type StaffItemFacts, type StaffRelationFacts, staffRows, staffRowsForItem } from './rows';
import type { RuleId } from './rules';

/** Whether a request states a purpose: blank or whitespace-only text does not count. */
export function hasPurpose(purpose: string | undefined): boolean {
  return purpose !== undefined && purpose.trim() !== '';
}

/** A decision that ends the evaluation before any cell is looked at. */
type Gate =
  | { readonly effect: 'FORBIDDEN'; readonly relationship: Relationship; readonly rule: RuleId }
  | { readonly effect: 'NOT_FOUND'; readonly rule: RuleId }
  | { readonly effect: 'POLICY_NOT_ACKNOWLEDGED'; readonly rule: RuleId };

const OPERATOR_REFUSED: Gate = { effect: 'FORBIDDEN', relationship: 'NONE', rule: 'operator.none' };
const NOT_ACKNOWLEDGED: Gate = { effect: 'POLICY_NOT_ACKNOWLEDGED', rule: 'policy.acknowledgement' };
const CONFLICT: Gate = { effect: 'NOT_FOUND', rule: 'floor.conflict' };
const NO_RELATIONSHIP: Gate = { effect: 'NOT_FOUND', rule: 'existence.no-relationship' };
const CHIEF_EXECUTIVE_ONLY: Gate = { effect: 'NOT_FOUND', rule: 'matrix.chief-executive' };
const NO_GRANT: Gate = { effect: 'NOT_FOUND', rule: 'partner.no-grant' };
const WITHHELD: Gate = { effect: 'NOT_FOUND', rule: 'self.withheld' };
const SELF_ROWS: readonly AccessRow[] = [SELF_ROW];

/**
 * The gates every client decision passes first, in order: operators are refused; unacknowledged staff are
 * stopped before anything about the client is considered (so the answer is the same for every client); a
 * conflict hides the client from anyone.
 */
function clientGate(caller: CallerFacts, relation: Pick<ClientRelationFacts, 'conflict'>): Gate | undefined {
  if (caller.kind === 'OPERATOR') return OPERATOR_REFUSED;

  if (relation.conflict) return CONFLICT;
  return undefined;
}

/**
 * Where a read or write goes once the gates have passed: a decision that ends it, the rows whose cells
 * decide it (never empty), or a partner's grant.
 */
type Evaluation =
  | { readonly kind: 'decided'; readonly decision: Gate }
  | {
      readonly kind: 'rows';
      readonly rows: readonly AccessRow[];
      readonly classification: ClientClassification;
      /** The refusal to give instead of the first row's when the rows grant nothing. */
      readonly refusal?: Gate;
    }
  | { readonly kind: 'partner-grant' };

const decided = (decision: Gate): Evaluation => ({ kind: 'decided', decision });

// Each caller kind is evaluated by its own function, which receives only the facts about its kind (the
// parameter types leave the others out, so they cannot be read). floor.test.ts relies on this when it fixes
// other kinds' facts in its enumeration.

function evaluatePartner(
  item: Pick<ItemFacts, 'grantedToPartner' | 'sealed'>,
  classification: Classification,
): Evaluation {
  if (!item.grantedToPartner) return decided(NO_GRANT);
  // A grant never lowers the floor: a sealed item must be unsealed (audited) before it can be released.
  if (item.sealed) return decided({ effect: 'FORBIDDEN', relationship: 'NONE', rule: 'floor.sealed' });
  if (classification === 'STAFF_PERSONAL') {
    return decided({ effect: 'FORBIDDEN', relationship: 'NONE', rule: 'floor.staff-personal' });
  }
  return { kind: 'partner-grant' };
}

function evaluateServiceUser(
  relation: Pick<ClientRelationFacts, 'self'>,
  item: Pick<ItemFacts, 'withheldFromSubject'>,
  classification: Classification,
): Evaluation {
  if (!relation.self) return decided(NO_RELATIONSHIP);
  // Hidden, not merely refused: even the existence of a withheld item could defeat the exemption.
  if (item.withheldFromSubject) return decided(WITHHELD);
  if (classification === 'STAFF_PERSONAL') {
    return decided({ effect: 'FORBIDDEN', relationship: 'SELF', rule: 'floor.staff-personal' });
  }
  // SELF reads their own sealed items: sealing is the client's own choice about others.
  return { kind: 'rows', rows: SELF_ROWS, classification };
}

function evaluateStaff(
  caller: StaffCallerFacts,
  relation: StaffRelationFacts,
  item: StaffItemFacts,
  classification: Classification,
  preset: AccessPreset,
): Evaluation {
  const { all, usable } = staffRowsForItem(caller, relation, item, preset);
  const first = all[0];
  if (first === undefined) {
    const chiefExecutiveOnly =
      caller.roles.length > 0 && caller.roles.every((role) => role === 'CHIEF_EXECUTIVE');
    return decided(chiefExecutiveOnly ? CHIEF_EXECUTIVE_ONLY : NO_RELATIONSHIP);
  }
  if (classification === 'STAFF_PERSONAL') {
    return decided({ effect: 'FORBIDDEN', relationship: first.relationship, rule: 'floor.staff-personal' });
  }
  // Refusals on a sealed item the caller was not named for are the seal's, named after the caller's first row.
  const sealedRefusal: Gate = { effect: 'FORBIDDEN', relationship: first.relationship, rule: 'floor.sealed' };
  if (usable.length === 0) return decided(sealedRefusal);
  const refusal = item.sealed && !item.namedStaff ? sealedRefusal : undefined;
  return { kind: 'rows', rows: usable, classification, refusal };
}

function evaluate(request: WriteRequest): Evaluation {
  const { caller, relation, item, classification, preset } = request;
  const gate = clientGate(caller, relation);
  if (gate !== undefined) return decided(gate);
  switch (caller.kind) {
    case 'PARTNER':
      return evaluatePartner(item, classification);
    case 'SERVICE_USER':
      return evaluateServiceUser(relation, item, classification);
    case 'STAFF':
      return evaluateStaff(caller, relation, item, classification, preset);
    case 'OPERATOR':
      return decided(OPERATOR_REFUSED); // already refused by clientGate; kept for exhaustiveness
  }
}

/** Every applicable row has — here: name the first, the caller's most specific row. */
function refusedBy(rows: readonly AccessRow[]): Gate {
  const first = rows[0] as AccessRow;
  return { effect: 'FORBIDDEN', relationship: first.relationship, rule: first.rule };
}

function readFromRows(
  rows: readonly AccessRow[],
  classification: ClientClassification,
  purpose: string | undefined,
  refusal: Gate | undefined,
): ReadDecision {
  // The first row with the highest level wins: R beats J beats —, ties go to the earlier (more specific) row.
  let best: AccessRow | undefined;
  let bestLevel = 0;
  for (const row of rows) {
    const level = readLevel(row.cells[classification]);
    if (level > bestLevel) {
      best = row;
      bestLevel = level;
    }
  }
  if (best === undefined) return refusal ?? refusedBy(rows);
  const { relationship, rule } = best;
  if (bestLevel === 2) return { effect: 'ALLOW', relationship, justified: false, rule };
  if (hasPurpose(purpose)) return { effect: 'ALLOW', relationship, justified: true, rule };
  return { effect: 'JUSTIFICATION_REQUIRED', relationship, rule };
}

function writeFromRows(
  rows: readonly AccessRow[],
  classification: ClientClassification,
  refusal: Gate | undefined,
): WriteDecision {
  const row = rows.find((candidate) => writes(candidate.cells[classification]));
  if (row !== undefined) return { effect: 'ALLOW', relationship: row.relationship, rule: row.rule };
  return refusal ?? refusedBy(rows);
}

/**
 * Decides one field read for one caller, client and item. Pure: the store computes the facts, the GraphQL
 * layer applies the effect (and audits an ALLOW with its relationship, rule and purpose).
 *
 * Order: operator refused → policy acknowledgement → conflict (NOT_FOUND) → partner grant / SELF (withheld
 * items NOT_FOUND) / staff rows (none: NOT_FOUND) → STAFF_PERSONAL never through a client → sealed items →
 * the most permissive cell of the applicable rows (R beats J beats —) → a J cell needs a purpose.
 */
export function decideRead(request: ReadRequest): ReadDecision {
  const evaluation = evaluate(request);
  if (evaluation.kind === 'decided') return evaluation.decision;
  if (evaluation.kind === 'partner-grant') {
    return { effect: 'ALLOW', relationship: 'NONE', justified: false, rule: 'partner.grant' };
  }
  return readFromRows(evaluation.rows, evaluation.classification, request.purpose, evaluation.refusal);
}

/**
 * Decides one field write from the W cells, with the same gates as {@link decideRead}. Partners, QA review,
 * CALDICOTT_GUARDIAN / IG_LEAD, the GROUP_WIDE preset and break-glass never write.
 */
export function decideWrite(request: WriteRequest): WriteDecision {
  const evaluation = evaluate(request);
  if (evaluation.kind === 'decided') return evaluation.decision;
  if (evaluation.kind === 'partner-grant') {
    return { effect: 'FORBIDDEN', relationship: 'NONE', rule: 'partner.read-only' };
  }
  return writeFromRows(evaluation.rows, evaluation.classification, evaluation.refusal);
}

/**
 * Whether the client exists for this caller at all; lists keep exactly these clients. False for operators,
 * for staff who have not acknowledged the current policy (the API should answer POLICY_NOT_ACKNOWLEDGED up
 * front), for a conflict, and for partners, who reach items only through their disclosure grants, never by
 * listing clients.
 */
export function clientVisible(
  caller: CallerFacts,
  relation: ClientRelationFacts,
  preset: AccessPreset,
): boolean {
  if (clientGate(caller, relation) !== undefined) return false;
  switch (caller.kind) {
    case 'SERVICE_USER':
      return relation.self;
    case 'STAFF':
      return staffRows(caller, relation, preset).length > 0;
    default:
      return false;
  }
}

/**
 * The relationships that take effect for this caller and client, most specific first (ORG_WIDE for a
 * SENIOR_MANAGER or under GROUP_WIDE, EMERGENCY for an open break-glass grant, SELF for the service user), or
 * `['NONE']`. Gated callers (operator, unacknowledged, conflict) get `['NONE']`. `NONE` does not always mean
 * NOT_FOUND: ADMINISTRATOR, CALDICOTT_GUARDIAN and IG_LEAD see clients through their role alone; ask
 * {@link clientVisible} for existence.
 */
export function relationshipsOf(
  caller: CallerFacts,
  relation: ClientRelationFacts,
  preset: AccessPreset,
): Relationship[] {
  if (clientGate(caller, relation) !== undefined) return ['NONE'];
  let relationships: Relationship[] = [];
  if (caller.kind === 'SERVICE_USER' && relation.self) relationships = ['SELF'];
  if (caller.kind === 'STAFF') {
    const found = staffRows(caller, relation, preset).map((row) => row.relationship);
    relationships = [...new Set(found)].filter((relationship) => relationship !== 'NONE');
  }
  return relationships.length === 0 ? ['NONE'] : relationships;
}
