import type { Role } from '@confide/domain';
import type { OperationDecision, OperationFacts } from './facts';
import { allow, hasAnyRole, refuse } from './policy';

/** How far a monitoring report reaches: the whole organisation, or only the services the caller manages. */
export type ReportReach = 'ORG_WIDE' | 'OWN_SERVICES';

/** The rule an allowed report is decided by, per reach: stored on the report's audit event. */
export const REPORT_RULES = {
  ORG_WIDE: 'report.org-wide',
  OWN_SERVICES: 'report.own-services',
} as const satisfies Record<ReportReach, string>;

/**
 * Who runs a monitoring report, and over what (Lets connect 4.3 "access to client information will be
 * monitored", 5.2): holders of `orgWideRoles` see the whole organisation; a SERVICE_MANAGER who manages at least
 * one service sees what concerns their services' clients only; anyone else is refused with `refusedRule`.
 */
export function decideReport(
  facts: OperationFacts,
  orgWideRoles: readonly Role[],
  refusedRule: string,
): OperationDecision {
  if (hasAnyRole(facts, orgWideRoles)) return allow(REPORT_RULES.ORG_WIDE);
  if (hasAnyRole(facts, ['SERVICE_MANAGER']) && facts.managesAnyService === true) {
    return allow(REPORT_RULES.OWN_SERVICES);
  }
  return refuse(refusedRule);
}

/**
 * The reach an allowed report decision grants, read back from its rule by the resolver that narrows the report;
 * undefined for any other decision (a refusal, or a decision that is not a report's).
 */
export function reportReach(decision: OperationDecision): ReportReach | undefined {
  if (decision.effect !== 'ALLOW') return undefined;
  if (decision.rule === REPORT_RULES.ORG_WIDE) return 'ORG_WIDE';
  if (decision.rule === REPORT_RULES.OWN_SERVICES) return 'OWN_SERVICES';
  return undefined;
}
