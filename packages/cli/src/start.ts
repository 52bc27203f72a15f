import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { configFromEnv, createConfideYoga, createServices } from '@confide/api';
import {
  CONSOLE_PATH,
  ensureConsoleBuilt,
  localConsoleHandler,
  startServerWithConsole,
} from '@confide/console/server';
import { DEMO_ORGANISATIONS, mintToken, seedDemo, startLocalStack } from '@confide/local';
import { ItemLoader, tenantScope } from '@confide/store';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { demoConsoleSignIn } from './console-sign-in';
import { CliError, localDataDir, processAlive } from './data-dir';
import { startLocalDeadlineChecks, startLocalRetention } from './retention';

/** Who runs the stack of this data folder: written before anything starts, removed when it stops. */
interface RunningMarker {
  readonly pid: number;
  readonly graphqlUrl: string;
  readonly startedAt: string;
}

const RUNNING_FILE = 'running.json';

function readMarker(file: string): Partial<RunningMarker> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Partial<RunningMarker>;
  } catch {
    return undefined;
  }
}

/** The stack another live process runs from this data folder (its running.json or stack.json), if any. */
function runningElsewhere(dataDir: string): Partial<RunningMarker> | undefined {
  for (const name of [RUNNING_FILE, 'stack.json']) {
    const marker = readMarker(join(dataDir, name));
    if (typeof marker?.pid === 'number' && marker.pid !== process.pid && processAlive(marker.pid)) {
      return marker;
    }
  }
  return undefined;
}

function refuseSecondStart(dataDir: string, fresh: boolean): void {
  const marker = runningElsewhere(dataDir);
  if (!marker) return;
  const where = [`pid ${marker.pid}`, marker.graphqlUrl, marker.startedAt && `started ${marker.startedAt}`]
    .filter(Boolean)
    .join(', ');
  throw new CliError(
    `A Confide stack is already running from ${dataDir} (${where}).\n` +
      `${fresh ? '--fresh would wipe its data from under it. ' : ''}Stop it first (Ctrl-C in its terminal), ` +
      'or use it as it is: npx confide --help',
  );
}

function portTaken(port: number): CliError {
  const other = port === 65535 ? port - 1 : port + 1;
  return new CliError(
    `Port ${port} is already in use (another Confide, or another server). Choose another port:\n` +
      `  npm start -- --port ${other}\n  PORT=${other} npm start`,
  );
}

/**
 * Takes the port at once, and holds it while DynamoDB Local starts and the demo data is seeded (a minute on a first
 * run): a taken port fails before any of that, and no other server can take it meanwhile (checking and letting go,
 * as before, left that minute open). Connections in that time are closed. `release` lets go just before the server
 * listens on it.
 */
function holdPort(port: number): Promise<{ release: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const hold = createServer((socket) => socket.destroy());
    hold.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(portTaken(port));
      else if (error.code === 'EACCES')
        reject(new CliError(`Port ${port} needs privileges: use --port 1024 or above.`));
      else reject(error);
    });
    hold.listen(port, '127.0.0.1', () =>
      resolve({ release: () => new Promise((released) => hold.close(() => released())) }),
    );
  });
}

/**
 * Claims the data folder for this process (atomically: a second start racing this one gets EEXIST) and removes the
 * markers when it exits, however it exits: Ctrl-C, SIGTERM, an error. A marker whose process is gone is replaced.
 */
function claimDataDir(dataDir: string, marker: RunningMarker): void {
  const file = join(dataDir, RUNNING_FILE);
  try {
    writeFileSync(file, JSON.stringify(marker), { flag: 'wx' });
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
    refuseSecondStart(dataDir, false);
    writeFileSync(file, JSON.stringify(marker));
  }
  process.once('exit', () => {
    for (const name of [RUNNING_FILE, 'stack.json']) {
      const path = join(dataDir, name);
      if (readMarker(path)?.pid === process.pid) rmSync(path, { force: true });
    }
  });
  // Without a handler a signal ends the process without 'exit': turn each into an exit (the local stack's own
  // handler, registered later, kills its child processes).
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.once(signal, () => process.exit(code));
  }
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)}s`;

/**
 * `npm start`: the local stack, the demo organisations, and the GraphQL server with GraphiQL on port 4000.
 * Prints a line as each step is ready, then tokens for the demo users and a curl line that works as printed.
 * Runs until Ctrl-C, which removes the running-stack marker.
 */
export async function startCommand(options: {
  fresh: boolean;
  port: number;
  sweepIntervalSeconds: number;
}): Promise<void> {
  const dataDir = localDataDir();
  const url = `http://localhost:${options.port}/graphql`;
  refuseSecondStart(dataDir, options.fresh);
  const port = await holdPort(options.port);
  if (options.fresh) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  claimDataDir(dataDir, { pid: process.pid, graphqlUrl: url, startedAt: new Date().toISOString() });

  const began = Date.now();
  const done = (step: string, detail = '') =>
    console.log(`  ✓ ${step.padEnd(20)} ${detail}${detail ? '  ' : ''}(${seconds(began)})`);
  console.log(`Starting Confide in ${dataDir}${options.fresh ? ' (fresh)' : ''} (pid ${process.pid})…`);
  const stack = await startLocalStack({ dataDir, persist: true, onProgress: done });
  Object.assign(process.env, stack.env());
  const services = createServices(configFromEnv(process.env));
  const pending = [];
  for (const demo of DEMO_ORGANISATIONS) {
    if (!(await services.directory.organisationIdBySlug(demo.slug))) pending.push(demo.slug);
  }
  if (pending.length > 0) {
    console.log(`  … onboarding ${pending.length} demo organisations (only on a first run)`);
  }
  const { created } = await seedDemo(services, (slug) => done(`  ${slug}`, 'onboarded'));
  // GraphiQL opens signed in as the first demo organisation's support worker (filled in once the tokens are minted).
  let firstToken = '';
  done('demo organisations', created.length > 0 ? `created ${created.join(', ')}` : 'already there');
  // The governance console, built on the first start of a fresh clone (and again when its sources change).
  if (await ensureConsoleBuilt()) done('console', 'built');
  const consoleUrl = `http://localhost:${options.port}${CONSOLE_PATH}/`;
  await port.release();
  try {
    await startServerWithConsole(
      createConfideYoga(services, {
        graphiql: { render: renderGraphiQL, defaults: () => graphiqlDefaults(firstToken) },
      }),
      localConsoleHandler(demoConsoleSignIn(services, stack)),
      options.port,
    );
  } catch (error) {
    if ((error as { code?: string }).code === 'EADDRINUSE') throw portTaken(options.port);
    throw error;
  }
  done('server', url);
  done('console', consoleUrl);
  // DynamoDB Local runs no TTL: sweep expired items and feed the stream to the retention handler.
  startLocalRetention(stack, services, options.sweepIntervalSeconds);
  startLocalDeadlineChecks(services);
  done(
    'retention sweeper',
    options.sweepIntervalSeconds > 0 ? `every ${options.sweepIntervalSeconds}s` : 'off (--sweep-interval 0)',
  );

  const settings = { issuer: stack.issuer, audience: stack.audience, expiresIn: '8h' };
  const lines: string[] = [];
  for (const demo of DEMO_ORGANISATIONS.slice(0, 1)) {
    const orgId = await services.directory.organisationIdBySlug(demo.slug);
    if (!orgId) continue;
    for (const person of [demo.admin, ...demo.staff]) {
      const staff = await services.directory.staffByHandle(tenantScope(orgId), person.handle);
      if (!staff) continue;
      const token = await mintToken(stack.dataDir, settings, {
        sub: staff.externalSubject,
        org_id: orgId,
        staff_id: staff.staffId,
      });
      lines.push(`  ${person.roles.join(',').padEnd(20)} ${person.handle.padEnd(22)} ${token}`);
    }
  }
  const firstOrg = DEMO_ORGANISATIONS[0];
  const orgId = firstOrg ? await services.directory.organisationIdBySlug(firstOrg.slug) : undefined;
  if (orgId) {
    const scope = tenantScope(orgId);
    const worker = await services.directory.staffByHandle(scope, `${firstOrg?.slug}.worker`);
    const [clientId] = worker ? await services.serviceUsers.caseloadIds(scope, worker.staffId) : [];
    const client = clientId
      ? await services.serviceUsers.get(scope, clientId, new ItemLoader(services.dynamo, services.keys))
      : undefined;
    if (client?.externalSubject) {
      const token = await mintToken(stack.dataDir, settings, { sub: client.externalSubject, org_id: orgId });
      lines.push(`  ${'SELF (service user)'.padEnd(20)} ${client.reference.padEnd(22)} ${token}`);
    }
  }
  const workerToken =
    lines
      .find((line) => line.includes('.worker '))
      ?.trim()
      .split(/\s+/)
      .at(-1) ?? '';
  const adminToken = lines[0]?.trim().split(/\s+/).at(-1) ?? '';
  firstToken = workerToken;
  console.log(`
Confide is running.
  Console:   ${consoleUrl}   (governance: ${DEMO_ORGANISATIONS[0]?.slug}.ig reviews break-glass; also .guardian, .manager)
  GraphiQL:  ${url}   (signed in as the support worker below; change the Authorization header to try another)

Tokens for ${DEMO_ORGANISATIONS[0]?.name} (valid 8 hours; others: npx confide token --org <slug> --user <handle>):
${lines.join('\n')}

Try it:
  curl -s ${url} -H 'content-type: application/json' -H 'authorization: Bearer ${adminToken}' \\
    -d '{"query":"{ me { kind roles organisation { name slug } staffMember { handle displayName } } }"}'

A support worker's caseload (need-to-know decides every field; try the volunteer's or IG lead's token too):
  curl -s ${url} -H 'content-type: application/json' -H 'authorization: Bearer ${workerToken}' \\
    -d '{"query":"{ caseload { edges { node { id reference name latestNote { kind } } } } }"}'

Organisations: ${DEMO_ORGANISATIONS.map((demo) => demo.slug).join(', ')}  ·  list staff: npx confide users --org <slug>
Retention: ${options.sweepIntervalSeconds > 0 ? `expired items are swept every ${options.sweepIntervalSeconds}s` : 'the sweeper is off'} (npx confide retention sweep runs it now).
Stop with Ctrl-C.`);
}

/** GraphiQL's first screen: the worker's caseload, with the Authorization header filled in. */
function graphiqlDefaults(token: string): { headers: string; defaultQuery: string } {
  return {
    headers: JSON.stringify({ Authorization: `Bearer ${token}` }, null, 2),
    defaultQuery: [
      '# Confide, locally. The header below signs you in as a support worker of the first demo organisation;',
      '# replace its token with another printed by `npm start` to see what need-to-know shows each role.',
      '{',
      '  me { kind roles organisation { name } staffMember { handle displayName } }',
      '  caseload(first: 10) { edges { node { id reference name latestNote { kind } } } }',
      '}',
      '',
    ].join('\n'),
  };
}
