import { ConfideError, ErrorCode, notFound } from '@confide/domain';
import { builder } from '../../builder';
import { type HeatMapCell, heatMapCells, heatMapDays } from '../../monitoring/access-heat-map';
import { AccessActorRef, actorOfStaff } from '../access-governance/actors';
import { localId } from '../ids';
import { periodArgs, periodOf, type ReportScope, reachOf, withinScope } from './scope';

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
/** The most events a heat-map counts; beyond it the oldest days are incomplete and `truncated` says so. */
export const MAX_HEAT_MAP_EVENTS = 20_000;

interface AccessHeatMap {
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly days: readonly string[];
  readonly cells: readonly HeatMapCell[];
  readonly staffCount: number;
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
    staffCount: t.int({ description: 'Staff members with a cell: the rows.', resolve: (m) => m.staffCount }),
    truncated: t.boolean({
      description: `More than ${MAX_HEAT_MAP_EVENTS} events fell in the window: the newest were counted, the oldest days are incomplete.`,
      resolve: (m) => m.truncated,
    }),
  }),
});

builder.queryFields((t) => ({
  accessHeatMap: t.field({
    type: AccessHeatMapRef,
    description: `Access at a glance: reads by staff member and day (default the last ${HEAT_MAP_DEFAULT_DAYS} days, at most ${MAX_HEAT_MAP_DAYS}), optionally about one service’s clients, with the alert rules’ evidence counted. IG_LEAD, CALDICOTT_GUARDIAN; a SERVICE_MANAGER sees accesses to their services’ clients (another service is NOT_FOUND). More than ${MAX_HEAT_MAP_STAFF} staff members is REPORT_TOO_LARGE: narrow by service or period.`,
    args: {
      ...periodArgs(t, HEAT_MAP_DEFAULT_DAYS),
      serviceId: t.arg.id({ required: false, description: 'Only accesses to this service’s clients.' }),
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
      const [settings, read] = await Promise.all([
        context.services.monitoring.settings(tenant).then((stored) => stored.settings),
        context.services.auditLog.inPeriod(tenant, { ...period, limit: MAX_HEAT_MAP_EVENTS }),
      ]);
      const events = (await withinScope(context, tenant, reach, read.events)).filter(
        (event) => event.actor.kind === 'STAFF',
      );
      const cells = heatMapCells(events, settings.workingHours);
      const staffCount = new Set(cells.map((cell) => cell.staffId)).size;
      if (staffCount > MAX_HEAT_MAP_STAFF) {
        throw new ConfideError(
          ErrorCode.REPORT_TOO_LARGE,
          `The heat-map would show ${staffCount} staff members; it shows at most ${MAX_HEAT_MAP_STAFF}. Narrow it by service or period.`,
          { details: { limit: MAX_HEAT_MAP_STAFF, bound: 'STAFF' } },
        );
      }
      return {
        ...period,
        timeZone: settings.workingHours.timeZone,
        days: heatMapDays(period.from, period.to, settings.workingHours.timeZone),
        cells,
        staffCount,
        truncated: read.truncated,
      };
    },
  }),
}));
