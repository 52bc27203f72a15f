import { forbidden, notFound, validate } from '@confide/domain';
import type { CareService } from '@confide/store';
import { builder } from '../builder';
import { type ConfideContext, callerScope, hasRole, staffPrincipal } from '../context';
import { localId } from './ids';
import { StaffMemberRef } from './staff';

export const ServiceRef = builder.objectRef<CareService>('Service');

builder.node(ServiceRef, {
  description: 'A service of the organisation, e.g. a supported-living service. Holds no personal data.',
  id: { resolve: (service) => service.serviceId },
  loadOne: (id, context) => context.access.service(id).then((service) => service ?? null),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The service’s name.' }),
    managers: t.field({
      type: [StaffMemberRef],
      description: 'Staff who manage the service.',
      resolve: async (service, _args, context) => staffList(context, service.managers),
    }),
    members: t.field({
      type: [StaffMemberRef],
      description: 'Staff who work in the service (administrators, workers).',
      resolve: async (service, _args, context) => staffList(context, service.members),
    }),
    createdAt: t.field({
      type: 'DateTime',
      resolve: (service) => service.createdAt,
      description: 'When created.',
    }),
  }),
});

async function staffList(context: ConfideContext, ids: readonly string[]) {
  const scope = callerScope(context);
  const staff = await Promise.all(ids.map((id) => context.services.directory.staff(scope, id)));
  return staff.filter((member) => member !== undefined);
}

/** Services are set up by the organisation's administrators and senior managers. */
function mayManageServices(context: ConfideContext): boolean {
  return hasRole(context, 'ORG_ADMIN') || hasRole(context, 'SENIOR_MANAGER');
}

export async function serviceFor(context: ConfideContext, globalId: string | number): Promise<CareService> {
  const service = await context.access.service(localId(globalId, 'Service', 'service'));
  if (!service) throw notFound('Service');
  return service;
}

async function staffIdIn(context: ConfideContext, globalId: string | number): Promise<string> {
  const staffId = localId(globalId, 'StaffMember', 'staff', 'Staff member');
  const staff = await context.services.directory.staff(callerScope(context), staffId);
  if (staff?.status !== 'ACTIVE') throw notFound('Staff member');
  return staffId;
}

builder.queryFields((t) => ({
  services: t.field({
    type: [ServiceRef],
    description: 'The organisation’s services.',
    authScopes: { staff: true },
    resolve: (_root, _args, context) => context.services.careServices.list(callerScope(context)),
  }),
}));

/**
 * A change to a service's managers or team. Managers are appointed and removed by ORG_ADMIN and SENIOR_MANAGER;
 * the team also by the service's own managers. Only active staff join; anyone can be taken off. The staff
 * member's own copy of the link changes in the same transaction (decision 0020), so access follows at once.
 */
interface TeamChange {
  readonly operation: string;
  readonly description: string;
  readonly role: 'managers' | 'members';
  readonly change: 'add' | 'remove';
}

builder.mutationFields((t) => {
  const teamChange = (spec: TeamChange) =>
    t.field({
      type: ServiceRef,
      description: spec.description,
      authScopes: { staff: true },
      args: {
        serviceId: t.arg.id({ required: true, description: 'The service.' }),
        staffId: t.arg.id({ required: true, description: 'The staff member.' }),
      },
      resolve: async (_root, args, context) => {
        const service = await serviceFor(context, args.serviceId);
        const mayChange =
          mayManageServices(context) ||
          (spec.role === 'members' && service.managers.includes(staffPrincipal(context).staffId));
        if (!mayChange) throw forbidden();
        const staffId =
          spec.change === 'add'
            ? await staffIdIn(context, args.staffId)
            : localId(args.staffId, 'StaffMember', 'staff', 'Staff member');
        context.access.audit.record({ action: 'ADMIN', operation: spec.operation, outcome: 'ALLOWED' });
        const { careServices } = context.services;
        return spec.change === 'add'
          ? careServices.addStaff(callerScope(context), service.serviceId, staffId, spec.role)
          : careServices.removeStaff(callerScope(context), service.serviceId, staffId, spec.role);
      },
    });
  return {
    createService: t.field({
      type: ServiceRef,
      description: 'Creates a service (ORG_ADMIN, SENIOR_MANAGER).',
      authScopes: { staff: true },
      args: { name: t.arg.string({ required: true, description: 'The service’s name (1–200 characters).' }) },
      resolve: async (_root, { name }, context) => {
        if (!mayManageServices(context)) throw forbidden();
        const service = await context.services.careServices.create(
          callerScope(context),
          validate.text(['name'], name, { max: 200 }),
        );
        context.access.audit.record({ action: 'ADMIN', operation: 'createService', outcome: 'ALLOWED' });
        return service;
      },
    }),
    assignServiceManager: teamChange({
      operation: 'assignServiceManager',
      description: 'Makes a staff member a manager of a service (ORG_ADMIN, SENIOR_MANAGER).',
      role: 'managers',
      change: 'add',
    }),
    removeServiceManager: teamChange({
      operation: 'removeServiceManager',
      description:
        'Ends a staff member’s management of a service (ORG_ADMIN, SENIOR_MANAGER). Their access through it ends at once.',
      role: 'managers',
      change: 'remove',
    }),
    addServiceStaff: teamChange({
      operation: 'addServiceStaff',
      description: 'Adds a staff member to a service’s team (its managers, ORG_ADMIN, SENIOR_MANAGER).',
      role: 'members',
      change: 'add',
    }),
    removeServiceStaff: teamChange({
      operation: 'removeServiceStaff',
      description:
        'Takes a staff member off a service’s team (its managers, ORG_ADMIN, SENIOR_MANAGER). Their access through the team ends at once; allocations are ended separately.',
      role: 'members',
      change: 'remove',
    }),
    assignQaReview: t.field({
      type: ServiceRef,
      description:
        'Assigns a team leader to carry out QA checks at a service for a period: read-only access to its records (Azure 4.1d).',
      authScopes: { staff: true },
      args: {
        serviceId: t.arg.id({ required: true, description: 'The service.' }),
        staffId: t.arg.id({ required: true, description: 'The team leader.' }),
        from: t.arg({ type: 'DateTime', required: true, description: 'Start of the assignment.' }),
        to: t.arg({
          type: 'DateTime',
          required: true,
          description: 'End of the assignment (at most 90 days later).',
        }),
      },
      resolve: async (_root, args, context) => {
        const service = await serviceFor(context, args.serviceId);
        if (!mayManageServices(context) && !service.managers.includes(staffPrincipal(context).staffId))
          throw forbidden();
        const staffId = await staffIdIn(context, args.staffId);
        const staff = await context.services.directory.staff(callerScope(context), staffId);
        if (!staff?.roles.includes('TEAM_LEADER')) {
          throw validate.badInputError(['staffId'], 'QA reviews are carried out by team leaders.');
        }
        if (args.to <= args.from || args.to.getTime() - args.from.getTime() > 90 * 86_400_000) {
          throw validate.badInputError(
            ['to'],
            'A QA assignment ends after it starts and lasts at most 90 days.',
          );
        }
        context.access.audit.record({ action: 'ADMIN', operation: 'assignQaReview', outcome: 'ALLOWED' });
        return context.services.careServices.assignQa(
          callerScope(context),
          service.serviceId,
          staffId,
          args.from,
          args.to,
        );
      },
    }),
  };
});
