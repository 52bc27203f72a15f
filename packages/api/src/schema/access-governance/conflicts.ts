import { notFound } from '@confide/domain';
import { builder } from '../../builder';
import type { ConfideContext } from '../../context';
import { localId } from '../ids';
import { clientById } from '../subjects';
import { namedStaff, namesCaller, staffConcerned } from './shared';

// ── Conflicts of interest ────────────────────────────────────────────────────────────────────────────────

const ConnectionEnum = builder.enumType('ConflictConnection', {
  description: 'How a staff member is connected to a client, or NAMED_BY_CLIENT when the client asked.',
  values: ['RELATIVE', 'NEIGHBOUR', 'FORMER_PARTNER', 'FRIEND', 'NAMED_BY_CLIENT', 'OTHER'] as const,
});

/** The staff member a conflict names, who must exist. */
async function conflictStaff(context: ConfideContext, staffGlobalId: string | number): Promise<string> {
  const staffId = localId(staffGlobalId, 'StaffMember', 'staff', 'Staff member');
  if (!(await context.services.directory.staff(context.access.scope, staffId)))
    throw notFound('Staff member');
  return staffId;
}

builder.mutationFields((t) => ({
  declareConflict: t.field({
    type: 'Boolean',
    description:
      'Declares that a staff member is connected to a client (or that the client named them): they are denied that client whatever their role. The staff member themself, or for others the service’s managers, senior managers, and HR where they may see the client (under GROUP_WIDE; existence hiding answers NOT_FOUND otherwise). Audited before it happens, the connection named in its rule.',
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'The client.' }),
      staffId: t.arg.id({ required: true, description: 'The staff member.' }),
      connection: t.arg({ type: ConnectionEnum, required: true, description: 'The connection.' }),
    },
    operation: {
      policy: 'conflict.declare',
      subject: clientById((args) => args.serviceUserId),
      change: (args, context) => ({
        namesCaller: namesCaller(context, namedStaff(args.staffId)),
        detail: args.connection,
      }),
      validate: (args, context) => conflictStaff(context, args.staffId),
      record: (args) => staffConcerned(namedStaff(args.staffId)),
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (operation, args, context) => {
      const staffId = await conflictStaff(context, args.staffId);
      await context.services.serviceUsers.setConflict(
        operation.scope,
        operation.client.clientId,
        staffId,
        true,
      );
      return true;
    },
  }),
  clearConflict: t.field({
    type: 'Boolean',
    description:
      'Clears a declared conflict of interest (the service’s managers, senior managers, and HR where they may see the client; never the person it concerns). Audited before it happens.',
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'The client.' }),
      staffId: t.arg.id({ required: true, description: 'The staff member.' }),
    },
    operation: {
      policy: 'conflict.clear',
      subject: clientById((args) => args.serviceUserId),
      change: (args, context) => ({ namesCaller: namesCaller(context, namedStaff(args.staffId)) }),
      validate: (args, context) => conflictStaff(context, args.staffId),
      record: (args) => staffConcerned(namedStaff(args.staffId)),
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (operation, args, context) => {
      const staffId = await conflictStaff(context, args.staffId);
      await context.services.serviceUsers.setConflict(
        operation.scope,
        operation.client.clientId,
        staffId,
        false,
      );
      return true;
    },
  }),
}));
