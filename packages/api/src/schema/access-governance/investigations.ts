import { ConfideError, ErrorCode, newId, notFound, validate } from '@confide/domain';
import type { ServiceUserRecord } from '@confide/store';
import { builder } from '../../builder';
import type { ConfideContext } from '../../context';
import { localId } from '../ids';
import { namedStaff, namesCaller, oncePerRequest, staffConcerned } from './shared';

// ── Safeguarding investigations ──────────────────────────────────────────────────────────────────────────

interface InvestigationArgs {
  readonly serviceUserIds: readonly (string | number)[];
}

/** The ids of the clients an investigation names: at least one, each once. */
const clientIdsOf = (args: InvestigationArgs): string[] =>
  validate
    .nonEmptyUnique(['serviceUserIds'], args.serviceUserIds)
    .map((id) => localId(id, 'ServiceUser', 'serviceUser', 'Service user'));

/**
 * The clients an investigation names, each of which must exist (NOT_FOUND, recorded as a refusal). The first is
 * the operation's subject; the policy decides on the caller's relationship to every one.
 */
function namedClients(args: InvestigationArgs, context: ConfideContext): Promise<ServiceUserRecord[]> {
  const ids = clientIdsOf(args);
  return oncePerRequest(context, `investigation:${ids.join(',')}`, () =>
    Promise.all(
      ids.map(async (clientId) => {
        const client = await context.access.findClient(clientId);
        if (!client) throw notFound('Service user');
        return client;
      }),
    ),
  );
}

builder.mutationFields((t) => ({
  openSafeguardingInvestigation: t.field({
    type: 'String',
    description:
      'Opens a safeguarding investigation naming clients, with a SAFEGUARDING_LEAD as investigator; every read under it needs a stated reason (Azure 4.1). The service’s managers of every client named, or a senior manager; nobody names themself investigator of a client they have no relationship with. Audited before it happens, against each client. Returns the investigation id.',
    args: {
      serviceUserIds: t.arg.idList({ required: true, description: 'The clients it concerns.' }),
      investigatorId: t.arg.id({ required: true, description: 'The investigating safeguarding lead.' }),
    },
    operation: {
      policy: 'investigation.open',
      subject: async (args, context) => {
        const [first] = await namedClients(args, context);
        if (!first) throw notFound('Service user');
        return { kind: 'CLIENT', client: first };
      },
      change: async (args, context) => {
        const [, ...others] = await namedClients(args, context);
        return {
          grantsCallerAccess: namesCaller(context, namedStaff(args.investigatorId)),
          clients: await Promise.all(others.map((client) => context.access.relationTo(client))),
        };
      },
      validate: async (args, context) => {
        const investigatorId = namedStaff(args.investigatorId);
        const investigator = investigatorId
          ? await context.services.directory.staff(context.access.scope, investigatorId)
          : undefined;
        if (!investigator?.roles.includes('SAFEGUARDING_LEAD')) {
          throw validate.badInputError(['investigatorId'], 'The investigator must be a safeguarding lead.');
        }
      },
      record: (args) => ({
        ...staffConcerned(namedStaff(args.investigatorId)),
        alsoSubjectIds: clientIdsOf(args).slice(1),
      }),
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (operation, args, context) => {
      const investigatorId = localId(args.investigatorId, 'StaffMember', 'staff', 'Staff member');
      const investigationId = newId('investigation');
      const clients = await namedClients(args, context);
      await context.services.serviceUsers.linkInvestigation(
        operation.scope,
        clients.map((client) => ({ client, link: { investigationId, investigatorId, status: 'OPEN' } })),
      );
      return investigationId;
    },
  }),
}));

/** The investigation's link on one client it names, or BAD_USER_INPUT: it must name every client given. */
function linkOn(client: ServiceUserRecord, investigationId: string) {
  const link = client.investigations.find((candidate) => candidate.investigationId === investigationId);
  if (!link) {
    throw validate.badInputError(['serviceUserIds'], 'The investigation does not name every client given.');
  }
  return link;
}

builder.mutationFields((t) => ({
  closeSafeguardingInvestigation: t.field({
    type: 'String',
    description:
      'Closes a safeguarding investigation on the clients it names: its investigator’s access ends at once, and the reads made under it appear in each person’s own access log (Azure 4.1). The service’s managers of every client named, a senior manager, or the investigator. Already closed: CONFLICT. Audited before it happens, against each client. Returns the investigation id.',
    args: {
      investigationId: t.arg.id({ required: true, description: 'The investigation, as opened.' }),
      serviceUserIds: t.arg.idList({ required: true, description: 'The clients it names.' }),
    },
    operation: {
      policy: 'investigation.close',
      subject: async (args, context) => {
        const [first] = await namedClients(args, context);
        if (!first) throw notFound('Service user');
        return { kind: 'CLIENT', client: first };
      },
      change: async (args, context) => {
        const clients = await namedClients(args, context);
        const investigationId = String(args.investigationId);
        const investigators = clients.map(
          (client) =>
            client.investigations.find((link) => link.investigationId === investigationId)?.investigatorId,
        );
        return {
          namesCaller: investigators.every(
            (staffId) => staffId !== undefined && namesCaller(context, staffId),
          ),
          clients: await Promise.all(clients.slice(1).map((client) => context.access.relationTo(client))),
        };
      },
      validate: async (args, context) => {
        validate.text(['investigationId'], String(args.investigationId), { max: 100 });
        const clients = await namedClients(args, context);
        const links = clients.map((client) => linkOn(client, String(args.investigationId)));
        // Closed already: no second closing is recorded.
        if (links.every((link) => link.status === 'CLOSED')) {
          throw new ConfideError(ErrorCode.CONFLICT, 'The investigation is already closed.');
        }
      },
      record: (args) => ({ alsoSubjectIds: clientIdsOf(args).slice(1) }),
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (operation, args, context) => {
      const investigationId = String(args.investigationId);
      const clients = await namedClients(args, context);
      await context.services.serviceUsers.linkInvestigation(
        operation.scope,
        clients.map((client) => ({ client, link: { ...linkOn(client, investigationId), status: 'CLOSED' } })),
      );
      return investigationId;
    },
  }),
}));
