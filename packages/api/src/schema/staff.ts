import {
  conflict,
  DEFAULT_RETENTION_RULES,
  forbidden,
  isExpired,
  isIdOf,
  notFound,
  type Role,
  validate,
} from '@confide/domain';
import type { StaffMember } from '@confide/store';
import { resolveArrayConnection } from '@pothos/plugin-relay';
import { builder } from '../builder';
import { authenticated, type ConfideContext, callerScope, hasRole, staffPrincipal } from '../context';
import { organisationProvisioning } from '../operations/provisioning';
import { INVITE_EMAIL_FIELD, noUserPool, refuseUninvitable } from '../operations/staff-invitations';
import { RoleEnum } from './vocabulary';

export const StaffMemberRef = builder.objectRef<StaffMember>('StaffMember');

const StaffStatusEnum = builder.enumType('StaffStatus', {
  description: 'DEACTIVATED staff are refused on every request from the moment of deactivation.',
  values: ['ACTIVE', 'DEACTIVATED'] as const,
});

/** Staff accounts are managed by ORG_ADMIN and HR; everyone sees their own. */
function mayManageStaff(context: ConfideContext): boolean {
  return hasRole(context, 'ORG_ADMIN') || hasRole(context, 'HR_OFFICER');
}

async function loadStaffInCallerOrg(context: ConfideContext, staffId: string): Promise<StaffMember> {
  const caller = staffPrincipal(context);
  if (!isIdOf('staff', staffId)) throw notFound('Staff member');
  if (caller.staffId !== staffId && !mayManageStaff(context)) throw notFound('Staff member');
  const staff = await context.services.directory.staff(callerScope(context), staffId);
  if (!staff) throw notFound('Staff member');
  return staff;
}

builder.node(StaffMemberRef, {
  description: 'A staff member’s account in one organisation. Roles are held here, never taken from tokens.',
  id: { resolve: (staff) => staff.staffId },
  loadOne: (id, context) => loadStaffInCallerOrg(context, id).catch(() => null),
  fields: (t) => ({
    handle: t.exposeString('handle', { description: 'Login handle, unique in the organisation.' }),
    displayName: t.string({
      nullable: true,
      description:
        'The name colleagues see. Null, with an error on this path only, if it cannot be decrypted (erased or tampered).',
      resolve: async (staff, _args, context) => {
        const key = await context.access.loader.subjectKey(staff.orgId, staff.staffId);
        if (!key) throw notFound('Staff member');
        return staff.openDisplayName(key);
      },
    }),
    roles: t.field({ type: [RoleEnum], resolve: (staff) => [...staff.roles], description: 'Roles held.' }),
    status: t.field({
      type: StaffStatusEnum,
      resolve: (staff) => staff.status,
      description: 'Account status.',
    }),
    version: t.exposeInt('version', { description: 'For optimistic concurrency: pass as expectedVersion.' }),
    createdAt: t.field({ type: 'DateTime', resolve: (staff) => staff.createdAt, description: 'When added.' }),
  }),
});

builder.queryFields((t) => ({
  staffMembers: t.connection({
    type: StaffMemberRef,
    description: 'The organisation’s staff accounts (ORG_ADMIN and HR_OFFICER).',
    authScopes: { $any: { role: 'ORG_ADMIN', $all: { role: 'HR_OFFICER' } } },
    resolve: async (_root, args, context) =>
      resolveArrayConnection({ args }, await context.services.directory.listStaff(callerScope(context))),
  }),
}));

const AddStaffMemberInput = builder.inputType('AddStaffMemberInput', {
  description: 'A new staff account.',
  fields: (t) => ({
    handle: t.string({ required: true, description: 'Login handle, unique in the organisation.' }),
    displayName: t.string({ required: true, description: 'The name colleagues see (1–200 characters).' }),
    roles: t.field({ type: [RoleEnum], required: true, description: 'At least one role.' }),
  }),
});

const ChangeRolesInput = builder.inputType('ChangeRolesInput', {
  description: 'Roles to add to or remove from a staff member.',
  fields: (t) => ({
    staffId: t.globalID({ required: true, description: 'The staff member (global id).' }),
    roles: t.field({ type: [RoleEnum], required: true, description: 'The roles.' }),
    expectedVersion: t.int({
      required: false,
      description: 'Refuse with CONFLICT if the account changed since.',
    }),
  }),
});

const DeactivateStaffInput = builder.inputType('DeactivateStaffInput', {
  description: 'The staff member to deactivate.',
  fields: (t) => ({
    staffId: t.globalID({ required: true, description: 'The staff member (global id).' }),
    expectedVersion: t.int({
      required: false,
      description: 'Refuse with CONFLICT if the account changed since.',
    }),
  }),
});

const InviteStaffMemberInput = builder.inputType('InviteStaffMemberInput', {
  description: 'The staff member to invite to sign in, and where the invitation goes.',
  fields: (t) => ({
    staffId: t.globalID({ required: true, description: 'The staff member (global id).' }),
    email: t.string({
      required: true,
      description:
        'Their email address: the user pool emails the invitation and they sign in with it. Passed to the user pool only; never stored by Confide.',
    }),
  }),
});

function staffIdFrom(globalId: { typename: string; id: string }): string {
  if (globalId.typename !== 'StaffMember' || !isIdOf('staff', globalId.id)) throw notFound('Staff member');
  return globalId.id;
}

async function changeRoles(
  context: ConfideContext,
  input: { staffId: { typename: string; id: string }; roles: Role[]; expectedVersion?: number | null },
  change: (current: readonly Role[], given: readonly Role[]) => Role[],
): Promise<StaffMember> {
  const scope = callerScope(context);
  const staffId = staffIdFrom(input.staffId);
  const roles = validate.nonEmptyUnique(['input', 'roles'], input.roles);
  const current = await context.services.directory.staff(scope, staffId);
  if (!current) throw notFound('Staff member');
  const next = change(current.roles, roles);
  if (next.length === 0)
    throw forbidden('A staff member keeps at least one role; deactivate the account instead.');
  return context.services.directory.updateStaff(scope, staffId, {
    roles: next,
    expectedVersion: input.expectedVersion ?? current.version,
  });
}

builder.mutationFields((t) => ({
  addStaffMember: t.field({
    type: StaffMemberRef,
    description: 'Adds a staff account to the caller’s organisation (ORG_ADMIN).',
    authScopes: { role: 'ORG_ADMIN' },
    args: { input: t.arg({ type: AddStaffMemberInput, required: true }) },
    resolve: (_root, { input }, context) =>
      context.services.directory.addStaff(callerScope(context), {
        handle: validate.handle(['input', 'handle'], input.handle),
        displayName: validate.text(['input', 'displayName'], input.displayName, { max: 200 }),
        roles: validate.nonEmptyUnique(['input', 'roles'], input.roles),
      }),
  }),
  assignRoles: t.field({
    type: StaffMemberRef,
    description: 'Adds roles to a staff member (ORG_ADMIN).',
    authScopes: { role: 'ORG_ADMIN' },
    args: { input: t.arg({ type: ChangeRolesInput, required: true }) },
    resolve: (_root, { input }, context) =>
      changeRoles(context, input, (current, given) => [...new Set([...current, ...given])]),
  }),
  removeRoles: t.field({
    type: StaffMemberRef,
    description: 'Removes roles from a staff member (ORG_ADMIN).',
    authScopes: { role: 'ORG_ADMIN' },
    args: { input: t.arg({ type: ChangeRolesInput, required: true }) },
    resolve: (_root, { input }, context) =>
      changeRoles(context, input, (current, given) => current.filter((role) => !given.includes(role))),
  }),
  inviteStaffMember: t.field({
    type: StaffMemberRef,
    description:
      'Creates the staff member’s sign-in user in the user pool (which emails them an invitation) and links it to their account, replacing the subject they were given when added (ORG_ADMIN). CONFLICT if they already have a sign-in user or are deactivated, or (on `input.email`) if the address is in use. Where there is no user pool (a local stack) it is refused: BAD_USER_INPUT with `extensions.unavailable` = "userPool".',
    authScopes: { role: 'ORG_ADMIN' },
    args: { input: t.arg({ type: InviteStaffMemberInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const scope = callerScope(context);
      const staffId = staffIdFrom(input.staffId);
      const email = validate.email(INVITE_EMAIL_FIELD, input.email);
      const staff = await context.services.directory.staff(scope, staffId);
      if (!staff) throw notFound('Staff member');
      refuseUninvitable(staff);
      // Only the provisioner reaches the user pool; with none configured (locally) there is nothing to invite to.
      if (!context.services.config.provisioner) throw noUserPool();
      // Recorded before the invitation, which cannot be taken back: if the audit cannot be written, none is sent.
      await context.access.audit.recordBeforeChange({
        action: 'ADMIN',
        operation: 'inviteStaffMember',
        subjectId: staff.staffId,
        outcome: 'ALLOWED',
      });
      return organisationProvisioning(context.services).inviteStaff({
        organisationId: scope.orgId,
        staffId: staff.staffId,
        email,
      });
    },
  }),
  deactivateStaff: t.field({
    type: StaffMemberRef,
    description: 'Deactivates a staff account; its tokens are refused from this moment (ORG_ADMIN).',
    authScopes: { role: 'ORG_ADMIN' },
    args: { input: t.arg({ type: DeactivateStaffInput, required: true }) },
    resolve: (_root, { input }, context) =>
      context.services.directory.updateStaff(callerScope(context), staffIdFrom(input.staffId), {
        status: 'DEACTIVATED',
        ...(input.expectedVersion == null ? {} : { expectedVersion: input.expectedVersion }),
      }),
  }),
}));

// ── End of employment and retention (DATA-PROTECTION.md: staff records 6 years after employment ends) ────────

/** A staff member's employment end and schedule: pseudonymous facts only. */
export interface StaffEmployment {
  readonly staffId: string;
  readonly endedOn: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

export const StaffEmploymentRef = builder.objectRef<StaffEmployment>('StaffEmployment');
StaffEmploymentRef.implement({
  description:
    'When a staff member’s employment ended and when their records expire: their account, personnel record, reference permissions and releases, sign-in links and data key. Pseudonymous: no name or handle.',
  fields: (t) => ({
    staffMemberId: t.globalID({
      description: 'The staff member (pseudonymous id).',
      resolve: (employment) => ({ type: 'StaffMember', id: employment.staffId }),
    }),
    endedOn: t.string({
      description: 'The last day of employment (YYYY-MM-DD).',
      resolve: (employment) => employment.endedOn,
    }),
    expiresAt: t.field({
      type: 'DateTime',
      description:
        'When every record of the staff member expires (`staffYearsAfterEmployment` after that day).',
      resolve: (employment) => new Date(employment.expiresAt * 1000),
    }),
    expired: t.boolean({
      description:
        'Whether the records have already expired (an end of employment so long ago that the schedule had passed): nothing of the staff member can be read any more.',
      resolve: (employment, _args, context) => isExpired(employment.expiresAt, context.services.clock.now()),
    }),
  }),
});

builder.objectFields(StaffMemberRef, (t) => ({
  employment: t.field({
    type: StaffEmploymentRef,
    nullable: true,
    description: 'When employment ended and the records expire; null while employed.',
    resolve: async (staff, _args, context) => {
      const employment = await context.services.staffRetention.employment(
        callerScope(context),
        staff.staffId,
      );
      return employment?.endedOn && employment.expiresAt !== undefined
        ? { staffId: staff.staffId, endedOn: employment.endedOn, expiresAt: employment.expiresAt }
        : null;
    },
  }),
}));

const RecordEmploymentEndedInput = builder.inputType('RecordEmploymentEndedInput', {
  description: 'The staff member whose employment ended, and their last day.',
  fields: (t) => ({
    staffId: t.globalID({ required: true, description: 'The staff member (global id).' }),
    endedOn: t.string({
      required: true,
      description: 'The last day of employment, YYYY-MM-DD; not in the future.',
    }),
    expectedVersion: t.int({
      required: false,
      description: 'Refuse with CONFLICT if the account changed since.',
    }),
  }),
});

const RecordReemploymentInput = builder.inputType('RecordReemploymentInput', {
  description: 'The former staff member employed again.',
  fields: (t) => ({
    staffId: t.globalID({ required: true, description: 'The staff member (global id).' }),
    expectedVersion: t.int({
      required: false,
      description: 'Refuse with CONFLICT if the account changed since.',
    }),
  }),
});

/** The staff member an ORG_ADMIN acts on: in the organisation, not expired, not the caller themself. */
async function otherStaffMember(
  context: ConfideContext,
  input: { staffId: { typename: string; id: string }; expectedVersion?: number | null | undefined },
  ownMessage: string,
): Promise<StaffMember> {
  const staffId = staffIdFrom(input.staffId);
  const staff = await context.services.directory.staff(callerScope(context), staffId);
  if (!staff) throw notFound('Staff member');
  if (staff.staffId === staffPrincipal(context).staffId) throw forbidden(ownMessage);
  if (input.expectedVersion != null && input.expectedVersion !== staff.version) throw conflict();
  return staff;
}

builder.mutationFields((t) => ({
  recordEmploymentEnded: t.field({
    type: StaffEmploymentRef,
    description:
      'Records that a staff member’s employment ended (ORG_ADMIN): their account is deactivated, and every record of theirs is scheduled to expire `staffYearsAfterEmployment` after their last day (at once if that has passed). Recording again corrects the date. Audited.',
    authScopes: { role: 'ORG_ADMIN' },
    args: { input: t.arg({ type: RecordEmploymentEndedInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const endedOn = validate.pastDate(['input', 'endedOn'], input.endedOn, context.services.clock.now());
      const staff = await otherStaffMember(
        context,
        input,
        'Another administrator records the end of your own employment.',
      );
      const scope = callerScope(context);
      // Recorded before the change: if the audit cannot be written, nothing is changed.
      await context.access.audit.recordBeforeChange({
        action: 'ADMIN',
        operation: 'recordEmploymentEnded',
        subjectId: staff.staffId,
        outcome: 'ALLOWED',
        rule: 'retention.staff-employment-ended',
      });
      // Access ends first: a failure part-way leaves an account that cannot sign in, never the reverse.
      const deactivated =
        staff.status === 'ACTIVE'
          ? await context.services.directory.updateStaff(scope, staff.staffId, {
              status: 'DEACTIVATED',
              expectedVersion: staff.version,
            })
          : staff;
      return context.services.staffRetention.recordEnded(scope, deactivated, {
        endedOn,
        recordedBy: staffPrincipal(context).staffId,
        rules: authenticated(context).organisation?.retention ?? DEFAULT_RETENTION_RULES,
      });
    },
  }),
  recordReemployment: t.field({
    type: StaffMemberRef,
    description:
      'Records that a former staff member whose records have not yet expired is employed again (ORG_ADMIN): their records are no longer scheduled to expire and their account is active again. CONFLICT when their employment has not ended. Audited.',
    authScopes: { role: 'ORG_ADMIN' },
    args: { input: t.arg({ type: RecordReemploymentInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const staff = await otherStaffMember(
        context,
        input,
        'Another administrator records your own re-employment.',
      );
      const scope = callerScope(context);
      const employment = await context.services.staffRetention.employment(scope, staff.staffId);
      if (!employment?.endedOn) throw conflict('The staff member’s employment has not ended.');
      await context.access.audit.recordBeforeChange({
        action: 'ADMIN',
        operation: 'recordReemployment',
        subjectId: staff.staffId,
        outcome: 'ALLOWED',
        rule: 'retention.staff-reemployed',
      });
      await context.services.staffRetention.recordReemployed(scope, staff, {
        recordedBy: staffPrincipal(context).staffId,
      });
      return context.services.directory.updateStaff(scope, staff.staffId, { status: 'ACTIVE' });
    },
  }),
}));
