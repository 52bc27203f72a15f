import { notFound } from '@confide/domain';
import type { SubjectKey } from '@confide/keys';
import type {
  PersonnelRecord,
  ReferencePermission,
  ReleasedReference,
  SealedPersonnelField,
  StaffMember,
} from '@confide/store';
import { mapPage } from '@confide/store';
import type { OperationSubject } from '../../access/operation-plugin';
import { staffPersonal } from '../../access/staff-personal';
import { builder } from '../../builder';
import { type ConfideContext, callerScope } from '../../context';
import { StaffMemberRef } from '../staff';
import { listPositions, storeConnection } from '../store-paging';
import { staffById } from '../subjects';

/**
 * Staff records (STAFF_PERSONAL, Azure 5.1): the personnel record, reference permissions and released
 * references, each field sealed under the staff member's own key and read through `staffPersonal`. Who may run
 * each operation is decided by the `staff-personal.*` policies in `@confide/access`.
 */

export interface PersonnelInContext {
  readonly staff: StaffMember;
  readonly record: PersonnelRecord | undefined;
}

export interface PermissionInContext {
  readonly staff: StaffMember;
  readonly permission: ReferencePermission;
}

export interface ReleaseInContext {
  readonly staff: StaffMember;
  readonly release: ReleasedReference;
}

const ofStaff = (parent: { staff: StaffMember }) => ({ staffId: parent.staff.staffId });

/** The staff member's data key for this request (batched); an erased staff member has none. */
export async function staffKey(context: ConfideContext, staff: StaffMember): Promise<SubjectKey> {
  const key = await context.access.loader.subjectKey(staff.orgId, staff.staffId);
  if (!key) throw notFound('Staff member');
  return key;
}

async function personnelField(
  parent: PersonnelInContext,
  field: SealedPersonnelField,
  context: ConfideContext,
) {
  if (!parent.record) return null;
  const key = await staffKey(context, parent.staff);
  return context.services.personnelRecords.openSealed(key, parent.record, field) ?? null;
}

const members = new WeakMap<ConfideContext, Map<string, Promise<StaffMember | undefined>>>();

/** A staff member of the caller's organisation, read once per request (the subject loader and the resolver). */
export function staffMember(context: ConfideContext, staffId: string): Promise<StaffMember | undefined> {
  let byId = members.get(context);
  if (!byId) {
    byId = new Map();
    members.set(context, byId);
  }
  let member = byId.get(staffId);
  if (!member) {
    member = context.services.directory.staff(callerScope(context), staffId);
    byId.set(staffId, member);
  }
  return member;
}

/** The subject of a staff record operation: a staff member of the organisation, else NOT_FOUND. */
export function existingStaff<Args>(pick: (args: Args) => string | number) {
  const byId = staffById(pick);
  return async (args: Args, context: ConfideContext): Promise<OperationSubject> => {
    const subject = byId(args);
    if (subject.kind !== 'STAFF' || !(await staffMember(context, subject.staffId))) {
      throw notFound('Staff member');
    }
    return subject;
  };
}

/** The staff member an allowed operation acts on (loaded by {@link existingStaff}). */
export async function subjectStaff(
  context: ConfideContext,
  staffId: string | undefined,
): Promise<StaffMember> {
  const staff = staffId === undefined ? undefined : await staffMember(context, staffId);
  if (!staff) throw notFound('Staff member');
  return staff;
}

// ── Types ──────────────────────────────────────────────────────────────────────────────────────────────────

export const ReferencePermissionRef = builder.objectRef<PermissionInContext>('ReferencePermission');
ReferencePermissionRef.implement({
  description:
    'A staff member’s expressed permission for a reference to be given to one recipient until a given time (STAFF_PERSONAL; Azure 5.1).',
  fields: (t) => ({
    id: t.string({
      ...staffPersonal(ofStaff),
      nullable: true,
      description: 'The permission.',
      resolve: (p) => p.permission.permissionId,
    }),
    recipient: t.string({
      ...staffPersonal(ofStaff),
      nullable: true,
      description: 'Who may receive the reference, e.g. a prospective employer or a lender.',
      resolve: async (p, _a, context) =>
        context.services.referencePermissions.openRecipient(await staffKey(context, p.staff), p.permission) ??
        null,
    }),
    expiresAt: t.field({
      ...staffPersonal(ofStaff),
      type: 'DateTime',
      nullable: true,
      description: 'Until when the permission runs.',
      resolve: (p) => p.permission.validUntil,
    }),
    grantedAt: t.field({
      ...staffPersonal(ofStaff),
      type: 'DateTime',
      nullable: true,
      description: 'When the staff member gave it.',
      resolve: (p) => p.permission.grantedAt,
    }),
    withdrawnAt: t.field({
      ...staffPersonal(ofStaff),
      type: 'DateTime',
      nullable: true,
      description:
        'When it was withdrawn, if it was: by the staff member, or by an HR officer recording their withdrawal.',
      resolve: (p) => p.permission.withdrawnAt ?? null,
    }),
    inForce: t.boolean({
      ...staffPersonal(ofStaff),
      nullable: true,
      description: 'Neither withdrawn nor expired: a reference may be released to this recipient now.',
      resolve: (p, _a, context) => context.services.referencePermissions.inForce(p.permission),
    }),
  }),
});

export const ReleasedReferenceRef = builder.objectRef<ReleaseInContext>('ReleasedReference');
ReleasedReferenceRef.implement({
  description:
    'A reference released about a staff member to a third party, under their permission: what, to whom, by whom, when (STAFF_PERSONAL; Azure 5.1).',
  fields: (t) => ({
    id: t.string({
      ...staffPersonal(ofStaff),
      nullable: true,
      description: 'The released reference.',
      resolve: (p) => p.release.referenceId,
    }),
    recipient: t.string({
      ...staffPersonal(ofStaff),
      nullable: true,
      description: 'Who received it.',
      resolve: async (p, _a, context) =>
        context.services.referencePermissions.openRecipient(await staffKey(context, p.staff), p.release) ??
        null,
    }),
    summary: t.string({
      ...staffPersonal(ofStaff),
      nullable: true,
      description: 'What was released.',
      resolve: async (p, _a, context) =>
        context.services.referencePermissions.openSummary(await staffKey(context, p.staff), p.release) ??
        null,
    }),
    permissionId: t.string({
      ...staffPersonal(ofStaff),
      nullable: true,
      description: 'The permission it was released under.',
      resolve: (p) => p.release.permissionId,
    }),
    releasedBy: t.globalID({
      ...staffPersonal(ofStaff),
      nullable: true,
      description: 'The HR officer who released it.',
      resolve: (p) => ({ type: 'StaffMember', id: p.release.releasedBy }),
    }),
    releasedAt: t.field({
      ...staffPersonal(ofStaff),
      type: 'DateTime',
      nullable: true,
      description: 'When it was released.',
      resolve: (p) => p.release.releasedAt,
    }),
  }),
});

export const PersonnelRecordRef = builder.objectRef<PersonnelInContext>('PersonnelRecord');
PersonnelRecordRef.implement({
  description:
    'A staff member’s personnel details (STAFF_PERSONAL), encrypted under their own key. Read only by HR_OFFICER, SENIOR_MANAGER, CHIEF_EXECUTIVE and the staff member themself (Azure 5.1); every read is audited with the staff member as subject. Fields are null until first recorded.',
  fields: (t) => ({
    homeAddress: t.string({
      ...staffPersonal(ofStaff),
      nullable: true,
      description: 'Home address.',
      resolve: (p, _a, c) => personnelField(p, 'homeAddress', c),
    }),
    personalPhone: t.string({
      ...staffPersonal(ofStaff),
      nullable: true,
      description: 'Personal phone number.',
      resolve: (p, _a, c) => personnelField(p, 'personalPhone', c),
    }),
    emergencyContact: t.string({
      ...staffPersonal(ofStaff),
      nullable: true,
      description: 'Who to contact in an emergency, and how.',
      resolve: (p, _a, c) => personnelField(p, 'emergencyContact', c),
    }),
    personnelNotes: t.string({
      ...staffPersonal(ofStaff),
      nullable: true,
      description: 'Notes of the personnel file, kept by HR.',
      resolve: (p, _a, c) => personnelField(p, 'personnelNotes', c),
    }),
    updatedAt: t.field({
      ...staffPersonal(ofStaff),
      type: 'DateTime',
      nullable: true,
      description: 'When last changed; null until first recorded.',
      resolve: (p) => p.record?.updatedAt ?? null,
    }),
    version: t.int({
      ...staffPersonal(ofStaff),
      nullable: true,
      description: 'For optimistic concurrency: pass as expectedVersion (0 before the first change).',
      resolve: (p) => p.record?.version ?? 0,
    }),
    referencePermissions: t.field({
      ...staffPersonal(ofStaff),
      type: [ReferencePermissionRef],
      nullable: true,
      description: 'Permissions the staff member gave for references, newest first.',
      deprecationReason:
        'A list that grows (issue 19): use `referencePermissionsConnection`, which pages with cursors.',
      resolve: async (p, _a, context) =>
        (await context.services.referencePermissions.list(callerScope(context), p.staff.staffId)).map(
          (permission) => ({ staff: p.staff, permission }),
        ),
    }),
    referencePermissionsConnection: t.connection({
      ...staffPersonal(ofStaff),
      type: ReferencePermissionRef,
      nullable: true,
      description:
        'Permissions the staff member gave for references, as a cursor connection paged in the store, in a stable order by permission id (not by date; each carries `grantedAt`).',
      resolve: (p, args, context) =>
        storeConnection(args, listPositions(context, 'referencePermissionsConnection'), async (page) =>
          mapPage(
            await context.services.referencePermissions.page(callerScope(context), p.staff.staffId, page),
            (permission) => ({ staff: p.staff, permission }),
          ),
        ),
    }),
    releasedReferences: t.field({
      ...staffPersonal(ofStaff),
      type: [ReleasedReferenceRef],
      nullable: true,
      description: 'References released about the staff member, newest first.',
      deprecationReason:
        'A list that grows (issue 19): use `releasedReferencesConnection`, which pages with cursors.',
      resolve: async (p, _a, context) =>
        (await context.services.referencePermissions.releases(callerScope(context), p.staff.staffId)).map(
          (release) => ({ staff: p.staff, release }),
        ),
    }),
    releasedReferencesConnection: t.connection({
      ...staffPersonal(ofStaff),
      type: ReleasedReferenceRef,
      nullable: true,
      description:
        'References released about the staff member, as a cursor connection paged in the store, in a stable order by release id (not by date; each carries `releasedAt`).',
      resolve: (p, args, context) =>
        storeConnection(args, listPositions(context, 'releasedReferencesConnection'), async (page) =>
          mapPage(
            await context.services.referencePermissions.releasesPage(
              callerScope(context),
              p.staff.staffId,
              page,
            ),
            (release) => ({ staff: p.staff, release }),
          ),
        ),
    }),
  }),
});

export async function personnelInContext(
  context: ConfideContext,
  staff: StaffMember,
): Promise<PersonnelInContext> {
  return {
    staff,
    record: await context.services.personnelRecords.get(
      callerScope(context),
      staff.staffId,
      context.access.loader,
    ),
  };
}

builder.objectFields(StaffMemberRef, (t) => ({
  personnelRecord: t.field({
    ...staffPersonal((staff: StaffMember) => ({ staffId: staff.staffId })),
    type: PersonnelRecordRef,
    nullable: true,
    description:
      'Personnel details (STAFF_PERSONAL): HR_OFFICER, SENIOR_MANAGER, CHIEF_EXECUTIVE and the staff member themself; FORBIDDEN for everyone else.',
    resolve: (staff, _args, context) => personnelInContext(context, staff),
  }),
}));
