import { isIdOf, localDate } from '@confide/domain';
import { type BreachEntry, byRegulatorDeadline, isOpenBreach, type TenantScope } from '@confide/store';
import { builder } from '../../builder';
import { type ConfideContext, callerScope } from '../../context';
import { type AccessAlert, ALERT_RULES } from '../../monitoring/alert-rules';
import { listPositions, storeConnection } from '../store-paging';
import { AlertRuleEnum, alertsFor } from './alerts';
import {
  DAY_MS,
  disclosureOutcome,
  isDisclosureMade,
  MAX_DAY_INDEX_DAYS,
  ORG_WIDE,
  type Period,
  periodOf,
} from './scope';
import { organisationSettings } from './settings';

const RETENTION_HORIZON_DAYS = 90;

// ── Information governance summary ───────────────────────────────────────────────────────────────────────

interface GovernanceSummary {
  readonly from: string;
  readonly to: string;
  readonly access: {
    readonly reads: number;
    readonly writes: number;
    readonly denied: number;
    readonly emergency: number;
    readonly disclosures: number;
    readonly distinctStaff: number;
    readonly distinctClients: number;
    readonly truncated: boolean;
  };
  readonly emergency: {
    readonly opened: number;
    readonly pendingReview: number;
    readonly overdueReview: number;
    readonly justified: number;
    readonly unjustified: number;
  };
  readonly disclosures: {
    readonly made: number;
    readonly exceptional: number;
    readonly refused: number;
    readonly note: string;
  };
  readonly subjectAccess: {
    readonly received: number;
    readonly open: number;
    readonly overdue: number;
    readonly nextDeadline: string | undefined;
    readonly note: string;
  };
  readonly breaches: {
    readonly discovered: number;
    readonly open: number;
    readonly overdue: number;
    readonly nextDeadline: string | undefined;
    readonly entries: readonly BreachEntry[];
  };
  readonly retention: {
    readonly dueWithinDays: number;
    readonly due: number;
    readonly nextDue: string | undefined;
    readonly note: string;
  };
  readonly alerts: readonly { readonly rule: string; readonly count: number }[];
}

const obj = <T extends object>(
  name: string,
  description: string,
  fields: Parameters<ReturnType<typeof builder.objectRef<T>>['implement']>[0]['fields'],
) => {
  const ref = builder.objectRef<T>(name);
  ref.implement({ description, fields });
  return ref;
};

const AccessVolumesRef = obj<GovernanceSummary['access']>(
  'IgAccessVolumes',
  'Audited access in the period.',
  (t) => ({
    reads: t.exposeInt('reads', { description: 'Reads of client or staff records.' }),
    writes: t.exposeInt('writes', { description: 'Writes.' }),
    denied: t.exposeInt('denied', { description: 'Refused attempts.' }),
    emergency: t.exposeInt('emergency', { description: 'Accesses under emergency (break-glass) grants.' }),
    disclosures: t.exposeInt('disclosures', { description: 'Disclosures made.' }),
    distinctStaff: t.exposeInt('distinctStaff', { description: 'Staff members with any access.' }),
    distinctClients: t.exposeInt('distinctClients', { description: 'Clients whose records were accessed.' }),
    truncated: t.exposeBoolean('truncated', {
      description: 'More events than one summary reads (counts are lower bounds).',
    }),
  }),
);

const EmergencySummaryRef = obj<GovernanceSummary['emergency']>(
  'IgEmergencyAccesses',
  'Break-glass accesses.',
  (t) => ({
    opened: t.exposeInt('opened', { description: 'Opened in the period.' }),
    pendingReview: t.exposeInt('pendingReview', { description: 'Awaiting review now (any period).' }),
    overdueReview: t.exposeInt('overdueReview', { description: 'Awaiting review beyond the limit now.' }),
    justified: t.exposeInt('justified', { description: 'Opened in the period and found justified.' }),
    unjustified: t.exposeInt('unjustified', {
      description: 'Opened in the period and found unjustified (each opens a breach).',
    }),
  }),
);

const DisclosureSummaryRef = obj<GovernanceSummary['disclosures']>(
  'IgDisclosures',
  'Disclosures in the period.',
  (t) => ({
    made: t.exposeInt('made', { description: 'Releases and exceptional disclosures.' }),
    exceptional: t.exposeInt('exceptional', { description: 'Of which without consent (duty to share).' }),
    refused: t.exposeInt('refused', { description: 'Requests refused.' }),
    note: t.exposeString('note', { description: 'Where the numbers come from.' }),
  }),
);

const SubjectAccessSummaryRef = obj<GovernanceSummary['subjectAccess']>(
  'IgSubjectAccess',
  'Subject access requests and their one-month deadlines.',
  (t) => ({
    received: t.exposeInt('received', { description: 'Received in the period.' }),
    open: t.exposeInt('open', { description: 'Open now.' }),
    overdue: t.exposeInt('overdue', { description: 'Open now and past their deadline.' }),
    nextDeadline: t.string({
      nullable: true,
      description: 'The nearest deadline of an open request (YYYY-MM-DD).',
      resolve: (s) => s.nextDeadline ?? null,
    }),
    note: t.exposeString('note', { description: 'Where the numbers come from.' }),
  }),
);

const BreachDeadlineRef = obj<BreachEntry>(
  'IgBreachDeadline',
  'An open breach and its 72-hour regulator deadline (references only).',
  (t) => ({
    breachId: t.exposeID('breachId', { description: 'The register entry.' }),
    discoveredAt: t.field({ type: 'DateTime', description: 'Discovered.', resolve: (b) => b.discoveredAt }),
    regulatorDeadline: t.field({
      type: 'DateTime',
      description: '72 hours after discovery.',
      resolve: (b) => b.regulatorDeadline,
    }),
    source: t.exposeString('source', {
      description: 'REPORTED, EMERGENCY_REVIEW_UNJUSTIFIED or MISDIRECTED_DISCLOSURE.',
    }),
    reportable: t.boolean({
      nullable: true,
      description: 'Null until assessed.',
      resolve: (b) => b.reportable ?? null,
    }),
  }),
);

const BreachSummaryRef = obj<GovernanceSummary['breaches']>(
  'IgBreaches',
  'The breach register (Lets connect 6).',
  (t) => ({
    discovered: t.exposeInt('discovered', { description: 'Discovered in the period.' }),
    open: t.exposeInt('open', { description: 'Reportable or unassessed, and the regulator not yet told.' }),
    overdue: t.exposeInt('overdue', { description: 'Open and past the 72-hour deadline.' }),
    nextDeadline: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'The nearest deadline not yet passed.',
      resolve: (b) => b.nextDeadline ?? null,
    }),
    openEntries: t.field({
      type: [BreachDeadlineRef],
      description: 'The open entries, nearest deadline first.',
      deprecationReason:
        'A list that grows (issue 19): use `openEntriesConnection`, which pages with cursors.',
      resolve: (b) => [...b.entries],
    }),
    openEntriesConnection: t.connection({
      type: BreachDeadlineRef,
      description:
        'The open entries (reportable or unassessed, the regulator not yet told) as a cursor connection paged in the store, nearest deadline first (ties by id): the same entries and order as `openEntries`, whatever the period.',
      resolve: (_b, args, context) =>
        storeConnection(args, listPositions(context, 'openBreaches'), (page) =>
          context.services.breaches.openPage(callerScope(context), page),
        ),
    }),
  }),
);

const RetentionSummaryRef = obj<GovernanceSummary['retention']>(
  'IgRetention',
  'Records due to reach the end of their retention.',
  (t) => ({
    dueWithinDays: t.exposeInt('dueWithinDays', { description: 'The horizon counted.' }),
    due: t.exposeInt('due', { description: 'Closed cases whose retention ends within the horizon.' }),
    nextDue: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'The earliest.',
      resolve: (r) => r.nextDue ?? null,
    }),
    note: t.exposeString('note', { description: 'Where the numbers come from.' }),
  }),
);

const AlertCountRef = obj<{ rule: string; count: number }>('IgAlertCount', 'Alerts of one rule.', (t) => ({
  rule: t.field({
    type: AlertRuleEnum,
    description: 'The rule.',
    resolve: (a) => a.rule as AccessAlert['rule'],
  }),
  count: t.exposeInt('count', { description: 'Alerts in the period.' }),
}));

const GovernanceSummaryRef = obj<GovernanceSummary>(
  'InformationGovernanceSummary',
  'The monthly information-governance picture for the IG lead: counts, deadlines and references, no personal data.',
  (t) => ({
    from: t.field({ type: 'DateTime', description: 'Period start.', resolve: (s) => s.from }),
    to: t.field({ type: 'DateTime', description: 'Period end.', resolve: (s) => s.to }),
    accessVolumes: t.field({
      type: AccessVolumesRef,
      description: 'Audited access.',
      resolve: (s) => s.access,
    }),
    emergencyAccesses: t.field({
      type: EmergencySummaryRef,
      description: 'Break-glass.',
      resolve: (s) => s.emergency,
    }),
    disclosures: t.field({
      type: DisclosureSummaryRef,
      description: 'Disclosures.',
      resolve: (s) => s.disclosures,
    }),
    subjectAccessRequests: t.field({
      type: SubjectAccessSummaryRef,
      description: 'Subject access.',
      resolve: (s) => s.subjectAccess,
    }),
    breaches: t.field({ type: BreachSummaryRef, description: 'Breaches.', resolve: (s) => s.breaches }),
    retention: t.field({
      type: RetentionSummaryRef,
      description: 'Retention upcoming.',
      resolve: (s) => s.retention,
    }),
    alerts: t.field({
      type: [AlertCountRef],
      description: 'Unusual-access alerts by rule.',
      resolve: (s) => [...s.alerts],
    }),
  }),
);

const PeriodInput = builder.inputType('ReportPeriod', {
  description: 'A reporting period (at most 92 days).',
  fields: (t) => ({
    from: t.field({ type: 'DateTime', required: true, description: 'Start.' }),
    to: t.field({ type: 'DateTime', required: true, description: 'End.' }),
  }),
});

async function subjectAccessSummary(
  context: ConfideContext,
  tenant: TenantScope,
  period: Period,
): Promise<GovernanceSummary['subjectAccess']> {
  const [requests, { settings }] = await Promise.all([
    context.services.subjectAccess.list(tenant),
    organisationSettings(context),
  ]);
  // Dates received and deadlines are the organisation's calendar dates: the period's bounds and today are taken in its
  // time zone too, or a request received on 30 June would count in a period from midnight on 1 July (BST).
  const { timeZone } = settings.workingHours;
  const today = localDate(context.services.clock.now(), timeZone);
  const [from, to] = [localDate(period.from, timeZone), localDate(period.to, timeZone)];
  const open = requests.filter((request) => request.status === 'OPEN');
  return {
    received: requests.filter((r) => r.receivedOn >= from && r.receivedOn <= to).length,
    open: open.length,
    overdue: open.filter((request) => request.deadline < today).length,
    nextDeadline: open.map((request) => request.deadline).sort()[0],
    note: 'From the subject access request log; the deadline is one calendar month after receipt.',
  };
}

async function retentionSummary(
  context: ConfideContext,
  tenant: TenantScope,
): Promise<GovernanceSummary['retention']> {
  const horizon = context.services.clock.now().getTime() + RETENTION_HORIZON_DAYS * DAY_MS;
  const { cases } = await context.services.retention.scheduled(tenant, { limit: 1000 });
  const due = cases.filter((scheduled) => scheduled.expiresAt * 1000 <= horizon);
  const next = due.map((scheduled) => scheduled.expiresAt).sort((a, b) => a - b)[0];
  return {
    dueWithinDays: RETENTION_HORIZON_DAYS,
    due: due.length,
    nextDue: next === undefined ? undefined : new Date(next * 1000).toISOString(),
    note: 'From the retention schedule of closed cases (the first 1,000 due).',
  };
}

builder.queryFields((t) => ({
  informationGovernanceSummary: t.field({
    type: GovernanceSummaryRef,
    description:
      'One query for the IG lead’s monthly report (Lets connect 5.2, 6): access volumes, emergency accesses and their reviews, disclosures, subject access requests and breaches with their deadlines, retention coming up, and unusual-access alerts (IG_LEAD).',
    args: { period: t.arg({ type: PeriodInput, required: true, description: 'The period.' }) },
    operation: { policy: 'monitoring.governance-summary', audit: 'after' },
    resolve: async (operation, { period: input }, context): Promise<GovernanceSummary> => {
      const period = periodOf(context, input.from, input.to, MAX_DAY_INDEX_DAYS, ['period']);
      const tenant = operation.scope;
      const now = context.services.clock.now();
      const [{ events, truncated }, { settings }, reviews, breaches, subjectAccess, retention] =
        await Promise.all([
          context.services.auditLog.inPeriod(tenant, { ...period, limit: 100_000 }),
          organisationSettings(context),
          context.services.emergencyReviews.list(tenant),
          context.services.breaches.list(tenant),
          subjectAccessSummary(context, tenant, period),
          retentionSummary(context, tenant),
        ]);
      const within = (at: string) => at >= period.from && at <= period.to;
      const inPeriodReviews = reviews.filter((review) => within(review.openedAt));
      const pending = reviews.filter((review) => review.status === 'PENDING');
      const openBreaches = breaches.filter(isOpenBreach).sort(byRegulatorDeadline);
      const overdueReviewMs = settings.emergencyReviewDays * DAY_MS;
      const alerts = await alertsFor(context, tenant, ORG_WIDE, period, { events, settings });
      const alertCounts = ALERT_RULES.map((rule) => ({
        rule,
        count: alerts.filter((a) => a.rule === rule).length,
      }));
      return {
        ...period,
        access: {
          reads: events.filter((e) => e.action === 'READ').length,
          writes: events.filter((e) => e.action === 'WRITE').length,
          denied: events.filter((e) => e.action === 'DENIED').length,
          emergency: events.filter((e) => e.emergency && e.outcome === 'ALLOWED').length,
          disclosures: events.filter(isDisclosureMade).length,
          distinctStaff: new Set(events.filter((e) => e.actor.kind === 'STAFF').map((e) => e.actor.id)).size,
          distinctClients: new Set(
            events.map((e) => e.subjectId).filter((id) => id !== undefined && isIdOf('serviceUser', id)),
          ).size,
          truncated,
        },
        emergency: {
          opened: inPeriodReviews.length,
          pendingReview: pending.length,
          overdueReview: pending.filter((r) => now.getTime() - Date.parse(r.openedAt) >= overdueReviewMs)
            .length,
          justified: inPeriodReviews.filter((r) => r.outcome === 'JUSTIFIED').length,
          unjustified: inPeriodReviews.filter((r) => r.outcome === 'UNJUSTIFIED').length,
        },
        disclosures: {
          made: events.filter(isDisclosureMade).length,
          exceptional: events.filter((e) => disclosureOutcome(e) === 'EXCEPTIONAL').length,
          refused: events.filter((e) => disclosureOutcome(e) === 'REFUSED').length,
          note: 'Counted from the access audit: releases, exceptional disclosures and refusals recorded in the period.',
        },
        subjectAccess,
        breaches: {
          discovered: breaches.filter((breach) => within(breach.discoveredAt)).length,
          open: openBreaches.length,
          overdue: openBreaches.filter((b) => Date.parse(b.regulatorDeadline) < now.getTime()).length,
          nextDeadline: openBreaches.find((b) => Date.parse(b.regulatorDeadline) >= now.getTime())
            ?.regulatorDeadline,
          entries: openBreaches,
        },
        retention,
        alerts: alertCounts,
      };
    },
  }),
}));
