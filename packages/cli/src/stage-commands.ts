import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CliError } from './data-dir';
import { table } from './table';

/**
 * The operator commands against a deployed stage (issue 20), with the operator's own AWS credentials and region
 * (the SDK's usual chain; see stage.ts).
 *
 * - `org create`, `org list`, `users` and `operator add` invoke the stage's provisioner function: onboarding and
 *   registering an operator are the changes an operator may ask of it directly (decisions 0018, 0105), and the two
 *   lists are its read-only requests, answering ids, slugs, roles and dates, never a person's name, handle or email.
 * - `org offboard` and `org export --waive` invoke the stage's api function with the operator's own Cognito token
 *   (`CONFIDE_OPERATOR_TOKEN`). The provisioner offboards only on an assertion the api signs for two different
 *   authenticated operators (decision 0024): a direct invocation cannot say who the operators are, and letting it
 *   would reopen that side door. Through the api the two-operator rule, the platform audit and the export gate
 *   (decision 0034: EXPORT_REQUIRED until an export or a waiver is recorded) hold exactly as for the API.
 */

/** The provisioner's answer fields, by the flag that set them: a refusal names the flag, not an internal field. */
const ONBOARD_FLAGS: Readonly<Record<string, string>> = {
  'input.name': '--name',
  'input.slug': '--slug',
  'input.preset': '--preset',
  'input.dataProcessingAgreement': '--dpa',
  'input.firstAdmin.handle': '--admin-handle',
  'input.firstAdmin.displayName': '--admin-name',
  'input.firstAdmin.email': '--admin-email',
  'input.secondAdmin.handle': '--second-admin-handle',
  'input.secondAdmin.displayName': '--second-admin-name',
  'input.secondAdmin.email': '--second-admin-email',
};
const STAFF_FLAGS: Readonly<Record<string, string>> = { 'input.slug': '--org' };
const OFFBOARD_FLAGS: Readonly<Record<string, string>> = {
  'input.pendingWindowInDays': '--window',
  'input.organisationId': '--slug',
};
const WAIVER_FLAGS: Readonly<Record<string, string>> = { reference: '--reference', reason: '--waive' };
const OPERATOR_FLAGS: Readonly<Record<string, string>> = { 'input.username': '--username' };

type StageFunctionName = 'provisioner' | 'api';

async function invoke(stage: string, name: StageFunctionName, payload: unknown): Promise<unknown> {
  const { stageFunction } = await import('./stage');
  const target = stageFunction(stage, name);
  try {
    return await target.invokeWith(payload);
  } catch (error) {
    // ProvisionerFunction's messages say "provisioner" whichever function it invoked.
    const message = (error as Error).message.replace(/\b([Tt])he provisioner\b/g, '$1he function');
    throw new CliError(`The ${stage} ${name} could not be run: ${message}`);
  }
}

interface Refusal {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly field?: unknown;
  readonly reason?: unknown;
}

/** A refusal in the operator's words: the flag when the field is one, the code always. */
function refusalOf(error: Refusal, flags: Readonly<Record<string, string>>): CliError {
  const code = typeof error.code === 'string' ? error.code : 'ERROR';
  const message = typeof error.message === 'string' ? error.message : 'Refused.';
  const field = Array.isArray(error.field) ? error.field.map(String).join('.') : undefined;
  const flag = field === undefined ? undefined : flags[field];
  const reason = typeof error.reason === 'string' ? ` [${error.reason}]` : '';
  return new CliError(flag ? `${flag}: ${message} (${code})${reason}` : `${code}: ${message}${reason}`);
}

type Answer = Record<string, unknown>;

async function provisioner(
  stage: string,
  payload: Answer,
  flags: Readonly<Record<string, string>>,
): Promise<Answer> {
  const answer = (await invoke(stage, 'provisioner', payload)) as Answer | null;
  if (answer?.ok === false) throw refusalOf((answer.error ?? {}) as Refusal, flags);
  if (answer?.ok !== true || answer.action !== payload.action) {
    throw new CliError(`The ${stage} provisioner gave no ${String(payload.action)} result.`);
  }
  return answer;
}

/**
 * `confide operator add --stage`: the provisioner registers the pool's user as an active operator (decision 0105), by
 * their subject, which it prints; the address goes no further than the provisioner's lookup. `operator reactivate
 * --stage`: it makes a suspended one active again (decision 0113), their user in the pool enabled (decision 0128).
 */
export async function poolOperatorInStage(
  stage: string,
  username: string,
  command: 'add' | 'reactivate',
): Promise<string> {
  const action = command === 'add' ? 'registerOperator' : 'reactivateOperator';
  const answer = await provisioner(stage, { action, input: { username } }, OPERATOR_FLAGS);
  return command === 'add'
    ? `Registered operator ${String(answer.operatorId)} in ${stage}: the api now admits their tokens of the operators' group.`
    : `Reactivated operator ${String(answer.operatorId)} in ${stage}: their user in the pool is enabled, and the api admits their tokens of the operators' group again.`;
}

/** What `org create` sends: the onboarding input, checked for presence by the command. */
export interface StageOnboarding {
  readonly name: string;
  readonly slug: string;
  readonly preset: string;
  readonly dataProcessingAgreement: string | null;
  readonly firstAdmin: StageAdmin;
  readonly secondAdmin?: StageAdmin;
}

interface StageAdmin {
  readonly handle: string;
  readonly displayName: string;
  readonly email: string | null;
}

/** `confide org create --stage`: the provisioner onboards (recorded as a direct invocation); prints ids only. */
export async function orgCreateInStage(stage: string, input: StageOnboarding): Promise<string> {
  const answer = await provisioner(stage, { action: 'onboard', input }, ONBOARD_FLAGS);
  return (
    `Onboarded ${input.slug} (${String(answer.organisationId)}) in ${stage}, key ${String(answer.keyAlias)}; ` +
    `first admin ${String(answer.firstAdminStaffId)}${input.firstAdmin.email ? ', invited by email' : ''}` +
    (input.secondAdmin
      ? `; second admin ${String(answer.secondAdminStaffId)}${input.secondAdmin.email ? ', invited by email' : ''}`
      : '') +
    '.'
  );
}

interface ListedOrganisation {
  readonly organisationId: string;
  readonly slug: string;
  readonly status: string;
  readonly preset: string;
  readonly createdAt: string;
}

/** `confide org list --stage`: slugs, status, preset, ids and creation dates (the provisioner answers no names). */
export async function orgListInStage(stage: string): Promise<string> {
  const answer = await provisioner(stage, { action: 'listOrganisations' }, {});
  const organisations = (answer.organisations ?? []) as ListedOrganisation[];
  if (organisations.length === 0) return `No organisations in ${stage} yet.`;
  return table(
    ['SLUG', 'STATUS', 'PRESET', 'ID', 'CREATED'],
    organisations.map((org) => [org.slug, org.status, org.preset, org.organisationId, org.createdAt]),
  );
}

/** One staff account as `confide users` prints it, locally and in a stage. */
export interface StaffRosterLine {
  readonly staffId: string;
  readonly status: string;
  readonly roles: readonly string[];
  readonly createdAt: string;
}

/** The roster table: a header, then one line per account; never a name, handle or email. */
export function rosterTable(staff: readonly StaffRosterLine[]): string {
  return table(
    ['STAFF ID', 'STATUS', 'ROLES', 'CREATED'],
    staff.map((member) => [
      member.staffId,
      member.status,
      [...member.roles].sort().join(','),
      member.createdAt,
    ]),
  );
}

/** `confide users --stage`: the provisioner's roster of the organisation (as stored; see staffRoster). */
export async function usersInStage(stage: string, slug: string): Promise<string> {
  const answer = await provisioner(stage, { action: 'listStaff', input: { slug } }, STAFF_FLAGS);
  return rosterTable((answer.staff ?? []) as StaffRosterLine[]);
}

/**
 * The registered operator documents (schema/trusted), sent in full so any stage's manifest version recognises them.
 * Read when first needed, so `confide users` and the provisioner commands never touch the file.
 */
function operatorDocument(): string {
  return readFileSync(
    fileURLToPath(new URL('../../../schema/trusted/confide-cli/operator.graphql', import.meta.url)),
    'utf8',
  );
}

interface GraphqlError {
  readonly message?: unknown;
  readonly extensions?: { readonly code?: unknown; readonly field?: unknown };
  readonly path?: unknown;
}

interface GraphqlAnswer {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly GraphqlError[];
}

/** Runs one of the registered operator operations in the stage's api function, as API Gateway would hand it over. */
async function operatorGraphql(
  stage: string,
  operationName: string,
  variables: Record<string, unknown>,
): Promise<GraphqlAnswer> {
  const { operatorTokenFor } = await import('./login');
  const token = operatorTokenFor(
    stage,
    "Offboarding, waivers, confirmations, restorations and suspensions go through the stage's api, which checks who you are.",
  );
  const body = JSON.stringify({ query: operatorDocument(), operationName, variables });
  const now = new Date();
  const requestId = `confide-cli-${randomUUID()}`;
  const event = {
    version: '2.0',
    routeKey: 'POST /graphql',
    rawPath: '/graphql',
    rawQueryString: '',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      authorization: `Bearer ${token}`,
      'user-agent': 'confide-cli',
    },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'confide-cli',
      domainName: `confide-${stage}.invoke`,
      domainPrefix: `confide-${stage}`,
      http: {
        method: 'POST',
        path: '/graphql',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'confide-cli',
      },
      requestId,
      routeKey: 'POST /graphql',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    body,
    isBase64Encoded: false,
  };
  const answer = (await invoke(stage, 'api', event)) as { statusCode?: unknown; body?: unknown } | null;
  try {
    return JSON.parse(String(answer?.body)) as GraphqlAnswer;
  } catch {
    throw new CliError(
      `The ${stage} api answered HTTP ${String(answer?.statusCode)} without a GraphQL result.`,
    );
  }
}

function firstError(answer: GraphqlAnswer): GraphqlError | undefined {
  return answer.errors?.[0];
}

function apiRefusal(error: GraphqlError, flags: Readonly<Record<string, string>>): CliError {
  return refusalOf(
    {
      code: error.extensions?.code,
      message: error.message,
      field: error.extensions?.field,
    },
    flags,
  );
}

interface OrganisationsPage {
  readonly edges: readonly { readonly node: { id: string; slug: string; status: string } }[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor?: string | null };
}

/** The organisation's id in the stage, by slug (through the api, as the operator), read a page at a time. */
async function organisationInStage(stage: string, slug: string): Promise<{ id: string; status: string }> {
  let after: string | null = null;
  for (;;) {
    const answer = await operatorGraphql(stage, 'OperatorOrganisations', { after });
    const error = firstError(answer);
    if (error) throw apiRefusal(error, {});
    const page = answer.data?.organisationsConnection as OrganisationsPage | undefined;
    const found = page?.edges.find(({ node }) => node.slug === slug)?.node;
    if (found) return found;
    if (!page?.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
    after = page.pageInfo.endCursor;
  }
  throw new CliError(`--slug: No organisation with slug "${slug}" in ${stage}.`);
}

/**
 * `confide org offboard --stage`: the api's two-operator offboarding. Without `--approve` the first operator's
 * request is recorded (after the export gate); with it, a different operator runs it, and the api invokes the
 * provisioner with its signed assertion.
 */
export async function orgOffboardInStage(
  stage: string,
  options: { slug: string; window: number | undefined; approve: boolean },
): Promise<string> {
  const { id } = await organisationInStage(stage, options.slug);
  const answer = await operatorGraphql(stage, 'OperatorOffboard', {
    input: {
      organisationId: id,
      ...(options.window === undefined ? {} : { pendingWindowInDays: options.window }),
    },
  });
  const error = firstError(answer);
  const approveLine = `CONFIDE_OPERATOR_TOKEN=<another operator's token> npx confide org offboard --slug ${options.slug} --approve --stage ${stage}`;
  if (error?.extensions?.code === 'APPROVAL_REQUIRED') {
    if (options.approve) {
      throw new CliError(
        `No offboarding of ${options.slug} was pending in ${stage}: this call recorded one as yours; a different operator approves it with:\n  ${approveLine}`,
      );
    }
    return (
      `Offboarding of ${options.slug} requested in ${stage}; nothing changes until a different operator approves it ` +
      `within 72 hours:\n  ${approveLine}`
    );
  }
  if (error) throw apiRefusal(error, OFFBOARD_FLAGS);
  const organisation = answer.data?.offboardOrganisation as { keyDeletionDate?: string } | undefined;
  if (!options.approve) {
    // The api ran an offboarding another operator had requested: say so plainly, it is not what was asked.
    return `Offboarded ${options.slug} in ${stage}, approving a pending request: all access refused; KMS key deletion on ${organisation?.keyDeletionDate}.`;
  }
  return `Offboarded ${options.slug} in ${stage}: all access refused; KMS key deletion on ${organisation?.keyDeletionDate}.`;
}

/** `confide org confirm-admin --stage`: the operator's confirmation through the api (platform audit log first). */
export async function orgConfirmAdminInStage(
  stage: string,
  options: { slug: string; approval: string },
): Promise<void> {
  const { id } = await organisationInStage(stage, options.slug);
  const answer = await operatorGraphql(stage, 'OperatorConfirmAdministrator', {
    organisationId: id,
    approvalId: options.approval,
  });
  const error = firstError(answer);
  if (error) throw apiRefusal(error, { approvalId: '--approval' });
}

/**
 * `confide org restore-admin --stage`: through the api (decision 0109). ASKED when it recorded this operator's
 * request, RESTORED when it ran another operator's.
 */
export async function orgRestoreAdminInStage(
  stage: string,
  options: { slug: string; staff: string },
): Promise<'ASKED' | 'RESTORED'> {
  const { id } = await organisationInStage(stage, options.slug);
  const answer = await operatorGraphql(stage, 'OperatorRestoreAdministrator', {
    organisationId: id,
    staffId: options.staff,
  });
  const error = firstError(answer);
  if (error?.extensions?.code === 'APPROVAL_REQUIRED') return 'ASKED';
  if (error) throw apiRefusal(error, { staffId: '--staff' });
  return 'RESTORED';
}

/** `confide operator suspend --stage`: through the api, as the operator in `CONFIDE_OPERATOR_TOKEN` (decision 0106). */
export async function operatorSuspendInStage(stage: string, operatorId: string): Promise<void> {
  const answer = await operatorGraphql(stage, 'OperatorSuspend', { operatorId });
  const error = firstError(answer);
  if (error) throw apiRefusal(error, { operatorId: '--operator' });
}

/** `confide org export --waive --stage`: records the waiver through the api (audited in the platform audit log). */
export async function orgWaiveExportInStage(
  stage: string,
  options: { slug: string; reason: string; reference: string | undefined },
): Promise<string> {
  const { id } = await organisationInStage(stage, options.slug);
  const answer = await operatorGraphql(stage, 'OperatorWaiveExport', {
    organisationId: id,
    reason: options.reason,
    ...(options.reference === undefined ? {} : { reference: options.reference }),
  });
  const error = firstError(answer);
  if (error) throw apiRefusal(error, WAIVER_FLAGS);
  return `Export of ${options.slug} waived in ${stage} (${options.reason}); offboarding may proceed.`;
}
