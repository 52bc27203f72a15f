import { type ParseArgsConfig, parseArgs } from 'node:util';
import { CliError } from './data-dir';
import { DEFAULT_PORT, DEFAULT_SWEEP_INTERVAL_SECONDS } from './defaults';

/**
 * The `confide` command line. Each command declares its own options and imports its implementation only when it
 * runs, so `confide help`, `--help` and a refused option load none of the API (they used to compile all of it first).
 */

interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** What the value is, as the help shows it (`<slug>`); none for a boolean flag. */
  readonly value?: string;
  readonly description: string;
}

type Values = Record<string, string | boolean | undefined>;

interface CommandSpec {
  /** `token`, or `org create` for a command with a sub-command. */
  readonly name: string;
  readonly summary: string;
  /** Extra lines under the usage (examples, rules). */
  readonly notes?: readonly string[];
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** The words it takes after its options (`<folder>`), as the help shows them; none unless given. */
  readonly positionals?: string;
  run(values: Values, positionals: readonly string[]): Promise<string | undefined>;
}

const str = (values: Values, name: string): string | undefined => {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
};

/** Only the given keys whose value is defined, so optional properties stay absent (exactOptionalPropertyTypes). */
function defined<T extends Record<string, unknown>>(
  object: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

function wholeNumber(values: Values, flag: string, fallback: number, min: number, max: number): number {
  const raw = str(values, flag);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new CliError(`--${flag} takes a whole number from ${min} to ${max}.`);
  }
  return value;
}

const EXPIRES_IN = /^[1-9]\d{0,5}[smhd]$/;

const ORG: OptionSpec = { type: 'string', value: '<slug>', description: "the organisation's slug" };
const OPERATOR_ID: OptionSpec = {
  type: 'string',
  value: '<id>',
  description: 'which platform operator acts (default local-operator)',
};

/** `--stage` on the operator commands: a deployed stage instead of the local stack. */
const STAGE: OptionSpec = {
  type: 'string',
  value: '<stage>',
  description:
    "a deployed stage instead of the local stack (your AWS credentials and region from the AWS SDK's usual chain)",
};

/** `operator add` and `operator reactivate`: a request to a stage's provisioner about a user of its pool. */
const POOL_OPERATOR_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  username: {
    type: 'string',
    value: '<email>',
    description: "the operator's user in the stage's user pool: their email address",
  },
  stage: { ...STAGE, description: 'the deployed stage (required)' },
};

async function poolOperatorCommand(
  values: Values,
  command: 'add' | 'reactivate',
  withoutStage: string,
): Promise<string> {
  const stage = str(values, 'stage');
  const username = str(values, 'username');
  if (stage === undefined) throw new CliError(withoutStage);
  if (username === undefined)
    throw new CliError("Give --username: the operator's email address in the user pool.");
  const { poolOperatorInStage } = await import('./stage-commands');
  return poolOperatorInStage(stage, username, command);
}

const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'start',
    summary: 'start the local stack, the demo organisations and GraphiQL (npm start -- <options>)',
    options: {
      fresh: { type: 'boolean', description: 'wipe the local data first (refused while a stack is running)' },
      port: {
        type: 'string',
        value: '<port>',
        description: `the port for the API and GraphiQL (default: PORT, or ${DEFAULT_PORT})`,
      },
      'sweep-interval': {
        type: 'string',
        value: '<seconds>',
        description: `how often expired items are swept (default ${DEFAULT_SWEEP_INTERVAL_SECONDS}; 0 = off)`,
      },
    },
    async run(values) {
      const envPort = process.env.PORT;
      const port =
        str(values, 'port') === undefined && envPort
          ? wholeNumber({ port: envPort }, 'port', DEFAULT_PORT, 1, 65535)
          : wholeNumber(values, 'port', DEFAULT_PORT, 1, 65535);
      const sweepIntervalSeconds = wholeNumber(
        values,
        'sweep-interval',
        DEFAULT_SWEEP_INTERVAL_SECONDS,
        0,
        86_400,
      );
      const { startCommand } = await import('./start');
      await startCommand({ fresh: values.fresh === true, port, sweepIntervalSeconds });
      return undefined;
    },
  },
  {
    name: 'token',
    summary: 'a bearer token from the local issuer for a staff member, service user, partner app or operator',
    notes: [
      'confide token --org <slug> --user <handle>',
      'confide token --org <slug> --service-user <reference>',
      'confide token --org <slug> --partner <client id>',
      'confide token --operator [--operator-id <id>]',
    ],
    options: {
      org: ORG,
      user: { type: 'string', value: '<handle>', description: "a staff member's handle" },
      'service-user': {
        type: 'string',
        value: '<reference>',
        description: "a service user's reference (subject access)",
      },
      partner: { type: 'string', value: '<client id>', description: "a partner app's client id" },
      operator: { type: 'boolean', description: "a platform operator's token (reads no tenant data)" },
      'operator-id': OPERATOR_ID,
      'expires-in': {
        type: 'string',
        value: '<time>',
        description: 'how long the token lives: a number and s, m, h or d (default 8h)',
      },
    },
    async run(values) {
      const expiresIn = str(values, 'expires-in');
      if (expiresIn !== undefined && !EXPIRES_IN.test(expiresIn)) {
        throw new CliError('--expires-in takes a number and s, m, h or d (e.g. 30m, 8h).');
      }
      const { tokenCommand } = await import('./commands');
      return tokenCommand({
        operator: values.operator === true,
        ...defined({
          org: str(values, 'org'),
          user: str(values, 'user'),
          serviceUser: str(values, 'service-user'),
          partner: str(values, 'partner'),
          expiresIn,
          operatorId: str(values, 'operator-id'),
        }),
      });
    },
  },
  {
    name: 'users',
    summary:
      "an organisation's staff accounts for an operator: ids, status, roles, created; no personal data",
    notes: [
      'confide users --org <slug>                  against the local stack',
      "confide users --org <slug> --stage <stage>  asks the stage's provisioner function",
      "Lists no names, emails or handles: a charity picks handles from its staff members' names (a.khan,",
      'ada.admin), so a handle identifies a person, and an operator (the processor) needs none to run the',
      'platform; staff are known by their opaque staff id. In a stage, roles and status are as stored: the',
      "provisioner may not use the organisation's key to check them (the api checks them on every use).",
    ],
    options: { org: ORG, stage: STAGE },
    async run(values) {
      const { usersCommand } = await import('./commands');
      return usersCommand(defined({ org: str(values, 'org'), stage: str(values, 'stage') }));
    },
  },
  {
    name: 'org create',
    summary: 'onboards an organisation with its own KMS key and its first admin (or two)',
    notes: [
      'confide org create --name <n> --slug <s> --admin-handle <h> --admin-name <n> --admin-email <e> --stage <stage>',
      "    invokes the stage's provisioner function (its user pool invites the first admin by email: required there)",
    ],
    options: {
      name: { type: 'string', value: '<name>', description: "the organisation's name" },
      slug: { type: 'string', value: '<slug>', description: 'its short name (lower case, digits, -)' },
      'admin-handle': { type: 'string', value: '<handle>', description: "the first admin's handle" },
      'admin-name': { type: 'string', value: '<name>', description: "the first admin's display name" },
      'admin-email': {
        type: 'string',
        value: '<email>',
        description: "the first admin's email address, where a stage's user pool sends the invitation",
      },
      'second-admin-handle': {
        type: 'string',
        value: '<handle>',
        description:
          "a second admin's handle: one admin alone cannot give a role that opens client records, nor make another admin",
      },
      'second-admin-name': {
        type: 'string',
        value: '<name>',
        description: "the second admin's display name",
      },
      'second-admin-email': {
        type: 'string',
        value: '<email>',
        description: "the second admin's email address, where a stage's user pool sends the invitation",
      },
      preset: {
        type: 'string',
        value: 'STRICT|GROUP_WIDE',
        description: 'the access preset (default STRICT)',
      },
      dpa: { type: 'string', value: '<ref>', description: 'the data processing agreement reference' },
      stage: STAGE,
    },
    async run(values) {
      const { orgCreateCommand } = await import('./commands');
      return orgCreateCommand(
        defined({
          name: str(values, 'name'),
          slug: str(values, 'slug'),
          preset: str(values, 'preset'),
          adminHandle: str(values, 'admin-handle'),
          adminName: str(values, 'admin-name'),
          adminEmail: str(values, 'admin-email'),
          secondAdminHandle: str(values, 'second-admin-handle'),
          secondAdminName: str(values, 'second-admin-name'),
          secondAdminEmail: str(values, 'second-admin-email'),
          dpa: str(values, 'dpa'),
          stage: str(values, 'stage'),
        }),
      );
    },
  },
  {
    name: 'org list',
    summary: 'lists organisations',
    notes: [
      "confide org list --stage <stage>   asks the stage's provisioner: slugs, status, preset, ids, created (no names)",
    ],
    options: { stage: STAGE },
    async run(values) {
      const { orgListCommand } = await import('./commands');
      return orgListCommand(defined({ stage: str(values, 'stage') }));
    },
  },
  {
    name: 'org export',
    summary:
      "exports an organisation's records, decrypted, to a folder for the charity (or waives it, with a reason)",
    notes: [
      'confide org export --slug <s> --to <folder> [--operator-id <id>]   writes every record, decrypted, and a manifest',
      'confide org export --slug <s> --waive <reason> [--reference <ref>]   records why the charity gets no export',
      'confide org export --slug <s> --to <folder> --stage <stage>         from a stage, through its transfer function',
      'confide org export --slug <s> --waive <reason> --stage <stage>      the waiver in a stage, through its api',
      '    (in a stage, as the operator in CONFIDE_OPERATOR_TOKEN)',
      'Offboarding requires one of the two (decision 0034).',
    ],
    options: {
      slug: { type: 'string', value: '<slug>', description: "the organisation's slug" },
      to: {
        type: 'string',
        value: '<folder>',
        description: 'the folder the export is written into (a new sub-folder; handed to the charity)',
      },
      waive: {
        type: 'string',
        value: '<reason>',
        description: 'CONTROLLER_DECLINED, CONTROLLER_HOLDS_COPY or CONTROLLER_DISSOLVED: no export is made',
      },
      reference: {
        type: 'string',
        value: '<ref>',
        description: "the controller's document reference for a waiver (no names)",
      },
      'operator-id': OPERATOR_ID,
      stage: STAGE,
    },
    async run(values) {
      const { orgExportCommand } = await import('./commands');
      return orgExportCommand(
        defined({
          slug: str(values, 'slug'),
          to: str(values, 'to'),
          waive: str(values, 'waive'),
          reference: str(values, 'reference'),
          operatorId: str(values, 'operator-id'),
          stage: str(values, 'stage'),
        }),
      );
    },
  },
  {
    name: 'org offboard',
    summary: "offboards an organisation on two operators' word",
    notes: [
      'confide org offboard --slug <s> [--window <7-30>] [--operator-id <id>]   records the request (one operator)',
      'confide org offboard --slug <s> --approve --operator-id <another id>    a second operator approves and runs it',
      'confide org offboard --slug <s> [--window <d>] [--approve] --stage <stage>',
      '    in a stage, through its api as the operator in CONFIDE_OPERATOR_TOKEN (a Cognito token of the',
      "    confide-operators group): the first operator's call records the request, a different operator's runs it",
      '    (whether or not it says --approve); refused with EXPORT_REQUIRED until an export or a waiver is recorded',
    ],
    options: {
      slug: { type: 'string', value: '<slug>', description: "the organisation's slug" },
      window: {
        type: 'string',
        value: '<days>',
        description: 'days before its KMS key is deleted, 7 to 30 (default 30)',
      },
      'operator-id': OPERATOR_ID,
      approve: { type: 'boolean', description: 'approve and run the pending request (a different operator)' },
      stage: STAGE,
    },
    async run(values) {
      const { orgOffboardCommand } = await import('./commands');
      return orgOffboardCommand({
        approve: values.approve === true,
        ...defined({
          slug: str(values, 'slug'),
          window: str(values, 'window'),
          operatorId: str(values, 'operator-id'),
          stage: str(values, 'stage'),
        }),
      });
    },
  },
  {
    name: 'org confirm-admin',
    summary: "confirms, as its second person, an organisation's only admin making another admin",
    notes: [
      'One admin alone makes no other admin. When an organisation has just one, it proposes the new admin',
      '(APPROVAL_REQUIRED with an approval id) and asks you; you confirm it here, and the admin then approves it.',
    ],
    options: {
      slug: { type: 'string', value: '<slug>', description: "the organisation's slug" },
      approval: {
        type: 'string',
        value: '<id>',
        description: "the pending change's approval id, as the admin was given it",
      },
      'operator-id': OPERATOR_ID,
      stage: STAGE,
    },
    async run(values) {
      const { orgConfirmAdminCommand } = await import('./commands');
      return orgConfirmAdminCommand(
        defined({
          slug: str(values, 'slug'),
          approval: str(values, 'approval'),
          operatorId: str(values, 'operator-id'),
          stage: str(values, 'stage'),
        }),
      );
    },
  },
  {
    name: 'org restore-admin',
    summary: 'restores, with a second operator, the administration of an organisation whose admins all left',
    notes: [
      "On the charity's request: the first operator asks, a different one runs the same command within 72 hours.",
      'The staff member named (a staff id from `confide users`) gets ORG_ADMIN; every other admin account is',
      'deactivated and its sign-in ended; the governance contacts are told.',
    ],
    options: {
      slug: { type: 'string', value: '<slug>', description: "the organisation's slug" },
      staff: {
        type: 'string',
        value: '<staff id>',
        description: 'the active staff member the charity names',
      },
      'operator-id': OPERATOR_ID,
      stage: STAGE,
    },
    async run(values) {
      const { orgRestoreAdminCommand } = await import('./commands');
      return orgRestoreAdminCommand(
        defined({
          slug: str(values, 'slug'),
          staff: str(values, 'staff'),
          operatorId: str(values, 'operator-id'),
          stage: str(values, 'stage'),
        }),
      );
    },
  },
  {
    name: 'login',
    summary: "signs you in to a stage's user pool as an operator and keeps your token for its commands",
    notes: [
      'confide login --stage <stage> [--auth-domain <url> --client-id <id>] [--port <port>]',
      "    prints an address to open: sign in there (the pool's own page: password and second factor), and the",
      '    token comes back to this command on http://localhost:8976/callback (PKCE, no secret). The stage commands',
      '    that go through its api or transfer function then use it until it expires (CONFIDE_OPERATOR_TOKEN, when',
      '    set, comes first). The domain and client are the identity stack outputs AuthDomainUrl and',
      '    OperatorCliClientId (or CONFIDE_AUTH_DOMAIN_URL and CONFIDE_OPERATOR_CLIENT_ID).',
    ],
    options: {
      stage: { ...STAGE, description: 'the deployed stage to sign in to (required)' },
      'auth-domain': {
        type: 'string',
        value: '<url>',
        description: "the stage's sign-in domain (identity stack output AuthDomainUrl)",
      },
      'client-id': {
        type: 'string',
        value: '<id>',
        description: "the operator CLI's app client (identity stack output OperatorCliClientId)",
      },
      port: {
        type: 'string',
        value: '<port>',
        description: 'the loopback port of the redirect (default 8976, as the app client is registered)',
      },
    },
    async run(values) {
      const { loginCommand } = await import('./login');
      return loginCommand(
        defined({
          stage: str(values, 'stage'),
          authDomain: str(values, 'auth-domain'),
          clientId: str(values, 'client-id'),
          port: str(values, 'port'),
        }),
      );
    },
  },
  {
    name: 'logout',
    summary: "forgets the operator token 'confide login' kept for a stage",
    notes: ['confide logout --stage <stage>'],
    options: { stage: { ...STAGE, description: 'the deployed stage (required)' } },
    async run(values) {
      const { logoutCommand } = await import('./login');
      return logoutCommand(defined({ stage: str(values, 'stage') }));
    },
  },
  {
    name: 'operator add',
    summary: "admits a user of a stage's operators' group to the api (registers them as an active operator)",
    notes: [
      'confide operator add --username <email> --stage <stage>',
      "    asks the stage's provisioner: the user must be in its user pool and in the confide-operators group",
      '    (create them and add them to it first; see infra/README.md). A suspended operator is not reactivated',
      "    (use 'operator reactivate').",
      'The local stack seeds its own operators (local-operator, second-operator): there is nothing to add there.',
    ],
    options: POOL_OPERATOR_OPTIONS,
    run: (values) =>
      poolOperatorCommand(
        values,
        'add',
        'operator add registers an operator of a deployed stage: give --stage <stage> (the local stack seeds its operators).',
      ),
  },
  {
    name: 'operator reactivate',
    summary: 'makes a suspended operator of a stage active again (whoever may register operators may)',
    notes: [
      'confide operator reactivate --username <email> --stage <stage>',
      "    asks the stage's provisioner, as 'operator add' does: the user must still be in the",
      '    confide-operators group. For an operator suspended by mistake, or by one who suspended every other',
      '    (decision 0113). Their user in the pool, disabled at the suspension, is enabled again (decision 0128).',
      'The local stack has no user pool: `npm start -- --fresh` seeds its operators again.',
    ],
    options: POOL_OPERATOR_OPTIONS,
    run: (values) =>
      poolOperatorCommand(
        values,
        'reactivate',
        'operator reactivate acts on a deployed stage: give --stage <stage> (locally, `npm start -- --fresh` seeds the operators again).',
      ),
  },
  {
    name: 'operator suspend',
    summary: 'suspends another platform operator: the api refuses their every request from then on',
    notes: [
      'confide operator suspend --operator <id> [--operator-id <id>]   against the local stack, as local-operator',
      '    (or --operator-id)',
      "confide operator suspend --operator <id> --stage <stage>        through the stage's api, as the operator in",
      '    CONFIDE_OPERATOR_TOKEN; their user in the pool is then disabled (run it again if that failed)',
      'Never yourself. A suspended operator is reactivated by `operator reactivate`, not by `operator add`.',
    ],
    options: {
      operator: {
        type: 'string',
        value: '<id>',
        description: "the operator to suspend: their subject (`sub`), as 'operator add' printed it",
      },
      'operator-id': OPERATOR_ID,
      stage: STAGE,
    },
    async run(values) {
      const { operatorSuspendCommand } = await import('./commands');
      return operatorSuspendCommand(
        defined({
          operator: str(values, 'operator'),
          operatorId: str(values, 'operator-id'),
          stage: str(values, 'stage'),
        }),
      );
    },
  },
  {
    name: 'retention sweep',
    summary: 'deletes expired items now and writes their tombstones',
    options: { org: { ...ORG, description: 'only this organisation (default: all)' } },
    async run(values) {
      const { retentionSweepCommand } = await import('./retention');
      return retentionSweepCommand(defined({ org: str(values, 'org') }));
    },
  },
  {
    name: 'import',
    summary: "brings a charity's existing records in from CSV files (validated, resumable, audited)",
    positionals: '[<folder>]',
    notes: [
      'confide import --template [<folder>]                       prints (or writes) a mapping file to edit',
      'confide import --org <slug> --service <id> --as <handle> --dry-run <folder>   checks every row, writes nothing',
      'confide import --org <slug> --service <id> --as <handle> <folder>             imports; run again to resume',
      'confide import --org <slug> --service <id> --authorisation <id> [--dry-run] <folder> --stage <stage>',
      '    into a deployed stage, through its transfer function, as the operator in CONFIDE_OPERATOR_TOKEN, under the',
      '    authority of the manager of the service who authorised it in the API (authoriseImport) and gave you its id',
      '    (no --as: a name typed proves nothing); the files are read and checked here, the stage checks the',
      '    authorisation on every call, checks duplicates and writes, and records a dry run too (platform audit and the',
      "    organisation's audit)",
      'Locally --as names the importer, as --operator-id names the operator elsewhere: the local stack has no users.',
    ],
    options: {
      org: ORG,
      service: {
        type: 'string',
        value: '<id>',
        description: 'the service the clients join (its id from the API)',
      },
      as: {
        type: 'string',
        value: '<handle>',
        description:
          'the staff member importing, against the local stack: a manager of the service who has acknowledged the policy',
      },
      authorisation: {
        type: 'string',
        value: '<id>',
        description:
          "in a stage: the import authorisation a manager of the service gave in the stage's API (authoriseImport)",
      },
      mapping: {
        type: 'string',
        value: '<file>',
        description: 'the column mapping (default <folder>/confide-import.json)',
      },
      report: {
        type: 'string',
        value: '<file>',
        description: 'where the rejections go (default <folder>/import-rejections.csv)',
      },
      'dry-run': { type: 'boolean', description: 'validate everything and report, writing nothing' },
      template: { type: 'boolean', description: 'a mapping template to start from' },
      stage: STAGE,
    },
    async run(values, positionals) {
      if (positionals.length > 1)
        throw new CliError('confide import takes one folder. See: confide import --help');
      const { importCommand } = await import('./import/command');
      return importCommand({
        dryRun: values['dry-run'] === true,
        template: values.template === true,
        ...defined({
          org: str(values, 'org'),
          service: str(values, 'service'),
          as: str(values, 'as'),
          authorisation: str(values, 'authorisation'),
          mapping: str(values, 'mapping'),
          report: str(values, 'report'),
          stage: str(values, 'stage'),
          folder: positionals[0],
        }),
      });
    },
  },
  {
    name: 'audit verify',
    summary: "checks the access audit's hash chains (exit 1 naming the first bad event)",
    notes: [
      'confide audit verify --org <slug>                  against the local stack',
      "confide audit verify --org <slug> --stage <stage>  runs the stage's verifier function in AWS (your AWS credentials)",
    ],
    options: {
      org: ORG,
      stage: {
        type: 'string',
        value: '<stage>',
        description:
          "a deployed stage: invoke its verifier (credentials and region from the AWS SDK's usual chain)",
      },
    },
    async run(values) {
      const { auditVerifyCommand } = await import('./audit');
      return auditVerifyCommand(defined({ org: str(values, 'org'), stage: str(values, 'stage') }));
    },
  },
  {
    name: 'keys policy',
    summary:
      "prints an organisation key's policy, for the break-glass role to put on an existing key (decision 0031)",
    notes: [
      'confide keys policy --org-id <orgId> --stage prod --account <id> --transition   before deploying: api and tenant-access roles',
      'confide keys policy --org-id <orgId> --stage prod --account <id>                once deployed: the tenant-access role alone',
    ],
    options: {
      'org-id': {
        type: 'string',
        value: '<orgId>',
        description: "the organisation's id (the key's confide:organisation tag)",
      },
      stage: {
        type: 'string',
        value: '<stage>',
        description: 'the deployed stage whose roles the policy names',
      },
      account: { type: 'string', value: '<id>', description: "the stage's 12-digit AWS account" },
      transition: {
        type: 'boolean',
        description: 'also keep the api role (until the api using the tenant-access role is deployed)',
      },
    },
    async run(values) {
      const { keysPolicyCommand } = await import('./keys');
      return keysPolicyCommand({
        transition: values.transition === true,
        ...defined({
          orgId: str(values, 'org-id'),
          stage: str(values, 'stage'),
          account: str(values, 'account'),
        }),
      });
    },
  },
];

const HELP_OPTION: OptionSpec = { type: 'boolean', description: 'show this help' };

function synopsis(command: CommandSpec): string {
  const options = Object.entries(command.options).map(([flag, spec]) =>
    spec.value ? `[--${flag} ${spec.value}]` : `[--${flag}]`,
  );
  return [`confide ${command.name}`, ...options, ...(command.positionals ? [command.positionals] : [])].join(
    ' ',
  );
}

function commandHelp(command: CommandSpec): string {
  const options = Object.entries({ ...command.options, help: HELP_OPTION });
  const width = Math.max(...options.map(([flag, spec]) => `--${flag} ${spec.value ?? ''}`.length));
  return [
    `confide ${command.name} — ${command.summary}`,
    '',
    `Usage: ${synopsis(command)}`,
    ...(command.notes ?? []).map((line) => `       ${line}`),
    '',
    'Options:',
    ...options.map(
      ([flag, spec]) => `  ${`--${flag} ${spec.value ?? ''}`.padEnd(width)}  ${spec.description}`,
    ),
  ].join('\n');
}

/** The command names' column: as wide as the longest name, so every summary starts in one column. */
const NAME_WIDTH = Math.max(...COMMANDS.map((command) => command.name.length));

const USAGE = [
  "confide — Confide's local and operator command line (run it while `npm start` is running)",
  '',
  'Commands:',
  ...COMMANDS.map((command) => `  ${command.name.padEnd(NAME_WIDTH)}  ${command.summary}`),
  '',
  'confide <command> --help lists its options. npm start runs `confide start`: npm start -- --port 4001.',
].join('\n');

/** Node's parseArgs errors, said in the command's words: the flag, and where its help is. */
function optionError(command: CommandSpec, error: unknown): CliError {
  const message = error instanceof Error ? error.message : '';
  const code = (error as { code?: string }).code;
  const flag = /'(-{1,2}[^'\s]+)/.exec(message)?.[1];
  const help = `See: confide ${command.name} --help`;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const near = Object.entries(command.options).find(([name]) => flag && name.startsWith(flag.slice(2)));
    const hint = near ? ` Did you mean --${near[0]}${near[1].value ? ` ${near[1].value}` : ''}?` : '';
    return new CliError(`confide ${command.name} has no option ${flag ?? ''}.${hint} ${help}`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const spec = flag ? command.options[flag.replace(/^-+/, '')] : undefined;
    return new CliError(
      spec?.value
        ? `${flag} needs a value: ${flag} ${spec.value}. ${help}`
        : `${flag ?? 'An option'} takes no value. ${help}`,
    );
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return new CliError(`confide ${command.name} takes no further words. ${help}`);
  }
  return new CliError(`Could not read the options. ${help}`);
}

async function main(argv: string[]): Promise<string | undefined> {
  const words: string[] = [];
  for (const arg of argv) {
    if (arg.startsWith('-')) break;
    words.push(arg);
  }
  const [first, second] = words;
  if (!first || first === 'help' || first === '--help' || first === '-h') {
    const topic = first === 'help' ? words.slice(1).join(' ') : '';
    const command = COMMANDS.find((candidate) => candidate.name === topic);
    if (command) return commandHelp(command);
    if (!first && argv.length > 0 && !argv.includes('--help') && !argv.includes('-h')) {
      throw new CliError(`Give a command first.\n\n${USAGE}`);
    }
    return USAGE;
  }
  const command =
    COMMANDS.find((candidate) => candidate.name === `${first} ${second}`) ??
    COMMANDS.find((candidate) => candidate.name === first);
  if (!command) {
    const family = COMMANDS.filter((candidate) => candidate.name.startsWith(`${first} `));
    if (family.length > 0) {
      if (argv.includes('--help') || argv.includes('-h')) {
        return family.map((candidate) => commandHelp(candidate)).join('\n\n');
      }
      throw new CliError(
        `Use: ${family.map((candidate) => `confide ${candidate.name}`).join(' | ')} (each takes --help)`,
      );
    }
    throw new CliError(`Unknown command "${first}".\n\n${USAGE}`);
  }
  const rest = argv.slice(command.name.split(' ').length);
  const options: ParseArgsConfig['options'] = { help: { type: 'boolean', short: 'h' } };
  for (const [flag, spec] of Object.entries(command.options)) options[flag] = { type: spec.type };
  let values: Values;
  let positionals: string[];
  try {
    // No option is `multiple`, so no value is an array.
    const parsed = parseArgs({
      args: rest,
      options,
      strict: true,
      allowPositionals: command.positionals !== undefined,
    });
    values = parsed.values as Values;
    positionals = parsed.positionals;
  } catch (error) {
    throw optionError(command, error);
  }
  if (values.help === true) return commandHelp(command);
  return command.run(values, positionals);
}

// Node 20 is for local development only (the Lambda runs Node 22): the SDK's reminder is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Writes, then exits once the text is flushed (an exit straight after a write to a pipe can cut it short). */
function finish(stream: NodeJS.WriteStream, text: string, code: number): void {
  stream.write(`${text}\n`, () => process.exit(code));
}

main(process.argv.slice(2)).then(
  (output) => {
    if (output !== undefined) finish(process.stdout, output, 0);
  },
  (error: unknown) => {
    if (error instanceof CliError) finish(process.stderr, error.message, 1);
    else if (error instanceof Error && 'code' in error) {
      finish(process.stderr, `${String(error.code)}: ${error.message}`, 1);
    } else {
      console.error(error);
      process.exit(1);
    }
  },
);
