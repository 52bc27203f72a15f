import type { MonitoringSettings, StoredAuditEvent, TenantScope } from '@confide/store';
import { resolveArrayConnection } from '@pothos/plugin-relay';
import { builder } from '../../builder';
import type { ConfideContext } from '../../context';
import {
  type AccessAlert,
  ALERT_RULES,
  accessAlerts,
  type PendingReview,
} from '../../monitoring/alert-rules';
import { AccessActorRef, actorOfStaff } from '../access-governance/actors';
import { emergencyEntries } from './emergency-report';
import {
  DAY_INDEX_DEFAULT_DAYS,
  MAX_DAY_INDEX_DAYS,
  type Period,
  periodArgs,
  periodOf,
  type ReportScope,
  reachOf,
  withinScope,
} from './scope';

// ── Unusual access ───────────────────────────────────────────────────────────────────────────────────────
// Computed on read from the audit indexes (docs/decisions/0013).

export const AlertRuleEnum = builder.enumType('AccessAlertRule', {
  description: 'The unusual-access rule an alert comes from (thresholds in AccessMonitoringSettings).',
  values: ALERT_RULES,
});

const AccessAlertRef = builder.objectRef<AccessAlert>('AccessAlert');
AccessAlertRef.implement({
  description:
    'Unusual access worth a look: the rule, the staff member, when, and the audit events that are the evidence. Never personal data (Lets connect 5.6).',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable for the same finding.' }),
    rule: t.field({ type: AlertRuleEnum, description: 'The rule.', resolve: (a) => a.rule }),
    staffId: t.globalID({
      description: 'Whose access it concerns.',
      resolve: (a) => ({ type: 'StaffMember', id: a.actorId }),
    }),
    actor: t.field({
      type: AccessActorRef,
      description: 'Whose access it concerns, in words: name, handle and current role.',
      resolve: (a) => actorOfStaff(a.actorId),
    }),
    from: t.field({ type: 'DateTime', description: 'First event.', resolve: (a) => a.from }),
    to: t.field({ type: 'DateTime', description: 'Last event.', resolve: (a) => a.to }),
    count: t.exposeInt('count', {
      description: 'Distinct clients, accesses, refusals or days overdue, by rule.',
    }),
    evidence: t.idList({
      description: 'Audit event ids (see staffAccessReport, accessLog).',
      resolve: (a) => [...a.evidence],
    }),
    reviewId: t.id({
      nullable: true,
      description:
        'The emergency review (EMERGENCY_REVIEW_OVERDUE): the `id` of an EmergencyAccessReview, an opaque review id (not a Node global id).',
      resolve: (a) => a.reference ?? null,
    }),
    description: t.exposeString('description', { description: 'The finding in plain words.' }),
  }),
});

/** The alerts of a window, for the caller's reach. */
export async function alertsFor(
  context: ConfideContext,
  tenant: TenantScope,
  scope: ReportScope,
  period: Period,
  fetched?: { events: readonly StoredAuditEvent[]; settings: MonitoringSettings },
): Promise<AccessAlert[]> {
  const [settings, events] = fetched
    ? [fetched.settings, fetched.events]
    : await Promise.all([
        context.services.monitoring.settings(tenant).then((stored) => stored.settings),
        context.services.auditLog.inPeriod(tenant, { ...period, limit: 20_000 }).then((read) => read.events),
      ]);
  const visible = await withinScope(context, tenant, scope, events);
  const overdue = await emergencyEntries(
    context,
    tenant,
    scope,
    settings,
    (review) => review.status === 'PENDING',
  );
  const reviews: { review: PendingReview; events: readonly StoredAuditEvent[] }[] = overdue.map((entry) => ({
    review: entry.review,
    events: entry.events,
  }));
  return accessAlerts(visible, reviews, settings, context.services.clock.now());
}

builder.queryFields((t) => ({
  accessAlerts: t.connection({
    type: AccessAlertRef,
    description:
      'Unusual access in a window (default the last 7 days, at most 92): many clients outside a caseload in a short time, access out of hours, repeated refusals, and emergency accesses still unreviewed after the limit. Computed on read from the audit indexes. IG_LEAD, CALDICOTT_GUARDIAN; a SERVICE_MANAGER sees their services’.',
    args: periodArgs(t, DAY_INDEX_DEFAULT_DAYS),
    operation: { policy: 'monitoring.report', audit: 'after' },
    resolve: async (operation, args, context) => {
      const period = periodOf(context, args.from, args.to, MAX_DAY_INDEX_DAYS, [], DAY_INDEX_DEFAULT_DAYS);
      const alerts = await alertsFor(context, operation.scope, reachOf(operation, context), period);
      return resolveArrayConnection({ args }, alerts);
    },
  }),
}));
