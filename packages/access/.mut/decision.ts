import type { Relationship } from '@confide/domain';
import type { RuleId } from './rules';

/**
 * The answer for one field read.
 *
 * - `ALLOW`: return the value. `justified` is true when a J cell was satisfied by the stated purpose (record
 *   the purpose with the audit entry). `relationship` is `EMERGENCY` exactly when the read rests on a
 *   break-glass grant, which must be audited as an emergency read.
 * - `JUSTIFICATION_REQUIRED`: a J cell and no purpose; the field is null and the error lists it.
 * - `FORBIDDEN`: the record is visible, this field is not (null with a FORBIDDEN entry for this path).
 * - `NOT_FOUND`: the client (or, for `self.withheld`, the item) does not exist for this caller.
 * - `POLICY_NOT_ACKNOWLEDGED`: a staff member who has not signed the current policy version.
 *
 * `relationship` is the relationship the decision rests on, or `NONE` when it rests on a role alone
 * (ADMINISTRATOR, CALDICOTT_GUARDIAN, IG_LEAD), on a partner's disclosure grant, or on nothing. `rule` names the
 * exact basis; NOT_FOUND rules are for audit logs only and must never reach the caller (use `explain`).
 */
export type ReadDecision =
  | {
      readonly effect: 'ALLOW';
      readonly relationship: Relationship;
      readonly justified: boolean;
      readonly rule: RuleId;
    }
  | { readonly effect: 'JUSTIFICATION_REQUIRED'; readonly relationship: Relationship; readonly rule: RuleId }
  | { readonly effect: 'FORBIDDEN'; readonly relationship: Relationship; readonly rule: RuleId }
  | { readonly effect: 'NOT_FOUND'; readonly rule: RuleId }
  | { readonly effect: 'POLICY_NOT_ACKNOWLEDGED'; readonly rule: RuleId };

/** The answer for one field write (from the W cells). Same meaning as {@link ReadDecision}, without J. */
export type WriteDecision =
  | { readonly effect: 'ALLOW'; readonly relationship: Relationship; readonly rule: RuleId }
  | { readonly effect: 'FORBIDDEN'; readonly relationship: Relationship; readonly rule: RuleId }
  | { readonly effect: 'NOT_FOUND'; readonly rule: RuleId }
  | { readonly effect: 'POLICY_NOT_ACKNOWLEDGED'; readonly rule: RuleId };

/** The effects a read can have. */
export type ReadEffect = ReadDecision['effect'];

/** The effects a write can have. */
export type WriteEffect = WriteDecision['effect'];
