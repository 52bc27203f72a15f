import { parseArgs } from 'node:util';
import { auditVerifyCommand } from './audit';
import {
  orgCreateCommand,
  orgListCommand,
  orgOffboardCommand,
  type TokenRequest,
  tokenCommand,
  usersCommand,
} from './commands';
import { CliError } from './data-dir';
import { DEFAULT_SWEEP_INTERVAL_SECONDS, retentionSweepCommand } from './retention';
import { startCommand } from './start';

const USAGE = `confide — Confide's local and operator command line

  npm start [-- --fresh] [-- --port 4000] [-- --sweep-interval 5]   start the local stack, demo data and GraphiQL
  npx confide token --org <slug> --user <handle>      a bearer token for a staff member
  npx confide token --operator [--operator-id <id>]    a platform operator's token
  npx confide users --org <slug>                       an organisation's staff and roles
  npx confide org create --name <n> --slug <s> --admin-handle <h> --admin-name <n> [--preset STRICT|GROUP_WIDE] [--dpa <ref>]
  npx confide org list
  npx confide org offboard --slug <s> [--window <7-30 days>] [--operator-id <id>]
                                                       records an offboarding request (one operator)
  npx confide org offboard --slug <s> --approve --operator-id <another id>
                                                       a second operator approves and runs it
  npx confide retention sweep [--org <slug>]           deletes expired items now and writes their tombstones
  npx confide audit verify --org <slug>                checks the access audit's hash chains (exit 1 if not intact)
`;

// Node 20 is for local development only (the Lambda runs Node 22): the SDK's reminder is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(argv: string[]): Promise<string | undefined> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      fresh: { type: 'boolean', default: false },
      port: { type: 'string', default: '4000' },
      'sweep-interval': { type: 'string', default: String(DEFAULT_SWEEP_INTERVAL_SECONDS) },
      org: { type: 'string' },
      user: { type: 'string' },
      'service-user': { type: 'string' },
      partner: { type: 'string' },
      operator: { type: 'boolean', default: false },
      'operator-id': { type: 'string' },
      approve: { type: 'boolean', default: false },
      'expires-in': { type: 'string' },
      name: { type: 'string' },
      slug: { type: 'string' },
      preset: { type: 'string' },
      'admin-handle': { type: 'string' },
      'admin-name': { type: 'string' },
      dpa: { type: 'string' },
      window: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, sub] = positionals;
  if (values.help || !command) return USAGE;
  switch (command) {
    case 'start':
      await startCommand({
        fresh: values.fresh ?? false,
        port: Number(values.port),
        sweepIntervalSeconds: Number(values['sweep-interval']),
      });
      return undefined;
    case 'token': {
      const request: TokenRequest = { operator: values.operator ?? false };
      if (values.org) request.org = values.org;
      if (values.user) request.user = values.user;
      if (values['service-user']) request.serviceUser = values['service-user'];
      if (values.partner) request.partner = values.partner;
      if (values['expires-in']) request.expiresIn = values['expires-in'];
      if (values['operator-id'] !== undefined) request.operatorId = values['operator-id'];
      return tokenCommand(request);
    }
    case 'users':
      return usersCommand({ ...(values.org ? { org: values.org } : {}) });
    case 'org':
      if (sub === 'list') return orgListCommand();
      if (sub === 'create') {
        return orgCreateCommand({
          ...(values.name ? { name: values.name } : {}),
          ...(values.slug ? { slug: values.slug } : {}),
          ...(values.preset ? { preset: values.preset } : {}),
          ...(values['admin-handle'] ? { adminHandle: values['admin-handle'] } : {}),
          ...(values['admin-name'] ? { adminName: values['admin-name'] } : {}),
          ...(values.dpa ? { dpa: values.dpa } : {}),
        });
      }
      if (sub === 'offboard') {
        // `--operator <id>` would parse as the token flag and a stray word: an approval must name its operator.
        if (values.operator || positionals.length > 2) {
          throw new CliError(
            'Name the operator with --operator-id <id> (e.g. --approve --operator-id alice).',
          );
        }
        return orgOffboardCommand({
          ...(values.slug ? { slug: values.slug } : {}),
          ...(values.window ? { window: values.window } : {}),
          ...(values['operator-id'] !== undefined ? { operatorId: values['operator-id'] } : {}),
          approve: values.approve ?? false,
        });
      }
      throw new CliError('Use: confide org create|list|offboard');
    case 'retention':
      if (sub === 'sweep') return retentionSweepCommand({ ...(values.org ? { org: values.org } : {}) });
      throw new CliError('Use: confide retention sweep [--org <slug>]');
    case 'audit':
      if (sub === 'verify') return auditVerifyCommand({ ...(values.org ? { org: values.org } : {}) });
      throw new CliError('Use: confide audit verify --org <slug>');
    default:
      throw new CliError(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (output) => {
    if (output !== undefined) {
      console.log(output);
      process.exit(0);
    }
  },
  (error: unknown) => {
    if (error instanceof CliError) console.error(error.message);
    else if (error instanceof Error && 'code' in error)
      console.error(`${String(error.code)}: ${error.message}`);
    else console.error(error);
    process.exit(1);
  },
);
