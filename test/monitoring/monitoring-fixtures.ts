import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { OrgId } from '@confide/domain';
import { tenantScope } from '@confide/store';
import { allocate, expectNoErrors, type Person, registerServiceUser } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { type ServiceWorld, serviceWorld } from '../support/records-fixtures';
import { scanTable } from '../support/table-scan';
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

/**
 * Every stored audit event item of the organisation (test-only, a raw scan of its audit partitions, by segments): events about
 * clients, staff, services and the organisation itself.
 */
export async function auditItems(api: TestApi, orgId: OrgId): Promise<Item[]> {
  const scope = tenantScope(orgId);
  return scanTable(api.services.dynamo, {
    TableName: api.services.config.tables.data,
    FilterExpression: '(begins_with(pk, :subject) OR pk = :org) AND attribute_exists(eventId)',
    ExpressionAttributeValues: {
      ':subject': { S: `${scope.key('AUDIT', 'SUBJECT')}#` },
      ':org': { S: scope.key('AUDIT', 'ORG') },
    },
    ConsistentRead: true,
  });
}
