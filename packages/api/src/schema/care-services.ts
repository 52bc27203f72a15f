import { notFound, validate, wallClockMs } from '@confide/domain';
import type { CareService } from '@confide/store';
import { resolveArrayConnection } from '@pothos/plugin-relay';
import type { OperationSubject } from '../access/operation-plugin';
import { builder } from '../builder';
import { type ConfideContext, callerScope } from '../context';
import { localId } from './ids';
import { organisationTimeZone } from './monitoring/settings';
import { StaffMemberRef } from './staff';

export const ServiceRef = builder.objectRef<CareService>('Service');

builder.node(ServiceRef, {
  description: 'A service of the organisation, e.g. a supported-living service. Holds no personal data.',
  id: { resolve: (service) => service.serviceId },
  loadOne: (id, context) => context.access.service(id).then((service) => service ?? null),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The service’s name.' }),
    // The people of a service are the organisation's staff: named to staff only, never to the person supported or
    // a partner agency that reaches the service through them (staff are named to a person only if their
    // organisation chose so, `myAccessLog`).
    managers: t.field({
      type: [StaffMemberRef],
      authScopes: { staff: true },
      description: 'Staff who manage the service (to staff only: FORBIDDEN to anyone else).',
      resolve: async (service, _args, context) => staffList(context, service.managers),
    }),
    members: t.field({
      type: [StaffMemberRef],
      authScopes: { staff: true },
      description: 'Staff who work in the service (administrators, workers; to staff only).',
      deprecationReason: 'A list that grows (issue 19): use `membersConnection`, which pages with cursors.',
      resolve: async (service, _args, context) => staffList(context, service.members),
    }),
    membersConnection: t.connection({
      type: StaffMemberRef,
      authScopes: { staff: true },
      description:
        'Staff who work in the service (administrators, workers), as a cursor connection in a stable order by staff id (to staff only: FORBIDDEN to anyone else).',
      resolve: async (service, args, context) => {
        // The member ids are held in the service's one item, already read whole: the page is cut from them
        // (offset cursors) and only that page's staff are loaded.
        const ids = [...service.members].sort();
        const page = resolveArrayConnection({ args }, ids);
        const staff = await staffList(context, page?.edges.map((edge) => edge.node) ?? []);
        const byId = new Map(staff.map((member) => [member.staffId, member]));
        return {
          pageInfo: page?.pageInfo ?? {
            hasNextPage: false,
            hasPreviousPage: false,
            startCursor: null,
            endCursor: null,
          },
          edges: (page?.edges ?? []).flatMap((edge) => {
            const member = byId.get(edge.node);
            return member ? [{ cursor: edge.cursor, node: member }] : [];
          }),
        };
      },
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

export async function serviceFor(context: ConfideContext, globalId: string | number): Promise<CareService> {
  const service = await context.access.service(localId(globalId, 'Service', 'service'));
  if (!service) throw notFound('Service');
  return service;
}

/** The service an operation acts on, which must exist (NOT_FOUND otherwise, recorded as a refusal). */
function existingService<Args>(pick: (args: Args) => string | number) {
  return async (args: Args, context: ConfideContext): Promise<OperationSubject> => ({
    kind: 'SERVICE',
    serviceId: (await serviceFor(context, pick(args))).serviceId,
  });
}

async function staffIdIn(context: ConfideContext, globalId: string | number): Promise<string> {
  const staffId = localId(globalId, 'StaffMember', 'staff', 'Staff member');
  const staff = await context.services.directory.staff(callerScope(context), staffId);
  if (staff?.status !== 'ACTIVE') throw notFound('Staff member');
  return staffId;
}

/** The staff member a team change names, if the id is well formed (the change itself checks the rest). */
function namedStaff(globalId: string | number): string | undefined {
  try {
    return localId(globalId, 'StaffMember', 'staff', 'Staff member');
  } catch {
    return undefined;
  }
}

/** Whether the staff member a change names is the caller: nobody grants themself a relationship. */
const namesCaller = (context: ConfideContext, staffId: string | undefined): boolean =>
  staffId !== undefined &&
  context.auth?.principal.kind === 'STAFF' &&
  context.auth.principal.staffId === staffId;

/**
 * A team change is recorded against the staff member it names (who gains or loses access), with the service and
 * the part of it (managers or members) as its fields.
 */
const teamEvent = (part: string) => (args: { staffId: string | number }, subject: OperationSubject) => {
  const staffId = namedStaff(args.staffId);
  const service = subject.kind === 'SERVICE' ? [`Service:${subject.serviceId}`] : [];
  return { ...(staffId ? { subjectId: staffId } : {}), fields: [...service, `Service.${part}`] };
};

builder.queryFields((t) => ({
  services: t.field({
    type: [ServiceRef],
    description: 'The organisation’s services.',
    deprecationReason: 'A list that grows (issue 19): use `servicesConnection`, which pages with cursors.',
    operation: { policy: 'service.list', audit: 'fields' },
    resolve: (operation, _args, context) => context.services.careServices.list(operation.scope),
  }),
  servicesConnection: t.connection({
    type: ServiceRef,
    description: 'The organisation’s services, as a cursor connection.',
    operation: { policy: 'service.list', audit: 'fields' },
    resolve: async (operation, args, context) =>
      resolveArrayConnection({ args }, await context.services.careServices.list(operation.scope)),
  }),
}));

/**
 * A change to a service's managers or team. Managers are appointed and removed by ORG_ADMIN and SENIOR_MANAGER;
 * the team also by the service's own managers; nobody adds themself. Only active staff join; anyone can be taken
 * off. The staff member's own copy of the link changes in the same transaction (decision 0020), so access
 * follows at once. Audited before it happens, against the staff member.
 */
interface TeamChange {
  readonly description: string;
  readonly role: 'managers' | 'members';
  readonly change: 'add' | 'remove';
}

builder.mutationFields((t) => {
  const teamChange = (spec: TeamChange) =>
    t.field({
      type: ServiceRef,
      description: `${spec.description} CONFLICT when the service’s people changed after it was read${spec.change === 'add' ? ', or the staff member is no longer active' : ''}: reload it.`,
      args: {
        serviceId: t.arg.id({ required: true, description: 'The service.' }),
        staffId: t.arg.id({ required: true, description: 'The staff member.' }),
      },
      operation: {
        policy: spec.role === 'managers' ? 'service.managers' : 'service.team',
        subject: existingService((args) => args.serviceId),
        change: (args, context) => ({
          grantsCallerAccess: spec.change === 'add' && namesCaller(context, namedStaff(args.staffId)),
        }),
        // Only active staff join; anyone can be taken off.
        validate: (args, context) =>
          spec.change === 'add'
            ? staffIdIn(context, args.staffId)
            : localId(args.staffId, 'StaffMember', 'staff', 'Staff member'),
        record: teamEvent(spec.role),
        audit: 'before',
        action: 'ADMIN',
      },
      resolve: async (operation, args, context) => {
        const staffId = localId(args.staffId, 'StaffMember', 'staff', 'Staff member');
        const { careServices } = context.services;
        const serviceId = operation.subjectId ?? '';
        // The service as read before the audit event: a change of its people since is CONFLICT.
        const expectedVersion = (await context.access.service(serviceId))?.version;
        return spec.change === 'add'
          ? careServices.addStaff(operation.scope, serviceId, staffId, spec.role, expectedVersion)
          : careServices.removeStaff(operation.scope, serviceId, staffId, spec.role, expectedVersion);
      },
    });
  return {
    createService: t.field({
      type: ServiceRef,
      description: 'Creates a service (ORG_ADMIN, SENIOR_MANAGER). Audited before it happens.',
      args: { name: t.arg.string({ required: true, description: 'The service’s name (1–200 characters).' }) },
      operation: {
        policy: 'service.create',
        validate: ({ name }) => validate.text(['name'], name, { max: 200 }),
        audit: 'before',
        action: 'ADMIN',
      },
      resolve: (operation, { name }, context) =>
        context.services.careServices.create(operation.scope, validate.text(['name'], name, { max: 200 })),
    }),
    assignServiceManager: teamChange({
      description:
        'Makes another staff member a manager of a service (ORG_ADMIN, SENIOR_MANAGER). Audited before it happens.',
      role: 'managers',
      change: 'add',
    }),
    removeServiceManager: teamChange({
      description:
        'Ends a staff member’s management of a service (ORG_ADMIN, SENIOR_MANAGER). Their access through it ends at once.',
      role: 'managers',
      change: 'remove',
    }),
    addServiceStaff: teamChange({
      description:
        'Adds another staff member to a service’s team (its managers, ORG_ADMIN, SENIOR_MANAGER). Audited before it happens.',
      role: 'members',
      change: 'add',
    }),
    removeServiceStaff: teamChange({
      description:
        'Takes a staff member off a service’s team (its managers, ORG_ADMIN, SENIOR_MANAGER). Their access through the team ends at once; allocations are ended separately.',
      role: 'members',
      change: 'remove',
    }),
    assignQaReview: t.field({
      type: ServiceRef,
      description:
        'Assigns another team leader to carry out QA checks at a service for a period: read-only access to its records (Azure 4.1d). Audited before it happens.',
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
      operation: {
        policy: 'service.qa-review',
        subject: existingService((args) => args.serviceId),
        change: (args, context) => ({ grantsCallerAccess: namesCaller(context, namedStaff(args.staffId)) }),
        validate: async (args, context) => {
          const staffId = await staffIdIn(context, args.staffId);
          const staff = await context.services.directory.staff(callerScope(context), staffId);
          if (!staff?.roles.includes('TEAM_LEADER')) {
            throw validate.badInputError(['staffId'], 'QA reviews are carried out by team leaders.');
          }
          // 90 days on the organisation's calendar: a clock change between adds or takes no hour.
          const timeZone = await organisationTimeZone(context);
          const days = (wallClockMs(args.to, timeZone) - wallClockMs(args.from, timeZone)) / 86_400_000;
          if (args.to <= args.from || days > 90) {
            throw validate.badInputError(
              ['to'],
              'A QA assignment ends after it starts and lasts at most 90 days.',
            );
          }
        },
        record: teamEvent('qaReviews'),
        audit: 'before',
        action: 'ADMIN',
      },
      resolve: (operation, args, context) =>
        context.services.careServices.assignQa(
          operation.scope,
          operation.subjectId ?? '',
          localId(args.staffId, 'StaffMember', 'staff', 'Staff member'),
          args.from,
          args.to,
        ),
    }),
  };
});
