import type { Role } from '@confide/domain';
import { allow, governanceListPolicy, hasAnyRole, refuse } from '../policy';
import { clientPolicy } from './common';
import { NOT_TOLD } from './sharing';

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
 * Whose queue an item is in, and in which capacity (the role each reader is told as):
 * - a request awaiting a decision: the managers of the person's service, who decide it (Azure 4.1);
 * - an escalated request, or a decision flagged for the Guardian: the Caldicott Guardian (Lets connect 4.3);
 * - a court-order disclosure: the Senior Manager, who must be told, and the Caldicott Guardian whose approval the
 *   Senior Manager may seek (Azure 7.1).
 */
export function disclosureQueueAudiences(kind: DisclosureQueueItemKind, viewer: QueueViewer): Role[] {
  const held = (roles: readonly Role[]) => roles.filter((role) => viewer.roles.includes(role));
  switch (kind) {
    case 'AWAITING_DECISION':
      return viewer.managesClientService ? ['SERVICE_MANAGER'] : [];
    case 'ESCALATED_REQUEST':
    case 'FLAGGED_DECISION':
      return held(['CALDICOTT_GUARDIAN']);
    case 'COURT_ORDER_DISCLOSURE':
      return held(['SENIOR_MANAGER', 'CALDICOTT_GUARDIAN']);
  }
}

/**
 * Items that leave a reader's queue once that reader acknowledges them: a decision already made that they are told
 * of. A request still to decide leaves only when it is decided.
 */
export const ACKNOWLEDGEABLE_QUEUE_KINDS: readonly DisclosureQueueItemKind[] = [
  'FLAGGED_DECISION',
  'COURT_ORDER_DISCLOSURE',
];

/** Whether the item is in the viewer's queue: they are told of it in a capacity nobody has acknowledged yet. */
export function seesDisclosureQueueItem(
  kind: DisclosureQueueItemKind,
  viewer: QueueViewer,
  acknowledgedAs: readonly string[] = [],
): boolean {
  return disclosureQueueAudiences(kind, viewer).some((role) => !acknowledgedAs.includes(role));
}

export const DISCLOSURE_QUEUE_POLICIES = [
  governanceListPolicy({
    id: 'disclosure-queue.list',
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
    id: 'disclosure-queue.acknowledge',
    effects: { writes: true },
    changeFacts: ['detail', 'sharing'],
    decide: (facts) => {
      const kind = facts.change?.detail as DisclosureQueueItemKind | undefined;
      const caller = facts.caller.kind === 'STAFF' ? facts.caller : undefined;
      if (!kind || !caller || !ACKNOWLEDGEABLE_QUEUE_KINDS.includes(kind)) {
        return refuse('disclosure-queue.not-acknowledgeable');
      }
      const audiences = disclosureQueueAudiences(kind, {
        roles: caller.roles,
        managesClientService: facts.relation?.managesService ?? false,
      });
      if (audiences.length === 0) return refuse('disclosure-queue.not-told');
      // Work the person is not told of is kept from their own views (keptFromSubject reads the rule's last part).
      return allow(
        `disclosure-queue.acknowledged.${kind}${facts.change?.sharing?.subjectNotTold ? `.${NOT_TOLD}` : ''}`,
      );
    },
  }),
  clientPolicy({
    id: 'subject-access.own-requests',
    principals: ['SERVICE_USER'],
    decide: (facts) =>
      facts.caller.kind === 'SERVICE_USER' && facts.relation?.self
        ? { effect: 'ALLOW', rule: 'subject-access.self', relationship: 'SELF' }
        : refuse('subject-access.own-requests'),
  }),
] as const;
