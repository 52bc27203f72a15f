import {
  EMPLOYMENT_READERS,
  grantsApproverRole,
  grantsContentRole,
  STAFF_IN_MANAGED_SERVICE,
} from '@confide/access';
import {
  ConfideError,
  conflict,
  ErrorCode,
  forbidden,
  isExpired,
  isIdOf,
  newId,
  notFound,
  type RetentionRules,
  type Role,
  validate,
} from '@confide/domain';
import type { StaffMember, StaffSchedule, TenantScope } from '@confide/store';
import { resolveArrayConnection } from '@pothos/plugin-relay';
import type { Operation, OperationSubject } from '../access/operation-plugin';
import { staffPersonal } from '../access/staff-personal';
import { builder } from '../builder';
import { type ConfideContext, callerScope, hasRole, staffPrincipal } from '../context';
import { countFailedRestore } from '../metrics-errors';
import { organisationProvisioning } from '../operations/provisioning';
import {
  hasGeneratedSubject,
  INVITE_EMAIL_FIELD,
  noUserPool,
  refuseUninvitable,
} from '../operations/staff-invitations';
import { rulesOf, rulesReplacingThose } from '../use-cases/retention-schedule';
import { organisationTimeZone, organisationToday } from './monitoring/settings';
import { staffById } from './subjects';
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

/**
 * Whether the staff member manages or works in a service the caller manages: what lets a service manager open the
 * staff behind the events of their services (policy `identity.staff.read`).
 */
async function staffReadFacts(subject: OperationSubject, context: ConfideContext) {
  const manages = context.auth?.staff?.serviceLinks.manages;
  if (subject.kind !== 'STAFF' || !manages || manages.size === 0) return {};
  const target = await context.services.directory.staff(callerScope(context), subject.staffId);
  const links = target?.serviceLinks;
  const shared = [...(links?.manages ?? []), ...(links?.memberOf ?? [])].some((service) =>
    manages.has(service),
  );
  return shared ? { detail: STAFF_IN_MANAGED_SERVICE } : {};
}

builder.queryFields((t) => ({
  staffMember: t.field({
    type: StaffMemberRef,
    description:
      'One staff account by its global id: for ORG_ADMIN and HR_OFFICER; for IG_LEAD and CALDICOTT_GUARDIAN (to open the staff member behind an audited event); for a service manager, staff who manage or work in a service they manage; and for the staff member themself. NOT_FOUND to anyone else.',
    args: { id: t.arg.id({ required: true, description: 'The staff member (global id).' }) },
    // Handles and names of colleagues, not client data: no read event, like staffMembers (a refusal is recorded).
    operation: {
      policy: 'identity.staff.read',
      subject: staffById((args) => args.id),
      change: (_args, context, subject) => staffReadFacts(subject, context),
      audit: 'fields',
    },
    resolve: async (operation, _args, context) => {
      const staff = await context.services.directory.staff(operation.scope, operation.subjectId ?? '');
      if (!staff) throw notFound('Staff member');
      return staff;
    },
  }),
  staffMembers: t.connection({
    type: StaffMemberRef,
    description: 'The organisation’s staff accounts (ORG_ADMIN and HR_OFFICER).',
    // Handles and names of colleagues, not client data: no read event, as before (a refusal is recorded).
    operation: { policy: 'identity.staff.list', audit: 'fields' },
    resolve: async (operation, args, context) =>
      resolveArrayConnection({ args }, await context.services.directory.listStaff(operation.scope)),
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

/**
 * The staff member an operation acts on, who must exist in the caller's organisation (NOT_FOUND otherwise,
 * recorded as a refusal before anything is written).
 */
function existingStaff<Args>(pick: (args: Args) => { typename: string; id: string }) {
  const target = staffById(pick);
  return async (args: Args, context: ConfideContext): Promise<OperationSubject> => {
    const subject = target(args);
    if (subject.kind !== 'STAFF') throw notFound('Staff member');
    const scope = callerScope(context);
    if (!(await context.services.directory.staff(scope, subject.staffId))) throw notFound('Staff member');
    return subject;
  };
}

/** The staff member an operation acts on, once its subject loader has found them. */
async function subjectStaff(operation: Operation, context: ConfideContext): Promise<StaffMember> {
  const staff = await context.services.directory.staff(operation.scope, operation.subjectId ?? '');
  if (!staff) throw notFound('Staff member');
  return staff;
}

/**
 * An end of employment is dated under the rules its request read when it began. A change of the rules that ran
 * meanwhile did not see it (its loop reads the recorded ends), and would leave it under the rules it replaced: if the
 * organisation's rules are no longer those, it is dated again under the rules now in force, only while they still are.
 */
async function underTheRulesInForce(
  context: ConfideContext,
  scope: ReturnType<typeof callerScope>,
  schedule: StaffSchedule,
  rules: RetentionRules,
): Promise<StaffSchedule> {
  const { staffRetention } = context.services;
  const replaced = await rulesReplacingThose(context, scope, rules);
  if (!replaced) return schedule;
  const timeZone = await organisationTimeZone(context);
  await staffRetention.redate(scope, schedule.staffId, replaced.rules, timeZone, replaced.inForce);
  const employment = await staffRetention.employment(scope, schedule.staffId);
  return employment?.endedOn && employment.expiresAt !== undefined
    ? { staffId: schedule.staffId, endedOn: employment.endedOn, expiresAt: employment.expiresAt }
    : schedule;
}

/** The roles a change names, validated before anything happens (BAD_USER_INPUT changes nothing). */
const givenRoles = (roles: readonly Role[]): Role[] => validate.nonEmptyUnique(['input', 'roles'], roles);

/** The roles given or taken are named on the change's audit event: role names are not personal data. */
const rolesNamed = (args: { input: { roles: readonly Role[] } }) => ({
  fields: [...new Set(args.input.roles)],
});

/**
 * What a role grant means for the two-person rule: a role that opens client content, or ORG_ADMIN, whose holder
 * approves the others' proposals (decision 0081), waits for another ORG_ADMIN.
 */
const roleGrantFacts = (roles: readonly Role[]) => ({
  grantsContentRole: grantsContentRole(roles),
  grantsApproverRole: grantsApproverRole(roles),
});

const roleChange = {
  subject: existingStaff(
    (args: { input: { staffId: { typename: string; id: string } } }) => args.input.staffId,
  ),
  // A stale version is CONFLICT before anything is proposed or written (and again when an approved change runs).
  validate: async (
    args: { input: { roles: readonly Role[]; expectedVersion?: number | null | undefined } },
    context: ConfideContext,
    subject: OperationSubject,
  ) => {
    givenRoles(args.input.roles);
    await currentVersion(context, subject, args.input.expectedVersion);
  },
  record: rolesNamed,
  audit: 'before',
  action: 'ADMIN',
} as const;

async function changeRoles(
  operation: Operation,
  context: ConfideContext,
  input: { roles: Role[]; expectedVersion?: number | null },
  change: (current: readonly Role[], given: readonly Role[]) => Role[],
): Promise<StaffMember> {
  const current = await subjectStaff(operation, context);
  const next = change(current.roles, givenRoles(input.roles));
  if (next.length === 0)
    throw forbidden('A staff member keeps at least one role; deactivate the account instead.');
  return context.services.directory.updateStaff(
    operation.scope,
    current.staffId,
    { roles: next, expectedVersion: input.expectedVersion ?? current.version },
    stillAnAdmin(operation, context),
  );
}

/**
 * Written beside an admin's change to another account: the caller is still an active ORG_ADMIN, or the change is
 * refused (CONFLICT). Two admins acting on each other at once never leave the organisation without one (0104).
 */
const stillAnAdmin = (operation: Operation, context: ConfideContext) => [
  context.services.directory.whileActiveAdmin(operation.scope, operation.staff.staffId),
];

/**
 * A deactivated account has nothing left to deactivate, except the sign-in user of one invited to sign in, which a
 * failed user-pool call may have left enabled (decision 0102).
 */
function refuseDeactivated(staff: StaffMember): void {
  if (staff.status === 'DEACTIVATED' && hasGeneratedSubject(staff)) {
    throw conflict('The account is already deactivated.');
  }
}

/** The checks of a new account, made before it is proposed or created, so bad input changes nothing. */
async function newAccount(
  input: { handle: string; displayName: string; roles: Role[] },
  context: ConfideContext,
  check?: 'handle',
): Promise<{ handle: string; displayName: string; roles: Role[] }> {
  const account = {
    handle: validate.handle(['input', 'handle'], input.handle),
    displayName: validate.text(['input', 'displayName'], input.displayName, { max: 200 }),
    roles: givenRoles(input.roles),
  };
  // A taken handle is CONFLICT at once, not after a second person approved.
  if (check === 'handle') {
    if (await context.services.directory.staffByHandle(callerScope(context), account.handle)) {
      throw new ConfideError(ErrorCode.CONFLICT, 'That handle is already in use in this organisation.', {
        field: ['input', 'handle'],
      });
    }
  }
  return account;
}

builder.mutationFields((t) => ({
  addStaffMember: t.field({
    type: StaffMemberRef,
    description:
      'Adds a staff account to the caller’s organisation (ORG_ADMIN). An account with a role that opens client content (any but ORG_ADMIN and VOLUNTEER), or with ORG_ADMIN (an approver of the others’ changes), is created only when another ORG_ADMIN approves it: the call answers APPROVAL_REQUIRED with `extensions.approvalId` (see `approveChange`). Audited before it happens, naming the account and its roles.',
    args: { input: t.arg({ type: AddStaffMemberInput, required: true }) },
    operation: {
      policy: 'identity.staff.add',
      // The new account's id is chosen first, so the event written before it is created names it.
      subject: (_args, _context, proposed) => ({
        kind: 'STAFF',
        staffId:
          proposed?.subjectId && isIdOf('staff', proposed.subjectId) ? proposed.subjectId : newId('staff'),
      }),
      change: ({ input }) => roleGrantFacts(input.roles),
      validate: ({ input }, context) => newAccount(input, context, 'handle'),
      record: rolesNamed,
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (operation, { input }, context) =>
      context.services.directory.addStaff(operation.scope, {
        ...(await newAccount(input, context)),
        ...(operation.subjectId ? { staffId: operation.subjectId } : {}),
      }),
  }),
  assignRoles: t.field({
    type: StaffMemberRef,
    description:
      'Adds roles to another staff member (ORG_ADMIN; nobody changes their own roles). A role that opens client content (any but ORG_ADMIN and VOLUNTEER), or ORG_ADMIN (an approver of the others’ changes), takes effect only when another ORG_ADMIN, not the staff member concerned, approves it: the call answers APPROVAL_REQUIRED with `extensions.approvalId`. Audited before it happens, naming the staff member and the roles.',
    args: { input: t.arg({ type: ChangeRolesInput, required: true }) },
    operation: {
      policy: 'identity.roles.assign',
      change: ({ input }) => roleGrantFacts(input.roles),
      ...roleChange,
    },
    resolve: (operation, { input }, context) =>
      changeRoles(operation, context, input, (current, given) => [...new Set([...current, ...given])]),
  }),
  removeRoles: t.field({
    type: StaffMemberRef,
    description:
      'Removes roles from another staff member (ORG_ADMIN; nobody changes their own roles). Audited before it happens, naming the staff member and the roles.',
    args: { input: t.arg({ type: ChangeRolesInput, required: true }) },
    operation: {
      policy: 'identity.roles.remove',
      ...roleChange,
    },
    resolve: (operation, { input }, context) =>
      changeRoles(operation, context, input, (current, given) =>
        current.filter((role) => !given.includes(role)),
      ),
  }),
  inviteStaffMember: t.field({
    type: StaffMemberRef,
    description:
      'Creates the staff member’s sign-in user in the user pool (which emails them an invitation) and links it to their account, replacing the subject they were given when added (ORG_ADMIN). CONFLICT if they already have a sign-in user or are deactivated, or (on `input.email`) if the address is in use. Where there is no user pool (a local stack) it is refused: BAD_USER_INPUT with `extensions.unavailable` = "userPool".',
    args: { input: t.arg({ type: InviteStaffMemberInput, required: true }) },
    operation: {
      policy: 'identity.staff.invite',
      subject: existingStaff((args) => args.input.staffId),
      // Checked before the event, which is written before the invitation: an invitation cannot be taken back.
      validate: async ({ input }, context, subject) => {
        validate.email(INVITE_EMAIL_FIELD, input.email);
        const scope = callerScope(context);
        const staff =
          subject.kind === 'STAFF'
            ? await context.services.directory.staff(scope, subject.staffId)
            : undefined;
        if (staff) refuseUninvitable(staff);
        // Only the provisioner reaches the user pool; with none configured (locally) there is nothing to invite to.
        if (!context.services.config.provisioner) throw noUserPool();
      },
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (operation, { input }, context) => {
      const staff = await subjectStaff(operation, context);
      return organisationProvisioning(context.services).inviteStaff(
        {
          organisationId: operation.scope.orgId,
          staffId: staff.staffId,
          email: validate.email(INVITE_EMAIL_FIELD, input.email),
        },
        operation.principal,
      );
    },
  }),
  deactivateStaff: t.field({
    type: StaffMemberRef,
    description:
      'Deactivates another staff account; its tokens are refused from this moment, and its sign-in user, if it was invited, is disabled in the user pool (ORG_ADMIN; another administrator deactivates yours). For an account already deactivated: an invited one has its sign-in user disabled again (the way to finish a deactivation whose user-pool call failed); one never invited is CONFLICT. Audited before it happens.',
    args: { input: t.arg({ type: DeactivateStaffInput, required: true }) },
    operation: {
      policy: 'identity.staff.deactivate',
      subject: existingStaff((args) => args.input.staffId),
      audit: 'before',
      action: 'ADMIN',
      // Deactivating an account already deactivated changes nothing: CONFLICT, unless its sign-in user is left to
      // disable (below).
      validate: async (_args, context, subject) => {
        const staffId = subject.kind === 'STAFF' ? subject.staffId : '';
        const staff = await context.services.directory.staff(callerScope(context), staffId);
        if (staff) refuseDeactivated(staff);
      },
    },
    resolve: async (operation, { input }, context) => {
      const staff = await subjectStaff(operation, context);
      refuseDeactivated(staff);
      // The version read here guards against a concurrent deactivation as well as the caller's own.
      const deactivated =
        staff.status === 'DEACTIVATED'
          ? staff
          : await context.services.directory.updateStaff(
              operation.scope,
              staff.staffId,
              { status: 'DEACTIVATED', expectedVersion: input.expectedVersion ?? staff.version },
              stillAnAdmin(operation, context),
            );
      // Then the sign-in itself ends: the user pool issues the account no more tokens. Tokens are refused from the
      // write above already, so a fault here leaves the account deactivated and answers an error; deactivating it
      // again disables the user then (disabling a disabled user changes nothing).
      if (!hasGeneratedSubject(deactivated)) {
        await organisationProvisioning(context.services).disableStaffSignIn(
          { organisationId: operation.scope.orgId, staffId: staff.staffId },
          operation.principal,
        );
      }
      return deactivated;
    },
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
        'When every record of the staff member expires (`staffYearsAfterEmployment` after that day, and never sooner than 30 days after it was recorded).',
      resolve: (employment) => new Date(employment.expiresAt * 1000),
    }),
    expired: t.boolean({
      description:
        'Whether the records have already expired: nothing of the staff member can be read any more. An end of employment so long ago that its schedule had passed expires 30 days after it was recorded, not at once.',
      resolve: (employment, _args, context) => isExpired(employment.expiresAt, context.services.clock.now()),
    }),
  }),
});

builder.objectFields(StaffMemberRef, (t) => ({
  employment: t.field({
    // HR information: its readers are decided by the pure staff-record policy, every read and refusal audited.
    ...staffPersonal((staff: StaffMember) => ({ staffId: staff.staffId }), EMPLOYMENT_READERS),
    type: StaffEmploymentRef,
    nullable: true,
    description:
      'When employment ended and the records expire; null while employed. HR information: read by the staff member themself and by ORG_ADMIN, HR_OFFICER, SENIOR_MANAGER, CHIEF_EXECUTIVE and IG_LEAD (FORBIDDEN on this field for anyone else, such as a colleague reaching them through a service).',
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
      description:
        'The last day of employment, YYYY-MM-DD; not in the future: not after today in the organisation’s time zone.',
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

/**
 * Whether the staff member's employment has ended (a re-employment to record). An employment not ended is CONFLICT,
 * except for an active member who signs in through the user pool: asking again finishes a re-employment whose
 * enabling of the user failed (decision 0129), and enabling an active member's user changes nothing.
 */
async function refuseUnended(
  context: ConfideContext,
  scope: TenantScope,
  staff: StaffMember,
): Promise<boolean> {
  const employment = await context.services.staffRetention.employment(scope, staff.staffId);
  if (employment?.endedOn) return true;
  const enableAgain =
    staff.status === 'ACTIVE' &&
    !hasGeneratedSubject(staff) &&
    organisationProvisioning(context.services).signInThroughPool;
  if (!enableAgain) throw conflict('The staff member’s employment has not ended.');
  return false;
}

/** The staff member whose employment an ORG_ADMIN records, with the version they read. */
async function employee(
  operation: Operation,
  context: ConfideContext,
  expectedVersion: number | null | undefined,
): Promise<StaffMember> {
  const staff = await subjectStaff(operation, context);
  if (expectedVersion != null && expectedVersion !== staff.version) throw conflict();
  return staff;
}

/** The version check, made before the event is written so a stale call changes nothing and claims nothing. */
async function currentVersion(
  context: ConfideContext,
  subject: OperationSubject,
  expectedVersion: number | null | undefined,
): Promise<StaffMember | undefined> {
  if (subject.kind !== 'STAFF') return undefined;
  const scope = callerScope(context);
  const staff = await context.services.directory.staff(scope, subject.staffId);
  if (staff && expectedVersion != null && expectedVersion !== staff.version) throw conflict();
  return staff;
}

builder.mutationFields((t) => ({
  recordEmploymentEnded: t.field({
    type: StaffEmploymentRef,
    description:
      'Records that another staff member’s employment ended (ORG_ADMIN): their account is deactivated, and every record of theirs is scheduled to expire `staffYearsAfterEmployment` after their last day, or 30 days from now if that has passed (a correction window: nothing is deleted at once on one person’s word). Recording again corrects the date. CONFLICT when the account changed after it was read (a re-employment meanwhile): nothing is scheduled. Audited before it happens.',
    args: { input: t.arg({ type: RecordEmploymentEndedInput, required: true }) },
    operation: {
      policy: 'identity.employment.end',
      subject: existingStaff((args) => args.input.staffId),
      validate: async ({ input }, context, subject) => {
        validate.pastDate(['input', 'endedOn'], input.endedOn, await organisationToday(context));
        await currentVersion(context, subject, input.expectedVersion);
      },
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (operation, { input }, context) => {
      const endedOn = validate.pastDate(
        ['input', 'endedOn'],
        input.endedOn,
        await organisationToday(context),
      );
      const staff = await employee(operation, context, input.expectedVersion);
      const scope = operation.scope;
      // Access ends first: a failure part-way leaves an account that cannot sign in, never the reverse.
      const deactivated =
        staff.status === 'ACTIVE'
          ? await context.services.directory.updateStaff(
              scope,
              staff.staffId,
              { status: 'DEACTIVATED', expectedVersion: staff.version },
              stillAnAdmin(operation, context),
            )
          : staff;
      // Then their sign-in user is disabled, as deactivateStaff does (decision 0129, after 0102): a fault answers an
      // error before the schedule is written, and recording again finishes both.
      if (!hasGeneratedSubject(deactivated)) {
        await organisationProvisioning(context.services).disableStaffSignIn(
          { organisationId: scope.orgId, staffId: staff.staffId },
          operation.principal,
        );
      }
      const rules = rulesOf(context);
      const schedule = await context.services.staffRetention.recordEnded(scope, deactivated, {
        endedOn,
        recordedBy: operation.staff.staffId,
        rules,
        timeZone: await organisationTimeZone(context),
      });
      return underTheRulesInForce(context, scope, schedule, rules);
    },
  }),
  recordReemployment: t.field({
    type: StaffMemberRef,
    description:
      'Records that a former staff member whose records have not yet expired is employed again (ORG_ADMIN, for someone else): their records are no longer scheduled to expire and their account is active again, with the roles it holds. When one of those opens client content, or is ORG_ADMIN, it takes effect only when another ORG_ADMIN approves it: the call answers APPROVAL_REQUIRED with `extensions.approvalId`. In a deployed stage their sign-in user, disabled when the employment ended, is then enabled again (decision 0129); if that fails the answer is an error, the re-employment stands, and recording it again enables the user. CONFLICT when their employment has not ended (and, for an invited member in a deployed stage, the account is not active). Audited before it happens.',
    args: { input: t.arg({ type: RecordReemploymentInput, required: true }) },
    operation: {
      policy: 'identity.employment.resume',
      subject: existingStaff((args) => args.input.staffId),
      // The account comes back with the roles it holds: judged as a grant of them (two-person rule). An account already
      // active again (a retry that only enables its sign-in user, decision 0129) is given nothing.
      change: async (_args, context, subject) => {
        const staff =
          subject.kind === 'STAFF'
            ? await context.services.directory.staff(callerScope(context), subject.staffId)
            : undefined;
        return roleGrantFacts(staff && staff.status !== 'ACTIVE' ? staff.roles : []);
      },
      validate: async ({ input }, context, subject) => {
        const staff = await currentVersion(context, subject, input.expectedVersion);
        if (staff) await refuseUnended(context, callerScope(context), staff);
      },
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (operation, { input }, context) => {
      const staff = await employee(operation, context, input.expectedVersion);
      const ended = await refuseUnended(context, operation.scope, staff);
      let active = staff;
      if (ended) {
        const reemployment = await context.services.staffRetention.reemployment(operation.scope, staff, {
          recordedBy: operation.staff.staffId,
        });
        // The employment's record and the account's activation in one transaction: both or neither. Neither: the
        // items get back the date `reemployment` took off them (whatever the failure answered is this one's).
        try {
          active = await context.services.directory.updateStaff(
            operation.scope,
            staff.staffId,
            { status: 'ACTIVE' },
            [reemployment, ...stillAnAdmin(operation, context)],
          );
        } catch (error) {
          await context.services.staffRetention
            .restoreAfterFailedReemployment(operation.scope, staff)
            .catch((restoreError: unknown) =>
              countFailedRestore(
                'REEMPLOYMENT',
                { orgId: operation.scope.orgId, subjectId: staff.staffId },
                restoreError,
              ),
            );
          throw error;
        }
        await context.services.staffRetention.settleReemployment(operation.scope, staff);
      }
      // Then their sign-in user is enabled again (decision 0129). The account is active already, so a fault here leaves
      // it unable to sign in, never the reverse; recording the re-employment again enables the user then.
      if (!hasGeneratedSubject(active)) {
        await organisationProvisioning(context.services).enableStaffSignIn(
          { organisationId: operation.scope.orgId, staffId: staff.staffId },
          operation.principal,
        );
      }
      return active;
    },
  }),
}));
