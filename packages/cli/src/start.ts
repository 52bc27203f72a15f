import { configFromEnv, createConfideYoga, createServices } from '@confide/api';
import { DEMO_ORGANISATIONS, mintToken, seedDemo, startLocalStack } from '@confide/local';
import { startLocalServer } from '@confide/service-api';
import { ItemLoader, tenantScope } from '@confide/store';
import { localDataDir } from './data-dir';
import { startLocalRetention } from './retention';

/**
 * `npm start`: the local stack, the demo organisations, and the GraphQL server with GraphiQL on port 4000.
 * Prints tokens for the demo users and a curl line that works as printed. Runs until Ctrl-C.
 */
export async function startCommand(options: {
  fresh: boolean;
  port: number;
  sweepIntervalSeconds: number;
}): Promise<void> {
  const dataDir = localDataDir();
  console.log(`Starting the local stack in ${dataDir}${options.fresh ? ' (fresh)' : ''}…`);
  const stack = await startLocalStack({ dataDir, persist: true, fresh: options.fresh });
  Object.assign(process.env, stack.env());
  const services = createServices(configFromEnv(process.env));
  const { created } = await seedDemo(services);
  if (created.length > 0) console.log(`Onboarded demo organisations: ${created.join(', ')}`);
  await startLocalServer(createConfideYoga(services), options.port);
  // DynamoDB Local runs no TTL: sweep expired items and feed the stream to the retention handler.
  startLocalRetention(stack, services, options.sweepIntervalSeconds);

  const url = `http://localhost:${options.port}/graphql`;
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
  console.log(`
Confide is running.
  GraphiQL:  ${url}   (add the header  Authorization: Bearer <token>)

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
