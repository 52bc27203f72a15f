import { notFound } from '@confide/domain';
import type { Organisation } from '@confide/store';
import { resolveArrayConnection } from '@pothos/plugin-relay';
import type { OperationSubject } from '../../access/operation-plugin';
import { builder } from '../../builder';
import type { ConfideContext } from '../../context';
import { type OwnAccessEntry, ownAccessEntries, sentence } from '../../monitoring/plain-words';
import { OrganisationRef } from '../organisations';
import { periodArgs, periodOf } from './scope';

// ── The person's own view ────────────────────────────────────────────────────────────────────────────────

/** The person’s own view covers ten years unless narrowed. */
const OWN_VIEW_DEFAULT_DAYS = 3652;

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

/** The caller's own record: a person Confide holds records about (SELF). */
async function ownRecord(_args: unknown, context: ConfideContext): Promise<OperationSubject> {
  const principal = context.auth?.principal;
  if (principal?.kind !== 'SERVICE_USER') throw notFound('Service user');
  const client = await context.access.findClient(principal.serviceUserId);
  if (!client) throw notFound('Service user');
  return { kind: 'CLIENT', client };
}

builder.queryFields((t) => ({
  myAccessLog: t.connection({
    type: OwnAccessEntryRef,
    description:
      'For a person Confide holds records about (SELF): who accessed their record and why, newest first — by role and stated purpose, in plain words. Accesses under a safeguarding investigation that is still open are not listed.',
    args: periodArgs(t, OWN_VIEW_DEFAULT_DAYS),
    operation: { policy: 'monitoring.own-access-log', subject: ownRecord, audit: 'after' },
    resolve: async (operation, args, context) => {
      const scope = operation.scope;
      const client = operation.client;
      const organisation = context.auth?.organisation;
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
    args: {
      show: t.arg.boolean({ required: true, description: 'Show staff names.' }),
      expectedVersion: t.arg.int({ required: true, description: 'The organisation version read.' }),
    },
    operation: { policy: 'monitoring.staff-names', audit: 'before', action: 'ADMIN' },
    resolve: async (operation, args, context) => {
      const scope = operation.scope;
      await context.services.monitoring.setShowStaffNames(scope, args.show, args.expectedVersion);
      const organisation = await context.services.directory.organisation(scope.orgId);
      if (!organisation) throw notFound('Organisation');
      return organisation;
    },
  }),
}));
