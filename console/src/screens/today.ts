import { execute } from '../api';
import { readConnection } from '../connection-pages';
import {
  AccessAlertsQuery,
  BreachesQuery,
  DisclosureWorkQuery,
  GovernanceNotificationsQuery,
  PendingBreakGlassReviewsQuery,
  PendingChangesQuery,
  PendingDisclosureReviewsQuery,
  SubjectAccessRequestsQuery,
} from '../documents';
import { h, link, notice, render } from '../dom';
import {
  ageWords,
  breachClock,
  type Capabilities,
  dateWords,
  deadlineWords,
  emergencyReasonWords,
  endOfLocalDate,
  enumWords,
  inWorkingOrder,
  NOTICE_DAYS,
  noticeView,
  oldestSince,
  partInDisclosure,
  pendingChangeWords,
  type QueueEntry,
  recordedForAnother,
} from '../logic';
import { actorWords, listOrError, personLabel, screenHeading, signInRefusedNotice, unread } from './shared';

/**
 * One item of a queue, ready to show: what it is, how long it has waited, and the one link to its decision (none for
 * a notification whose screen the reader's role does not open).
 */
interface QueueItem extends QueueEntry {
  readonly title: string;
  readonly detail: string;
  readonly route?: string;
  readonly action?: string;
}

interface Queue {
  readonly id: string;
  readonly title: string;
  readonly empty: string;
  readonly load: () => Promise<{
    items: QueueItem[];
    errors: readonly { code: string; message: string }[];
    /** The list goes on past what the queue read: the count ends in "+", and the queue never says "none". */
    more?: boolean;
  }>;
}

/**
 * The pages (100 each) a queue reads at most when it must see a whole list to say what is open in it: the breach
 * register (a clock can run on an old entry) and the subject access requests (the store lists the newest last).
 */
const WHOLE_LIST_PAGES = 20;

const DISCLOSURE_WORK_WORDS: Record<string, string> = {
  AWAITING_DECISION: 'Request awaiting your decision',
  ESCALATED_REQUEST: 'Escalated request for the Guardian',
  FLAGGED_DECISION: 'Decision flagged for the Guardian',
  COURT_ORDER_DISCLOSURE: 'Court-order disclosure to acknowledge',
};

/**
 * Who made an exceptional disclosure and, when the Caldicott Guardian recorded it for them, who recorded it
 * (decision 0142); the viewer is "you".
 */
function disclosedByWords(
  review: {
    madeBy: string;
    recordedBy: string;
    madeByActor: Parameters<typeof actorWords>[0];
    recordedByActor: Parameters<typeof actorWords>[0];
  },
  viewerStaffId: string | undefined,
): string {
  const who = (staffId: string, actor: Parameters<typeof actorWords>[0]) =>
    staffId === viewerStaffId ? 'you' : actorWords(actor);
  const by = `By ${who(review.madeBy, review.madeByActor)}`;
  return recordedForAnother(review)
    ? `${by}, recorded by ${who(review.recordedBy, review.recordedByActor)}`
    : by;
}

/** The queues a caller has, in the order they appear; each only when the caller's roles open it. */
function queuesFor(capabilities: Capabilities, viewerStaffId: string | undefined, now: Date): Queue[] {
  const queues: Queue[] = [];
  if (capabilities.reviewBreakGlass) {
    queues.push({
      id: 'break-glass-reviews',
      title: 'Break-glass reviews',
      empty: 'No emergency access is waiting for your review.',
      load: async () => {
        const { data, errors } = await execute(PendingBreakGlassReviewsQuery);
        const connection = data?.emergencyAccessReviewsConnection;
        const items = (connection?.edges ?? []).map(({ node: review }) => ({
          since: review.openedAt,
          title: `${actorWords(review.actor)} broke the glass`,
          detail: `Reason: ${emergencyReasonWords(review.reason)} · ${personLabel(review.serviceUserId)}`,
          route: `/break-glass/${encodeURIComponent(review.id)}`,
          action: 'Review',
        }));
        return { items, errors, more: connection?.pageInfo.hasNextPage };
      },
    });
  }
  if (capabilities.approveChanges) {
    queues.push({
      id: 'pending-changes',
      title: 'Changes waiting for a second person',
      empty: 'No change is waiting for your approval.',
      load: async () => {
        // The API lists only what the caller may approve, never their own proposals.
        const { data, errors } = await execute(PendingChangesQuery);
        const items = (data?.pendingChangesConnection.edges ?? []).map(({ node }) => ({
          since: node.proposedAt,
          title: pendingChangeWords(node.operation),
          detail: `Proposed by ${actorWords(node.proposedByActor)}`,
          route: '/pending-changes',
          action: 'Decide',
        }));
        return { items, errors, more: data?.pendingChangesConnection.pageInfo.hasNextPage };
      },
    });
  }
  if (capabilities.reviewDisclosures) {
    queues.push({
      id: 'disclosure-reviews',
      title: 'Disclosure reviews',
      empty: 'No exceptional disclosure is waiting for review.',
      load: async () => {
        const { data, errors } = await execute(PendingDisclosureReviewsQuery, { after: null });
        const connection = data?.disclosureReviewsConnection;
        const items = (connection?.edges ?? []).map(({ node: review }) => ({
          since: review.openedAt,
          title: `Disclosure without consent (${enumWords(review.legalBasis)})`,
          // Told since or not, the review keeps what was recorded then: its screen reads the register.
          detail: `${disclosedByWords(review, viewerStaffId)} · ${personLabel(review.serviceUserId)} · ${review.clientInformed ? 'the person was told' : 'the person was not told when it was recorded'}`,
          route: `/disclosure-review/${encodeURIComponent(review.id)}`,
          // Nobody reviews a disclosure they made or recorded: its screen says why.
          action: partInDisclosure(review, viewerStaffId) ? 'Open' : 'Review',
        }));
        return { items, errors, more: connection?.pageInfo.hasNextPage };
      },
    });
  }
  if (capabilities.disclosureQueue) {
    queues.push({
      id: 'disclosure-requests',
      title: 'Disclosure requests',
      empty: 'No disclosure request is waiting for you.',
      load: async () => {
        // The first page is the most pressing work (urgent first, then the longest waiting); the count says when
        // there is more.
        const { data, errors } = await execute(DisclosureWorkQuery, { after: null });
        const connection = data?.disclosureWorkQueueConnection;
        const items = (connection?.edges ?? []).map(({ node: item }) => ({
          since: item.since,
          urgent: item.urgent,
          title: `${item.urgent ? 'Urgent: ' : ''}${DISCLOSURE_WORK_WORDS[item.kind] ?? enumWords(item.kind)}`,
          detail: `${item.legalBasis ? `Basis: ${enumWords(item.legalBasis)} · ` : ''}${personLabel(item.serviceUserId)}`,
          route: `/disclosure/${encodeURIComponent(item.serviceUserId)}/${encodeURIComponent(item.requestId)}`,
          action:
            item.kind === 'AWAITING_DECISION' || item.kind === 'ESCALATED_REQUEST' ? 'Decide' : 'Acknowledge',
        }));
        return { items, errors, more: connection?.pageInfo.hasNextPage };
      },
    });
  }
  if (capabilities.accessAlerts) {
    queues.push({
      id: 'access-alerts',
      title: 'Access alerts',
      empty: 'No unusual access in the last 7 days.',
      load: async () => {
        const { data, errors } = await execute(AccessAlertsQuery);
        const items = (data?.accessAlerts.edges ?? []).map(({ node }) => ({
          since: node.from,
          overdue: node.rule === 'EMERGENCY_REVIEW_OVERDUE',
          title: `${actorWords(node.actor)}: ${node.description}`,
          detail: `${enumWords(node.rule)} · ${node.count}`,
          route:
            node.reviewId && capabilities.reviewBreakGlass
              ? `/break-glass/${encodeURIComponent(node.reviewId)}`
              : `/staff/${encodeURIComponent(node.staffId)}`,
          action: node.reviewId && capabilities.reviewBreakGlass ? 'Review' : 'See the evidence',
        }));
        return { items, errors, more: data?.accessAlerts.pageInfo.hasNextPage };
      },
    });
  }
  if (capabilities.breaches) {
    queues.push({
      id: 'breaches',
      title: 'Breaches (72-hour clock)',
      empty: 'No breach is waiting to be reported.',
      load: async () => {
        const { nodes, errors, more } = await readConnection(
          async (after) => {
            const { data, errors } = await execute(BreachesQuery, { after });
            return { page: data?.breachesConnection, errors };
          },
          { maxPages: WHOLE_LIST_PAGES },
        );
        const items = nodes
          .map((node) => ({ node, clock: breachClock(node, now) }))
          .filter(({ clock }) => clock.state === 'RUNNING' || clock.state === 'OVERDUE')
          .map(({ node, clock }) => ({
            since: node.discoveredAt,
            deadline: node.regulatorDeadline,
            overdue: clock.state === 'OVERDUE',
            title: node.nature,
            detail: `Regulator ${clock.words} · ${node.reportable === null ? 'not yet assessed' : 'reportable'}`,
            route: `/registers/breaches/${encodeURIComponent(node.id)}`,
            action: capabilities.assessBreaches ? 'Assess' : 'Open',
          }));
        return { items, errors, more };
      },
    });
  }
  if (capabilities.subjectAccess) {
    queues.push({
      id: 'subject-access',
      title: 'Subject access requests',
      empty: 'No subject access request is open.',
      load: async () => {
        const { nodes, errors, more } = await readConnection(
          async (after) => {
            const { data, errors } = await execute(SubjectAccessRequestsQuery, { after });
            return { page: data?.subjectAccessRequestsConnection, errors };
          },
          { maxPages: WHOLE_LIST_PAGES },
        );
        const items = nodes
          .filter((node) => node.status === 'OPEN')
          .map((node) => ({
            since: node.receivedOn,
            deadline: node.deadline,
            overdue: node.overdue,
            title: `Request received ${dateWords(node.receivedOn)}`,
            detail: `Answer ${deadlineWords(endOfLocalDate(node.deadline), now)} (by ${dateWords(node.deadline)}) · ${personLabel(node.serviceUserId)}`,
            route: '/registers/subject-access',
            action: 'Open',
          }));
        return { items, errors, more };
      },
    });
  }
  if (capabilities.notifications) {
    queues.push({
      id: 'notifications',
      title: `Notifications (last ${NOTICE_DAYS} days)`,
      empty: `Nothing was notified in the last ${NOTICE_DAYS} days.`,
      load: async () => {
        const { data, errors } = await execute(GovernanceNotificationsQuery);
        const connection = data?.governanceNotifications;
        const since = now.getTime() - NOTICE_DAYS * 86_400_000;
        const items = (connection?.edges ?? [])
          .filter(({ node }) => new Date(node.createdAt).getTime() >= since)
          .map(({ node }) => ({ since: node.createdAt, ...noticeView(node, capabilities) }));
        return { items, errors, more: connection?.pageInfo.hasNextPage };
      },
    });
  }
  return queues;
}

/**
 * The Today screen: each of the caller's queues with its count and oldest age, items in working order. The caller's
 * own staff member (global id) tells them apart from others in the items.
 */
export async function todayScreen(
  main: HTMLElement,
  capabilities: Capabilities,
  viewerStaffId: string | undefined,
): Promise<void> {
  const now = new Date();
  const queues = queuesFor(capabilities, viewerStaffId, now);
  const sections = queues.map((queue) =>
    h('section', {
      class: 'card queue',
      id: queue.id,
      'aria-labelledby': `${queue.id}-title`,
      'aria-busy': 'true',
    }),
  );
  // A refused sign-in refuses every queue alike: one offer to sign in again, at the top, not one per queue.
  const signIn = h('div', { class: 'sign-in-notice' });
  render(main, screenHeading('Today'), signIn, h('div', { class: 'queues' }, sections));
  await Promise.all(
    queues.map(async (queue, index) => {
      const section = sections[index];
      if (!section) return;
      const { items, errors, more } = await queue.load();
      const ordered = inWorkingOrder(items);
      const oldest = oldestSince(ordered);
      // A queue whose read failed has no count: how much waits in it is unknown.
      const known = !unread(errors, ordered.length);
      const refused = errors[0]?.code === 'UNAUTHENTICATED';
      const noneWords = more ? 'None among those read so far.' : queue.empty;
      if (refused && !signIn.hasChildNodes()) signIn.append(signInRefusedNotice());
      section.removeAttribute('aria-busy');
      render(
        section,
        h(
          'h2',
          { id: `${queue.id}-title` },
          queue.title,
          known ? ' ' : null,
          known
            ? h(
                'span',
                { class: 'count', 'data-count': ordered.length },
                `(${ordered.length}${more ? '+' : ''})`,
              )
            : null,
        ),
        oldest ? h('p', { class: 'queue-age' }, `Oldest ${ageWords(oldest, now)}`) : null,
        more && known
          ? h('p', { class: 'queue-age' }, 'More than are listed here: the rest are not shown yet.')
          : null,
        refused
          ? h('p', { class: 'notice notice-error unread-queue' }, 'This queue could not be read.')
          : null,
        ...listOrError(refused ? [] : errors, ordered.length, refused ? null : noneWords, () =>
          h(
            'ul',
            { class: 'items' },
            ordered.map((item) =>
              h(
                'li',
                { class: `item${item.overdue ? ' overdue' : ''}` },
                h(
                  'div',
                  {},
                  h('p', { class: 'item-title' }, item.title),
                  h('p', { class: 'item-detail' }, `${item.detail} · ${ageWords(item.since, now)}`),
                ),
                item.route && item.action
                  ? link(item.route, item.action, {
                      class: 'button',
                      'aria-label': `${item.action}: ${item.title}`,
                    })
                  : null,
              ),
            ),
          ),
        ),
      );
    }),
  );
  if (queues.length === 0) main.append(notice('There is no governance work for your role.'));
}
