import type { EmergencyReview, MonitoringSettings, StoredAuditEvent, TenantScope } from '@confide/store';
import { resolveArrayConnection } from '@pothos/plugin-relay';
import { builder } from '../../builder';
import type { ConfideContext } from '../../context';
import { AccessActorRef, actorOfStaff } from '../access-governance/actors';
import { DAY_MS, periodArgs, periodOf, type ReportScope, reachOf } from './scope';

interface EmergencyReportEntry {
  readonly review: EmergencyReview;
  readonly events: readonly StoredAuditEvent[];
  readonly overdue: boolean;
  readonly daysOpen: number;
}

const EmergencyReportEntryRef = builder.objectRef<EmergencyReportEntry>('EmergencyAccessReportEntry');
EmergencyReportEntryRef.implement({
  description:
    'One emergency (break-glass) access, its review status and the audited accesses under it. References only: the stated detail is for the reviewers and is not here.',
  fields: (t) => ({
    reviewId: t.id({
      description:
        'The review: the `id` of an EmergencyAccessReview (an opaque review id, not a Node global id).',
      resolve: (e) => e.review.reviewId,
    }),
    staffId: t.globalID({
      description: 'Who broke the glass.',
      resolve: (e) => ({ type: 'StaffMember', id: e.review.staffId }),
    }),
    actor: t.field({
      type: AccessActorRef,
      description: 'Who broke the glass, in words: name, handle and current role.',
      resolve: (e) => actorOfStaff(e.review.staffId),
    }),
    serviceUserId: t.globalID({
      description: 'Whose record was opened.',
      resolve: (e) => ({ type: 'ServiceUser', id: e.review.clientId }),
    }),
    serviceId: t.globalID({
      description: 'The client’s service.',
      resolve: (e) => ({ type: 'Service', id: e.review.serviceId }),
    }),
    reason: t.string({
      description: 'The stated reason (EmergencyReason).',
      resolve: (e) => e.review.reason,
    }),
    openedAt: t.field({ type: 'DateTime', description: 'When opened.', resolve: (e) => e.review.openedAt }),
    until: t.field({
      type: 'DateTime',
      description: 'When the access ended.',
      resolve: (e) => e.review.until,
    }),
    status: t.string({ description: 'PENDING or COMPLETED.', resolve: (e) => e.review.status }),
    outcome: t.string({
      nullable: true,
      description: 'JUSTIFIED or UNJUSTIFIED, once reviewed.',
      resolve: (e) => e.review.outcome ?? null,
    }),
    reviewedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When reviewed.',
      resolve: (e) => e.review.reviewedAt ?? null,
    }),
    daysOpen: t.int({ description: 'Whole days since it was opened.', resolve: (e) => e.daysOpen }),
    overdue: t.boolean({
      description: 'Still pending after the organisation’s review limit (monitoring settings).',
      resolve: (e) => e.overdue,
    }),
    accessCount: t.int({ description: 'Audited accesses under it.', resolve: (e) => e.events.length }),
    evidence: t.idList({
      description: 'Their audit event ids.',
      resolve: (e) => e.events.map((x) => x.eventId),
    }),
  }),
});

/** The audited accesses made under one emergency grant: the breaker’s emergency events in its window. */
async function eventsUnder(context: ConfideContext, tenant: TenantScope, review: EmergencyReview) {
  const events = await context.services.auditLog.bySubject(tenant, review.clientId, {
    from: review.openedAt,
    to: review.until,
    limit: 500,
  });
  return events.filter((event) => event.actor.id === review.staffId && event.emergency);
}

/** The emergency accesses within the caller's reach that pass `filter`, with their evidence and age. */
export async function emergencyEntries(
  context: ConfideContext,
  tenant: TenantScope,
  scope: ReportScope,
  settings: MonitoringSettings,
  filter: (review: EmergencyReview) => boolean,
): Promise<EmergencyReportEntry[]> {
  const now = context.services.clock.now().getTime();
  const reviews = await context.access.withoutConflicts(
    (await context.services.emergencyReviews.list(tenant)).filter(
      (review) => (scope.all || scope.serviceIds.has(review.serviceId)) && filter(review),
    ),
    // A person the caller is declared connected to is left out (decision 0007).
    (review) => review.clientId,
  );
  return Promise.all(
    reviews.map(async (review) => {
      const age = now - Date.parse(review.openedAt);
      return {
        review,
        events: await eventsUnder(context, tenant, review),
        daysOpen: Math.max(0, Math.floor(age / DAY_MS)),
        overdue: review.status === 'PENDING' && age >= settings.emergencyReviewDays * DAY_MS,
      };
    }),
  );
}

builder.queryFields((t) => ({
  emergencyAccessReport: t.connection({
    type: EmergencyReportEntryRef,
    description:
      'Emergency accesses opened in a window (default the last 30 days, at most 366), newest first, with their review status and whether the review is overdue. IG_LEAD, CALDICOTT_GUARDIAN; a SERVICE_MANAGER sees their services’.',
    args: {
      ...periodArgs(t),
      status: t.arg.string({ required: false, description: 'PENDING or COMPLETED.' }),
    },
    operation: { policy: 'monitoring.report', audit: 'after' },
    resolve: async (operation, args, context) => {
      const period = periodOf(context, args.from, args.to, 366);
      const { settings } = await context.services.monitoring.settings(operation.scope);
      const entries = await emergencyEntries(
        context,
        operation.scope,
        reachOf(operation, context),
        settings,
        (review) =>
          review.openedAt >= period.from &&
          review.openedAt <= period.to &&
          (!args.status || review.status === args.status),
      );
      return resolveArrayConnection({ args }, entries);
    },
  }),
}));
