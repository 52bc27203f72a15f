import type { OrgId } from '@confide/domain';
import { type Item, tenantScope } from '@confide/store';
import { scanTable } from '../support/table-scan';
import type { TestApi } from '../support/test-api';

/** A marker that cannot occur by accident; a test seeds it and then looks for it where it must not be. */
export function canary(label: string): string {
  return `CANARY${label.replace(/[^A-Za-z0-9]/g, '')}${Math.random().toString(36).slice(2, 10)}`;
}

/** Every item of the data table whose partition key starts with `prefix` (a full scan of DynamoDB Local, by segments). */
export async function scanItems(api: TestApi, prefix: string): Promise<Item[]> {
  return scanTable(api.services.dynamo, {
    TableName: api.stack.tables.data,
    FilterExpression: 'begins_with(pk, :prefix)',
    ExpressionAttributeValues: { ':prefix': { S: prefix } },
    ConsistentRead: true,
  });
}

/** Every audit item of an organisation (events and chain heads), as stored. */
export async function auditItems(api: TestApi, orgId: OrgId): Promise<Item[]> {
  // The one place a caller's own text may sit: its bounded `x-request-id`, kept as the separate `correlationId`
  // (issue 17 item 2). Everything else of each event is searched.
  const items = await scanItems(api, tenantScope(orgId).key('AUDIT'));
  return items.map(({ correlationId: _caller, ...rest }) => rest);
}

/** Every item of an organisation in the data table (audit events without the caller's correlation id, as above). */
export async function organisationItems(api: TestApi, orgId: OrgId): Promise<Item[]> {
  const items = await scanItems(api, `ORG#${orgId}#`);
  return items.map(({ correlationId: _caller, ...rest }) => rest);
}

/** Item attributes, binary ones decoded as latin1 too, so a canary stored in bytes is found as well. */
export function itemText(item: Item): string {
  return JSON.stringify(item, (_key, value) =>
    value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value,
  );
}

/** The canaries found in any of the items. */
export function canariesIn(items: readonly Item[], canaries: readonly string[]): string[] {
  const text = items.map(itemText).join('\n');
  return canaries.filter((value) => text.includes(value));
}
