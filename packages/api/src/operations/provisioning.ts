import { randomUUID } from 'node:crypto';
import {
  ACCESS_PRESETS,
  type AccessPreset,
  asOrgId,
  badInput,
  ConfideError,
  ErrorCode,
  forbidden,
  isConfideError,
  isIdOf,
  notFound,
  type OrgId,
  type Principal,
  validate,
} from '@confide/domain';
import {
  type Organisation,
  type OrganisationExportRecord,
  OrganisationExports,
  type PartnerAgency,
  type StaffMember,
  type StaffRosterEntry,
  tenantScope,
} from '@confide/store';
import type { ConfideServices } from '../services';
import {
  deleteOffboardedSignIns,
  type OffboardedSignInsSweep,
  type OrganisationUsers,
} from './offboarded-sign-ins';
import {
  DEFAULT_KEY_DELETION_WINDOW_DAYS,
  type FoundingAdmin,
  type OnboardOrganisationInput,
  offboardOrganisation,
  onboardOrganisation,
  type SignInAccounts,
} from './onboarding';
import {
  type DisableOperatorSignInInput,
  disableOperatorSignIn,
  OPERATOR_ID,
  type OperatorAccounts,
  type RegisterOperatorRequest,
  registerOperator,
} from './operator-registration';
import {
  noPartnerUserPool,
  type PartnerClients,
  type RegisterPartnerClientInput,
  registerPartnerClient,
} from './partner-clients';
import {
  type AssertedAction,
  type AssertionActor,
  type AssertionRefusal,
  DIRECT_INVOCATION,
  signAssertion,
  verifyAssertion,
} from './provisioner-assertion';
import { ProvisionerFunction, ProvisionerFunctionError } from './provisioner-function';
import {
  disableStaffSignIn,
  enableStaffSignIn,
  type InviteStaffInput,
  inviteStaff,
  noUserPool,
  type StaffSignInInput,
} from './staff-invitations';

/**
 * The event the provisioner function is invoked with (by the api in AWS, or by an operator with
 * `aws lambda invoke`). `input` has the fields of the GraphQL mutations' inputs, so that error paths
 * (`['input', 'slug']`) read the same whichever way a request came.
 */
export type ProvisionerRequest = (
  | { readonly action: 'onboard'; readonly input: OnboardOrganisationInput }
  | { readonly action: 'offboard'; readonly input: OffboardInput }
  | { readonly action: 'inviteStaff'; readonly input: InviteStaffInput }
  | { readonly action: 'disableStaffSignIn'; readonly input: StaffSignInInput }
  | { readonly action: 'enableStaffSignIn'; readonly input: StaffSignInInput }
  | { readonly action: 'disableOperatorSignIn'; readonly input: DisableOperatorSignInInput }
  | { readonly action: 'registerPartnerClient'; readonly input: RegisterPartnerClientInput }
) & {
  /**
   * The api's signed assertion for exactly this request (see provisioner-assertion.ts): required for every
   * action but `onboard`, which an operator may also invoke directly (recorded in the platform audit log).
   */
  readonly assertion?: string;
};

/**
 * An offboarding as the api asks for it. `exportId` names the export or waiver record the api checked under the
 * organisation's key (decision 0103): the provisioner may not use that key, so it offboards only while that record is
 * still the latest.
 */
export interface OffboardInput {
  readonly organisationId: OrgId;
  readonly pendingWindowInDays?: number;
  readonly exportId?: string;
}

/** A domain error that stopped a provisioner request (bad input, slug taken, unknown organisation). */
export interface ProvisionerFailure {
  readonly code: ErrorCode;
  readonly message: string;
  readonly field?: readonly string[];
  /** For a request refused for its assertion: why (missing, expired, signature, organisation, …). */
  readonly reason?: AssertionRefusal | 'actor';
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
      /** When the request named a second founding admin. */
      readonly secondAdminStaffId?: string;
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
      readonly action: 'disableStaffSignIn';
      readonly organisationId: string;
      readonly staffId: string;
      /** Whether a sign-in user was disabled: false when the member was never invited. */
      readonly disabled: boolean;
    }
  | {
      readonly ok: true;
      readonly action: 'enableStaffSignIn';
      readonly organisationId: string;
      readonly staffId: string;
      /** Whether a sign-in user was enabled: false when the member was never invited. */
      readonly enabled: boolean;
    }
  | {
      readonly ok: true;
      readonly action: 'disableOperatorSignIn';
      readonly operatorId: string;
      /** Whether a user was disabled: false when the pool has no user of that subject, or there is no pool. */
      readonly disabled: boolean;
    }
  | {
      readonly ok: true;
      readonly action: 'registerPartnerClient';
      readonly organisationId: string;
      readonly partnerId: string;
    }
  | ({ readonly ok: true; readonly action: 'deleteOffboardedSignIns' } & OffboardedSignInsSweep)
  | {
      readonly ok: true;
      readonly action: 'registerOperator';
      /** The operator's subject (`sub`): their id in the platform's records. */
      readonly operatorId: string;
    }
  | {
      readonly ok: true;
      readonly action: 'reactivateOperator';
      readonly operatorId: string;
    }
  | {
      readonly ok: true;
      readonly action: 'listOrganisations';
      readonly organisations: readonly ProvisionedOrganisation[];
    }
  | {
      readonly ok: true;
      readonly action: 'listStaff';
      readonly organisationId: string;
      readonly staff: readonly StaffRosterEntry[];
    }
  | { readonly ok: false; readonly error: ProvisionerFailure };

/**
 * The operator's read-only requests (issue 20: `confide org list --stage`, `confide users --stage`). They take no
 * assertion: like a direct onboarding, whoever IAM lets invoke the provisioner may ask, and each is recorded in the
 * platform audit log. They answer ids, slugs, roles and dates, never a person's name, handle or email.
 */
export type ProvisionerQuery =
  | { readonly action: 'listOrganisations' }
  | { readonly action: 'listStaff'; readonly input: { readonly slug: string } };

/** An organisation as the provisioner lists it: its slug and ids, not its name (the provisioner answers no names). */
export interface ProvisionedOrganisation {
  readonly organisationId: string;
  readonly slug: string;
  readonly status: string;
  readonly preset: string;
  readonly createdAt: string;
}

const QUERY_ACTIONS: readonly string[] = ['listOrganisations', 'listStaff'];

/** The event as a {@link ProvisionerQuery}, or undefined when it asks for something else (a change). */
export function parseProvisionerQuery(event: unknown): ProvisionerQuery | undefined {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return undefined;
  const request = event as Record<string, unknown>;
  if (typeof request.action !== 'string' || !QUERY_ACTIONS.includes(request.action)) return undefined;
  if (request.action === 'listOrganisations') {
    onlyFields(request, ['action'], []);
    return { action: 'listOrganisations' };
  }
  onlyFields(request, ['action', 'input'], []);
  const input = objectAt(request.input, ['input']);
  onlyFields(input, ['slug'], ['input']);
  return { action: 'listStaff', input: { slug: stringAt(input, 'slug', ['input']) } };
}

/**
 * Whether the event is the daily sweep of offboarded organisations' users (decision 0132): `{ action:
 * "deleteOffboardedSignIns" }` and nothing else. It takes no assertion: it deletes only where KMS says the key is gone.
 */
export function isOffboardedSignInsSweep(event: unknown): boolean {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return false;
  const request = event as Json;
  if (request.action !== 'deleteOffboardedSignIns') return false;
  onlyFields(request, ['action'], []);
  return true;
}

/**
 * The event as a registration of an operator (decision 0105) or a reactivation of one (decision 0113), or undefined when
 * it asks for something else. It takes no assertion: the api has no path to it, so one given is a request from
 * somewhere else.
 */
export function parseRegisterOperator(event: unknown): RegisterOperatorRequest | undefined {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return undefined;
  const request = event as Json;
  const action = request.action;
  if (action !== 'registerOperator' && action !== 'reactivateOperator') return undefined;
  onlyFields(request, ['action', 'input'], []);
  const input = objectAt(request.input, ['input']);
  onlyFields(input, ['username'], ['input']);
  const username = stringAt(input, 'username', ['input']).trim();
  if (username === '' || username.length > 128) {
    throw badInput(
      ['input', 'username'],
      'input.username must be the user’s username or email (1–128 characters).',
    );
  }
  return { action, input: { username } };
}

/** Answers a query, recording it in the platform audit log first (no record, no answer). */
async function runProvisionerQuery(
  services: ConfideServices,
  query: ProvisionerQuery,
  requestId: string,
): Promise<ProvisionerResponse> {
  const record = (organisationId: string | undefined, outcome: string) =>
    services.platformAudit.record({
      actor: { kind: 'OPERATOR', id: DIRECT_INVOCATION.id },
      operation: `provisioner.${query.action}`,
      organisationId,
      outcome,
      rule: `provisioner.${query.action}`,
      requestId,
    });
  if (query.action === 'listOrganisations') {
    await record(undefined, 'ALLOWED');
    const organisations = await services.directory.listOrganisations();
    return {
      ok: true,
      action: 'listOrganisations',
      organisations: organisations.map((organisation) => ({
        organisationId: organisation.orgId,
        slug: organisation.slug,
        status: organisation.status,
        preset: organisation.preset,
        createdAt: organisation.createdAt,
      })),
    };
  }
  const orgId = await services.directory.organisationIdBySlug(query.input.slug);
  if (!orgId) {
    await record(undefined, 'NOT_FOUND');
    throw new ConfideError(ErrorCode.NOT_FOUND, 'No organisation with that slug.', {
      field: ['input', 'slug'],
    });
  }
  await record(orgId, 'ALLOWED');
  return {
    ok: true,
    action: 'listStaff',
    organisationId: orgId,
    staff: await services.directory.staffRoster(tenantScope(orgId)),
  };
}

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
  onlyFields(
    input,
    ['name', 'slug', 'preset', 'dataProcessingAgreement', 'firstAdmin', 'secondAdmin'],
    field,
  );
  const preset = stringAt(input, 'preset', field);
  if (!(ACCESS_PRESETS as readonly string[]).includes(preset)) {
    throw badInput(['input', 'preset'], `input.preset must be one of ${ACCESS_PRESETS.join(', ')}.`);
  }
  const dpa = input.dataProcessingAgreement;
  if (dpa !== undefined && dpa !== null && typeof dpa !== 'string') {
    throw badInput(['input', 'dataProcessingAgreement'], 'input.dataProcessingAgreement must be a string.');
  }
  return {
    name: stringAt(input, 'name', field),
    slug: stringAt(input, 'slug', field),
    preset: preset as AccessPreset,
    dataProcessingAgreement: dpa ?? null,
    firstAdmin: parseFoundingAdmin(input, 'firstAdmin'),
    ...(input.secondAdmin == null ? {} : { secondAdmin: parseFoundingAdmin(input, 'secondAdmin') }),
  };
}

function parseFoundingAdmin(input: Json, which: 'firstAdmin' | 'secondAdmin'): FoundingAdmin {
  const adminField = ['input', which];
  const admin = objectAt(input[which], adminField);
  onlyFields(admin, ['handle', 'displayName', 'email'], adminField);
  const email = admin.email;
  if (email !== undefined && email !== null && typeof email !== 'string') {
    throw badInput([...adminField, 'email'], `input.${which}.email must be a string.`);
  }
  return {
    handle: stringAt(admin, 'handle', adminField),
    displayName: stringAt(admin, 'displayName', adminField),
    email: email ?? null,
  };
}

function parseOffboardInput(value: unknown): OffboardInput {
  const field = ['input'];
  const input = objectAt(value, field);
  onlyFields(input, ['organisationId', 'pendingWindowInDays', 'exportId'], field);
  const exportId = input.exportId;
  if (exportId !== undefined && typeof exportId !== 'string') {
    throw badInput(['input', 'exportId'], 'input.exportId must be a string.');
  }
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
    ...(exportId === undefined ? {} : { exportId }),
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

function parseStaffSignInInput(value: unknown): StaffSignInInput {
  const field = ['input'];
  const input = objectAt(value, field);
  onlyFields(input, ['organisationId', 'staffId'], field);
  const organisationId = stringAt(input, 'organisationId', field);
  if (!isIdOf('org', organisationId)) {
    throw badInput(['input', 'organisationId'], 'input.organisationId must be an organisation id (org_…).');
  }
  return { organisationId: asOrgId(organisationId), staffId: stringAt(input, 'staffId', field) };
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

/** A suspended operator's sign-in to end: their subject, format-checked (the platform audit records it). */
function parseDisableOperatorSignInInput(value: unknown): DisableOperatorSignInInput {
  const input = objectAt(value, ['input']);
  onlyFields(input, ['operatorId'], ['input']);
  const operatorId = stringAt(input, 'operatorId', ['input']);
  if (!OPERATOR_ID.test(operatorId)) {
    throw badInput(['input', 'operatorId'], 'input.operatorId must be an operator’s subject.');
  }
  return { operatorId };
}

/**
 * Reads a provisioner event: its shape and types only (a `BAD_USER_INPUT` error naming the field otherwise). The
 * values themselves (lengths, slug format, deletion window) are checked by onboarding and offboarding, also
 * before anything is created.
 */
export function parseProvisionerRequest(event: unknown): ProvisionerRequest {
  const request = objectAt(event, []);
  onlyFields(request, ['action', 'input', 'assertion'], []);
  const action = request.action;
  const assertion = request.assertion;
  if (assertion !== undefined && typeof assertion !== 'string') {
    throw badInput(['assertion'], 'assertion must be a string.');
  }
  const signed = assertion === undefined ? {} : { assertion };
  if (action === 'onboard') return { action, input: parseOnboardInput(request.input), ...signed };
  if (action === 'offboard') return { action, input: parseOffboardInput(request.input), ...signed };
  if (action === 'inviteStaff') return { action, input: parseInviteStaffInput(request.input), ...signed };
  if (action === 'disableStaffSignIn' || action === 'enableStaffSignIn') {
    return { action, input: parseStaffSignInInput(request.input), ...signed };
  }
  if (action === 'disableOperatorSignIn') {
    return { action, input: parseDisableOperatorSignInInput(request.input), ...signed };
  }
  if (action === 'registerPartnerClient') {
    return { action, input: parseRegisterPartnerClientInput(request.input), ...signed };
  }
  throw badInput(
    ['action'],
    'action must be "onboard", "offboard", "inviteStaff", "disableStaffSignIn", "enableStaffSignIn", "disableOperatorSignIn", "registerPartnerClient", "listOrganisations" or "listStaff".',
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
  // Unverified on purpose: the organisation's key is already scheduled for deletion, and disabling grants nothing.
  const subjects = await services.directory.staffSignInSubjects(tenantScope(orgId));
  let disabled = 0;
  let failed = 0;
  for (const subject of subjects) {
    try {
      if (await signIns.disable(subject)) disabled += 1;
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

/** The organisation, target and input an event's assertion must name. */
function assertedRequest(request: ProvisionerRequest): {
  organisationId: string;
  action: AssertedAction;
  target: string;
  input: unknown;
} {
  switch (request.action) {
    case 'onboard':
      return { organisationId: '', action: 'onboard', target: request.input.slug, input: request.input };
    case 'offboard':
      // The target is the operator who asked first; checked against the actor below.
      return {
        organisationId: request.input.organisationId,
        action: 'offboard',
        target: '',
        input: request.input,
      };
    case 'inviteStaff':
      return {
        organisationId: request.input.organisationId,
        action: 'inviteStaff',
        target: request.input.staffId,
        input: request.input,
      };
    case 'disableStaffSignIn':
    case 'enableStaffSignIn':
      return {
        organisationId: request.input.organisationId,
        action: request.action,
        target: request.input.staffId,
        input: request.input,
      };
    case 'disableOperatorSignIn':
      return {
        organisationId: '',
        action: 'disableOperatorSignIn',
        target: request.input.operatorId,
        input: request.input,
      };
    case 'registerPartnerClient':
      return {
        organisationId: request.input.organisationId,
        action: 'registerPartnerClient',
        target: request.input.partnerId,
        input: request.input,
      };
  }
}

/** A request refused for its assertion: the answer, and what was recorded. */
class AssertionRefused extends Error {
  constructor(
    readonly reason: AssertionRefusal | 'actor',
    readonly actor: AssertionActor | undefined,
  ) {
    super('The provisioner acts on an organisation only with an assertion the api signed for the request.');
    this.name = 'AssertionRefused';
  }
}

/**
 * Checks the event's assertion (issue 14, side door 4): tenant actions need one naming an ORG_ADMIN of that
 * organisation; offboarding one naming two different operators (the one who asked and the one who approved);
 * onboarding may come without one (an operator's direct invocation), but a forged one is refused.
 */
async function checkAssertion(
  services: ConfideServices,
  request: ProvisionerRequest,
): Promise<AssertionActor> {
  if (request.action === 'onboard' && request.assertion === undefined) return DIRECT_INVOCATION;
  const expected = assertedRequest(request);
  // An offboarding assertion names the first operator as its target: read it from the assertion, then compare.
  const check = await verifyAssertion(services, request.assertion, {
    ...expected,
    target: request.action === 'offboard' ? peekTarget(request.assertion) : expected.target,
  });
  if (!check.ok) throw new AssertionRefused(check.reason, check.claims?.actor);
  const { actor, target } = check.claims;
  if (request.action === 'offboard') {
    if (actor.kind !== 'OPERATOR' || target === '' || target === actor.id) {
      throw new AssertionRefused('actor', actor);
    }
    return actor;
  }
  if (request.action === 'onboard') {
    if (actor.kind !== 'OPERATOR') throw new AssertionRefused('actor', actor);
    return actor;
  }
  // A suspended operator's sign-in is ended on another operator's word, one active now (decision 0128); the
  // provisioner then checks the suspension itself.
  if (request.action === 'disableOperatorSignIn') {
    const other = actor.kind === 'OPERATOR' && actor.id !== request.input.operatorId;
    if (!other || !(await services.operators.isActive(actor.id))) throw new AssertionRefused('actor', actor);
    return actor;
  }
  // An operator may end the sign-in of an account already deactivated, and nothing else: an administrator
  // restoration deactivates the admins who left (decision 0109). The provisioner refuses an active account.
  if (request.action === 'disableStaffSignIn' && actor.kind === 'OPERATOR') return actor;
  // Tenant actions: the actor must be an active ORG_ADMIN of that very organisation, now.
  const admin =
    actor.kind === 'STAFF' && isIdOf('staff', actor.id)
      ? await services.directory.staff(tenantScope(request.input.organisationId), actor.id)
      : undefined;
  if (admin?.status !== 'ACTIVE' || !admin.roles.includes('ORG_ADMIN')) {
    throw new AssertionRefused('actor', actor);
  }
  return actor;
}

/** The target an assertion names, read without trusting it (the signature is checked next). */
function peekTarget(assertion: string | undefined): string {
  try {
    const [payload] = (assertion ?? '').split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as {
      target?: unknown;
    };
    return typeof claims.target === 'string' ? claims.target : '';
  } catch {
    return '';
  }
}

/** The organisation an event names, when it is a well-formed id (never anything the caller typed otherwise). */
function organisationOf(request: ProvisionerRequest): OrgId | undefined {
  return request.action === 'onboard' || request.action === 'disableOperatorSignIn'
    ? undefined
    : request.input.organisationId;
}

/** The staff member or partner a tenant action is about. */
function subjectOf(request: ProvisionerRequest): string | undefined {
  if (
    request.action === 'inviteStaff' ||
    request.action === 'disableStaffSignIn' ||
    request.action === 'enableStaffSignIn'
  )
    return request.input.staffId;
  if (request.action === 'registerPartnerClient') return request.input.partnerId;
  return undefined;
}

/**
 * Writes what the provisioner did (or refused) into the organisation's own audit log, for tenant actions. Only
 * for an organisation that exists and is active; best effort after the fact (the api has already recorded the
 * request before invoking), so a failed write is reported, not thrown.
 */
async function recordInTenant(
  services: ConfideServices,
  request: ProvisionerRequest,
  actor: AssertionActor,
  outcome: string,
  rule: string,
  requestId: string,
): Promise<void> {
  const orgId = organisationOf(request);
  if (!orgId || request.action === 'offboard') return;
  const organisation = await services.directory.organisation(orgId);
  if (organisation?.status !== 'ACTIVE') return;
  await services.auditLog.write(
    [
      {
        orgId,
        requestId,
        at: services.clock.now().toISOString(),
        actor: {
          kind: actor.kind === 'STAFF' ? 'STAFF' : 'PROVISIONER',
          id: actor.id,
          roles: actor.kind === 'STAFF' ? ['ORG_ADMIN'] : [],
        },
        action: outcome === 'COMPLETED' ? 'ADMIN' : 'DENIED',
        operation: `provisioner.${request.action}`,
        subjectId: subjectOf(request),
        fields: [],
        classifications: [],
        relationship: undefined,
        purpose: undefined,
        emergency: false,
        outcome,
        rule,
      },
    ],
    { retentionYears: organisation.retention.auditYears },
  );
}

/** Records in the platform audit log; the provisioner's own record of an operator action or a refusal. */
function recordOnPlatform(
  services: ConfideServices,
  request: ProvisionerRequest,
  actor: AssertionActor,
  outcome: string,
  rule: string,
  requestId: string,
  organisationId?: string,
) {
  return services.platformAudit.record({
    actor: actor.kind === 'OPERATOR' ? { kind: 'OPERATOR', id: actor.id } : { kind: 'STAFF', id: actor.id },
    operation: `provisioner.${request.action}`,
    organisationId: organisationId ?? organisationOf(request),
    outcome,
    rule,
    requestId,
    ...(request.action === 'disableOperatorSignIn' ? { subjectId: request.input.operatorId } : {}),
  });
}

/** What the provisioner could not record: reported by the handler's log, never thrown over the answer. */
export interface ProvisionerRecordFailure {
  readonly where: 'platform' | 'tenant';
  readonly errorName: string;
}

/**
 * Runs a provisioner event in this process, with these services (the provisioner function's handler). Domain
 * errors are answered; anything else is thrown. Every request is checked against its assertion first (see
 * {@link checkAssertion}); refusals and operator actions land in the platform audit log, tenant actions (done or
 * refused) in the organisation's audit log.
 */
export async function runProvisionerEvent(
  services: ConfideServices,
  event: unknown,
  signIns?: SignInAccounts,
  partnerClients?: PartnerClients,
  options: {
    requestId?: string;
    onRecordFailure?: (failure: ProvisionerRecordFailure) => void;
    /** The user pool's operators, to register one (none locally, where the stack seeds them). */
    operators?: OperatorAccounts;
    /** The user pool's staff users, to delete an offboarded organisation's (none locally: no pool). */
    organisationUsers?: OrganisationUsers;
    /** The invocation's remaining time (Lambda's `getRemainingTimeInMillis`): a long sweep stops before the timeout. */
    remainingMs?: () => number;
  } = {},
): Promise<ProvisionerResponse> {
  const requestId = options.requestId ?? `provisioner-${randomUUID()}`;
  const bestEffort = async (where: ProvisionerRecordFailure['where'], write: () => Promise<unknown>) => {
    try {
      await write();
    } catch (error) {
      options.onRecordFailure?.({ where, errorName: error instanceof Error ? error.name : typeof error });
    }
  };
  let request: ProvisionerRequest | undefined;
  try {
    if (isOffboardedSignInsSweep(event)) {
      const sweep = await deleteOffboardedSignIns(
        services,
        options.organisationUsers,
        requestId,
        options.remainingMs,
        partnerClients,
      );
      return { ok: true, action: 'deleteOffboardedSignIns', ...sweep };
    }
    const registration = parseRegisterOperator(event);
    if (registration) {
      const { operatorId } = await registerOperator(services, registration, options.operators, requestId);
      return registration.action === 'registerOperator'
        ? { ok: true, action: 'registerOperator', operatorId }
        : { ok: true, action: 'reactivateOperator', operatorId };
    }
    const query = parseProvisionerQuery(event);
    if (query) return await runProvisionerQuery(services, query, requestId);
    request = parseProvisionerRequest(event);
    const parsed = request;
    const actor = await checkAssertion(services, parsed);
    // A tenant action done: recorded in the organisation's audit, best effort (the action stands either way).
    const completedInTenant = () =>
      bestEffort('tenant', () =>
        recordInTenant(services, parsed, actor, 'COMPLETED', 'provisioner.assertion', requestId),
      );
    if (parsed.action === 'onboard') {
      const { organisation, firstAdmin, secondAdmin } = await onboardOrganisation(
        services,
        parsed.input,
        signIns,
      );
      await bestEffort('platform', () =>
        recordOnPlatform(
          services,
          parsed,
          actor,
          'COMPLETED',
          'provisioner.onboard',
          requestId,
          organisation.orgId,
        ),
      );
      return {
        ok: true,
        action: 'onboard',
        organisationId: organisation.orgId,
        firstAdminStaffId: firstAdmin.staffId,
        ...(secondAdmin ? { secondAdminStaffId: secondAdmin.staffId } : {}),
        keyAlias: organisation.keyAlias,
      };
    }
    if (parsed.action === 'inviteStaff') {
      const staff = await inviteStaff(services, parsed.input, signIns);
      await completedInTenant();
      return { ok: true, action: 'inviteStaff', organisationId: staff.orgId, staffId: staff.staffId };
    }
    if (parsed.action === 'disableStaffSignIn') {
      const { staff, disabled } = await disableStaffSignIn(services, parsed.input, signIns);
      await completedInTenant();
      return {
        ok: true,
        action: 'disableStaffSignIn',
        organisationId: staff.orgId,
        staffId: staff.staffId,
        disabled,
      };
    }
    if (parsed.action === 'enableStaffSignIn') {
      const { staff, enabled } = await enableStaffSignIn(services, parsed.input, signIns);
      await completedInTenant();
      return {
        ok: true,
        action: 'enableStaffSignIn',
        organisationId: staff.orgId,
        staffId: staff.staffId,
        enabled,
      };
    }
    if (parsed.action === 'disableOperatorSignIn') {
      const disabled = await disableOperatorSignIn(services, parsed.input, options.operators);
      await bestEffort('platform', () =>
        recordOnPlatform(services, parsed, actor, 'COMPLETED', 'provisioner.assertion', requestId),
      );
      return { ok: true, action: 'disableOperatorSignIn', operatorId: parsed.input.operatorId, disabled };
    }
    if (parsed.action === 'registerPartnerClient') {
      const partner = await registerPartnerClient(services, parsed.input, partnerClients);
      await completedInTenant();
      return {
        ok: true,
        action: 'registerPartnerClient',
        organisationId: parsed.input.organisationId,
        partnerId: partner.partnerId,
      };
    }
    const { organisationId, pendingWindowInDays, exportId } = parsed.input;
    await requireExportOrWaiver(services, organisationId, pendingWindowInDays, {
      checkedByApi: { exportId },
    });
    const organisation = await offboardOrganisation(services, organisationId, pendingWindowInDays);
    const users = signIns ? await disableSignIns(services, signIns, organisation.orgId) : undefined;
    await bestEffort('platform', () =>
      recordOnPlatform(services, parsed, actor, 'COMPLETED', 'provisioner.offboard', requestId),
    );
    return {
      ok: true,
      action: 'offboard',
      organisationId: organisation.orgId,
      keyDeletionDate: organisation.keyDeletionDate ?? '',
      usersDisabled: users?.disabled ?? 0,
      usersNotDisabled: users?.failed ?? 0,
    };
  } catch (error) {
    if (error instanceof AssertionRefused && request) {
      const refused = request;
      const actor = error.actor ?? DIRECT_INVOCATION;
      const rule = `provisioner.assertion.${error.reason}`;
      await bestEffort('platform', () =>
        recordOnPlatform(services, refused, actor, 'FORBIDDEN', rule, requestId),
      );
      await bestEffort('tenant', () =>
        recordInTenant(services, refused, actor, 'FORBIDDEN', rule, requestId),
      );
      return {
        ok: false,
        error: { code: ErrorCode.FORBIDDEN, message: error.message, reason: error.reason },
      };
    }
    if (isConfideError(error) && error.code !== ErrorCode.INTERNAL) return failureOf(error);
    throw error;
  }
}

/** The organisation's export records (decision 0034): built from the services' table access. */
export function organisationExports(services: ConfideServices): OrganisationExports {
  return new OrganisationExports(
    services.tenantClients,
    services.config.tables.data,
    services.clock,
    services.keys,
  );
}

/**
 * A processor hands the controller its records before offboarding (decision 0034): offboarding runs only after an
 * export of the organisation's records was recorded, or its waiver with a reason code. Checked where the offboarding
 * runs (this process locally, the provisioner in AWS), so no path around it reaches the key deletion. The record's
 * MAC is checked (decision 0103), except in the provisioner, which may not use the organisation's key: there
 * `checkedByApi` names the record the api checked in its signed request, and it must still be the latest.
 */
export async function requireExportOrWaiver(
  services: ConfideServices,
  orgId: OrgId,
  pendingWindowInDays?: number,
  options: { readonly checkedByApi?: { readonly exportId: string | undefined } } = {},
): Promise<OrganisationExportRecord> {
  // Bad input and an unknown organisation are answered as offboarding answers them, before the export question.
  validate.integerInRange(
    ['input', 'pendingWindowInDays'],
    pendingWindowInDays ?? DEFAULT_KEY_DELETION_WINDOW_DAYS,
    7,
    30,
  );
  if (!(await services.directory.organisation(orgId))) throw notFound('Organisation');
  const checked = options.checkedByApi?.exportId;
  if (options.checkedByApi && checked === undefined) {
    throw badInput(['input', 'exportId'], 'input.exportId must name the export record the api checked.');
  }
  const record = await organisationExports(services).latest(
    tenantScope(orgId),
    checked === undefined ? {} : { unverified: true },
  );
  if (!record) {
    throw new ConfideError(
      ErrorCode.EXPORT_REQUIRED,
      "Offboarding needs the organisation's records exported to it first (confide org export), or the export waived with a reason.",
    );
  }
  // An export stands for the records only while nothing was recorded since: an event appended to the organisation's
  // audit after it (a change, or a read) needs a new export. Checked where the organisation's key is used (the api, or
  // in process); the provisioner runs only the record the api checked and named.
  if (
    record.kind === 'EXPORTED' &&
    checked === undefined &&
    record.auditPosition !== (await services.auditLog.position(tenantScope(orgId)))
  ) {
    throw new ConfideError(
      ErrorCode.EXPORT_REQUIRED,
      "The organisation's records changed after they were exported: export them again (confide org export) before offboarding.",
    );
  }
  if (checked !== undefined && record.exportId !== checked) {
    throw new ConfideError(
      ErrorCode.CONFLICT,
      'The export record changed after the api checked it: offboard again.',
    );
  }
  // A legal hold keeps its records from being destroyed: offboarding deletes the key, so held records leave only by
  // an export to the controller, never on a waiver.
  if (record.kind === 'WAIVED' && (await hasActiveLegalHold(services, orgId))) {
    throw new ConfideError(
      ErrorCode.EXPORT_REQUIRED,
      'The organisation has records under a legal hold: they are exported to it before offboarding (confide org export), and the export cannot be waived.',
    );
  }
  return record;
}

/** Whether any of the organisation's clients is under a legal hold in force (the holds index, a page at a time). */
async function hasActiveLegalHold(services: ConfideServices, orgId: OrgId): Promise<boolean> {
  let after: string | undefined;
  do {
    const page = await services.retention.legalHolds(tenantScope(orgId), { limit: 25, after });
    if (page.holds.length > 0) return true;
    after = page.next;
  } while (after);
  return false;
}

/** Two operators' agreement to offboard an organisation: the one who asked and the one who approved. */
export interface OffboardingApproval {
  readonly proposedBy: string;
  readonly approvedBy: string;
}

/** Onboarding and offboarding, and the sign-in users they govern, as the GraphQL mutations see them, wherever they run. */
export interface OrganisationProvisioning {
  /** Signed for `operator`, the operator principal of the governed operation that asks. */
  onboard(
    input: OnboardOrganisationInput,
    operator: Principal,
  ): Promise<{ organisation: Organisation; firstAdmin: StaffMember; secondAdmin?: StaffMember }>;
  /** Runs an offboarding two operators agreed on (the platform audit log has both). */
  offboard(
    orgId: OrgId,
    pendingWindowInDays: number | undefined,
    approval: OffboardingApproval,
  ): Promise<Organisation>;
  /**
   * Invites a staff member to sign in (decision 0021): only through the provisioner, which holds the user pool;
   * in this process (locally) there is none, so it is refused ({@link noUserPool}). Signed for `actor`, the principal
   * of the governed operation that asks (its resolver passes it), who must be an ORG_ADMIN of that organisation.
   */
  inviteStaff(input: InviteStaffInput, actor: Principal): Promise<StaffMember>;
  /**
   * Disables a deactivated staff member's sign-in user ({@link disableStaffSignIn}): through the provisioner, which
   * holds the user pool. In this process (locally) there is none, and nothing to disable: false. Signed for `actor`,
   * an ORG_ADMIN of that organisation or an operator restoring its administration (decision 0109). Answers whether a
   * user was disabled.
   */
  disableStaffSignIn(input: StaffSignInInput, actor: Principal): Promise<boolean>;
  /**
   * Enables a re-employed staff member's sign-in user again ({@link enableStaffSignIn}; decision 0129): through the
   * provisioner, signed for `actor`, an ORG_ADMIN of that organisation. In this process (locally) there is no user
   * pool: false. Answers whether a user was enabled.
   */
  enableStaffSignIn(input: StaffSignInInput, actor: Principal): Promise<boolean>;
  /** Whether staff and operators sign in through a user pool here, whose users these requests disable and enable. */
  readonly signInThroughPool: boolean;
  /**
   * Disables a suspended operator's user in the pool (decision 0128), through the provisioner, signed for `actor`, the
   * operator who suspended them. In this process (locally) there is no pool, and nothing to disable: false.
   */
  disableOperatorSignIn(operatorId: string, actor: Principal): Promise<boolean>;
  /**
   * Creates and binds a registered partner's own Cognito app client (decision 0022): only through the provisioner,
   * which holds the user pool; in this process (locally) there is none, so it is refused ({@link noPartnerUserPool}).
   * Signed for `actor` as {@link inviteStaff} is.
   */
  registerPartnerClient(input: RegisterPartnerClientInput, actor: Principal): Promise<PartnerAgency>;
}

/**
 * The ORG_ADMIN of `orgId` a tenant provisioner action is signed for: the principal of the governed operation that
 * asks, passed by its resolver (not looked up in an async context store: one would turn on promise hooks for the whole
 * process, and every promise of every request would pay for them; decision 0051). Anyone else is refused here,
 * before anything is signed or invoked.
 */
function tenantAdmin(orgId: OrgId, principal: Principal | undefined): AssertionActor {
  if (principal?.kind !== 'STAFF' || principal.orgId !== orgId || !principal.roles.includes('ORG_ADMIN')) {
    throw forbidden();
  }
  return { kind: 'STAFF', id: principal.staffId };
}

/**
 * Who may have an account's sign-in ended: the organisation's ORG_ADMIN (deactivateStaff), or an operator running an
 * administrator restoration (decision 0109). Either way only an account already deactivated (the provisioner checks).
 */
function signInDisabler(orgId: OrgId, principal: Principal | undefined): AssertionActor {
  return principal?.kind === 'OPERATOR' ? operatorActor(principal) : tenantAdmin(orgId, principal);
}

function operatorActor(principal: Principal | undefined): AssertionActor {
  if (principal?.kind !== 'OPERATOR') throw forbidden();
  return { kind: 'OPERATOR', id: principal.operatorId };
}

function requireTwoOperators(approval: OffboardingApproval): void {
  if (!approval.proposedBy || !approval.approvedBy || approval.proposedBy === approval.approvedBy) {
    throw forbidden();
  }
}

/** In this process: locally, where the api's credentials may create KMS keys. */
class InProcessProvisioning implements OrganisationProvisioning {
  constructor(private readonly services: ConfideServices) {}

  onboard(input: OnboardOrganisationInput) {
    return onboardOrganisation(this.services, input);
  }

  async offboard(orgId: OrgId, pendingWindowInDays: number | undefined, approval: OffboardingApproval) {
    requireTwoOperators(approval);
    await requireExportOrWaiver(this.services, orgId, pendingWindowInDays);
    return offboardOrganisation(this.services, orgId, pendingWindowInDays);
  }

  async inviteStaff(input: InviteStaffInput, actor: Principal): Promise<StaffMember> {
    tenantAdmin(input.organisationId, actor);
    throw noUserPool();
  }

  async disableStaffSignIn(input: StaffSignInInput, actor: Principal): Promise<boolean> {
    signInDisabler(input.organisationId, actor);
    return false;
  }

  async enableStaffSignIn(input: StaffSignInInput, actor: Principal): Promise<boolean> {
    tenantAdmin(input.organisationId, actor);
    return false;
  }

  readonly signInThroughPool = false;

  async disableOperatorSignIn(_operatorId: string, actor: Principal): Promise<boolean> {
    operatorActor(actor);
    return false;
  }

  async registerPartnerClient(input: RegisterPartnerClientInput, actor: Principal): Promise<PartnerAgency> {
    tenantAdmin(input.organisationId, actor);
    throw noPartnerUserPool();
  }
}

const ERROR_CODES: readonly string[] = Object.values(ErrorCode);

/**
 * The provisioner's answer, checked: a domain failure becomes the same error onboarding would have thrown here. An
 * answer about an organisation must name one; `platform` answers (about an operator) name none.
 */
function answerOf(
  value: unknown,
  action: ProvisionerRequest['action'],
  about: 'organisation' | 'platform' = 'organisation',
): Json {
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
  if (answer.ok !== true || answer.action !== action) {
    throw new ProvisionerFunctionError(`The provisioner gave no ${action} result.`);
  }
  if (about === 'platform') return answer;
  if (typeof answer.organisationId !== 'string') {
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

  /** Signs the request for `actor` and invokes the provisioner with it. */
  async #invoke(
    request: ProvisionerRequest,
    actor: AssertionActor,
    claims: { organisationId: string; target: string },
  ): Promise<unknown> {
    const assertion = await signAssertion(this.services, {
      ...claims,
      action: request.action,
      input: request.input,
      actor,
    });
    return this.provisioner.invoke({ ...request, assertion } as ProvisionerRequest);
  }

  async onboard(input: OnboardOrganisationInput, operator: Principal) {
    const actor = operatorActor(operator);
    const answer = answerOf(
      await this.#invoke({ action: 'onboard', input }, actor, { organisationId: '', target: input.slug }),
      'onboard',
    );
    const orgId = asOrgId(String(answer.organisationId));
    const secondId = answer.secondAdminStaffId;
    const [organisation, firstAdmin, secondAdmin] = await Promise.all([
      this.services.directory.organisation(orgId),
      this.services.directory.staff(tenantScope(orgId), String(answer.firstAdminStaffId)),
      secondId === undefined
        ? undefined
        : this.services.directory.staff(tenantScope(orgId), String(secondId)),
    ]);
    if (!organisation || !firstAdmin || (secondId !== undefined && !secondAdmin)) {
      throw new ProvisionerFunctionError('The organisation the provisioner created cannot be read.');
    }
    return { organisation, firstAdmin, ...(secondAdmin ? { secondAdmin } : {}) };
  }

  async offboard(orgId: OrgId, pendingWindowInDays: number | undefined, approval: OffboardingApproval) {
    requireTwoOperators(approval);
    // Checked here, under the organisation's key, and named in the signed request (decision 0103).
    const record = await requireExportOrWaiver(this.services, orgId, pendingWindowInDays);
    const input: OffboardInput = {
      organisationId: orgId,
      ...(pendingWindowInDays === undefined ? {} : { pendingWindowInDays }),
      exportId: record.exportId,
    };
    answerOf(
      await this.#invoke(
        { action: 'offboard', input },
        { kind: 'OPERATOR', id: approval.approvedBy },
        { organisationId: orgId, target: approval.proposedBy },
      ),
      'offboard',
    );
    // The provisioner dropped the keys it held; this process drops its own.
    this.services.keys.forgetOrganisation(orgId);
    const organisation = await this.services.directory.organisation(orgId);
    if (!organisation) throw new ProvisionerFunctionError('The offboarded organisation cannot be read.');
    return organisation;
  }

  async inviteStaff(input: InviteStaffInput, actor: Principal) {
    const admin = tenantAdmin(input.organisationId, actor);
    const answer = answerOf(
      await this.#invoke({ action: 'inviteStaff', input }, admin, {
        organisationId: input.organisationId,
        target: input.staffId,
      }),
      'inviteStaff',
    );
    if (answer.organisationId !== input.organisationId || answer.staffId !== input.staffId) {
      throw new ProvisionerFunctionError('The provisioner answered for another staff member.');
    }
    const staff = await this.services.directory.staff(tenantScope(input.organisationId), input.staffId);
    if (!staff) throw new ProvisionerFunctionError('The invited staff member cannot be read.');
    return staff;
  }

  async disableStaffSignIn(input: StaffSignInInput, actor: Principal) {
    const answer = await this.#staffSignIn(
      'disableStaffSignIn',
      input,
      signInDisabler(input.organisationId, actor),
    );
    return answer.disabled === true;
  }

  async enableStaffSignIn(input: StaffSignInInput, actor: Principal) {
    const answer = await this.#staffSignIn(
      'enableStaffSignIn',
      input,
      tenantAdmin(input.organisationId, actor),
    );
    return answer.enabled === true;
  }

  /** A staff member's sign-in user disabled or enabled by the provisioner, for `actor`: its answer, checked. */
  async #staffSignIn(
    action: 'disableStaffSignIn' | 'enableStaffSignIn',
    input: StaffSignInInput,
    actor: AssertionActor,
  ): Promise<Json> {
    const answer = answerOf(
      await this.#invoke({ action, input }, actor, {
        organisationId: input.organisationId,
        target: input.staffId,
      }),
      action,
    );
    if (answer.organisationId !== input.organisationId || answer.staffId !== input.staffId) {
      throw new ProvisionerFunctionError('The provisioner answered for another staff member.');
    }
    return answer;
  }

  readonly signInThroughPool = true;

  async disableOperatorSignIn(operatorId: string, actor: Principal) {
    const answer = answerOf(
      await this.#invoke({ action: 'disableOperatorSignIn', input: { operatorId } }, operatorActor(actor), {
        organisationId: '',
        target: operatorId,
      }),
      'disableOperatorSignIn',
      'platform',
    );
    if (answer.operatorId !== operatorId) {
      throw new ProvisionerFunctionError('The provisioner answered for another operator.');
    }
    return answer.disabled === true;
  }

  async registerPartnerClient(input: RegisterPartnerClientInput, actor: Principal) {
    const admin = tenantAdmin(input.organisationId, actor);
    const answer = answerOf(
      await this.#invoke({ action: 'registerPartnerClient', input }, admin, {
        organisationId: input.organisationId,
        target: input.partnerId,
      }),
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

export {
  deleteOffboardedSignIns,
  type OffboardedSignInsSweep,
  type OrganisationUserDeletion,
  type OrganisationUsers,
} from './offboarded-sign-ins';
export type { SignInAccounts } from './onboarding';
export type { OperatorAccounts, RegisterOperatorRequest } from './operator-registration';
export {
  type PartnerClients,
  type RegisterPartnerClientInput,
  registerPartnerClient,
} from './partner-clients';
export {
  type AssertionActor,
  type AssertionRefusal,
  inputDigest,
  signAssertion,
} from './provisioner-assertion';
export {
  disableStaffSignIn,
  enableStaffSignIn,
  type InviteStaffInput,
  inviteStaff,
  type StaffSignInInput,
} from './staff-invitations';
