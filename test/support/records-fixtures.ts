import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { NoteKind, OrgId } from '@confide/domain';
import { blindIndex } from '@confide/keys';
import type { ServiceUserDetails } from '@confide/store';
import { attr, ItemLoader, TenantTable, tenantScope } from '@confide/store';
import { expect } from 'vitest';
import { ADA, createServiceWithManager, type Person } from './care-fixtures';
import { globalIdOf, localIdOf, onboardTestOrganisation, type TestOrganisation } from './fixtures';
import { scanTable } from './table-scan';
import type { GraphqlResult, TestApi } from './test-api';

/** Helpers for the need-to-know and records tests: ids, direct seeding, test-only scans. */

export type Item = Record<string, AttributeValue>;

/** A Relay global id, as the API encodes it (`base64("<Type>:<local id>")`). */
export const globalId = globalIdOf;

export { localIdOf };

/** The error entries of a result, reduced to what the tests compare. */
export const errorsOf = (result: GraphqlResult<unknown>) =>
  (result.errors ?? []).map((error) => ({
    code: error.extensions?.code,
    path: error.path,
    ...(error.extensions?.field ? { field: error.extensions.field } : {}),
  }));

/** One organisation with a service and its manager, created through the API. */
export interface ServiceWorld {
  readonly org: TestOrganisation;
  readonly serviceId: string;
  readonly manager: Person;
  readonly senior: Person;
}

export async function serviceWorld(api: TestApi): Promise<ServiceWorld> {
  const org = await onboardTestOrganisation(api);
  const { serviceId, manager, senior } = await createServiceWithManager(api, org);
  return { org, serviceId, manager, senior };
}

/** Creates a further service as the senior manager, with the given manager; returns its global id. */
export async function createService(api: TestApi, world: ServiceWorld, manager: Person): Promise<string> {
  const created = await api.graphql<{ createService: { id: string } }>(
    'mutation { createService(name: "Community outreach") { id } }',
    { token: world.senior.token },
  );
  expect(created.errors).toBeUndefined();
  const serviceId = created.data?.createService.id ?? '';
  const assigned = await api.graphql(
    'mutation ($s: ID!, $m: ID!) { assignServiceManager(serviceId: $s, staffId: $m) { id } }',
    { token: world.senior.token, variables: { s: serviceId, m: manager.globalId } },
  );
  expect(assigned.errors).toBeUndefined();
  return serviceId;
}

/**
 * Seeds clients straight through the stores (fast, for volume tests): registered to the service, optionally
 * allocated to a worker and given notes. Returns their local and global ids, oldest first.
 */
export async function seedClients(
  api: TestApi,
  orgId: OrgId,
  serviceGlobalId: string,
  count: number,
  options: {
    allocateTo?: string;
    notes?: readonly { kind: NoteKind; body: (index: number) => string; authorId: string }[];
    details?: (index: number) => ServiceUserDetails;
  } = {},
): Promise<{ clientId: string; globalId: string }[]> {
  const scope = tenantScope(orgId);
  const serviceId = localIdOf(serviceGlobalId);
  const seeded: { clientId: string; globalId: string }[] = [];
  // Ten at a time: fast, without flooding DynamoDB Local.
  for (let start = 0; start < count; start += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, count - start) }, (_, offset) =>
        api.services.serviceUsers.register(scope, {
          serviceId,
          details: options.details?.(start + offset) ?? { ...ADA, name: `Seeded Client ${start + offset}` },
        }),
      ),
    );
    for (const { clientId } of batch) seeded.push({ clientId, globalId: globalId('ServiceUser', clientId) });
  }
  await Promise.all(
    seeded.map(async ({ clientId }, index) => {
      const allocation = options.allocateTo
        ? await api.services.serviceUsers.allocate(scope, clientId, {
            staffId: options.allocateTo,
            kind: 'PRIMARY',
          })
        : undefined;
      if (options.notes?.length) {
        const key = await api.services.keys.subjectKey(orgId, clientId);
        if (!key) throw new Error('No subject key');
        for (const note of options.notes) {
          // As recordNote does: the allocation is told of the latest note.
          await api.services.caseNotes.record(
            scope,
            clientId,
            key,
            { kind: note.kind, body: note.body(index), authorId: note.authorId },
            { allocationIds: allocation ? [allocation.allocationId] : [] },
          );
        }
      }
    }),
  );
  return seeded;
}

/** A fresh per-request item loader over the test API's clients (for reading records straight from the store). */
export function loaderOf(api: TestApi): ItemLoader {
  return new ItemLoader(api.services.dynamo, api.services.keys);
}

/** A token for the service user themself (SELF), from their portal identity. */
export async function serviceUserToken(api: TestApi, orgId: OrgId, clientGlobalId: string): Promise<string> {
  const record = await api.services.serviceUsers.get(
    tenantScope(orgId),
    localIdOf(clientGlobalId),
    new ItemLoader(api.services.dynamo, api.services.keys),
  );
  if (!record?.externalSubject) throw new Error('No such service user');
  return api.token({ sub: record.externalSubject, org_id: orgId });
}

/**
 * Every item of the organisation in the given tables (test-only Scan of every segment, consistent), sorted by key.
 * Audit events are left out unless asked for: they are the one thing every request may add.
 */
export async function organisationItems(
  api: TestApi,
  orgId: OrgId,
  options: { tables?: readonly string[]; includeAudit?: boolean } = {},
): Promise<{ table: string; item: Item }[]> {
  const tables = options.tables ?? [api.services.config.tables.data];
  const found: { table: string; item: Item }[] = [];
  for (const table of tables) {
    const items = await scanTable(api.services.dynamo, {
      TableName: table,
      FilterExpression: 'begins_with(pk, :prefix)',
      ExpressionAttributeValues: { ':prefix': { S: `ORG#${orgId}#` } },
      ConsistentRead: true,
    });
    for (const item of items) {
      if (!options.includeAudit && (item.pk?.S ?? '').includes('#AUDIT#')) continue;
      found.push({ table, item });
    }
  }
  const keyOf = (entry: { table: string; item: Item }) =>
    `${entry.table}|${entry.item.pk?.S}|${entry.item.sk?.S}`;
  return found.sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
}

/** Every string an attribute value holds (keys, GSI keys, sets, maps, lists; binaries as UTF-8 and Latin-1). */
export function attributeStrings(value: AttributeValue): string[] {
  if (value.S !== undefined) return [value.S];
  if (value.N !== undefined) return [value.N];
  if (value.B !== undefined) {
    const bytes = Buffer.from(value.B);
    return [bytes.toString('utf8'), bytes.toString('latin1')];
  }
  if (value.SS) return [...value.SS];
  if (value.NS) return [...value.NS];
  if (value.BS) return value.BS.flatMap((b) => attributeStrings({ B: b }));
  if (value.M) return Object.entries(value.M).flatMap(([k, v]) => [k, ...attributeStrings(v)]);
  if (value.L) return value.L.flatMap(attributeStrings);
  return [];
}

/** Counts of the SDK requests made while `act` ran (on this API's clients only). */
export async function countedRequests<T>(
  api: TestApi,
  act: () => Promise<T>,
): Promise<{ result: T; counts: Record<string, number> }> {
  api.services.counters.reset();
  const result = await act();
  return { result, counts: api.services.counters.snapshot() };
}

export const sumOf = (counts: Record<string, number>, operations: readonly string[]) =>
  operations.reduce((sum, operation) => sum + (counts[`DynamoDB.${operation}`] ?? 0), 0);

export const DYNAMO_READS = ['Query', 'GetItem', 'BatchGetItem', 'Scan', 'TransactGetItems'] as const;
export const DYNAMO_WRITES = [
  'TransactWriteItems',
  'BatchWriteItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
] as const;

/**
 * A name word's blind-index bucket, computed as the store computes it (16 bits on purpose: DATA-PROTECTION.md,
 * Storage). Each test that uses it also shows the store agrees: it finds an entry there, or fills a search's bucket.
 */
export function nameBucket(beaconKey: Uint8Array, word: string): string {
  return blindIndex(beaconKey, 'client-name', word, 16);
}

/** Base-32 digits in the order of their characters' codes: ids made of them sort as their numbers do. */
const BASE32 = '234567abcdefghijklmnopqrstuvwxyz';

/**
 * Fills a name word's blind-index bucket as a common surname fills it in a large organisation: `count` entries whose
 * service user ids (`su_` and 26 base-32 digits, from the lowest there is) sort before any real client's and name no
 * one held. Returns those ids.
 */
export async function fillNameBucket(
  api: TestApi,
  orgId: OrgId,
  word: string,
  count: number,
): Promise<string[]> {
  const scope = tenantScope(orgId);
  const bucket = nameBucket(await api.services.keys.beaconKey(orgId), word);
  const ids = Array.from({ length: count }, (_, n) => {
    let digits = '';
    for (let rest = n; rest > 0; rest = Math.floor(rest / 32)) digits = BASE32[rest % 32] + digits;
    return `su_${digits.padStart(26, '2')}`;
  });
  await new TenantTable(scope, api.services.dynamo, api.services.config.tables.data).batchPut(
    ids.map((id) => ({
      pk: attr.s(scope.key('BEACON', 'name', bucket)),
      sk: attr.s(`CLIENT#${id}`),
      clientId: attr.s(id),
    })),
  );
  return ids;
}
