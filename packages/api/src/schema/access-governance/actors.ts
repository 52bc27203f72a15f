import type { StaffMember, StoredAuditEvent } from '@confide/store';
import { builder } from '../../builder';
import type { ConfideContext } from '../../context';
import { who } from '../../monitoring/plain-words';

/**
 * Who is behind an audited event, an alert or a break-glass review (issue 19): for the IG lead, the Caldicott
 * Guardian and a service's managers, who see these only within their reach (the reports' own policies), named in
 * words a person reads: display name, handle, role, and the plain words a person's own access list uses. The staff
 * member opens with `node(id: staffId)` or `staffMember(id:)` (policy `identity.staff.read`).
 */
export interface ActorView {
  readonly kind: string;
  /** The staff member's id, for STAFF actors. */
  readonly staffId: string | undefined;
  /** Roles at the time of the event; the account's current roles when there is no event. */
  readonly roles: readonly string[] | undefined;
  readonly event: StoredAuditEvent | undefined;
}

export const actorOfEvent = (event: StoredAuditEvent): ActorView => ({
  kind: event.actor.kind,
  staffId: event.actor.kind === 'STAFF' ? event.actor.id : undefined,
  roles: event.actor.roles,
  event,
});

export const actorOfStaff = (staffId: string): ActorView => ({
  kind: 'STAFF',
  staffId,
  roles: undefined,
  event: undefined,
});

/** One read of each staff item per request, however many events name it. */
const staffReads = new WeakMap<ConfideContext, Map<string, Promise<StaffMember | undefined>>>();

function staffOf(context: ConfideContext, staffId: string): Promise<StaffMember | undefined> {
  let reads = staffReads.get(context);
  if (!reads) {
    reads = new Map();
    staffReads.set(context, reads);
  }
  let read = reads.get(staffId);
  if (!read) {
    read = context.services.directory.staff(context.access.scope, staffId).catch(() => undefined);
    reads.set(staffId, read);
  }
  return read;
}

export const AccessActorRef = builder.objectRef<ActorView>('AccessActor');
AccessActorRef.implement({
  description:
    'Who acted, in words: the staff member’s name, handle and role (null for a person acting on their own record or an outside organisation). Shown only where the report itself may be read.',
  fields: (t) => ({
    kind: t.string({ description: 'STAFF, SERVICE_USER or PARTNER.', resolve: (a) => a.kind }),
    staffId: t.globalID({
      nullable: true,
      description: 'The staff member (global id of a StaffMember; open it with `node` or `staffMember`).',
      resolve: (a) => (a.staffId ? { type: 'StaffMember', id: a.staffId } : null),
    }),
    displayName: t.string({
      nullable: true,
      description:
        'The name colleagues see; null if not a staff member, or if it cannot be decrypted (erased).',
      resolve: async (a, _args, context) => {
        if (!a.staffId) return null;
        const staff = await staffOf(context, a.staffId);
        if (!staff) return null;
        const key = await context.access.loader.subjectKey(staff.orgId, staff.staffId);
        if (!key) return null;
        try {
          return staff.openDisplayName(key);
        } catch {
          return null;
        }
      },
    }),
    handle: t.string({
      nullable: true,
      description: 'Login handle; null if not a staff member.',
      resolve: async (a, _args, context) =>
        a.staffId ? ((await staffOf(context, a.staffId))?.handle ?? null) : null,
    }),
    roles: t.stringList({
      description: 'Roles at the time of the event (for an alert or a review: the account’s current roles).',
      resolve: async (a, _args, context) =>
        a.roles ? [...a.roles] : a.staffId ? [...((await staffOf(context, a.staffId))?.roles ?? [])] : [],
    }),
    who: t.string({
      nullable: true,
      description:
        'The actor in the plain words a person’s own access list (`myAccessLog`) uses, from their role and relationship at the time (“A support worker who supports you”); null where there is no event.',
      resolve: (a) => (a.event ? who(a.event) : null),
    }),
  }),
});
