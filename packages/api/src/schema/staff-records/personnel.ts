import { validate } from '@confide/domain';
import type { SealedPersonnelField } from '@confide/store';
import { builder } from '../../builder';
import { existingStaff, PersonnelRecordRef, personnelInContext, staffKey, subjectStaff } from './records';

// ── The personnel record ───────────────────────────────────────────────────────────────────────────────────

builder.queryFields((t) => ({
  personnelRecord: t.field({
    type: PersonnelRecordRef,
    nullable: true,
    description:
      'One staff member’s personnel record, for HR_OFFICER, SENIOR_MANAGER, CHIEF_EXECUTIVE and the staff member themself (Azure 5.1). Anyone else gets FORBIDDEN; audited either way.',
    args: { staffId: t.arg.id({ required: true, description: 'The staff member (global id).' }) },
    operation: {
      policy: 'staff-personal.read',
      subject: existingStaff((args) => args.staffId),
      change: () => ({ classification: 'STAFF_PERSONAL' }),
      // Each STAFF_PERSONAL field read is audited with the staff member as subject (staffPersonal).
      audit: 'fields',
    },
    resolve: async (operation, _args, context) =>
      personnelInContext(context, await subjectStaff(context, operation.subjectId)),
  }),
}));

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

/**
 * The checked values of a change, and which fields it writes: BAD_USER_INPUT (naming the field) before anything
 * is decided, audited or written.
 */
function personnelChange(input: typeof UpdatePersonnelRecordInput.$inferInput) {
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
  return { values, fields };
}

builder.mutationFields((t) => ({
  updatePersonnelRecord: t.field({
    type: PersonnelRecordRef,
    description:
      'Changes a staff member’s personnel record (HR_OFFICER; the staff member for their own contact details). Audited with the staff member as subject.',
    args: { input: t.arg({ type: UpdatePersonnelRecordInput, required: true }) },
    operation: {
      policy: 'staff-personal.write',
      subject: existingStaff((args) => args.input.staffId),
      change: ({ input }) => ({
        classification: 'STAFF_PERSONAL',
        fields: personnelChange(input).fields.map((field) => `PersonnelRecord.${field}`),
      }),
      audit: 'before',
    },
    resolve: async (operation, { input }, context) => {
      const { values } = personnelChange(input);
      const staff = await subjectStaff(context, operation.subjectId);
      const record = await context.services.personnelRecords.update(
        operation.scope,
        staff.staffId,
        await staffKey(context, staff),
        {
          values,
          updatedBy: operation.staff.staffId,
          expectedVersion: input.expectedVersion ?? undefined,
        },
      );
      return { staff, record };
    },
  }),
}));
