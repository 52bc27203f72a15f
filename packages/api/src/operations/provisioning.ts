import {
  ACCESS_PRESETS,
  type AccessPreset,
  asOrgId,
  badInput,
  ConfideError,
  ErrorCode,
  isConfideError,
  isIdOf,
  type OrgId,
} from '@confide/domain';
import { type Organisation, type PartnerAgency, type StaffMember, tenantScope } from '@confide/store';
import type { ConfideServices } from '../services';
import {
  type OnboardOrganisationInput,
  offboardOrganisation,
  onboardOrganisation,
  type SignInAccounts,
} from './onboarding';
import {
  noPartnerUserPool,
  type PartnerClients,
  type RegisterPartnerClientInput,
  registerPartnerClient,
} from './partner-clients';
import { ProvisionerFunction, ProvisionerFunctionError } from './provisioner-function';
import { type InviteStaffInput, inviteStaff, noUserPool } from './staff-invitations';

/**
 * The event the provisioner function is invoked with (by the api in AWS, or by an operator with
 * `aws lambda invoke`). `input` has the fields of the GraphQL mutations' inputs, so that error paths
 * (`['input', 'slug']`) read the same whichever way a request came.
 */
export type ProvisionerRequest =
  | { readonly action: 'onboard'; readonly input: OnboardOrganisationInput }
  | {
      readonly action: 'offboard';
      readonly input: { readonly organisationId: OrgId; readonly pendingWindowInDays?: number };
    }
  | { readonly action: 'inviteStaff'; readonly input: InviteStaffInput }
  | { readonly action: 'registerPartnerClient'; readonly input: RegisterPartnerClientInput };

/** A domain error that stopped a provisioner request (bad input, slug taken, unknown organisation). */
export interface ProvisionerFailure {
  readonly code: ErrorCode;
  readonly message: string;
  readonly field?: readonly string[];
}

/**
 * What the provisioner answers: ids, never names (nothing personal leaves the function), or the domain error
 * that stopped the request. Unexpected faults (KMS, DynamoDB) are thrown instead: Lambda reports them as function
 * errors, and the `provisioner-errors` alarm counts them.
 */
export type ProvisionerResponse =
  | {
      readonly ok: true;
      readonly action: 'onboard';
      readonly organisationId: string;
      readonly firstAdminStaffId: string;
      readonly keyAlias: string;
    }
  | {
      readonly ok: true;
      readonly action: 'offboard';
      readonly organisationId: string;
      readonly keyDeletionDate: string;
      /** Sign-in users disabled, and those that could not be (retry with the user pool's console or CLI). */
      readonly usersDisabled: number;
      readonly usersNotDisabled: number;
    }
  | {
      readonly ok: true;
      readonly action: 'inviteStaff';
      readonly organisationId: string;
      readonly staffId: string;
    }
  | {
      readonly ok: true;
      readonly action: 'registerPartnerClient';
      readonly organisationId: string;
      readonly partnerId: string;
    }
  | { readonly ok: false; readonly error: ProvisionerFailure };

type Json = Record<string, unknown>;

function objectAt(value: unknown, field: readonly string[]): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badInput(field, `${field.length ? field.join('.') : 'The event'} must be a JSON object.`);
  }
  return value as Json;
}

/** Refuses fields the request does not have, so that a misspelt optional field is not silently ignored. */
function onlyFields(value: Json, allowed: readonly string[], field: readonly string[]): void {
  for (const name of Object.keys(value)) {
    if (!allowed.includes(name)) {
      throw badInput(
        [...field, name],
        `Unknown field ${[...field, name].join('.')}: expected ${allowed.join(', ')}.`,
      );
    }
  }
}

function stringAt(value: Json, name: string, field: readonly string[]): string {
  const found = value[name];
  if (typeof found !== 'string')
    throw badInput([...field, name], `${[...field, name].join('.')} must be a string.`);
  return found;
}

function parseOnboardInput(value: unknown): OnboardOrganisationInput {
  const field = ['input'];
  const input = objectAt(value, field);
  onlyFields(input, ['name', 'slug', 'preset', 'dataProcessingAgreement', 'firstAdmin'], field);
  const preset = stringAt(input, 'preset', field);
  if (!(ACCESS_PRESETS as readonly string[]).includes(preset)) {
    throw badInput(['input', 'preset'], `input.preset must be one of ${ACCESS_PRESETS.join(', ')}.`);
  }
  const dpa = input.dataProcessingAgreement;
  if (dpa !== undefined && dpa !== null && typeof dpa !== 'string') {
    throw badInput(['input', 'dataProcessingAgreement'], 'input.dataProcessingAgreement must be a string.');
  }
  const adminField = ['input', 'firstAdmin'];
  const firstAdmin = objectAt(input.firstAdmin, adminField);
  onlyFields(firstAdmin, ['handle', 'displayName', 'email'], adminField);
  const email = firstAdmin.email;
  if (email !== undefined && email !== null && typeof email !== 'string') {
    throw badInput([...adminField, 'email'], 'input.firstAdmin.email must be a string.');
  }
  return {
    name: stringAt(input, 'name', field),
    slug: stringAt(input, 'slug', field),
    preset: preset as AccessPreset,
    dataProcessingAgreement: dpa ?? null,
    firstAdmin: {
      handle: stringAt(firstAdmin, 'handle', adminField),
      displayName: stringAt(firstAdmin, 'displayName', adminField),
      email: email ?? null,
    },
  };
}

function parseOffboardInput(value: unknown): { organisationId: OrgId; pendingWindowInDays?: number } {
  const field = ['input'];
  const input = objectAt(value, field);
  onlyFields(input, ['organisationId', 'pendingWindowInDays'], field);
  const organisationId = stringAt(input, 'organisationId', field);
  if (!isIdOf('org', organisationId)) {
    throw badInput(['input', 'organisationId'], 'input.organisationId must be an organisation id (org_…).');
  }
  const days = input.pendingWindowInDays;
  if (days !== undefined && typeof days !== 'number') {
    throw badInput(['input', 'pendingWindowInDays'], 'input.pendingWindowInDays must be a number.');
  }
  return {
    organisationId: asOrgId(organisationId),
    ...(days === undefined ? {} : { pendingWindowInDays: days }),
  };
}

function parseInviteStaffInput(value: unknown): InviteStaffInput {
  const field = ['input'];
  const input = objectAt(value, field);
  onlyFields(input, ['organisationId', 'staffId', 'email'], field);
  const organisationId = stringAt(input, 'organisationId', field);
  if (!isIdOf('org', organisationId)) {
    throw badInput(['input', 'organisationId'], 'input.organisationId must be an organisation id (org_…).');
  }
  return {
    organisationId: asOrgId(organisationId),
    staffId: stringAt(input, 'staffId', field),
    email: stringAt(input, 'email', field),
  };
}

function parseRegisterPartnerClientInput(value: unknown): RegisterPartnerClientInput {
  const field = ['input'];
  const input = objectAt(value, field);
  onlyFields(input, ['organisationId', 'partnerId'], field);
  const organisationId = stringAt(input, 'organisationId', field);
  if (!isIdOf('org', organisationId)) {
    throw badInput(['input', 'organisationId'], 'input.organisationId must be an organisation id (org_…).');
  }
  return { organisationId: asOrgId(organisationId), partnerId: stringAt(input, 'partnerId', field) };
}

/**
 * Reads a provisioner event: its shape and types only (a `BAD_USER_INPUT` error naming the field otherwise). The
 * values themselves (lengths, slug format, deletion window) are checked by onboarding and offboarding, also
 * before anything is created.
 */
export function parseProvisionerRequest(event: unknown): ProvisionerRequest {
  const request = objectAt(event, []);
  onlyFields(request, ['action', 'input'], []);
  const action = request.action;
  if (action === 'onboard') return { action, input: parseOnboardInput(request.input) };
  if (action === 'offboard') return { action, input: parseOffboardInput(request.input) };
  if (action === 'inviteStaff') return { action, input: parseInviteStaffInput(request.input) };
  if (action === 'registerPartnerClient') {
    return { action, input: parseRegisterPartnerClientInput(request.input) };
  }
  throw badInput(
    ['action'],
    'action must be "onboard", "offboard", "inviteStaff" or "registerPartnerClient".',
  );
}

/**
 * After offboarding (which already refuses every token of the organisation), disables its staff's users in the user
 * pool, by their subject (a Cognito username in a pool that signs in by email; decision 0021). Best effort: the
 * offboarding stands whatever happens here; staff with no user (never invited) are skipped.
 */
async function disableSignIns(
  services: ConfideServices,
  signIns: SignInAccounts,
  orgId: OrgId,
): Promise<{ disabled: number; failed: number }> {
  const staff = await services.directory.listStaff(tenantScope(orgId));
  let disabled = 0;
  let failed = 0;
  for (const member of staff) {
    try {
      if (await signIns.disable(member.externalSubject)) disabled += 1;
    } catch {
      failed += 1;
    }
  }
  return { disabled, failed };
}

function failureOf(error: ConfideError): ProvisionerResponse {
  return {
    ok: false,
    error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) },
  };
}

/**
 * Runs a provisioner event in this process, with these services (the provisioner function's handler). Domain
 * errors are answered; anything else is thrown.
 */
export async function runProvisionerEvent(
  services: ConfideServices,
  event: unknown,
  signIns?: SignInAccounts,
  partnerClients?: PartnerClients,
): Promise<ProvisionerResponse> {
  try {
    const request = parseProvisionerRequest(event);
    if (request.action === 'onboard') {
      const { organisation, firstAdmin } = await onboardOrganisation(services, request.input, signIns);
      return {
        ok: true,
        action: 'onboard',
        organisationId: organisation.orgId,
        firstAdminStaffId: firstAdmin.staffId,
        keyAlias: organisation.keyAlias,
      };
    }
    if (request.action === 'inviteStaff') {
      const staff = await inviteStaff(services, request.input, signIns);
      return { ok: true, action: 'inviteStaff', organisationId: staff.orgId, staffId: staff.staffId };
    }
    if (request.action === 'registerPartnerClient') {
      const partner = await registerPartnerClient(services, request.input, partnerClients);
      return {
        ok: true,
        action: 'registerPartnerClient',
        organisationId: request.input.organisationId,
        partnerId: partner.partnerId,
      };
    }
    const { organisationId, pendingWindowInDays } = request.input;
    const organisation = await offboardOrganisation(services, organisationId, pendingWindowInDays);
    const users = signIns ? await disableSignIns(services, signIns, organisation.orgId) : undefined;
    return {
      ok: true,
      action: 'offboard',
      organisationId: organisation.orgId,
      keyDeletionDate: organisation.keyDeletionDate ?? '',
      usersDisabled: users?.disabled ?? 0,
      usersNotDisabled: users?.failed ?? 0,
    };
  } catch (error) {
    if (isConfideError(error) && error.code !== ErrorCode.INTERNAL) return failureOf(error);
    throw error;
  }
}

/** Onboarding and offboarding as the GraphQL mutations see them, wherever they run. */
export interface OrganisationProvisioning {
  onboard(input: OnboardOrganisationInput): Promise<{ organisation: Organisation; firstAdmin: StaffMember }>;
  offboard(orgId: OrgId, pendingWindowInDays?: number): Promise<Organisation>;
  /**
   * Invites a staff member to sign in (decision 0021): only through the provisioner, which holds the user pool;
   * in this process (locally) there is none, so it is refused ({@link noUserPool}).
   */
  inviteStaff(input: InviteStaffInput): Promise<StaffMember>;
  /**
   * Creates and binds a registered partner's own Cognito app client (decision 0022): only through the provisioner,
   * which holds the user pool; in this process (locally) there is none, so it is refused ({@link noPartnerUserPool}).
   */
  registerPartnerClient(input: RegisterPartnerClientInput): Promise<PartnerAgency>;
}

/** In this process: locally, where the api's credentials may create KMS keys. */
class InProcessProvisioning implements OrganisationProvisioning {
  constructor(private readonly services: ConfideServices) {}

  onboard(input: OnboardOrganisationInput) {
    return onboardOrganisation(this.services, input);
  }

  offboard(orgId: OrgId, pendingWindowInDays?: number) {
    return offboardOrganisation(this.services, orgId, pendingWindowInDays);
  }

  async inviteStaff(_input: InviteStaffInput): Promise<StaffMember> {
    throw noUserPool();
  }

  async registerPartnerClient(_input: RegisterPartnerClientInput): Promise<PartnerAgency> {
    throw noPartnerUserPool();
  }
}

const ERROR_CODES: readonly string[] = Object.values(ErrorCode);

/** The provisioner's answer, checked: a domain failure becomes the same error onboarding would have thrown here. */
function answerOf(value: unknown, action: ProvisionerRequest['action']): Json {
  const answer = typeof value === 'object' && value !== null ? (value as Json) : {};
  if (answer.ok === false) {
    const error = (typeof answer.error === 'object' && answer.error !== null ? answer.error : {}) as Json;
    const code = typeof error.code === 'string' && ERROR_CODES.includes(error.code) ? error.code : undefined;
    if (!code || code === ErrorCode.INTERNAL || typeof error.message !== 'string') {
      throw new ProvisionerFunctionError('The provisioner answered an unreadable failure.');
    }
    const field = Array.isArray(error.field) ? error.field.map(String) : undefined;
    throw new ConfideError(code as ErrorCode, error.message, field ? { field } : {});
  }
  if (answer.ok !== true || answer.action !== action || typeof answer.organisationId !== 'string') {
    throw new ProvisionerFunctionError(`The provisioner gave no ${action} result.`);
  }
  if (!isIdOf('org', answer.organisationId)) {
    throw new ProvisionerFunctionError('The provisioner answered a malformed organisation id.');
  }
  return answer;
}

/**
 * Through the provisioner function: in AWS the api role may not create or delete KMS keys (only the provisioner
 * role may), so the api invokes it and then reads what it wrote, through its own table access.
 */
class ProvisionerFunctionProvisioning implements OrganisationProvisioning {
  constructor(
    private readonly services: ConfideServices,
    private readonly provisioner: ProvisionerFunction,
  ) {}

  async onboard(input: OnboardOrganisationInput) {
    const answer = answerOf(await this.provisioner.invoke({ action: 'onboard', input }), 'onboard');
    const orgId = asOrgId(String(answer.organisationId));
    const [organisation, firstAdmin] = await Promise.all([
      this.services.directory.organisation(orgId),
      this.services.directory.staff(tenantScope(orgId), String(answer.firstAdminStaffId)),
    ]);
    if (!organisation || !firstAdmin) {
      throw new ProvisionerFunctionError('The organisation the provisioner created cannot be read.');
    }
    return { organisation, firstAdmin };
  }

  async offboard(orgId: OrgId, pendingWindowInDays?: number) {
    const input = {
      organisationId: orgId,
      ...(pendingWindowInDays === undefined ? {} : { pendingWindowInDays }),
    };
    answerOf(await this.provisioner.invoke({ action: 'offboard', input }), 'offboard');
    // The provisioner dropped the keys it held; this process drops its own.
    this.services.keys.forgetOrganisation(orgId);
    const organisation = await this.services.directory.organisation(orgId);
    if (!organisation) throw new ProvisionerFunctionError('The offboarded organisation cannot be read.');
    return organisation;
  }

  async inviteStaff(input: InviteStaffInput) {
    const answer = answerOf(await this.provisioner.invoke({ action: 'inviteStaff', input }), 'inviteStaff');
    if (answer.organisationId !== input.organisationId || answer.staffId !== input.staffId) {
      throw new ProvisionerFunctionError('The provisioner answered for another staff member.');
    }
    const staff = await this.services.directory.staff(tenantScope(input.organisationId), input.staffId);
    if (!staff) throw new ProvisionerFunctionError('The invited staff member cannot be read.');
    return staff;
  }

  async registerPartnerClient(input: RegisterPartnerClientInput) {
    const answer = answerOf(
      await this.provisioner.invoke({ action: 'registerPartnerClient', input }),
      'registerPartnerClient',
    );
    if (answer.organisationId !== input.organisationId || answer.partnerId !== input.partnerId) {
      throw new ProvisionerFunctionError('The provisioner answered for another partner.');
    }
    const partner = await this.services.partners.get(tenantScope(input.organisationId), input.partnerId);
    if (!partner) throw new ProvisionerFunctionError('The registered partner cannot be read.');
    return partner;
  }
}

const provisionings = new WeakMap<ConfideServices, OrganisationProvisioning>();

/**
 * Where these services onboard and offboard organisations: through the provisioner function when one is
 * configured (`CONFIDE_PROVISIONER_FUNCTION`, set by CDK on the api function), otherwise in this process. One per
 * services object (per Lambda container), so that the request signer and its credentials are reused.
 */
export function organisationProvisioning(services: ConfideServices): OrganisationProvisioning {
  let provisioning = provisionings.get(services);
  if (!provisioning) {
    const target = services.config.provisioner;
    provisioning = target
      ? new ProvisionerFunctionProvisioning(
          services,
          new ProvisionerFunction({
            ...target,
            region: services.config.region,
            // The credentials and hash of the SDK clients: the same credential chain and cache, nothing new to bundle.
            credentials: services.kms.config.credentials,
            sha256: services.kms.config.sha256,
          }),
        )
      : new InProcessProvisioning(services);
    provisionings.set(services, provisioning);
  }
  return provisioning;
}

export type { SignInAccounts } from './onboarding';
export {
  type PartnerClients,
  type RegisterPartnerClientInput,
  registerPartnerClient,
} from './partner-clients';
export { type InviteStaffInput, inviteStaff } from './staff-invitations';
