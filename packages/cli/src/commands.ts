// The api's modules by path, not its index: the index builds the GraphQL schema as it loads, which only offboarding
// uses here (imported where it runs), so that the other commands start without it.
import { configFromEnv } from '@confide/api/config';
import { DEFAULT_KEY_DELETION_WINDOW_DAYS, onboardOrganisation } from '@confide/api/onboarding';
import { requireExportOrWaiver } from '@confide/api/provisioning';
import { type ConfideServices, createServices } from '@confide/api/services';
import { ACCESS_PRESETS, type AccessPreset, type OrgId } from '@confide/domain';
import { type LocalStackInfo, localStackEnv, mintToken } from '@confide/local';
import { ItemLoader, tenantScope } from '@confide/store';
import { CliError, runningStack } from './data-dir';
import { table } from './table';

export function servicesFor(stack: LocalStackInfo): ConfideServices {
  Object.assign(process.env, localStackEnv(stack));
  return createServices(configFromEnv(process.env));
}

async function orgIdOf(services: ConfideServices, slug: string): Promise<OrgId> {
  const orgId = await services.directory.organisationIdBySlug(slug);
  if (!orgId) throw new CliError(`No organisation with slug "${slug}".`);
  return orgId;
}

export interface TokenRequest {
  org?: string;
  user?: string;
  serviceUser?: string;
  partner?: string;
  operator?: boolean;
  /** Which operator (`--operator-id`); {@link DEFAULT_OPERATOR} unless given. */
  operatorId?: string;
  expiresIn?: string;
}

/** The operator the CLI acts as unless `--operator-id` names another. */
export const DEFAULT_OPERATOR = 'local-operator';

const OPERATOR_ID = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;

function operatorIdOf(value: string | undefined): string {
  const operatorId = value ?? DEFAULT_OPERATOR;
  if (!OPERATOR_ID.test(operatorId)) {
    throw new CliError('--operator-id takes 1–128 letters, digits, ".", "_", "@" or "-".');
  }
  return operatorId;
}

/** A platform operator's token from the local issuer, as Cognito names an operator: subject and operators group. */
function operatorToken(stack: LocalStackInfo, operatorId: string, expiresIn = '8h'): Promise<string> {
  return mintToken(
    stack.dataDir,
    { issuer: stack.issuer, audience: stack.audience, expiresIn },
    { sub: operatorId, 'cognito:groups': ['confide-operators'] },
  );
}

/** Mints a local token for any principal kind: staff (`--user`), service user, partner client or operator. */
export async function tokenCommand(request: TokenRequest): Promise<string> {
  const stack = runningStack();
  const settings = { issuer: stack.issuer, audience: stack.audience, expiresIn: request.expiresIn ?? '8h' };
  if (request.operator) {
    return operatorToken(stack, operatorIdOf(request.operatorId), settings.expiresIn);
  }
  if (request.operatorId !== undefined) throw new CliError('--operator-id goes with --operator.');
  if (!request.org) throw new CliError('Give --org <slug> (or --operator).');
  const services = servicesFor(stack);
  const orgId = await orgIdOf(services, request.org);
  if (request.user) {
    const staff = await services.directory.staffByHandle(tenantScope(orgId), request.user);
    if (!staff) throw new CliError(`No staff member "${request.user}" in ${request.org}.`);
    return mintToken(stack.dataDir, settings, {
      sub: staff.externalSubject,
      org_id: orgId,
      staff_id: staff.staffId,
    });
  }
  if (request.serviceUser) {
    const scope = tenantScope(orgId);
    const clientId = await services.serviceUsers.idByReference(scope, request.serviceUser);
    const client = clientId
      ? await services.serviceUsers.get(scope, clientId, new ItemLoader(services.dynamo, services.keys))
      : undefined;
    if (!client?.externalSubject)
      throw new CliError(`No service user with reference "${request.serviceUser}" in ${request.org}.`);
    return mintToken(stack.dataDir, settings, { sub: client.externalSubject, org_id: orgId });
  }
  if (request.partner) {
    // A client-credentials token: Cognito sets the subject to the app's client id.
    return mintToken(stack.dataDir, settings, {
      sub: request.partner,
      client_id: request.partner,
      scope: 'confide/partner.read',
      org_id: orgId,
    });
  }
  throw new CliError(
    'Give --user <handle>, --service-user <reference>, --partner <client id> or --operator.',
  );
}

export async function orgCreateCommand(options: {
  name?: string;
  slug?: string;
  preset?: string;
  adminHandle?: string;
  adminName?: string;
  adminEmail?: string;
  secondAdminHandle?: string;
  secondAdminName?: string;
  secondAdminEmail?: string;
  dpa?: string;
  stage?: string;
}): Promise<string> {
  const { name, slug, adminHandle, adminName } = options;
  if (!name || !slug || !adminHandle || !adminName) {
    throw new CliError(
      'Give --name, --slug, --admin-handle and --admin-name (and optionally --admin-email, --second-admin-handle, --second-admin-name, --second-admin-email, --preset, --dpa).',
    );
  }
  const { secondAdminHandle, secondAdminName, secondAdminEmail } = options;
  if ((secondAdminHandle === undefined) !== (secondAdminName === undefined)) {
    throw new CliError('Give --second-admin-handle and --second-admin-name together.');
  }
  if (secondAdminEmail !== undefined && secondAdminHandle === undefined) {
    throw new CliError('--second-admin-email needs --second-admin-handle and --second-admin-name.');
  }
  const secondAdmin =
    secondAdminHandle !== undefined && secondAdminName !== undefined
      ? { handle: secondAdminHandle, displayName: secondAdminName, email: secondAdminEmail ?? null }
      : undefined;
  const preset = (options.preset ?? 'STRICT').toUpperCase();
  if (!(ACCESS_PRESETS as readonly string[]).includes(preset)) {
    throw new CliError(`--preset is one of ${ACCESS_PRESETS.join(', ')}.`);
  }
  if (options.stage !== undefined) {
    const { orgCreateInStage } = await import('./stage-commands');
    return orgCreateInStage(options.stage, {
      name,
      slug,
      preset,
      dataProcessingAgreement: options.dpa ?? null,
      firstAdmin: { handle: adminHandle, displayName: adminName, email: options.adminEmail ?? null },
      ...(secondAdmin ? { secondAdmin } : {}),
    });
  }
  const services = servicesFor(runningStack());
  const onboarded = await onboardOrganisation(services, {
    name,
    slug,
    preset: preset as AccessPreset,
    dataProcessingAgreement: options.dpa ?? null,
    firstAdmin: { handle: adminHandle, displayName: adminName, email: options.adminEmail ?? null },
    secondAdmin: secondAdmin ?? null,
  });
  const { organisation, firstAdmin, secondAdmin: second } = onboarded;
  return (
    `Onboarded ${organisation.slug} (${organisation.orgId}), key ${organisation.keyAlias}; first admin: ${firstAdmin.handle}` +
    (second ? `; second admin: ${second.handle}` : '')
  );
}

export async function orgListCommand(options: { stage?: string } = {}): Promise<string> {
  if (options.stage !== undefined) {
    const { orgListInStage } = await import('./stage-commands');
    return orgListInStage(options.stage);
  }
  const services = servicesFor(runningStack());
  const organisations = await services.directory.listOrganisations();
  if (organisations.length === 0) return 'No organisations yet.';
  return table(
    ['SLUG', 'STATUS', 'PRESET', 'ID', 'NAME'],
    organisations.map((org) => [org.slug, org.status, org.preset, org.orgId, org.name]),
  );
}

const OFFBOARD_MUTATION = `mutation ($input: OffboardOrganisationInput!) {
  offboardOrganisation(input: $input) { slug status keyDeletionDate }
}`;

/**
 * Runs a platform operation through the api in this process, with a short-lived token of `operatorId`: the operation's
 * own checks and platform audit apply exactly as for an operator calling the api.
 */
async function asOperator(
  stack: LocalStackInfo,
  services: ConfideServices,
  operatorId: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<unknown> {
  const { createConfideYoga } = await import('@confide/api');
  const response = await createConfideYoga(services).fetch('http://confide.local/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      authorization: `Bearer ${await operatorToken(stack, operatorId, '5m')}`,
    },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

interface OffboardAnswer {
  data?: {
    offboardOrganisation?: { slug: string; status: string; keyDeletionDate: string | null } | null;
  } | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/**
 * Offboards an organisation on two operators' word, as the API requires (issue 14): without `--approve` it records
 * the request as one operator; with `--approve`, a different operator (`--operator-id`) runs it. Both calls go
 * through the API's `offboardOrganisation` mutation with that operator's token, so the two-operator rule, the
 * 72-hour limit and the platform audit log apply exactly as they do for any operator.
 */
export async function orgOffboardCommand(options: {
  slug?: string;
  window?: string;
  approve?: boolean;
  operatorId?: string;
  stage?: string;
}): Promise<string> {
  if (!options.slug) throw new CliError('Give --slug <slug>.');
  const slug = options.slug;
  let window: number | undefined;
  if (options.window !== undefined) {
    window = Number(options.window);
    if (!Number.isInteger(window) || window < 7 || window > 30) {
      throw new CliError('--window is a whole number of days from 7 to 30.');
    }
  }
  if (options.stage !== undefined) {
    if (options.operatorId !== undefined) throw new CliError(OPERATOR_ID_IN_STAGE);
    const { orgOffboardInStage } = await import('./stage-commands');
    return orgOffboardInStage(options.stage, { slug, window, approve: options.approve === true });
  }
  const operatorId = operatorIdOf(options.operatorId);
  const stack = runningStack();
  const services = servicesFor(stack);
  const orgId = await orgIdOf(services, slug);
  const approveLine = `npx confide org offboard --slug ${slug} --approve --operator-id <another operator>`;

  // A processor hands the charity its records first (decision 0034): refused before anything is requested (and
  // again where the offboarding runs, whatever asked for it).
  if (!options.approve) await requireExportOrWaiver(services, orgId, window);
  const pending = await services.platformAudit.pendingOffboarding(orgId);
  if (options.approve && !pending) {
    throw new CliError(
      `No offboarding of ${slug} is pending: request it first with npx confide org offboard --slug ${slug}.`,
    );
  }
  if (!options.approve && pending) {
    throw new CliError(
      `An offboarding of ${slug} is already pending, requested by ${pending.proposedBy}; a different operator ` +
        `completes it with: ${approveLine}`,
    );
  }

  const answer = (await asOperator(stack, services, operatorId, OFFBOARD_MUTATION, {
    input: { organisationId: orgId, ...(window === undefined ? {} : { pendingWindowInDays: window }) },
  })) as OffboardAnswer;
  const [error] = answer.errors ?? [];
  const code = error?.extensions?.code;
  if (!options.approve && code === 'APPROVAL_REQUIRED') {
    return (
      `Offboarding of ${slug} requested by ${operatorId} (key deletion window ${window ?? DEFAULT_KEY_DELETION_WINDOW_DAYS} days); nothing ` +
      `changes until a different operator approves it within 72 hours:\n  ${approveLine}`
    );
  }
  if (error) throw new CliError(`${code ?? 'ERROR'}: ${error.message}`);
  const organisation = answer.data?.offboardOrganisation;
  if (!organisation) throw new CliError('The API answered no organisation.');
  return (
    `Offboarded ${organisation.slug} (requested by ${pending?.proposedBy}, approved by ${operatorId}): all access ` +
    `refused; KMS key deletion on ${organisation.keyDeletionDate}.`
  );
}

/** The api's first error as the operator reads it: the flag when the field is one, the message and the code. */
function refuseOnError(answer: unknown, flags: Readonly<Record<string, string>>): void {
  const [error] =
    (answer as { errors?: { message: string; extensions?: { code?: string; field?: string[] } }[] }).errors ??
    [];
  if (!error) return;
  const flag = flags[error.extensions?.field?.[0] ?? ''];
  throw new CliError(`${flag ? `${flag}: ` : ''}${error.message} (${error.extensions?.code ?? 'ERROR'})`);
}

const CONFIRM_ADMIN_MUTATION = `mutation ($organisationId: ID!, $approvalId: ID!) {
  confirmOrganisationAdministrator(organisationId: $organisationId, approvalId: $approvalId) { slug }
}`;

/**
 * `confide org confirm-admin --slug <s> --approval <id>`: an operator confirms, as its second person, a change giving
 * ORG_ADMIN proposed by an organisation's only admin (decision 0081), through the api as offboarding is, so that its
 * checks and its platform audit are the api's own.
 */
export async function orgConfirmAdminCommand(options: {
  slug?: string;
  approval?: string;
  operatorId?: string;
  stage?: string;
}): Promise<string> {
  if (!options.slug || !options.approval) throw new CliError('Give --slug <slug> and --approval <id>.');
  const { slug, approval } = options;
  const done = `Confirmed the new admin of ${slug}; its admin now approves the change (approval ${approval}).`;
  if (options.stage !== undefined) {
    if (options.operatorId !== undefined) throw new CliError(OPERATOR_ID_IN_STAGE);
    const { orgConfirmAdminInStage } = await import('./stage-commands');
    await orgConfirmAdminInStage(options.stage, { slug, approval });
    return done;
  }
  const operatorId = operatorIdOf(options.operatorId);
  const stack = runningStack();
  const services = servicesFor(stack);
  const orgId = await orgIdOf(services, slug);
  const answer = await asOperator(stack, services, operatorId, CONFIRM_ADMIN_MUTATION, {
    organisationId: orgId,
    approvalId: approval,
  });
  refuseOnError(answer, { approvalId: '--approval' });
  return done;
}

const RESTORE_ADMIN_MUTATION = `mutation ($organisationId: ID!, $staffId: ID!) {
  restoreOrganisationAdministrator(organisationId: $organisationId, staffId: $staffId) { slug }
}`;

/**
 * `confide org restore-admin --slug <s> --staff <id>`: an operator asks for, or (a second operator) runs, the
 * restoration of an organisation's administration once its admins have all left (decision 0109), through the api.
 */
export async function orgRestoreAdminCommand(options: {
  slug?: string;
  staff?: string;
  operatorId?: string;
  stage?: string;
}): Promise<string> {
  if (!options.slug || !options.staff) throw new CliError('Give --slug <slug> and --staff <staff id>.');
  const { slug, staff } = options;
  let outcome: 'ASKED' | 'RESTORED';
  if (options.stage !== undefined) {
    if (options.operatorId !== undefined) throw new CliError(OPERATOR_ID_IN_STAGE);
    const { orgRestoreAdminInStage } = await import('./stage-commands');
    outcome = await orgRestoreAdminInStage(options.stage, { slug, staff });
  } else {
    const stack = runningStack();
    const services = servicesFor(stack);
    const answer = await asOperator(
      stack,
      services,
      operatorIdOf(options.operatorId),
      RESTORE_ADMIN_MUTATION,
      {
        organisationId: await orgIdOf(services, slug),
        staffId: staff,
      },
    );
    const [error] = (answer as { errors?: { extensions?: { code?: string } }[] }).errors ?? [];
    if (error?.extensions?.code !== 'APPROVAL_REQUIRED') refuseOnError(answer, { staffId: '--staff' });
    outcome = error ? 'ASKED' : 'RESTORED';
  }
  if (outcome === 'ASKED') {
    return `Asked to restore the administration of ${slug} with ${staff} as its admin: a second operator runs the same command within 72 hours.`;
  }
  return `Restored the administration of ${slug}: ${staff} is its ORG_ADMIN, its other admin accounts are deactivated, and its governance contacts are told.`;
}

const SUSPEND_OPERATOR_MUTATION = `mutation ($operatorId: String!) {
  suspendOperator(operatorId: $operatorId) { operatorId status }
}`;

/**
 * `confide operator suspend --operator <id>`: a second operator suspends one (decision 0106), through the api, so
 * that the refusals and the platform audit are the API's. In a stage, as the operator in `CONFIDE_OPERATOR_TOKEN`.
 */
export async function operatorSuspendCommand(options: {
  operator?: string;
  operatorId?: string;
  stage?: string;
}): Promise<string> {
  if (!options.operator) throw new CliError('Give --operator <id>: the subject of the operator to suspend.');
  const target = options.operator;
  const done = `Suspended operator ${target}: the api refuses their every request from now on.`;
  if (options.stage !== undefined) {
    if (options.operatorId !== undefined) throw new CliError(OPERATOR_ID_IN_STAGE);
    const { operatorSuspendInStage } = await import('./stage-commands');
    await operatorSuspendInStage(options.stage, target);
    return done;
  }
  const stack = runningStack();
  const services = servicesFor(stack);
  const operatorId = operatorIdOf(options.operatorId);
  const answer = await asOperator(stack, services, operatorId, SUSPEND_OPERATOR_MUTATION, {
    operatorId: target,
  });
  refuseOnError(answer, { operatorId: '--operator' });
  return done;
}

/**
 * `confide users --org <slug> [--stage <s>]`: the organisation's staff accounts for an operator, with no personal
 * data (issue 20): ids, status, roles and creation time. Locally the accounts' access MACs are checked (a tampered
 * account fails the command); in a stage the provisioner answers them as stored (see staffRoster).
 */
export async function usersCommand(options: { org?: string; stage?: string }): Promise<string> {
  if (!options.org) throw new CliError('Give --org <slug>.');
  const { rosterTable, usersInStage } = await import('./stage-commands');
  if (options.stage !== undefined) return usersInStage(options.stage, options.org);
  const services = servicesFor(runningStack());
  const staff = await services.directory.listStaff(tenantScope(await orgIdOf(services, options.org)));
  return rosterTable(
    [...staff].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.staffId.localeCompare(b.staffId)),
  );
}

/** `--operator-id` names a local operator; in a stage the operator is whoever the token says. */
const OPERATOR_ID_IN_STAGE =
  '--operator-id is for the local stack: in a stage the api takes the operator from CONFIDE_OPERATOR_TOKEN.';

/**
 * `confide org export`: the processor's export of an organisation's records to the charity, decrypted, into a new
 * folder under `--to`; or, with `--waive <reason>`, the record that none is made. Offboarding requires one.
 */
export async function orgExportCommand(options: {
  slug?: string;
  to?: string;
  waive?: string;
  reference?: string;
  operatorId?: string;
  stage?: string;
}): Promise<string> {
  if (!options.slug) throw new CliError('Give --slug <slug>.');
  if ((options.to === undefined) === (options.waive === undefined)) {
    throw new CliError('Give either --to <folder> (export) or --waive <reason> (no export).');
  }
  if (options.reference !== undefined && options.waive === undefined) {
    throw new CliError('--reference goes with --waive.');
  }
  if (options.stage !== undefined) {
    if (options.operatorId !== undefined) throw new CliError(OPERATOR_ID_IN_STAGE);
    if (options.to !== undefined) {
      // Decision 0041: the stage's transfer function reads and audits, this writes the folder and its manifest.
      const { orgExportInStage } = await import('./stage-transfer');
      return orgExportInStage(options.stage, { slug: options.slug, to: options.to });
    }
    const { waiverOf } = await import('./org-export');
    const { orgWaiveExportInStage } = await import('./stage-commands');
    const waiver = waiverOf(options.waive ?? '', options.reference);
    return orgWaiveExportInStage(options.stage, { slug: options.slug, ...waiver });
  }
  const operatorId = operatorIdOf(options.operatorId);
  const { exportOrganisation, waiveExport, waiverOf } = await import('./org-export');
  const waiver = options.waive === undefined ? undefined : waiverOf(options.waive, options.reference);
  const services = servicesFor(runningStack());
  const orgId = await orgIdOf(services, options.slug);
  if (waiver) {
    await waiveExport(services, { orgId, operatorId, ...waiver });
    return `Export of ${options.slug} waived by ${operatorId} (${waiver.reason}); offboarding may proceed.`;
  }
  const summary = await exportOrganisation(services, {
    orgId,
    slug: options.slug,
    destination: options.to ?? '',
    operatorId,
  });
  return (
    `Exported ${options.slug}: ${summary.serviceUsers} service users (${summary.erased} erased), ${summary.notes} notes, ` +
    `to ${summary.folder} (manifest sha256 ${summary.manifestDigest}). Hand the folder to the charity.`
  );
}
