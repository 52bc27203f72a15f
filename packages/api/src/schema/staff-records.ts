import { ConfideError, ErrorCode, forbidden, isIdOf, notFound, validate } from '@confide/domain';
import type { SubjectKey } from '@confide/keys';
import type {
  PersonnelRecord,
  ReferencePermission,
  ReleasedReference,
  SealedPersonnelField,
  StaffMember,
} from '@confide/store';
import { readRefusal } from '../access/request-access';
import { decideStaffPersonalWrite, staffPersonal, staffPersonalReadDecision } from '../access/staff-personal';
import { builder } from '../builder';
import { type ConfideContext, callerScope, staffPrincipal } from '../context';
import { localId } from './ids';
import { StaffMemberRef } from './staff';

/** The longest a reference permission may run: a permission is for a reference being asked for now. */
const MAX_PERMISSION_DAYS = 365;

interface PersonnelInContext {
  readonly staff: StaffMember;
  readonly record: PersonnelRecord | undefined;
}

interface PermissionInContext {
  readonly staff: StaffMember;
  readonly permission: ReferencePermission;
}

interface ReleaseInContext {
  readonly staff: StaffMember;
  readonly release: ReleasedReference;
}

const ofStaff = (parent: { staff: StaffMember }) => ({ staffId: parent.staff.staffId });

/** The staff member's data key for this request (batched); an erased staff member has none. */
async function staffKey(context: ConfideContext, staff: StaffMember): Promise<SubjectKey> {
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

async function staffInOrganisation(context: ConfideContext, globalId: string | number): Promise<StaffMember> {
  const staffId = localId(globalId, 'StaffMember', 'staff', 'Staff member');
  const staff = await context.services.directory.staff(callerScope(context), staffId);
  if (!staff) throw notFound('Staff member');
  return staff;
}

interface RefusalBasis {
  readonly effect: 'FORBIDDEN' | 'POLICY_NOT_ACKNOWLEDGED';
  readonly rule: string;
}

/** Audits a refused change to a staff record and throws the matching error. */
function refuse(
  context: ConfideContext,
  operation: string,
  staffId: string,
  decision: RefusalBasis,
  message: string,
): never {
  context.access.audit.record({
    action: 'DENIED',
    operation,
    subjectId: staffId,
    classification: 'STAFF_PERSONAL',
    outcome: decision.effect,
    rule: decision.rule,
  });
  if (decision.effect === 'POLICY_NOT_ACKNOWLEDGED') {
    throw readRefusal({ effect: 'POLICY_NOT_ACKNOWLEDGED', rule: 'policy.acknowledgement' }, operation);
  }
  throw forbidden(message);
}

// ── Types ──────────────────────────────────────────────────────────────────────────────────────────────────

const ReferencePermissionRef = builder.objectRef<PermissionInContext>('ReferencePermission');
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
      description: 'When the staff member withdrew it, if they did.',
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

const ReleasedReferenceRef = builder.objectRef<ReleaseInContext>('ReleasedReference');
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

const PersonnelRecordRef = builder.objectRef<PersonnelInContext>('PersonnelRecord');
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
      resolve: async (p, _a, context) =>
        (await context.services.referencePermissions.list(callerScope(context), p.staff.staffId)).map(
          (permission) => ({ staff: p.staff, permission }),
        ),
    }),
    releasedReferences: t.field({
      ...staffPersonal(ofStaff),
      type: [ReleasedReferenceRef],
      nullable: true,
      description: 'References released about the staff member, newest first.',
      resolve: async (p, _a, context) =>
        (await context.services.referencePermissions.releases(callerScope(context), p.staff.staffId)).map(
          (release) => ({ staff: p.staff, release }),
        ),
    }),
  }),
});

async function personnelInContext(context: ConfideContext, staff: StaffMember): Promise<PersonnelInContext> {
  return { staff, record: await context.services.personnelRecords.get(callerScope(context), staff.staffId) };
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

builder.queryFields((t) => ({
  personnelRecord: t.field({
    type: PersonnelRecordRef,
    nullable: true,
    description:
      'One staff member’s personnel record, for HR_OFFICER, SENIOR_MANAGER, CHIEF_EXECUTIVE and the staff member themself (Azure 5.1). Anyone else gets FORBIDDEN; audited either way.',
    authScopes: { staff: true },
    args: { staffId: t.arg.id({ required: true, description: 'The staff member (global id).' }) },
    resolve: async (_root, args, context) => {
      const staff = await staffInOrganisation(context, args.staffId);
      const decision = staffPersonalReadDecision(context, staff.staffId);
      if (decision.effect !== 'ALLOW') {
        context.access.audit.record({
          action: 'DENIED',
          operation: 'personnelRecord',
          subjectId: staff.staffId,
          classification: 'STAFF_PERSONAL',
          outcome: decision.effect,
          rule: decision.rule,
        });
        throw readRefusal(decision, 'personnelRecord');
      }
      return personnelInContext(context, staff);
    },
  }),
}));

// ── Writes ─────────────────────────────────────────────────────────────────────────────────────────────────

const UpdatePersonnelRecordInput = builder.inputType('UpdatePersonnelRecordInput', {
  description:
    'Changes to a personnel record; fields left out (or null) stay as they are. HR_OFFICER changes any field of anyone else’s record; a staff member changes their own contact details (not personnel notes).',
  fields: (t) => ({
    staffId: t.id({ required: true, description: 'The staff member (global id).' }),
    homeAddress: t.string({ required: false, description: 'Home address (1–500 characters).' }),
    personalPhone: t.string({ required: false, description: 'Personal phone number.' }),
    emergencyContact: t.string({
      required: false,
      description: 'Emergency contact: name, relationship and phone (1–300 characters).',
    }),
    personnelNotes: t.string({
      required: false,
      description: 'Personnel file notes (HR_OFFICER only; 1–10000 characters).',
    }),
    expectedVersion: t.int({
      required: false,
      description: 'The version read (0 before the first change); a stale one gets CONFLICT.',
    }),
  }),
});

builder.mutationFields((t) => ({
  updatePersonnelRecord: t.field({
    type: PersonnelRecordRef,
    description:
      'Changes a staff member’s personnel record (HR_OFFICER; the staff member for their own contact details). Audited with the staff member as subject.',
    authScopes: { staff: true },
    args: { input: t.arg({ type: UpdatePersonnelRecordInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const staffId = localId(input.staffId, 'StaffMember', 'staff', 'Staff member');
      const at = (field: SealedPersonnelField) => ['input', field];
      const values: Partial<Record<SealedPersonnelField, string>> = {};
      if (input.homeAddress != null)
        values.homeAddress = validate.text(at('homeAddress'), input.homeAddress, {
          max: 500,
          multiline: true,
        });
      if (input.personalPhone != null)
        values.personalPhone = validate.phone(at('personalPhone'), input.personalPhone);
      if (input.emergencyContact != null)
        values.emergencyContact = validate.text(at('emergencyContact'), input.emergencyContact, { max: 300 });
      if (input.personnelNotes != null)
        values.personnelNotes = validate.text(at('personnelNotes'), input.personnelNotes, {
          max: 10_000,
          multiline: true,
        });
      const fields = Object.keys(values) as SealedPersonnelField[];
      if (fields.length === 0) {
        throw validate.badInputError(['input'], 'Give at least one field to change.');
      }
      if (input.expectedVersion != null && input.expectedVersion < 0) {
        throw validate.badInputError(['input', 'expectedVersion'], 'expectedVersion must not be negative.');
      }
      const decision = decideStaffPersonalWrite(context, staffId, fields);
      if (decision.effect !== 'ALLOW') {
        refuse(
          context,
          'updatePersonnelRecord',
          staffId,
          decision,
          decision.rule === 'staff-personal.own-personnel-notes'
            ? 'Personnel notes are kept by HR; you can change your own contact details.'
            : 'Only HR officers change personnel records (and each staff member their own contact details).',
        );
      }
      const staff = await staffInOrganisation(context, input.staffId);
      for (const field of fields) {
        context.access.audit.record({
          action: 'WRITE',
          operation: 'updatePersonnelRecord',
          subjectId: staff.staffId,
          field: `PersonnelRecord.${field}`,
          classification: 'STAFF_PERSONAL',
          relationship: decision.relationship,
          outcome: 'ALLOWED',
          rule: decision.rule,
        });
      }
      // Recorded before the change: if the audit cannot be written, nothing is changed.
      await context.access.audit.flush();
      const record = await context.services.personnelRecords.update(
        callerScope(context),
        staff.staffId,
        await staffKey(context, staff),
        {
          values,
          updatedBy: staffPrincipal(context).staffId,
          expectedVersion: input.expectedVersion ?? undefined,
        },
      );
      return { staff, record };
    },
  }),
  recordReferencePermission: t.field({
    type: ReferencePermissionRef,
    description:
      'The staff member themself permits a reference to be given to one recipient until `expiresAt` (at most a year ahead). Without one, releaseReference is refused (Azure 5.1). Audited.',
    authScopes: { staff: true },
    args: {
      staffId: t.arg.id({ required: true, description: 'The staff member giving permission: the caller.' }),
      recipient: t.arg.string({
        required: true,
        description: 'Who may receive the reference (1–200 characters).',
      }),
      expiresAt: t.arg({
        type: 'DateTime',
        required: true,
        description: 'Until when the permission runs: in the future, at most 365 days ahead.',
      }),
    },
    resolve: async (_root, args, context) => {
      const staffId = localId(args.staffId, 'StaffMember', 'staff', 'Staff member');
      const recipient = validate.text(['recipient'], args.recipient, { max: 200 });
      const now = context.services.clock.now().getTime();
      if (args.expiresAt.getTime() <= now) {
        throw validate.badInputError(['expiresAt'], 'A permission must run until a time in the future.');
      }
      if (args.expiresAt.getTime() - now > MAX_PERMISSION_DAYS * 86_400_000) {
        throw validate.badInputError(
          ['expiresAt'],
          `A permission runs for at most ${MAX_PERMISSION_DAYS} days; give a new one later.`,
        );
      }
      if (staffPrincipal(context).staffId !== staffId) {
        refuse(
          context,
          'recordReferencePermission',
          staffId,
          { effect: 'FORBIDDEN', rule: 'staff-personal.reference-permission-own-only' },
          'Only the staff member themself can permit a reference about them.',
        );
      }
      const staff = await staffInOrganisation(context, args.staffId);
      await context.access.audit.recordBeforeChange({
        action: 'WRITE',
        operation: 'recordReferencePermission',
        subjectId: staff.staffId,
        classification: 'STAFF_PERSONAL',
        relationship: 'SELF',
        outcome: 'ALLOWED',
        rule: 'staff-personal.reference-permission',
      });
      const permission = await context.services.referencePermissions.grant(
        callerScope(context),
        staff.staffId,
        await staffKey(context, staff),
        { recipient, validUntil: args.expiresAt },
      );
      return { staff, permission };
    },
  }),
  withdrawReferencePermission: t.field({
    type: ReferencePermissionRef,
    description:
      'The staff member themself withdraws a reference permission; releases under it are refused from now on. Audited.',
    authScopes: { staff: true },
    args: {
      staffId: t.arg.id({ required: true, description: 'The staff member: the caller.' }),
      permissionId: t.arg.string({ required: true, description: 'The permission.' }),
    },
    resolve: async (_root, args, context) => {
      const staffId = localId(args.staffId, 'StaffMember', 'staff', 'Staff member');
      if (!isIdOf('referencePermission', args.permissionId)) throw notFound('Reference permission');
      if (staffPrincipal(context).staffId !== staffId) {
        refuse(
          context,
          'withdrawReferencePermission',
          staffId,
          { effect: 'FORBIDDEN', rule: 'staff-personal.reference-permission-own-only' },
          'Only the staff member themself can withdraw their permission.',
        );
      }
      const staff = await staffInOrganisation(context, args.staffId);
      await context.access.audit.recordBeforeChange({
        action: 'WRITE',
        operation: 'withdrawReferencePermission',
        subjectId: staff.staffId,
        classification: 'STAFF_PERSONAL',
        relationship: 'SELF',
        outcome: 'ALLOWED',
        rule: 'staff-personal.reference-permission',
      });
      const permission = await context.services.referencePermissions.withdraw(
        callerScope(context),
        staff.staffId,
        args.permissionId,
      );
      return { staff, permission };
    },
  }),
  releaseReference: t.field({
    type: ReleasedReferenceRef,
    description:
      'Releases a reference about a staff member to a third party (HR_OFFICER). Refused with CONSENT_REQUIRED unless the staff member has given a permission for that recipient that is in force now (Azure 5.1). Recorded and audited.',
    authScopes: { staff: true },
    args: {
      staffId: t.arg.id({ required: true, description: 'The staff member the reference is about.' }),
      recipient: t.arg.string({
        required: true,
        description: 'Who receives it; matched to the permission ignoring case and spacing.',
      }),
      summary: t.arg.string({
        required: true,
        description: 'What is released (1–5000 characters), kept on the staff record.',
      }),
    },
    resolve: async (_root, args, context) => {
      const staffId = localId(args.staffId, 'StaffMember', 'staff', 'Staff member');
      const recipient = validate.text(['recipient'], args.recipient, { max: 200 });
      const summary = validate.text(['summary'], args.summary, { max: 5000, multiline: true });
      const caller = context.access.callerFacts();
      if (caller.kind !== 'STAFF' || !caller.roles.includes('HR_OFFICER')) {
        refuse(
          context,
          'releaseReference',
          staffId,
          { effect: 'FORBIDDEN', rule: 'staff-personal.reference-release-hr-only' },
          'References are released by HR officers.',
        );
      }
      if (!caller.acknowledgedPolicy) {
        refuse(
          context,
          'releaseReference',
          staffId,
          { effect: 'POLICY_NOT_ACKNOWLEDGED', rule: 'policy.acknowledgement' },
          'Acknowledge the current confidentiality policy first.',
        );
      }
      const staff = await staffInOrganisation(context, args.staffId);
      const scope = callerScope(context);
      const key = await staffKey(context, staff);
      const permission = await context.services.referencePermissions.permissionFor(
        scope,
        staff.staffId,
        key,
        recipient,
      );
      if (!permission) {
        context.access.audit.record({
          action: 'DENIED',
          operation: 'releaseReference',
          subjectId: staff.staffId,
          classification: 'STAFF_PERSONAL',
          outcome: ErrorCode.CONSENT_REQUIRED,
          rule: 'staff-personal.reference-permission',
        });
        throw new ConfideError(
          ErrorCode.CONSENT_REQUIRED,
          'No reference may be given without the staff member’s permission for this recipient (Azure 5.1).',
        );
      }
      await context.access.audit.recordBeforeChange({
        action: 'WRITE',
        operation: 'releaseReference',
        subjectId: staff.staffId,
        classification: 'STAFF_PERSONAL',
        relationship: 'ORG_WIDE',
        outcome: 'ALLOWED',
        rule: 'staff-personal.reference-release',
      });
      const release = await context.services.referencePermissions.recordRelease(scope, staff.staffId, key, {
        permissionId: permission.permissionId,
        // Recorded as the staff member named the recipient in their permission.
        recipient: context.services.referencePermissions.openRecipient(key, permission) ?? recipient,
        summary,
        releasedBy: staffPrincipal(context).staffId,
      });
      return { staff, release };
    },
  }),
}));
