import { ConfideError, conflict, ErrorCode, isIdOf, notFound, validate } from '@confide/domain';
import { builder } from '../../builder';
import type { ConfideContext } from '../../context';
import { oncePerRequest } from '../access-governance/shared';
import {
  existingStaff,
  ReferencePermissionRef,
  ReleasedReferenceRef,
  staffKey,
  subjectStaff,
} from './records';

// ── References about staff (Azure 5.1) ────────────────────────────────────────────────────────────────────
// A reference about a staff member for a third party needs that staff member's own recorded permission for
// that recipient, in force now; only they give it, they or an HR officer on their word withdraw it, and HR officers
// release references.

/** The longest a reference permission may run: a permission is for a reference being asked for now. */
const MAX_PERMISSION_DAYS = 365;

/** The checked recipient and expiry of a permission (BAD_USER_INPUT before anything is decided or written). */
function permissionChange(args: { recipient: string; expiresAt: Date }, context: ConfideContext) {
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
  return { recipient, validUntil: args.expiresAt };
}

/** The checked recipient and summary of a release. */
function releaseChange(args: { recipient: string; summary: string }) {
  return {
    recipient: validate.text(['recipient'], args.recipient, { max: 200 }),
    summary: validate.text(['summary'], args.summary, { max: 5000, multiline: true }),
  };
}

/**
 * The staff member's permission in force for this recipient, with their key, read once a request (the check before
 * the audit event and the release share it); CONSENT_REQUIRED when there is none.
 */
function permissionToRelease(context: ConfideContext, staffId: string, release: { recipient: string }) {
  return oncePerRequest(context, `reference-permission:${staffId}:${release.recipient}`, async () => {
    const staff = await subjectStaff(context, staffId);
    const key = await staffKey(context, staff);
    const permission = await context.services.referencePermissions.permissionFor(
      context.access.scope,
      staff.staffId,
      key,
      release.recipient,
    );
    if (!permission) {
      throw new ConfideError(
        ErrorCode.CONSENT_REQUIRED,
        'No reference may be given without the staff member’s permission for this recipient (Azure 5.1).',
      );
    }
    return { key, permission };
  });
}

builder.mutationFields((t) => ({
  recordReferencePermission: t.field({
    type: ReferencePermissionRef,
    description:
      'The staff member themself permits a reference to be given to one recipient until `expiresAt` (at most a year ahead). Without one, releaseReference is refused (Azure 5.1). Audited.',
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
    operation: {
      policy: 'staff-personal.reference-permission',
      subject: existingStaff((args) => args.staffId),
      change: (args, context) => {
        permissionChange(args, context);
        return { classification: 'STAFF_PERSONAL' };
      },
      audit: 'before',
    },
    resolve: async (operation, args, context) => {
      const staff = await subjectStaff(context, operation.subjectId);
      const permission = await context.services.referencePermissions.grant(
        operation.scope,
        staff.staffId,
        await staffKey(context, staff),
        permissionChange(args, context),
      );
      return { staff, permission };
    },
  }),
  withdrawReferencePermission: t.field({
    type: ReferencePermissionRef,
    description:
      'Withdraws a reference permission; releases under it are refused from now on. The staff member themself, or an HR_OFFICER recording a withdrawal the staff member gave them (a leaver can no longer sign in). Audited.',
    args: {
      staffId: t.arg.id({ required: true, description: 'The staff member whose permission it is.' }),
      permissionId: t.arg.string({ required: true, description: 'The permission.' }),
    },
    operation: {
      policy: 'staff-personal.reference-permission-withdraw',
      subject: async (args, context) => {
        if (!isIdOf('referencePermission', args.permissionId)) throw notFound('Reference permission');
        return existingStaff((given: typeof args) => given.staffId)(args, context);
      },
      change: () => ({ classification: 'STAFF_PERSONAL' }),
      // A permission the staff member never gave, or has withdrawn, records no withdrawal.
      validate: async (args, context, subject) => {
        const staffId = subject.kind === 'STAFF' ? subject.staffId : undefined;
        const permission =
          staffId &&
          (await context.services.referencePermissions.get(context.access.scope, staffId, args.permissionId));
        if (!permission) throw notFound('Reference permission');
        if (permission.withdrawnAt) throw conflict('The permission is already withdrawn.');
      },
      audit: 'before',
    },
    resolve: async (operation, args, context) => {
      const staff = await subjectStaff(context, operation.subjectId);
      const permission = await context.services.referencePermissions.withdraw(
        operation.scope,
        staff.staffId,
        args.permissionId,
      );
      return { staff, permission };
    },
  }),
  releaseReference: t.field({
    type: ReleasedReferenceRef,
    description:
      'Releases a reference about a staff member to a third party (HR_OFFICER; never about themself: FORBIDDEN). Refused with CONSENT_REQUIRED unless the staff member has given a permission for that recipient that is in force now (Azure 5.1). Recorded and audited.',
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
    operation: {
      policy: 'staff-personal.reference-release',
      subject: existingStaff((args) => args.staffId),
      change: (args) => {
        releaseChange(args);
        return { classification: 'STAFF_PERSONAL' };
      },
      // Without the staff member's permission nothing is released, and no release is recorded: the plugin records
      // the refusal (CONSENT_REQUIRED) against them.
      validate: async (args, context, subject) => {
        if (subject.kind === 'STAFF')
          await permissionToRelease(context, subject.staffId, releaseChange(args));
      },
      audit: 'before',
    },
    resolve: async (operation, args, context) => {
      const { recipient, summary } = releaseChange(args);
      const staff = await subjectStaff(context, operation.subjectId);
      const { key, permission } = await permissionToRelease(context, staff.staffId, { recipient });
      const release = await context.services.referencePermissions.recordRelease(
        operation.scope,
        staff.staffId,
        key,
        {
          permissionId: permission.permissionId,
          // Recorded as the staff member named the recipient in their permission.
          recipient: context.services.referencePermissions.openRecipient(key, permission) ?? recipient,
          summary,
          releasedBy: operation.staff.staffId,
        },
      );
      return { staff, release };
    },
  }),
}));
