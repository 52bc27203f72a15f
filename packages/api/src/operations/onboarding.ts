import {
  type AccessPreset,
  badInput,
  ConfideError,
  ErrorCode,
  newId,
  newOrgId,
  notFound,
  type OrgId,
  toEpochSeconds,
  validate,
} from '@confide/domain';
import { type Organisation, type StaffMember, tenantScope } from '@confide/store';
import type { ConfideServices } from '../services';

export interface OnboardOrganisationInput {
  readonly name: string;
  readonly slug: string;
  readonly preset: AccessPreset;
  readonly dataProcessingAgreement?: string | null;
  readonly firstAdmin: FoundingAdmin;
  /**
   * A second ORG_ADMIN from the start. One admin alone gives no role that opens client content nor ORG_ADMIN
   * (decision 0081): an organisation onboarded with one admin has nobody to approve them until it has two.
   */
  readonly secondAdmin?: FoundingAdmin | null;
}

export interface FoundingAdmin {
  readonly handle: string;
  readonly displayName: string;
  /** Where the user pool sends the invitation; required where staff sign in through one (decision 0021). */
  readonly email?: string | null;
}

/**
 * The user pool staff sign in through (Cognito in AWS), as the provisioner reaches it: the api never does (its
 * bundle carries no Cognito client, its role no Cognito rights). Decision 0021.
 */
export interface SignInAccounts {
  /**
   * Creates an organisation's user, invited by email, and answers the subject (`sub`) its tokens will carry and
   * its username. Refusals (the address is taken or malformed) are `ConfideError`s naming `field`.
   */
  create(
    orgId: OrgId,
    staffId: string,
    email: string,
    field: readonly string[],
  ): Promise<{ readonly subject: string; readonly username: string }>;
  /** Disables a user; false when there is no such user. */
  disable(username: string): Promise<boolean>;
  /** Enables a user again (a re-employed member's, decision 0129); false when there is no such user. */
  enable(username: string): Promise<boolean>;
}

/**
 * Onboards a charity: its own KMS key (tagged, with a policy that confines the api to its encryption
 * context), alias, first branch key, beacon key, the organisation item and its founding ORG_ADMIN (or two).
 * Shared by the operator mutation and the CLI. If a step after key creation fails, the key is scheduled for
 * deletion so no orphan key lingers.
 */
export async function onboardOrganisation(
  services: ConfideServices,
  input: OnboardOrganisationInput,
  signIns?: SignInAccounts,
): Promise<{ organisation: Organisation; firstAdmin: StaffMember; secondAdmin?: StaffMember }> {
  const name = validate.text(['input', 'name'], input.name, { max: 200 });
  const slug = validate.slug(['input', 'slug'], input.slug);
  const dpa =
    input.dataProcessingAgreement == null
      ? undefined
      : validate.text(['input', 'dataProcessingAgreement'], input.dataProcessingAgreement, { max: 200 });
  const first = foundingAdmin(input.firstAdmin, 'firstAdmin', signIns !== undefined);
  const second = input.secondAdmin
    ? foundingAdmin(input.secondAdmin, 'secondAdmin', signIns !== undefined)
    : undefined;
  if (second && second.handle === first.handle) {
    throw badInput(['input', 'secondAdmin', 'handle'], 'The two admins need different handles.');
  }
  if (await services.directory.organisationIdBySlug(slug)) {
    throw new ConfideError(ErrorCode.CONFLICT, 'That slug is already in use.', { field: ['input', 'slug'] });
  }

  const orgId = newOrgId();
  const firstId = newId('staff');
  const secondId = newId('staff');
  // The users first: a refusal (address taken) then leaves nothing behind. Each `sub` is its admin's subject.
  const subjects = new Map<string, string>();
  const usernames: string[] = [];
  const disableAccounts = () =>
    Promise.all(usernames.map((username) => signIns?.disable(username).catch(() => undefined)));
  try {
    const founding = [{ staffId: firstId, admin: first }];
    if (second) founding.push({ staffId: secondId, admin: second });
    for (const { staffId, admin } of founding) {
      if (!signIns || !admin.email) continue;
      const account = await signIns.create(orgId, staffId, admin.email, admin.emailField);
      usernames.push(account.username);
      subjects.set(staffId, account.subject);
    }
  } catch (error) {
    await disableAccounts();
    throw error;
  }
  const newAdmin = (staffId: string, admin: { handle: string; displayName: string }) => {
    const externalSubject = subjects.get(staffId);
    return {
      staffId,
      handle: admin.handle,
      displayName: admin.displayName,
      roles: ['ORG_ADMIN' as const],
      ...(externalSubject ? { externalSubject } : {}),
    };
  };
  let keyArn: string;
  let alias: string;
  try {
    ({ keyArn, alias } = await services.organisationKeys.create(orgId));
  } catch (error) {
    await disableAccounts();
    throw error;
  }
  try {
    await services.keys.createBranchKey(orgId, keyArn);
    await services.keys.createBeaconKey(orgId);
    // The organisation and its founding admins together: a fault leaves none, and the slug free for a retry.
    return await services.directory.createOrganisation(
      {
        orgId,
        name,
        slug,
        preset: input.preset,
        kmsKeyArn: keyArn,
        keyAlias: alias,
        ...(dpa ? { dataProcessingAgreement: dpa } : {}),
      },
      newAdmin(firstId, first),
      second ? newAdmin(secondId, second) : undefined,
    );
  } catch (error) {
    await disableAccounts();
    await services.organisationKeys.scheduleDeletion(keyArn, 7).catch(() => undefined);
    throw error;
  }
}

/** A founding admin's fields, validated; `email` is required where staff sign in through a user pool. */
function foundingAdmin(
  admin: FoundingAdmin,
  which: 'firstAdmin' | 'secondAdmin',
  emailRequired: boolean,
): { handle: string; displayName: string; email: string | undefined; emailField: string[] } {
  const field = ['input', which];
  const emailField = [...field, 'email'];
  const email = admin.email == null ? undefined : validate.email(emailField, admin.email);
  if (emailRequired && !email) {
    throw badInput(
      emailField,
      `The ${which === 'firstAdmin' ? 'first' : 'second'} admin’s email address is required: the user pool invites them by email.`,
    );
  }
  return {
    handle: validate.handle([...field, 'handle'], admin.handle),
    displayName: validate.text([...field, 'displayName'], admin.displayName, { max: 200 }),
    email,
    emailField,
  };
}

export const DEFAULT_KEY_DELETION_WINDOW_DAYS = 30;

/**
 * Offboards an organisation: it is marked offboarded first, so that from that moment every token of it is refused
 * (authentication checks the status on every request); then cached keys are dropped and its KMS key is scheduled for
 * deletion, after which nothing of it can be decrypted anywhere, backups included; the deletion date recorded last
 * completes it. A fault after the mark leaves the offboarding unfinished (offboarded, no deletion date): run again, it
 * goes on from the key's scheduling (a key already pending deletion keeps its date).
 */
export async function offboardOrganisation(
  services: ConfideServices,
  orgId: OrgId,
  pendingWindowInDays: number = DEFAULT_KEY_DELETION_WINDOW_DAYS,
): Promise<Organisation> {
  const days = validate.integerInRange(['input', 'pendingWindowInDays'], pendingWindowInDays, 7, 30);
  const organisation = await services.directory.organisation(orgId);
  if (!organisation) throw notFound('Organisation');
  if (organisation.status === 'OFFBOARDED' && !offboardingUnfinished(organisation)) {
    throw new ConfideError(ErrorCode.CONFLICT, 'The organisation is already offboarded.');
  }
  if (organisation.status === 'ACTIVE') {
    // The sign-in users to delete once the key is (decision 0132), noted while every account still names its own:
    // kept a year past the longest deletion window, the sweep has long taken them by then.
    const noteExpiresAt = toEpochSeconds(services.clock.now()) + (30 + 365) * 24 * 60 * 60;
    await services.directory.noteSignInsToDelete(tenantScope(orgId), noteExpiresAt);
    await services.directory.markOffboarded(orgId);
  }
  services.keys.forgetOrganisation(orgId);
  const deletionDate = await services.organisationKeys.scheduleDeletion(organisation.kmsKeyArn, days);
  return services.directory.recordKeyDeletion(orgId, deletionDate);
}

/** An offboarding a fault stopped after the organisation was marked and before its key's deletion date was recorded. */
export function offboardingUnfinished(organisation: Organisation): boolean {
  return organisation.status === 'OFFBOARDED' && organisation.keyDeletionDate === undefined;
}
