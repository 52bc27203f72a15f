import { createHash } from 'node:crypto';
import { type Clock, toEpochSeconds } from '@confide/domain';
import { attr, type Item, read, requireS } from '../attributes';
import type { TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable } from '../tenant-table';

/**
 * What the organisation's governance contacts are told about (issue 20, decision 0035):
 * - EMERGENCY_ACCESS_OPENED: someone broke the glass (reference: the emergency access review);
 * - DISCLOSURE_ESCALATED: a disclosure request waits for the Caldicott Guardian (reference: the request);
 * - BREACH_OVERDUE: a breach not assessed as unreportable and not yet notified is past its 72-hour clock
 *   (reference: the breach);
 * - SUBJECT_ACCESS_DUE_SOON: a subject access request is open within {@link SUBJECT_ACCESS_WARNING_DAYS} days of its
 *   deadline, or past it (reference: the request);
 * - ADMINISTRATION_RESTORED: two platform operators gave ORG_ADMIN to a staff member the charity named and deactivated
 *   its other admin accounts (reference: the restoration; decision 0109).
 */
export const NOTIFICATION_KINDS = [
  'EMERGENCY_ACCESS_OPENED',
  'DISCLOSURE_ESCALATED',
  'BREACH_OVERDUE',
  'SUBJECT_ACCESS_DUE_SOON',
  'ADMINISTRATION_RESTORED',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** How many days before a subject access deadline the contacts are told. */
export const SUBJECT_ACCESS_WARNING_DAYS = 7;

/** How long a notification stays in the outbox: long enough for a quarterly governance review. */
const OUTBOX_DAYS = 100;

/** The sort-key prefix of outbox items: the deployed stream filter delivers items whose key starts with it. */
export const NOTIFICATION_SORT_PREFIX = 'NOTIFY#';

/**
 * A notification: a kind and a reference, never personal data (as NHS emergency-access alerts carry only a
 * reference, the reader follows it in Confide under their own need-to-know).
 */
export interface GovernanceNotification {
  readonly kind: NotificationKind;
  /** The id of what it is about (a review, request or breach id): opaque, no personal data. */
  readonly reference: string;
  readonly createdAt: string;
}

/**
 * The organisation's notification outbox (`ORG#<org>#NOTIFY`). Locally the console and tests read it; in AWS the
 * table stream carries each new item to the stage's governance topic (an EventBridge pipe, CDK), whose email
 * subscriptions are filtered by organisation. One item per (kind, reference): a deadline checked every hour or a
 * retried request notifies once.
 */
export class GovernanceNotifications {
  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  /** Puts a notification in the outbox once; true when this call put it there. */
  async notify(scope: TenantScope, kind: NotificationKind, reference: string): Promise<boolean> {
    const { Put } = this.outboxItem(scope, kind, reference);
    const result = await new TenantTable(scope, this.access, this.table).put(Put.Item, {
      ConditionExpression: Put.ConditionExpression,
    });
    return result.written;
  }

  /**
   * The notification as an item of another write's transaction, so that what it tells of and the notice are written
   * together or not at all (a break-glass review and its notice). Once per kind and reference, as `notify`.
   */
  outboxItem(
    scope: TenantScope,
    kind: NotificationKind,
    reference: string,
  ): { Put: { Item: Item; ConditionExpression: string } } {
    const digest = createHash('sha256').update(`${kind}\n${reference}`).digest('hex').slice(0, 40);
    const now = this.clock.now();
    return {
      Put: {
        Item: {
          pk: attr.s(scope.key('NOTIFY')),
          sk: attr.s(`${NOTIFICATION_SORT_PREFIX}${digest}`),
          orgId: attr.s(scope.orgId),
          kind: attr.s(kind),
          reference: attr.s(reference),
          createdAt: attr.s(now.toISOString()),
          expiresAt: attr.n(toEpochSeconds(new Date(now.getTime() + OUTBOX_DAYS * 86_400_000))),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  /** The outbox, newest first. */
  async list(scope: TenantScope): Promise<GovernanceNotification[]> {
    const items = await new TenantTable(scope, this.access, this.table).queryPrefix(
      scope.key('NOTIFY'),
      NOTIFICATION_SORT_PREFIX,
      this.clock.now(),
    );
    return items
      .map((item) => ({
        kind: requireS(item, 'kind') as NotificationKind,
        reference: read.s(item, 'reference') ?? '',
        createdAt: requireS(item, 'createdAt'),
      }))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }
}
