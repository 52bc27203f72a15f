import { badInput, ConfideError, ErrorCode, isIdOf, notFound, type OrgId, validate } from '@confide/domain';
import { type StaffMember, tenantScope } from '@confide/store';
import type { ConfideServices } from '../services';
import type { SignInAccounts } from './onboarding';

export interface InviteStaffInput {
  readonly organisationId: OrgId;
  readonly staffId: string;
  /** Where the user pool sends the invitation. Passed to the pool only: never stored, logged or answered. */
  readonly email: string;
}

/** The field a refused address is reported on, the same through the mutation and the provisioner event. */
export const INVITE_EMAIL_FIELD = ['input', 'email'] as const;

/**
 * Why an invitation is refused where there is no user pool (locally, and a provisioner without
 * `CONFIDE_USER_POOL_ID`): `BAD_USER_INPUT` with `extensions.unavailable: "userPool"`, the shape decision 0009 uses
 * for refusals that are not about one argument's value. Locally the issuer signs staff in by their generated
 * subject, so there is nothing to invite them to.
 */
export function noUserPool(): ConfideError {
  return new ConfideError(
    ErrorCode.BAD_USER_INPUT,
    'Sign-in invitations need a user pool, and this deployment has none: locally, staff sign in through the local issuer with their generated subject.',
    { details: { unavailable: 'userPool' } },
  );
}

/**
 * Whether a staff member's subject is still the one `addStaff` generated (`sub_…`), i.e. no sign-in user is linked.
 * A Cognito `sub` is a UUID and never has that form.
 */
export function hasGeneratedSubject(staff: StaffMember): boolean {
  return isIdOf('subject', staff.externalSubject);
}

/** The refusals the api checks before invoking the provisioner, and the provisioner checks again. */
export function refuseUninvitable(staff: StaffMember): void {
  if (staff.status !== 'ACTIVE') {
    throw new ConfideError(ErrorCode.CONFLICT, 'The staff member is deactivated: reactivate them first.');
  }
  if (!hasGeneratedSubject(staff)) {
    throw new ConfideError(ErrorCode.CONFLICT, 'The staff member already has a sign-in user.');
  }
}

/**
 * Invites a staff member added with `addStaffMember` to sign in (decision 0021), in the provisioner: creates their
 * Cognito user (the address as username and `email`, `email_verified`, `custom:org_id`; Cognito emails the
 * invitation), then moves their identity link from the generated subject to the user's `sub` in one transaction,
 * conditional on the old link still being in place. If that fails the user is disabled and the answer is `CONFLICT`.
 * A staff member already linked to a sign-in user, or deactivated, is a `CONFLICT`; an address already in the pool
 * is a `CONFLICT` on `input.email`.
 */
export async function inviteStaff(
  services: ConfideServices,
  input: InviteStaffInput,
  signIns?: SignInAccounts,
): Promise<StaffMember> {
  if (!isIdOf('org', input.organisationId)) {
    throw badInput(['input', 'organisationId'], 'input.organisationId must be an organisation id (org_…).');
  }
  if (!isIdOf('staff', input.staffId)) {
    throw badInput(['input', 'staffId'], 'input.staffId must be a staff id (stf_…).');
  }
  const email = validate.email(INVITE_EMAIL_FIELD, input.email);
  if (!signIns) throw noUserPool();
  const organisation = await services.directory.organisation(input.organisationId);
  if (!organisation) throw notFound('Organisation');
  if (organisation.status !== 'ACTIVE') {
    throw new ConfideError(ErrorCode.CONFLICT, 'The organisation is offboarded.');
  }
  const scope = tenantScope(organisation.orgId);
  const staff = await services.directory.staff(scope, input.staffId);
  if (!staff) throw notFound('Staff member');
  refuseUninvitable(staff);

  const account = await signIns.create(organisation.orgId, staff.staffId, email, INVITE_EMAIL_FIELD);
  try {
    await services.directory.relinkStaffIdentity(
      scope,
      staff.staffId,
      staff.externalSubject,
      account.subject,
    );
  } catch (error) {
    // The user is invited but linked to no one: disable it, so that the invitation signs no one in.
    await signIns.disable(account.username).catch(() => undefined);
    throw error;
  }
  const linked = await services.directory.staff(scope, staff.staffId);
  if (!linked) throw notFound('Staff member');
  return linked;
}

/** The staff member whose sign-in user the provisioner disables or enables. */
export interface StaffSignInInput {
  readonly organisationId: OrgId;
  readonly staffId: string;
}

/**
 * Disables a deactivated staff member's sign-in user in the user pool, in the provisioner, by their subject (a
 * Cognito username in a pool that signs in by email, as offboarding disables them). Confide refuses a deactivated
 * account's tokens already; this stops the user pool issuing any, so that the sign-in itself ends with the employment
 * and an account put back in the table (decision 0030's rollback) still signs no one in. Only for a deactivated
 * member (CONFLICT otherwise: disabling an active member's user would lock them out with no way back through
 * Confide). Answers whether a user was disabled: false for a member never invited (no user) or one already gone.
 */
export async function disableStaffSignIn(
  services: ConfideServices,
  input: StaffSignInInput,
  signIns?: SignInAccounts,
): Promise<{ staff: StaffMember; disabled: boolean }> {
  const staff = await signInStaff(services, input);
  // Only a deactivated account's sign-in is ended: nothing here takes access from anyone still active, whoever asks
  // (an ORG_ADMIN, or an operator restoring the organisation's administration, decision 0109).
  if (staff.status !== 'DEACTIVATED') {
    throw new ConfideError(ErrorCode.CONFLICT, 'The staff member is active: deactivate them first.');
  }
  if (!signIns) throw noUserPool();
  if (hasGeneratedSubject(staff)) return { staff, disabled: false };
  return { staff, disabled: await signIns.disable(staff.externalSubject) };
}

/**
 * Enables a re-employed staff member's sign-in user again (decision 0129), disabled when their employment ended or
 * their account was deactivated. Only for an active account (CONFLICT otherwise: enabling a leaver's user would undo
 * decision 0102). Answers whether a user was enabled: false for a member never invited (no user) or one gone.
 */
export async function enableStaffSignIn(
  services: ConfideServices,
  input: StaffSignInInput,
  signIns?: SignInAccounts,
): Promise<{ staff: StaffMember; enabled: boolean }> {
  const staff = await signInStaff(services, input);
  if (staff.status !== 'ACTIVE') {
    throw new ConfideError(ErrorCode.CONFLICT, 'The staff member is deactivated: re-employ them first.');
  }
  if (!signIns) throw noUserPool();
  if (hasGeneratedSubject(staff)) return { staff, enabled: false };
  return { staff, enabled: await signIns.enable(staff.externalSubject) };
}

/** The staff member a sign-in request names, its ids checked first. */
async function signInStaff(services: ConfideServices, input: StaffSignInInput): Promise<StaffMember> {
  if (!isIdOf('org', input.organisationId)) {
    throw badInput(['input', 'organisationId'], 'input.organisationId must be an organisation id (org_…).');
  }
  if (!isIdOf('staff', input.staffId)) {
    throw badInput(['input', 'staffId'], 'input.staffId must be a staff id (stf_…).');
  }
  const organisation = await services.directory.organisation(input.organisationId);
  if (!organisation) throw notFound('Organisation');
  const staff = await services.directory.staff(tenantScope(organisation.orgId), input.staffId);
  if (!staff) throw notFound('Staff member');
  return staff;
}
