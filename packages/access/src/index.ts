/**
 * The need-to-know policy engine of ACCESS-MODEL.md: pure functions over facts the store computed, no I/O.
 * The GraphQL layer calls {@link decideRead} / {@link decideWrite} once per (principal, subject, field),
 * filters lists with {@link clientVisible}, and answers "why" with {@link explain}.
 */
export { clientVisible, decideRead, decideWrite, hasPurpose, relationshipsOf } from './decide';
export type { ReadDecision, ReadEffect, WriteDecision, WriteEffect } from './decision';
export {
  DEFAULT_MATRIX_SPEC,
  type DefaultMatrixScenario,
  type DefaultMatrixSpecRow,
  GROUP_WIDE_SPEC,
  type SpecCell,
} from './default-matrix-spec';
export { type ClassificationExplanation, explain } from './explain';
export {
  type CallerFacts,
  type ClientRelationFacts,
  type ItemFacts,
  PLAIN_ITEM,
  type ReadRequest,
  type StaffCallerFacts,
  type WriteRequest,
} from './facts';
export {
  type Invariant,
  READ_INVARIANTS,
  STAFF_PERSONAL_INVARIANTS,
  type StaffPersonalReadRequest,
  WRITE_INVARIANTS,
} from './invariants';
export {
  type AccessRow,
  type Cell,
  CLIENT_CLASSIFICATIONS,
  type ClientClassification,
  GROUP_WIDE_GRANT,
  type MatrixRowId,
  STRICT_MATRIX,
} from './matrix';
export * from './operations';
export {
  ALLOCATABLE_ROLES,
  DIRECT_SUPPORT_ROLES,
  INFORMATION_GOVERNANCE_ROLES,
  SEALED_ITEM_EMERGENCY_REASONS,
  SERVICE_MANAGEMENT_ROLES,
} from './rows';
export { RULE_IDS, RULES, type RuleId } from './rules';
export {
  decideStaffPersonalRead,
  EMPLOYMENT_READERS,
  PERSONNEL_READER_ROLES,
  PERSONNEL_READERS,
  type StaffRecordReaders,
} from './staff-personal';
