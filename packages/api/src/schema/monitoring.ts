import { forbidden, isIdOf, NOTE_KIND_NAMES, notFound, type Role, validate } from '@confide/domain';
import type {
  BreachEntry,
  EmergencyReview,
  MonitoringSettings,
  Organisation,
  StoredAuditEvent,
  TenantScope,
} from '@confide/store';
import { resolveArrayConnection } from '@pothos/plugin-relay';
import { builder } from '../builder';
import { authenticated, type ConfideContext, callerScope, hasRole, staffPrincipal } from '../context';
import { type AccessAlert, ALERT_RULES, accessAlerts, type PendingReview } from '../monitoring/alert-rules';
import {
  type AggregateGrid,
  cellKey,
  monthBounds,
  monthsBetween,
  type PublishedCell,
  publishAggregate,
  ROUNDING_BASE,
  SUPPRESSION_THRESHOLD,
} from '../monitoring/disclosure-control';
import { type OwnAccessEntry, ownAccessEntries, sentence } from '../monitoring/plain-words';
import { AccessEventRef } from './access-governance';
import { localId } from './ids';
import { OrganisationRef } from './organisations';

/**
 * Access monitoring (issue 8; DATA-PROTECTION.md "Access audit"; Lets connect 4.3, 5.2, 6): reports over the
 * audit indexes, unusual-access alerts, the person's own access list, aggregate reports with small-number
 * suppression, and the information-governance summary. Everything here returns references, counts and plain
 * words — never the personal data itself. Alerts are computed on read (docs/decisions/0013).
 */

const DAY_MS = 24 * 60 * 60 * 1000;
/** The most events one report reads; beyond it the report says it is truncated. */
const MAX_REPORT_EVENTS = 5000;
/** The longest window a day-index report covers (one query per day shard). */
const MAX_DAY_INDEX_DAYS = 92;
/** Their default window. */
const DAY_INDEX_DEFAULT_DAYS = 7;
/** The person’s own view covers ten years unless narrowed. */
const OWN_VIEW_DEFAULT_DAYS = 3652;
const GOVERNANCE_ROLES: readonly Role[] = ['IG_LEAD', 'CALDICOTT_GUARDIAN'];
const AGGREGATE_ROLES: readonly Role[] = [
  'IG_LEAD',
  'CALDICOTT_GUARDIAN',
  'SENIOR_MANAGER',
  'CHIEF_EXECUTIVE',
];
const RETENTION_HORIZON_DAYS = 90;

// ── Who sees what ─────────────────────────────────────────────────────────────────────────────────────────

/** All services (governance roles), or the services the caller manages (a SERVICE_MANAGER); else FORBIDDEN. */
interface ReportScope {
  readonly all: boolean;
  readonly serviceIds: ReadonlySet<string>;
}

async function reportScope(context: ConfideContext, allRoles: readonly Role[]): Promise<ReportScope> {
  const staff = staffPrincipal(context);
  if (allRoles.some((role) => hasRole(context, role))) return { all: true, serviceIds: new Set() };
  if (hasRole(context, 'SERVICE_MANAGER')) {
    const services = await context.services.careServices.list(callerScope(context));
    const managed = services.filter((service) => service.managers.includes(staff.staffId));
    if (managed.length > 0) return { all: false, serviceIds: new Set(managed.map((s) => s.serviceId)) };
  }
  throw forbidden();
}

/** The service of each client among the events' subjects (batched through the request's loader). */
async function servicesOfSubjects(
  context: ConfideContext,
  events: readonly StoredAuditEvent[],
): Promise<Map<string, string>> {
  const ids = [
    ...new Set(
      events
        .map((event) => event.subjectId)
        .filter((id): id is string => id !== undefined && isIdOf('serviceUser', id)),
    ),
  ];
  const clients = await context.services.serviceUsers.getMany(
    callerScope(context),
    ids,
    context.access.loader,
  );
  return new Map(clients.map((client) => [client.clientId, client.serviceId]));
}

/** The events a report may show: all of them, or for a service manager those about their services' clients. */
async function withinScope(
  context: ConfideContext,
  scope: ReportScope,
  events: readonly StoredAuditEvent[],
): Promise<StoredAuditEvent[]> {
  if (scope.all) return [...events];
  const serviceOf = await servicesOfSubjects(context, events);
  return events.filter(
    (event) => event.subjectId !== undefined && scope.serviceIds.has(serviceOf.get(event.subjectId) ?? ''),
  );
}

interface Period {
  readonly from: string;
  readonly to: string;
}

/** A report window: default the last `defaultDays` days; `from` not after `to`; at most `maxDays`. */
function periodOf(
  context: ConfideContext,
  from: Date | null | undefined,
  to: Date | null | undefined,
  maxDays: number,
  path: readonly string[] = [],
  defaultDays = 30,
): Period {
  const end = to ?? context.services.clock.now();
  const start = from ?? new Date(end.getTime() - defaultDays * DAY_MS);
  if (start.getTime() > end.getTime()) {
    throw validate.badInputError([...path, 'from'], '`from` must not be after `to`.');
  }
  if (end.getTime() - start.getTime() > maxDays * DAY_MS) {
    throw validate.badInputError([...path, 'from'], `A report covers at most ${maxDays} days.`);
  }
  return { from: start.toISOString(), to: end.toISOString() };
}

/** Reading a report is itself an access to audit data: recorded like any read. */
function auditReport(context: ConfideContext, operation: string, subjectId?: string): void {
  context.access.audit.record({
    action: 'READ',
    operation,
    subjectId,
    outcome: 'ALLOWED',
    rule: 'monitoring',
  });
}

/** Releases and exceptional disclosures: by action, or by the operation or rule the disclosure work records. */
const DISCLOSURE_OPERATIONS = new Set(['releaseDisclosure', 'recordExceptionalDisclosure']);
export function disclosureOutcome(
  event: StoredAuditEvent,
): 'RELEASED' | 'EXCEPTIONAL' | 'REFUSED' | undefined {
  // Reading the fields a disclosure mutation returns is filed under its operation too: only the write counts.
  if (event.outcome !== 'ALLOWED' || event.action === 'READ') return undefined;
  const rule = event.rule ?? '';
  if (rule.startsWith('disclosure.exceptional') || event.operation === 'recordExceptionalDisclosure') {
    return 'EXCEPTIONAL';
  }
  if (rule === 'disclosure.refused') return 'REFUSED';
  if (
    event.action === 'DISCLOSURE' ||
    rule.startsWith('disclosure.released') ||
    DISCLOSURE_OPERATIONS.has(event.operation)
  ) {
    return 'RELEASED';
  }
  return undefined;
}
const isDisclosureMade = (event: StoredAuditEvent) => {
  const outcome = disclosureOutcome(event);
  return outcome === 'RELEASED' || outcome === 'EXCEPTIONAL';
};

const periodArgs = (t: Parameters<Parameters<typeof builder.queryFields>[0]>[0], defaultDays = 30) => ({
  from: t.arg({
    type: 'DateTime',
    required: false,
    description: `From this instant (default: ${defaultDays} days before \`to\`).`,
  }),
  to: t.arg({ type: 'DateTime', required: false, description: 'Up to this instant (default: now).' }),
});

// ── Reports over the audit indexes ──────────────────────────────────────────────────────────────────────

builder.queryFields((t) => ({
  staffAccessReport: t.connection({
    type: AccessEventRef,
    description:
      'What one staff member accessed, newest first, from the actor index (IG_LEAD, CALDICOTT_GUARDIAN; a SERVICE_MANAGER sees only accesses to clients of their services). At most 366 days.',
    authScopes: { staff: true },
    args: {
      staffId: t.arg.id({ required: true, description: 'The staff member.' }),
      ...periodArgs(t),
    },
    resolve: async (_root, args, context) => {
      const scope = await reportScope(context, GOVERNANCE_ROLES);
      const staffId = localId(args.staffId, 'StaffMember', 'staff', 'Staff member');
      const tenant = callerScope(context);
      if (!(await context.services.directory.staff(tenant, staffId))) throw notFound('Staff member');
      const period = periodOf(context, args.from, args.to, 366);
      const events = await context.services.auditLog.byActor(tenant, staffId, {
        ...period,
        limit: MAX_REPORT_EVENTS,
      });
      auditReport(context, 'staffAccessReport', staffId);
      return resolveArrayConnection({ args }, await withinScope(context, scope, events));
    },
  }),
  deniedAccessReport: t.connection({
    type: AccessEventRef,
    description:
      'Refused attempts (FORBIDDEN, NOT_FOUND, JUSTIFICATION_REQUIRED, …), newest first, from the day index; optionally one staff member’s. IG_LEAD, CALDICOTT_GUARDIAN; a SERVICE_MANAGER sees refusals about clients of their services. At most 92 days.',
    authScopes: { staff: true },
    args: {
      ...periodArgs(t, DAY_INDEX_DEFAULT_DAYS),
      staffId: t.arg.id({ required: false, description: 'Only this staff member’s attempts.' }),
    },
    resolve: async (_root, args, context) => {
      const scope = await reportScope(context, GOVERNANCE_ROLES);
      const staffId = args.staffId
        ? localId(args.staffId, 'StaffMember', 'staff', 'Staff member')
        : undefined;
      const period = periodOf(context, args.from, args.to, MAX_DAY_INDEX_DAYS, [], DAY_INDEX_DEFAULT_DAYS);
      const { events } = await context.services.auditLog.inPeriod(callerScope(context), {
        ...period,
        limit: MAX_REPORT_EVENTS,
      });
      const denied = events.filter(
        (event) => event.action === 'DENIED' && (staffId === undefined || event.actor.id === staffId),
      );
      auditReport(context, 'deniedAccessReport');
      return resolveArrayConnection({ args }, await withinScope(context, scope, denied));
    },
  }),
  disclosureReport: t.connection({
    type: AccessEventRef,
    description:
      'Disclosures made (releases and exceptional disclosures without consent), newest first, from the day index. IG_LEAD, CALDICOTT_GUARDIAN; a SERVICE_MANAGER sees those about clients of their services. At most 92 days.',
    authScopes: { staff: true },
    args: periodArgs(t, DAY_INDEX_DEFAULT_DAYS),
    resolve: async (_root, args, context) => {
      const scope = await reportScope(context, GOVERNANCE_ROLES);
      const period = periodOf(context, args.from, args.to, MAX_DAY_INDEX_DAYS, [], DAY_INDEX_DEFAULT_DAYS);
      const { events } = await context.services.auditLog.inPeriod(callerScope(context), {
        ...period,
        limit: MAX_REPORT_EVENTS,
      });
      auditReport(context, 'disclosureReport');
      return resolveArrayConnection(
        { args },
        await withinScope(context, scope, events.filter(isDisclosureMade)),
      );
    },
  }),
}));

// ── Emergency accesses and their review status ─────────────────────────────────────────────────────────

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
    reviewId: t.id({ description: 'The review.', resolve: (e) => e.review.reviewId }),
    staffId: t.globalID({
      description: 'Who broke the glass.',
      resolve: (e) => ({ type: 'StaffMember', id: e.review.staffId }),
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
async function eventsUnder(scope: TenantScope, context: ConfideContext, review: EmergencyReview) {
  const events = await context.services.auditLog.bySubject(scope, review.clientId, {
    from: review.openedAt,
    to: review.until,
    limit: 500,
  });
  return events.filter((event) => event.actor.id === review.staffId && event.emergency);
}

async function emergencyEntries(
  context: ConfideContext,
  scope: ReportScope,
  settings: MonitoringSettings,
  filter: (review: EmergencyReview) => boolean,
): Promise<EmergencyReportEntry[]> {
  const tenant = callerScope(context);
  const now = context.services.clock.now().getTime();
  const reviews = (await context.services.emergencyReviews.list(tenant)).filter(
    (review) => (scope.all || scope.serviceIds.has(review.serviceId)) && filter(review),
  );
  return Promise.all(
    reviews.map(async (review) => {
      const age = now - Date.parse(review.openedAt);
      return {
        review,
        events: await eventsUnder(tenant, context, review),
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
    authScopes: { staff: true },
    args: {
      ...periodArgs(t),
      status: t.arg.string({ required: false, description: 'PENDING or COMPLETED.' }),
    },
    resolve: async (_root, args, context) => {
      const scope = await reportScope(context, GOVERNANCE_ROLES);
      const period = periodOf(context, args.from, args.to, 366);
      const { settings } = await context.services.monitoring.settings(callerScope(context));
      const entries = await emergencyEntries(
        context,
        scope,
        settings,
        (review) =>
          review.openedAt >= period.from &&
          review.openedAt <= period.to &&
          (!args.status || review.status === args.status),
      );
      auditReport(context, 'emergencyAccessReport');
      return resolveArrayConnection({ args }, entries);
    },
  }),
}));

// ── Unusual access ───────────────────────────────────────────────────────────────────────────────────────

const AlertRuleEnum = builder.enumType('AccessAlertRule', {
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
      description: 'The emergency review (EMERGENCY_REVIEW_OVERDUE).',
      resolve: (a) => a.reference ?? null,
    }),
    description: t.exposeString('description', { description: 'The finding in plain words.' }),
  }),
});

/** The alerts of a window, for the caller's scope. */
async function alertsFor(
  context: ConfideContext,
  scope: ReportScope,
  period: Period,
  fetched?: { events: readonly StoredAuditEvent[]; settings: MonitoringSettings },
): Promise<AccessAlert[]> {
  const tenant = callerScope(context);
  const [settings, events] = fetched
    ? [fetched.settings, fetched.events]
    : await Promise.all([
        context.services.monitoring.settings(tenant).then((stored) => stored.settings),
        context.services.auditLog.inPeriod(tenant, { ...period, limit: 20_000 }).then((read) => read.events),
      ]);
  const visible = await withinScope(context, scope, events);
  const overdue = await emergencyEntries(context, scope, settings, (review) => review.status === 'PENDING');
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
    authScopes: { staff: true },
    args: periodArgs(t, DAY_INDEX_DEFAULT_DAYS),
    resolve: async (_root, args, context) => {
      const scope = await reportScope(context, GOVERNANCE_ROLES);
      const period = periodOf(context, args.from, args.to, MAX_DAY_INDEX_DAYS, [], DAY_INDEX_DEFAULT_DAYS);
      const alerts = await alertsFor(context, scope, period);
      auditReport(context, 'accessAlerts');
      return resolveArrayConnection({ args }, alerts);
    },
  }),
}));

// ── Monitoring settings ──────────────────────────────────────────────────────────────────────────────────

interface SettingsView {
  readonly settings: MonitoringSettings;
  readonly version: number;
}

const SettingsRef = builder.objectRef<SettingsView>('AccessMonitoringSettings');
SettingsRef.implement({
  description: 'The organisation’s working hours and unusual-access thresholds (defaults until changed).',
  fields: (t) => ({
    workingHoursStart: t.string({
      description: 'HH:MM, local.',
      resolve: (s) => s.settings.workingHours.start,
    }),
    workingHoursEnd: t.string({
      description: 'HH:MM, local; before the start means overnight.',
      resolve: (s) => s.settings.workingHours.end,
    }),
    timeZone: t.string({ description: 'IANA time zone.', resolve: (s) => s.settings.workingHours.timeZone }),
    workingDays: t.intList({
      description: '1 = Monday … 7 = Sunday.',
      resolve: (s) => [...s.settings.workingHours.days],
    }),
    manyClientsThreshold: t.int({
      description: 'Distinct clients outside the caseload that raise an alert…',
      resolve: (s) => s.settings.manyClients.threshold,
    }),
    manyClientsWindowMinutes: t.int({
      description: '…within this many minutes.',
      resolve: (s) => s.settings.manyClients.windowMinutes,
    }),
    deniedAttemptsThreshold: t.int({
      description: 'Refusals that raise an alert…',
      resolve: (s) => s.settings.deniedAttempts.threshold,
    }),
    deniedAttemptsWindowMinutes: t.int({
      description: '…within this many minutes.',
      resolve: (s) => s.settings.deniedAttempts.windowMinutes,
    }),
    emergencyReviewDays: t.int({
      description: 'Days an emergency access may wait for its review.',
      resolve: (s) => s.settings.emergencyReviewDays,
    }),
    version: t.int({ description: '0 while the defaults apply.', resolve: (s) => s.version }),
  }),
});

const SettingsInput = builder.inputType('AccessMonitoringSettingsInput', {
  description: 'A change to the monitoring settings; omitted fields keep their value.',
  fields: (t) => ({
    workingHoursStart: t.string({ required: false, description: 'HH:MM.' }),
    workingHoursEnd: t.string({ required: false, description: 'HH:MM.' }),
    timeZone: t.string({ required: false, description: 'IANA time zone, e.g. Europe/London.' }),
    workingDays: t.intList({ required: false, description: '1 = Monday … 7 = Sunday.' }),
    manyClientsThreshold: t.int({ required: false, description: '2–1000.' }),
    manyClientsWindowMinutes: t.int({ required: false, description: '1–1440.' }),
    deniedAttemptsThreshold: t.int({ required: false, description: '2–1000.' }),
    deniedAttemptsWindowMinutes: t.int({ required: false, description: '1–1440.' }),
    emergencyReviewDays: t.int({ required: false, description: '1–90.' }),
  }),
});

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

function validTime(path: string, value: string): string {
  if (!TIME.test(value)) throw validate.badInputError(['input', path], 'Give a time as HH:MM.');
  return value;
}

function validTimeZone(value: string): string {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: value });
    return value;
  } catch {
    throw validate.badInputError(['input', 'timeZone'], 'Not a known time zone.');
  }
}

builder.queryFields((t) => ({
  accessMonitoringSettings: t.field({
    type: SettingsRef,
    description: 'The monitoring settings (IG_LEAD, CALDICOTT_GUARDIAN, ORG_ADMIN, SERVICE_MANAGER).',
    authScopes: {
      $any: {
        role: 'IG_LEAD',
        $all: { role: 'CALDICOTT_GUARDIAN' },
        $any: { role: 'ORG_ADMIN', $all: { role: 'SERVICE_MANAGER' } },
      },
    },
    resolve: (_root, _args, context) => context.services.monitoring.settings(callerScope(context)),
  }),
}));

builder.mutationFields((t) => ({
  setAccessMonitoringSettings: t.field({
    type: SettingsRef,
    description: 'Changes the working hours or alert thresholds (IG_LEAD, ORG_ADMIN). Audited.',
    authScopes: { $any: { role: 'IG_LEAD', $all: { role: 'ORG_ADMIN' } } },
    args: {
      input: t.arg({ type: SettingsInput, required: true }),
      expectedVersion: t.arg.int({ required: true, description: 'The version read (0 for the defaults).' }),
    },
    resolve: async (_root, { input, expectedVersion }, context) => {
      const scope = callerScope(context);
      const { settings: current } = await context.services.monitoring.settings(scope);
      const count = (
        path: string,
        value: number | null | undefined,
        min: number,
        max: number,
        old: number,
      ) => (value == null ? old : validate.integerInRange(['input', path], value, min, max));
      const days = input.workingDays == null ? current.workingHours.days : input.workingDays;
      if (days.length === 0 || days.some((day) => !Number.isInteger(day) || day < 1 || day > 7)) {
        throw validate.badInputError(['input', 'workingDays'], 'Days are 1 (Monday) to 7 (Sunday).');
      }
      const next: MonitoringSettings = {
        workingHours: {
          start:
            input.workingHoursStart == null
              ? current.workingHours.start
              : validTime('workingHoursStart', input.workingHoursStart),
          end:
            input.workingHoursEnd == null
              ? current.workingHours.end
              : validTime('workingHoursEnd', input.workingHoursEnd),
          timeZone: input.timeZone == null ? current.workingHours.timeZone : validTimeZone(input.timeZone),
          days: [...new Set(days)].sort(),
        },
        manyClients: {
          threshold: count(
            'manyClientsThreshold',
            input.manyClientsThreshold,
            2,
            1000,
            current.manyClients.threshold,
          ),
          windowMinutes: count(
            'manyClientsWindowMinutes',
            input.manyClientsWindowMinutes,
            1,
            1440,
            current.manyClients.windowMinutes,
          ),
        },
        deniedAttempts: {
          threshold: count(
            'deniedAttemptsThreshold',
            input.deniedAttemptsThreshold,
            2,
            1000,
            current.deniedAttempts.threshold,
          ),
          windowMinutes: count(
            'deniedAttemptsWindowMinutes',
            input.deniedAttemptsWindowMinutes,
            1,
            1440,
            current.deniedAttempts.windowMinutes,
          ),
        },
        emergencyReviewDays: count(
          'emergencyReviewDays',
          input.emergencyReviewDays,
          1,
          90,
          current.emergencyReviewDays,
        ),
      };
      const stored = await context.services.monitoring.setSettings(
        scope,
        next,
        expectedVersion,
        staffPrincipal(context).staffId,
      );
      context.access.audit.record({
        action: 'ADMIN',
        operation: 'setAccessMonitoringSettings',
        outcome: 'ALLOWED',
      });
      return stored;
    },
  }),
}));

// ── The person's own view ────────────────────────────────────────────────────────────────────────────────

interface OwnEntryView {
  readonly entry: OwnAccessEntry;
  readonly staffName: string | undefined;
}

const OwnAccessEntryRef = builder.objectRef<OwnEntryView>('OwnAccessEntry');
OwnAccessEntryRef.implement({
  description:
    'One access to your record by someone else, in plain words: who (by role), what, and why. Staff are named only if your organisation has chosen to.',
  fields: (t) => ({
    id: t.id({ description: 'The audit event.', resolve: (e) => e.entry.eventId }),
    at: t.field({ type: 'DateTime', description: 'When.', resolve: (e) => e.entry.at }),
    who: t.string({ description: 'Who, by role.', resolve: (e) => e.entry.who }),
    staffName: t.string({
      nullable: true,
      description: 'Their name, if the organisation shows names to the people it supports.',
      resolve: (e) => e.staffName ?? null,
    }),
    did: t.string({ description: 'What they did.', resolve: (e) => e.entry.did }),
    what: t.string({ description: 'Which parts of your record.', resolve: (e) => e.entry.what }),
    why: t.string({
      description: 'The reason they gave, or what their access rests on.',
      resolve: (e) => e.entry.why,
    }),
    emergency: t.boolean({
      description: 'Emergency (break-glass) access.',
      resolve: (e) => e.entry.emergency,
    }),
    summary: t.string({
      description: 'All of it in one sentence.',
      resolve: (e) => sentence(e.entry, e.staffName),
    }),
  }),
});

builder.queryFields((t) => ({
  myAccessLog: t.connection({
    type: OwnAccessEntryRef,
    description:
      'For a person Confide holds records about (SELF): who accessed their record and why, newest first — by role and stated purpose, in plain words. Accesses under a safeguarding investigation that is still open are not listed.',
    authScopes: { authenticated: true },
    args: periodArgs(t, OWN_VIEW_DEFAULT_DAYS),
    resolve: async (_root, args, context) => {
      const { principal, organisation } = authenticated(context);
      if (principal.kind !== 'SERVICE_USER') throw forbidden('Only the person themself reads this list.');
      const scope = callerScope(context);
      const client = await context.services.serviceUsers.get(
        scope,
        principal.serviceUserId,
        context.access.loader,
      );
      if (!client) throw notFound();
      const period = periodOf(
        context,
        args.from,
        args.to,
        OWN_VIEW_DEFAULT_DAYS + 1,
        [],
        OWN_VIEW_DEFAULT_DAYS,
      );
      const events = await context.services.auditLog.bySubject(scope, client.clientId, {
        ...period,
        limit: 1000,
      });
      const entries = ownAccessEntries(client, events);
      const names = new Map<string, Promise<string | undefined>>();
      const nameOf = (entry: OwnAccessEntry) => {
        if (!organisation?.showStaffNamesToServiceUsers || entry.actorKind !== 'STAFF') return undefined;
        let name = names.get(entry.actorId);
        if (!name) {
          name = context.services.directory
            .staff(scope, entry.actorId)
            .then((staff) => staff?.displayName())
            .catch(() => undefined);
          names.set(entry.actorId, name);
        }
        return name;
      };
      const views = await Promise.all(
        entries.map(async (entry) => ({ entry, staffName: await nameOf(entry) })),
      );
      auditReport(context, 'myAccessLog', client.clientId);
      return resolveArrayConnection({ args }, views);
    },
  }),
}));

builder.objectField(OrganisationRef, 'showStaffNamesToServiceUsers', (t) =>
  t.boolean({
    description: 'Whether a person’s own access list (myAccessLog) names the staff who looked.',
    resolve: (org: Organisation) => org.showStaffNamesToServiceUsers,
  }),
);

builder.mutationFields((t) => ({
  setShowStaffNamesToServiceUsers: t.field({
    type: OrganisationRef,
    description:
      'Chooses whether a person’s own access list names the staff who looked, or shows roles only (ORG_ADMIN). Audited.',
    authScopes: { role: 'ORG_ADMIN' },
    args: {
      show: t.arg.boolean({ required: true, description: 'Show staff names.' }),
      expectedVersion: t.arg.int({ required: true, description: 'The organisation version read.' }),
    },
    resolve: async (_root, args, context) => {
      const scope = callerScope(context);
      await context.services.monitoring.setShowStaffNames(scope, args.show, args.expectedVersion);
      const organisation = await context.services.directory.organisation(scope.orgId);
      if (!organisation) throw notFound('Organisation');
      context.access.audit.record({
        action: 'ADMIN',
        operation: 'setShowStaffNamesToServiceUsers',
        outcome: 'ALLOWED',
        rule: `self-view.staff-names.${args.show ? 'shown' : 'hidden'}`,
      });
      return organisation;
    },
  }),
}));

// ── Aggregate reports (small-number suppression and rounding) ────────────────────────────────────────────

const AggregateMeasureEnum = builder.enumType('AggregateMeasure', {
  description:
    'What an aggregate report counts: NOTES_RECORDED by note kind, or DISCLOSURES by outcome (RELEASED, EXCEPTIONAL, REFUSED).',
  values: ['NOTES_RECORDED', 'DISCLOSURES'] as const,
});

const DISCLOSURE_CATEGORIES = ['RELEASED', 'EXCEPTIONAL', 'REFUSED'] as const;

const AggregateCountRef = builder.objectRef<PublishedCell>('AggregateCount');
AggregateCountRef.implement({
  description:
    'One published number: a cell (service × month × category) or a total (a null dimension means “all”). Below 5 it is suppressed (count null); otherwise rounded to the nearest 5. Totals are controlled on their own, never summed from published cells.',
  fields: (t) => ({
    serviceId: t.id({
      nullable: true,
      description: 'The service (Service id).',
      resolve: (c) => c.serviceId ?? null,
    }),
    serviceName: t.string({
      nullable: true,
      description: 'The service’s name.',
      resolve: (c) => c.serviceName ?? null,
    }),
    month: t.string({ nullable: true, description: 'YYYY-MM.', resolve: (c) => c.month ?? null }),
    category: t.string({
      nullable: true,
      description: 'Note kind or disclosure outcome.',
      resolve: (c) => c.category ?? null,
    }),
    count: t.int({
      nullable: true,
      description: 'Rounded to 5; null when suppressed.',
      resolve: (c) => c.count,
    }),
    suppressed: t.boolean({
      description: 'True when the true count is below 5.',
      resolve: (c) => c.suppressed,
    }),
  }),
});

interface AggregateView {
  readonly measure: string;
  readonly fromMonth: string;
  readonly toMonth: string;
  readonly published: ReturnType<typeof publishAggregate>;
}

const AggregateReportRef = builder.objectRef<AggregateView>('AggregateReport');
AggregateReportRef.implement({
  description:
    'Counts by service, month and category for funders and the IG group, with small-number suppression and rounding so that no pair of reports — overlapping periods, a total and its parts — recovers a suppressed cell. No identifying field is reachable.',
  fields: (t) => ({
    measure: t.field({
      type: AggregateMeasureEnum,
      description: 'What is counted.',
      resolve: (r) => r.measure as never,
    }),
    fromMonth: t.exposeString('fromMonth', { description: 'First month, YYYY-MM.' }),
    toMonth: t.exposeString('toMonth', { description: 'Last month, YYYY-MM.' }),
    suppressionThreshold: t.int({
      description: 'Counts below this are suppressed.',
      resolve: () => SUPPRESSION_THRESHOLD,
    }),
    roundingBase: t.int({
      description: 'Published counts are rounded to this.',
      resolve: () => ROUNDING_BASE,
    }),
    cells: t.field({
      type: [AggregateCountRef],
      description: 'Service × month × category.',
      resolve: (r) => [...r.published.cells],
    }),
    byService: t.field({
      type: [AggregateCountRef],
      description: 'Per service, over all months and categories.',
      resolve: (r) => [...r.published.byService],
    }),
    byMonth: t.field({
      type: [AggregateCountRef],
      description: 'Per month.',
      resolve: (r) => [...r.published.byMonth],
    }),
    byCategory: t.field({
      type: [AggregateCountRef],
      description: 'Per category.',
      resolve: (r) => [...r.published.byCategory],
    }),
    total: t.field({
      type: AggregateCountRef,
      description: 'Grand total.',
      resolve: (r) => r.published.total,
    }),
  }),
});

async function inBatches<T>(
  items: readonly T[],
  width: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await task(items[next++] as T);
    }),
  );
}

builder.queryFields((t) => ({
  aggregateReport: t.field({
    type: AggregateReportRef,
    description:
      'Aggregate counts for funders and the IG group over whole calendar months (at most 12): IG_LEAD, CALDICOTT_GUARDIAN, SENIOR_MANAGER, CHIEF_EXECUTIVE for every service; a SERVICE_MANAGER for theirs.',
    authScopes: { staff: true },
    args: {
      measure: t.arg({ type: AggregateMeasureEnum, required: true, description: 'What to count.' }),
      fromMonth: t.arg.string({ required: true, description: 'First month, YYYY-MM.' }),
      toMonth: t.arg.string({ required: true, description: 'Last month, YYYY-MM.' }),
    },
    resolve: async (_root, args, context) => {
      const scope = await reportScope(context, AGGREGATE_ROLES);
      const months = monthsBetween(args.fromMonth, args.toMonth);
      if (!months)
        throw validate.badInputError(['fromMonth'], 'Give months as YYYY-MM, fromMonth not after toMonth.');
      if (months.length > 12) throw validate.badInputError(['toMonth'], 'A report covers at most 12 months.');
      const tenant = callerScope(context);
      const services = (await context.services.careServices.list(tenant))
        .filter((service) => scope.all || scope.serviceIds.has(service.serviceId))
        .sort((a, b) => a.name.localeCompare(b.name) || a.serviceId.localeCompare(b.serviceId));
      const start = monthBounds(months[0] as string).start;
      const end = monthBounds(months.at(-1) as string).end;
      const counts = new Map<string, number>();
      const add = (serviceId: string, at: string, category: string) => {
        if (at < start || at >= end) return;
        const key = cellKey(serviceId, at.slice(0, 7), category);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      };
      let categories: string[];
      if (args.measure === 'NOTES_RECORDED') {
        categories = [...NOTE_KIND_NAMES];
        for (const service of services) {
          const clientIds: string[] = [];
          let after: string | undefined;
          do {
            const page = await context.services.serviceUsers.idsByService(tenant, service.serviceId, {
              limit: 500,
              after,
            });
            clientIds.push(...page.ids);
            after = page.next;
          } while (after);
          await inBatches(clientIds, 16, async (clientId) => {
            for (const note of await context.services.monitoring.noteTallies(tenant, clientId)) {
              add(service.serviceId, note.recordedAt, note.kind);
            }
          });
        }
      } else {
        categories = [...DISCLOSURE_CATEGORIES];
        const { events } = await context.services.auditLog.inPeriod(tenant, {
          from: start,
          to: new Date(Date.parse(end) - 1).toISOString(),
          limit: 100_000,
        });
        const disclosures = events.filter((event) => disclosureOutcome(event) !== undefined);
        const serviceOf = await servicesOfSubjects(context, disclosures);
        for (const event of disclosures) {
          const serviceId = event.subjectId ? serviceOf.get(event.subjectId) : undefined;
          if (serviceId) add(serviceId, event.at, disclosureOutcome(event) as string);
        }
      }
      const grid: AggregateGrid = {
        services: services.map((service) => ({ id: service.serviceId, name: service.name })),
        months,
        categories,
        counts,
      };
      context.access.audit.record({
        action: 'READ',
        operation: 'aggregateReport',
        outcome: 'ALLOWED',
        rule: `aggregate.${args.measure}`,
      });
      return {
        measure: args.measure,
        fromMonth: args.fromMonth,
        toMonth: args.toMonth,
        published: publishAggregate({
          ...grid,
          services: grid.services.map((service) => ({
            id: Buffer.from(`Service:${service.id}`, 'utf8').toString('base64'),
            name: service.name,
          })),
          counts: new Map(
            [...counts].map(([key, value]) => {
              const [serviceId, ...rest] = key.split('|');
              return [
                [Buffer.from(`Service:${serviceId}`, 'utf8').toString('base64'), ...rest].join('|'),
                value,
              ];
            }),
          ),
        }),
      };
    },
  }),
}));

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
      resolve: (b) => [...b.entries],
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
  period: Period,
): Promise<GovernanceSummary['subjectAccess']> {
  const today = context.services.clock.now().toISOString().slice(0, 10);
  const requests = await context.services.subjectAccess.list(callerScope(context));
  const open = requests.filter((request) => request.status === 'OPEN');
  return {
    received: requests.filter(
      (r) => r.receivedOn >= period.from.slice(0, 10) && r.receivedOn <= period.to.slice(0, 10),
    ).length,
    open: open.length,
    overdue: open.filter((request) => request.deadline < today).length,
    nextDeadline: open.map((request) => request.deadline).sort()[0],
    note: 'From the subject access request log; the deadline is one calendar month after receipt.',
  };
}

async function retentionSummary(context: ConfideContext): Promise<GovernanceSummary['retention']> {
  const horizon = context.services.clock.now().getTime() + RETENTION_HORIZON_DAYS * DAY_MS;
  const { cases } = await context.services.retention.scheduled(callerScope(context), { limit: 1000 });
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
    authScopes: { role: 'IG_LEAD' },
    args: { period: t.arg({ type: PeriodInput, required: true, description: 'The period.' }) },
    resolve: async (_root, { period: input }, context): Promise<GovernanceSummary> => {
      const period = periodOf(context, input.from, input.to, MAX_DAY_INDEX_DAYS, ['period']);
      const tenant = callerScope(context);
      const all: ReportScope = { all: true, serviceIds: new Set() };
      const now = context.services.clock.now();
      const [{ events, truncated }, { settings }, reviews, breaches, subjectAccess, retention] =
        await Promise.all([
          context.services.auditLog.inPeriod(tenant, { ...period, limit: 100_000 }),
          context.services.monitoring.settings(tenant),
          context.services.emergencyReviews.list(tenant),
          context.services.breaches.list(tenant),
          subjectAccessSummary(context, period),
          retentionSummary(context),
        ]);
      const within = (at: string) => at >= period.from && at <= period.to;
      const inPeriodReviews = reviews.filter((review) => within(review.openedAt));
      const pending = reviews.filter((review) => review.status === 'PENDING');
      const openBreaches = breaches
        .filter((breach) => breach.reportable !== false && !breach.regulatorNotifiedAt)
        .sort((a, b) => a.regulatorDeadline.localeCompare(b.regulatorDeadline));
      const overdueReviewMs = settings.emergencyReviewDays * DAY_MS;
      const alerts = await alertsFor(context, all, period, { events, settings });
      const alertCounts = ALERT_RULES.map((rule) => ({
        rule,
        count: alerts.filter((a) => a.rule === rule).length,
      }));
      context.access.audit.record({
        action: 'READ',
        operation: 'informationGovernanceSummary',
        outcome: 'ALLOWED',
        rule: 'monitoring',
      });
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
