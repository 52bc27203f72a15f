import { notFound } from '@confide/domain';
import { resolveArrayConnection } from '@pothos/plugin-relay';
import { builder } from '../../builder';
import { AccessEventRef } from '../access-governance';
import { localId } from '../ids';
import { staffById } from '../subjects';
import {
  DAY_INDEX_DEFAULT_DAYS,
  isDisclosureMade,
  MAX_DAY_INDEX_DAYS,
  MAX_REPORT_EVENTS,
  periodArgs,
  periodOf,
  reachOf,
  withinScope,
} from './scope';

// ── Reports over the audit indexes ──────────────────────────────────────────────────────────────────────
// Reading a report is itself an access to audit data: the plugin records it like any read, with the rule that
// says how far it reached (report.org-wide or report.own-services).

builder.queryFields((t) => ({
  staffAccessReport: t.connection({
    type: AccessEventRef,
    description:
      'What one staff member accessed, newest first, from the actor index (IG_LEAD, CALDICOTT_GUARDIAN; a SERVICE_MANAGER sees only accesses to clients of their services). At most 366 days.',
    args: {
      staffId: t.arg.id({ required: true, description: 'The staff member.' }),
      ...periodArgs(t),
    },
    operation: {
      policy: 'monitoring.staff-access-report',
      subject: staffById((args) => args.staffId),
      audit: 'after',
    },
    resolve: async (operation, args, context) => {
      const tenant = operation.scope;
      const staffId = operation.subjectId as string;
      if (!(await context.services.directory.staff(tenant, staffId))) throw notFound('Staff member');
      const period = periodOf(context, args.from, args.to, 366);
      const events = await context.services.auditLog.byActor(tenant, staffId, {
        ...period,
        limit: MAX_REPORT_EVENTS,
      });
      return resolveArrayConnection(
        { args },
        await withinScope(context, tenant, reachOf(operation, context), events),
      );
    },
  }),
  deniedAccessReport: t.connection({
    type: AccessEventRef,
    description:
      'Refused attempts (FORBIDDEN, NOT_FOUND, JUSTIFICATION_REQUIRED, …), newest first, from the day index; optionally one staff member’s. IG_LEAD, CALDICOTT_GUARDIAN; a SERVICE_MANAGER sees refusals about clients of their services. At most 92 days.',
    args: {
      ...periodArgs(t, DAY_INDEX_DEFAULT_DAYS),
      staffId: t.arg.id({ required: false, description: 'Only this staff member’s attempts.' }),
    },
    operation: { policy: 'monitoring.report', audit: 'after' },
    resolve: async (operation, args, context) => {
      const staffId = args.staffId
        ? localId(args.staffId, 'StaffMember', 'staff', 'Staff member')
        : undefined;
      const period = periodOf(context, args.from, args.to, MAX_DAY_INDEX_DAYS, [], DAY_INDEX_DEFAULT_DAYS);
      const { events } = await context.services.auditLog.inPeriod(operation.scope, {
        ...period,
        limit: MAX_REPORT_EVENTS,
      });
      const denied = events.filter(
        (event) => event.action === 'DENIED' && (staffId === undefined || event.actor.id === staffId),
      );
      return resolveArrayConnection(
        { args },
        await withinScope(context, operation.scope, reachOf(operation, context), denied),
      );
    },
  }),
  disclosureReport: t.connection({
    type: AccessEventRef,
    description:
      'Disclosures made (releases and exceptional disclosures without consent), newest first, from the day index. IG_LEAD, CALDICOTT_GUARDIAN; a SERVICE_MANAGER sees those about clients of their services. At most 92 days.',
    args: periodArgs(t, DAY_INDEX_DEFAULT_DAYS),
    operation: { policy: 'monitoring.report', audit: 'after' },
    resolve: async (operation, args, context) => {
      const period = periodOf(context, args.from, args.to, MAX_DAY_INDEX_DAYS, [], DAY_INDEX_DEFAULT_DAYS);
      const { events } = await context.services.auditLog.inPeriod(operation.scope, {
        ...period,
        limit: MAX_REPORT_EVENTS,
      });
      return resolveArrayConnection(
        { args },
        await withinScope(
          context,
          operation.scope,
          reachOf(operation, context),
          events.filter(isDisclosureMade),
        ),
      );
    },
  }),
}));
