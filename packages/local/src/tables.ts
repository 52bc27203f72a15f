import {
  CreateTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { dataTableDesign, keyTableDesign, type TableDesign } from '@confide/store';

/**
 * Creates the data and key tables from the shared design when they do not exist yet (idempotent). The data table has
 * its stream, which the local retention poller reads, unless `dataStream` is false (see {@link LocalStackOptions}).
 */
export async function ensureTables(
  dynamo: DynamoDBClient,
  names: { data: string; keys: string },
  options: { dataStream?: boolean } = {},
): Promise<void> {
  const existing = new Set((await dynamo.send(new ListTablesCommand({}))).TableNames ?? []);
  if (!existing.has(names.data)) {
    await createTable(dynamo, names.data, dataTableDesign, options.dataStream ?? true);
  }
  if (!existing.has(names.keys)) await createTable(dynamo, names.keys, keyTableDesign, false);
}

async function createTable(dynamo: DynamoDBClient, name: string, design: TableDesign, stream: boolean) {
  const attributes = new Set<string>([design.partitionKey, design.sortKey]);
  for (const index of design.globalIndexes) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  await dynamo.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...attributes].map((attribute) => ({
        AttributeName: attribute,
        AttributeType: 'S',
      })),
      KeySchema: [
        { AttributeName: design.partitionKey, KeyType: 'HASH' },
        { AttributeName: design.sortKey, KeyType: 'RANGE' },
      ],
      ...(design.globalIndexes.length > 0
        ? {
            GlobalSecondaryIndexes: design.globalIndexes.map((index) => ({
              IndexName: index.name,
              KeySchema: [
                { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
                { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
              ],
              Projection: { ProjectionType: 'ALL' as const },
            })),
          }
        : {}),
      ...(stream
        ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }
        : {}),
    }),
  );
  // DynamoDB Local accepts the TTL setting but never deletes; the local sweeper does (retention).
  await dynamo.send(
    new UpdateTimeToLiveCommand({
      TableName: name,
      TimeToLiveSpecification: { AttributeName: design.ttlAttribute, Enabled: true },
    }),
  );
}
