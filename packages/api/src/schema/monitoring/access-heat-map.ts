import { ConfideError, ErrorCode, notFound } from '@confide/domain';
import { builder } from '../../builder';
import type { ConfideContext } from '../../context';
import {
  type HeatMapCell,
  type HeatMapServiceCell,
  heatMapCells,
  heatMapDays,
  heatMapServiceCells,
  heatMapStaffCount,
} from '../../monitoring/access-heat-map';
import { AccessActorRef, actorOfStaff } from '../access-governance/actors';
import { localId } from '../ids';
import { periodArgs, periodOf, type ReportScope, reachOf, servicesOfSubjects, withinScope } from './scope';

/**
 * Access at a glance (issue 19): reads per staff member and day over the day index, with the alert rules' evidence
 * counted beside them. Who may read it and how far it reaches is `monitoring.report`'s decision, as for the other
 * reports; reading it is audited like them (report.org-wide or report.own-services).
 */

/** The longest heat-map window: a month of days a person can take in at a glance. */
export const MAX_HEAT_MAP_DAYS = 31;
export const HEAT_MAP_DEFAULT_DAYS = 14;
/** The most staff rows one heat-map draws; beyond it the caller narrows by service or period (REPORT_TOO_LARGE). */
export const MAX_HEAT_MAP_STAFF = 100;

interface AccessHeatMap {
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly days: readonly string[];
  readonly cells: readonly HeatMapCell[];
  readonly serviceCells: readonly (HeatMapServiceCell & { readonly serviceName: string })[];
  readonly staffCount: number;
  readonly eventLimit: number;
  readonly truncated: boolean;
}

const AccessHeatMapCellRef = builder.objectRef<HeatMapCell>('AccessHeatMapCell');
AccessHeatMapCellRef.implement({
  description:
    'One staff member on one day: their reads, and the counts the alert rules look at. The events behind it are `staffAccessReport(staffId:, from:, to:)` over that day.',
  fields: (t) => ({
    staffId: t.globalID({
      description: 'Whose accesses.',
      resolve: (cell) => ({ type: 'StaffMember', id: cell.staffId }),
    }),
    actor: t.field({
      type: AccessActorRef,
      description: 'Whose accesses, in words: name, handle and current role.',
      resolve: (cell) => actorOfStaff(cell.staffId),
    }),
    day: t.string({
      description: 'The organisation’s local date (YYYY-MM-DD, in `AccessHeatMap.timeZone`).',
      resolve: (cell) => cell.day,
    }),
    reads: t.int({
      description: 'Allowed reads of a person’s record, emergency reads included.',
      resolve: (cell) => cell.reads,
    }),
    offCaseload: t.int({
      description:
        'Of those, reads of a client outside the reader’s caseload (not ALLOCATED or MANAGES_SERVICE): the MANY_CLIENTS_OUTSIDE_CASELOAD rule’s evidence.',
      resolve: (cell) => cell.offCaseload,
    }),
    outOfHours: t.int({
      description:
        'Accesses (reads, writes, disclosures) outside the organisation’s working hours: the OUT_OF_HOURS rule’s evidence.',
      resolve: (cell) => cell.outOfHours,
    }),
    denied: t.int({
      description:
        'Refused attempts (FORBIDDEN, NOT_FOUND, JUSTIFICATION_REQUIRED, …), as deniedAccessReport lists them.',
      resolve: (cell) => cell.denied,
    }),
  }),
});

const AccessHeatMapServiceCellRef =
  builder.objectRef<AccessHeatMap['serviceCells'][number]>('AccessHeatMapServiceCell');
AccessHeatMapServiceCellRef.implement({
  description:
    'One service on one day: accesses to its clients by any staff member, with the counts the alert rules look at. Counts only; the staff behind them are the staff rows of `accessHeatMap(serviceId:)`.',
  fields: (t) => ({
    serviceId: t.globalID({
      description: 'The service of the clients accessed.',
      resolve: (cell) => ({ type: 'Service', id: cell.serviceId }),
    }),
    serviceName: t.string({ description: 'The service’s name.', resolve: (cell) => cell.serviceName }),
    day: t.string({
      description: 'The organisation’s local date (YYYY-MM-DD, in `AccessHeatMap.timeZone`).',
      resolve: (cell) => cell.day,
    }),
    reads: t.int({
      description: 'Allowed reads of the service’s clients’ records, emergency reads included.',
      resolve: (cell) => cell.reads,
    }),
    offCaseload: t.int({
      description: 'Of those, reads by staff outside their caseload (not ALLOCATED or MANAGES_SERVICE).',
      resolve: (cell) => cell.offCaseload,
    }),
    outOfHours: t.int({
      description: 'Accesses to the service’s clients outside the organisation’s working hours.',
      resolve: (cell) => cell.outOfHours,
    }),
    denied: t.int({
      description: 'Refused attempts about the service’s clients.',
      resolve: (cell) => cell.denied,
    }),
  }),
});

const AccessHeatMapRows = builder.enumType('AccessHeatMapRows', {
  description: 'What a heat-map’s rows are: staff members (`cells`) or services (`serviceCells`).',
  values: {
    STAFF: { description: 'A row per staff member: `cells`.' },
    SERVICE: { description: 'A row per service, of accesses to its clients: `serviceCells`.' },
  } as const,
});

const AccessHeatMapRef = builder.objectRef<AccessHeatMap>('AccessHeatMap');
AccessHeatMapRef.implement({
  description:
    'Reads by staff member and day, with reads outside the caseload, out-of-hours accesses and refused attempts counted beside them. Counts and references only, never personal data.',
  fields: (t) => ({
    from: t.field({ type: 'DateTime', description: 'Start of the window.', resolve: (m) => m.from }),
    to: t.field({ type: 'DateTime', description: 'End of the window.', resolve: (m) => m.to }),
    timeZone: t.string({
      description: 'The time zone of the days and of working hours (the organisation’s monitoring settings).',
      resolve: (m) => m.timeZone,
    }),
    days: t.stringList({
      description: 'Every local date of the window (YYYY-MM-DD), oldest first: the columns.',
      resolve: (m) => [...m.days],
    }),
    cells: t.field({
      type: [AccessHeatMapCellRef],
      description: `The staff-and-day cells with anything to count, by staff member then day (at most ${MAX_HEAT_MAP_STAFF} staff × ${MAX_HEAT_MAP_DAYS} days). A missing cell is a day with nothing.`,
      resolve: (m) => [...m.cells],
    }),
    serviceCells: t.field({
      type: [AccessHeatMapServiceCellRef],
      description:
        'With `rows: SERVICE`: the service-and-day cells with anything to count, by service name then day (at most 100 services × 31 days); a manager’s hold only their services. Accesses about no client of a service (reports, staff records) have no service row. Empty with `rows: STAFF`.',
      resolve: (m) => [...m.serviceCells],
    }),
    staffCount: t.int({
      description: 'Staff members with an access counted in the window (the rows of `cells`).',
      resolve: (m) => m.staffCount,
    }),
    truncated: t.boolean({
      description:
        'More events fell in the window than a heat-map counts (`eventLimit`): the newest were counted, the oldest days are incomplete.',
      resolve: (m) => m.truncated,
    }),
    eventLimit: t.int({
      description: 'The most audit events a heat-map counts (20,000 in a deployed stage).',
      resolve: (m) => m.eventLimit,
    }),
  }),
});

/** Names the service rows and puts them in order: by service name, then id, then day. */
async function namedServiceRows(
  context: ConfideContext,
  cells: readonly HeatMapServiceCell[],
): Promise<AccessHeatMap['serviceCells']> {
  const names = new Map(
    await Promise.all(
      [...new Set(cells.map((cell) => cell.serviceId))].map(
        async (serviceId) => [serviceId, (await context.access.service(serviceId))?.name ?? ''] as const,
      ),
    ),
  );
  return cells
    .map((cell) => ({ ...cell, serviceName: names.get(cell.serviceId) ?? '' }))
    .sort(
      (a, b) =>
        a.serviceName.localeCompare(b.serviceName) ||
        a.serviceId.localeCompare(b.serviceId) ||
        a.day.localeCompare(b.day),
    );
}

builder.queryFields((t) => ({
  accessHeatMap: t.field({
    type: AccessHeatMapRef,
    description: `Access at a glance: reads by staff member (or, with \`rows: SERVICE\`, by service) and day (default the last ${HEAT_MAP_DEFAULT_DAYS} days, at most ${MAX_HEAT_MAP_DAYS}), optionally about one service’s clients, with the alert rules’ evidence counted. IG_LEAD, CALDICOTT_GUARDIAN; a SERVICE_MANAGER sees accesses to their services’ clients (another service is NOT_FOUND). More than ${MAX_HEAT_MAP_STAFF} staff members is REPORT_TOO_LARGE: narrow by service or period.`,
    args: {
      ...periodArgs(t, HEAT_MAP_DEFAULT_DAYS),
      serviceId: t.arg.id({ required: false, description: 'Only accesses to this service’s clients.' }),
      rows: t.arg({
        type: AccessHeatMapRows,
        required: false,
        defaultValue: 'STAFF',
        description: `Rows per staff member (\`cells\`, at most ${MAX_HEAT_MAP_STAFF}) or per service (\`serviceCells\`, at most 100 services; no staff limit).`,
      }),
    },
    operation: { policy: 'monitoring.report', audit: 'after' },
    resolve: async (operation, args, context) => {
      const tenant = operation.scope;
      const period = periodOf(context, args.from, args.to, MAX_HEAT_MAP_DAYS, [], HEAT_MAP_DEFAULT_DAYS);
      let reach: ReportScope = reachOf(operation, context);
      if (args.serviceId) {
        const serviceId = localId(args.serviceId, 'Service', 'service');
        const service = await context.access.service(serviceId);
        if (!service || !(reach.all || reach.serviceIds.has(serviceId))) throw notFound('Service');
        reach = { all: false, serviceIds: new Set([serviceId]) };
      }
      const eventLimit = context.services.heatMapLimits.heatMapEvents;
      const [settings, read] = await Promise.all([
        context.services.monitoring.settings(tenant).then((stored) => stored.settings),
        context.services.auditLog.inPeriod(tenant, { ...period, limit: eventLimit }),
      ]);
      const events = (await withinScope(context, tenant, reach, read.events)).filter(
        (event) => event.actor.kind === 'STAFF',
      );
      const base = {
        ...period,
        timeZone: settings.workingHours.timeZone,
        days: heatMapDays(period.from, period.to, settings.workingHours.timeZone),
        truncated: read.truncated,
        eventLimit,
      };
      if (args.rows === 'SERVICE') {
        // The limit is checked on the counted rows, before any service is read for its name.
        // Each access counts under its client's service (the events are already within the caller's reach).
        const serviceOf = await servicesOfSubjects(context, tenant, events);
        const rows = heatMapServiceCells(events, settings.workingHours, serviceOf);
        const serviceCount = new Set(rows.map((cell) => cell.serviceId)).size;
        const { heatMapServices } = context.services.heatMapLimits;
        if (serviceCount > heatMapServices) {
          throw new ConfideError(
            ErrorCode.REPORT_TOO_LARGE,
            `The heat-map would show ${serviceCount} services; it shows at most ${heatMapServices}. Narrow it by service or period.`,
            { details: { limit: heatMapServices, bound: 'SERVICE' } },
          );
        }
        return {
          ...base,
          cells: [],
          serviceCells: await namedServiceRows(context, rows),
          staffCount: heatMapStaffCount(events, settings.workingHours),
        };
      }
      const cells = heatMapCells(events, settings.workingHours);
      const staffCount = new Set(cells.map((cell) => cell.staffId)).size;
      if (staffCount > MAX_HEAT_MAP_STAFF) {
        throw new ConfideError(
          ErrorCode.REPORT_TOO_LARGE,
          `The heat-map would show ${staffCount} staff members; it shows at most ${MAX_HEAT_MAP_STAFF}. Narrow it by service or period.`,
          { details: { limit: MAX_HEAT_MAP_STAFF, bound: 'STAFF' } },
        );
      }
      return { ...base, cells, serviceCells: [], staffCount };
    },
  }),
}));
