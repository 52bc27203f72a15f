import { type AttributeValue, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { OrgId } from '@confide/domain';
import { tenantScope } from '@confide/store';
import { allocate, expectNoErrors, type Person, registerServiceUser } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { type ServiceWorld, serviceWorld } from '../support/records-fixtures';
import type { TestApi } from '../support/test-api';

export type Item = Record<string, AttributeValue>;

/** An organisation with a service, a support worker allocated to `clients` clients, and an IG lead. */
export interface MonitoringWorld extends ServiceWorld {
  readonly worker: Person;
  readonly ig: Person;
  readonly clients: string[];
}

export async function monitoringWorld(api: TestApi, clients = 3): Promise<MonitoringWorld> {
  const world = await serviceWorld(api);
  const [worker, ig] = await Promise.all([
    addStaff(api, world.org, ['SUPPORT_WORKER']),
    addStaff(api, world.org, ['IG_LEAD']),
  ]);
  const ids: string[] = [];
  for (let index = 0; index < clients; index++) {
    const client = await registerServiceUser(api, world.manager, world.serviceId, {
      name: `Client ${index}`,
    });
    await allocate(api, world.manager, client, worker);
    ids.push(client);
  }
  return { ...world, worker, ig, clients: ids };
}

/** One GraphQL request reading a client's name and phone as `person` (one audit event per client). */
export async function readClients(
  api: TestApi,
  person: Person,
  clients: readonly string[],
  purpose?: string,
): Promise<void> {
  const aliases = clients
    .map((_, index) => `c${index}: serviceUser(id: $c${index}) { name phone }`)
    .join(' ');
  const params = clients.map((_, index) => `$c${index}: ID!`).join(', ');
  const result = await api.graphql(`query (${params}) { ${aliases} }`, {
    token: person.token,
    variables: Object.fromEntries(clients.map((client, index) => [`c${index}`, client])),
    ...(purpose ? { headers: { 'x-access-purpose': purpose } } : {}),
  });
  expectNoErrors(result);
}

/** Every stored audit event item of the organisation (test-only, raw reads of the subject partitions). */
export async function auditItems(api: TestApi, orgId: OrgId, subjectIds: readonly string[]): Promise<Item[]> {
  const scope = tenantScope(orgId);
  const items: Item[] = [];
  for (const pk of [
    ...subjectIds.map((id) => scope.key('AUDIT', 'SUBJECT', id)),
    scope.key('AUDIT', 'ORG'),
  ]) {
    const result = await api.services.dynamo.send(
      new QueryCommand({
        TableName: api.services.config.tables.data,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: pk } },
        ConsistentRead: true,
      }),
    );
    items.push(...(result.Items ?? []));
  }
  return items;
}
