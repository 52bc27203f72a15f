/**
 * The physical design of Confide's two DynamoDB tables, shared by the local stack (which creates them)
 * and the CDK app (which declares them), so that the two never drift apart.
 *
 * Data table: every item's partition key starts with `ORG#<orgId>#`. A client's items share the partition
 * `ORG#<orgId>#CLIENT#<clientId>`. Tenant-wide lists go through the GSIs, whose partition keys are also
 * organisation-prefixed and sharded where a list can grow large (see the store's key builders).
 *
 * Key table: wrapped branch keys and subject data keys. Separate so that restoring the data table from a
 * backup never resurrects an erased (crypto-shredded) subject key.
 */
export const dataTableDesign = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  globalIndexes: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
} as const;

export const keyTableDesign = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  globalIndexes: [],
} as const;

export type TableDesign = typeof dataTableDesign | typeof keyTableDesign;

/** Table names per stage; the CDK app and the local stack both use these. */
export function tableNames(stage: string): { data: string; keys: string } {
  return { data: `confide-${stage}-data`, keys: `confide-${stage}-keys` };
}
