import type { Role } from '@confide/domain';
import { allow, hasAnyRole, operationPolicy, refuse } from '../policy';
import { clientPolicy } from './common';

/**
 * The deciders' disclosure work queue (issue 15, items 7 and 8) and the person's own subject access requests
 * (item 9). Policy texts: Azure 4.1 (the service's management decides third-party requests), Lets connect 4.3
 * (the Caldicott Guardian approves doubtful disclosures), Azure 7.1 (a disclosure under a court order: "staff must
 * inform the relevant Senior Manager"), Carers Trust 2.2 (the right to view all the organisation holds).
 */

/** The kinds of queued work, as `@confide/store`'s `DISCLOSURE_QUEUE_KINDS` names them. */
export type DisclosureQueueItemKind =
  | 'AWAITING_DECISION'
  | 'ESCALATED_REQUEST'
  | 'FLAGGED_DECISION'
  | 'COURT_ORDER_DISCLOSURE';

/** Who is shown one queued item: their roles, and whether they manage the service of the person it is about. */
export interface QueueViewer {
  readonly roles: readonly Role[];
  readonly managesClientService: boolean;
}

/**
 * Whose queue an item is in:
 * - a request awaiting a decision: the managers of the person's service, who decide it (Azure 4.1);
 * - an escalated request, or a decision flagged for the Guardian: the Caldicott Guardian (Lets connect 4.3);
 * - a court-order disclosure: the Senior Manager, who must be told, and the Caldicott Guardian whose approval the
 *   Senior Manager may seek (Azure 7.1).
 */
export function seesDisclosureQueueItem(kind: DisclosureQueueItemKind, viewer: QueueViewer): boolean {
  const holds = (roles: readonly Role[]) => viewer.roles.some((role) => roles.includes(role));
  switch (kind) {
    case 'AWAITING_DECISION':
      return viewer.managesClientService;
    case 'ESCALATED_REQUEST':
    case 'FLAGGED_DECISION':
      return holds(['CALDICOTT_GUARDIAN']);
    case 'COURT_ORDER_DISCLOSURE':
      return holds(['SENIOR_MANAGER', 'CALDICOTT_GUARDIAN']);
  }
}

export const DISCLOSURE_QUEUE_POLICIES = [
  operationPolicy({
    id: 'disclosure-queue.list',
    clause:
      'Azure 4.1, 7.1; Lets connect 4.3: each decider sees the disclosure work waiting for them — the service’s managers the requests of their services, the Caldicott Guardian escalated requests and flagged decisions, the Senior Manager court-order disclosures',
    decide: (facts) => {
      if (hasAnyRole(facts, ['CALDICOTT_GUARDIAN'])) return allow('disclosure-queue.caldicott-guardian');
      if (hasAnyRole(facts, ['SENIOR_MANAGER'])) return allow('disclosure-queue.senior-manager');
      if (hasAnyRole(facts, ['SERVICE_MANAGER']) && facts.managesAnyService === true) {
        return allow('disclosure-queue.service-manager');
      }
      return refuse('disclosure-queue.decider');
    },
  }),
  clientPolicy({
    id: 'subject-access.own-requests',
    clause:
      'Carers Trust 2.2; DATA-PROTECTION.md Subject access: the person looks up their own requests and deadlines',
    principals: ['SERVICE_USER'],
    decide: (facts) =>
      facts.caller.kind === 'SERVICE_USER' && facts.relation?.self
        ? { effect: 'ALLOW', rule: 'subject-access.self', relationship: 'SELF' }
        : refuse('subject-access.own-requests'),
  }),
] as const;
