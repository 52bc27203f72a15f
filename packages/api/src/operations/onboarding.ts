import {
  type AccessPreset,
  badInput,
  ConfideError,
  ErrorCode,
  newId,
  newOrgId,
  notFound,
  type OrgId,
  validate,
} from '@confide/domain';
import type { Organisation, StaffMember } from '@confide/store';
import type { ConfideServices } from '../services';

export interface OnboardOrganisationInput {
  readonly name: string;
  readonly slug: string;
  readonly preset: AccessPreset;
  readonly dataProcessingAgreement?: string | null;
  readonly firstAdmin: {
    readonly handle: string;
    readonly displayName: string;
    /** Where the user pool sends the invitation; required where staff sign in through one (decision 0021). */
    readonly email?: string | null;
  };
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
}

/**
 * Onboards a charity: its own KMS key (tagged, with a policy that confines the api to its encryption
 * context), alias, first branch key, beacon key, the organisation item and its first ORG_ADMIN.
 * Shared by the operator mutation and the CLI. If a step after key creation fails, the key is scheduled for
 * deletion so no orphan key lingers.
 */
export async function onboardOrganisation(
  services: ConfideServices,
  input: OnboardOrganisationInput,
  signIns?: SignInAccounts,
): Promise<{ organisation: Organisation; firstAdmin: StaffMember }> {
  const name = validate.text(['input', 'name'], input.name, { max: 200 });
  const slug = validate.slug(['input', 'slug'], input.slug);
  const dpa =
    input.dataProcessingAgreement == null
      ? undefined
      : validate.text(['input', 'dataProcessingAgreement'], input.dataProcessingAgreement, { max: 200 });
  const handle = validate.handle(['input', 'firstAdmin', 'handle'], input.firstAdmin.handle);
  const displayName = validate.text(['input', 'firstAdmin', 'displayName'], input.firstAdmin.displayName, {
    max: 200,
  });
  const emailField = ['input', 'firstAdmin', 'email'];
  const email =
    input.firstAdmin.email == null ? undefined : validate.email(emailField, input.firstAdmin.email);
  if (signIns && !email) {
    throw badInput(
      emailField,
      'The first admin’s email address is required: the user pool invites them by email.',
    );
  }
  if (await services.directory.organisationIdBySlug(slug)) {
    throw new ConfideError(ErrorCode.CONFLICT, 'That slug is already in use.', { field: ['input', 'slug'] });
  }

  const orgId = newOrgId();
  const adminStaffId = newId('staff');
  // The user first: a refusal (address taken) then leaves nothing behind. Its `sub` is the admin's subject.
  const account = signIns && email ? await signIns.create(orgId, adminStaffId, email, emailField) : undefined;
  let keyArn: string;
  let alias: string;
  try {
    ({ keyArn, alias } = await services.organisationKeys.create(orgId));
  } catch (error) {
    if (account) await signIns?.disable(account.username).catch(() => undefined);
    throw error;
  }
  try {
    await services.keys.createBranchKey(orgId, keyArn);
    await services.keys.createBeaconKey(orgId);
    // The organisation and its first admin together: a fault leaves neither, and the slug free for a retry.
    const { organisation, firstAdmin } = await services.directory.createOrganisation(
      {
        orgId,
        name,
        slug,
        preset: input.preset,
        kmsKeyArn: keyArn,
        keyAlias: alias,
        ...(dpa ? { dataProcessingAgreement: dpa } : {}),
      },
      {
        staffId: adminStaffId,
        handle,
        displayName,
        roles: ['ORG_ADMIN'],
        ...(account ? { externalSubject: account.subject } : {}),
      },
    );
    return { organisation, firstAdmin };
  } catch (error) {
    if (account) await signIns?.disable(account.username).catch(() => undefined);
    await services.organisationKeys.scheduleDeletion(keyArn, 7).catch(() => undefined);
    throw error;
  }
}

export const DEFAULT_KEY_DELETION_WINDOW_DAYS = 30;

/**
 * Offboards an organisation: from this moment every token of it is refused (authentication checks the
 * status on every request), cached keys are dropped, and its KMS key is scheduled for deletion, after which
 * nothing of it can be decrypted anywhere, backups included.
 */
export async function offboardOrganisation(
  services: ConfideServices,
  orgId: OrgId,
  pendingWindowInDays: number = DEFAULT_KEY_DELETION_WINDOW_DAYS,
): Promise<Organisation> {
  const days = validate.integerInRange(['input', 'pendingWindowInDays'], pendingWindowInDays, 7, 30);
  const organisation = await services.directory.organisation(orgId);
  if (!organisation) throw notFound('Organisation');
  if (organisation.status === 'OFFBOARDED') {
    throw new ConfideError(ErrorCode.CONFLICT, 'The organisation is already offboarded.');
  }
  const deletionDate = await services.organisationKeys.scheduleDeletion(organisation.kmsKeyArn, days);
  services.keys.forgetOrganisation(orgId);
  return services.directory.markOffboarded(orgId, deletionDate);
}
