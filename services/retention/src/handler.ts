import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { systemClock } from '@confide/domain';
import { KeyHierarchy } from '@confide/keys';
import { processRetentionRecords, type RetentionHandlerDependencies, tableNames } from '@confide/store';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';

// Built once per Lambda container. The key hierarchy is only asked where subject keys live (to quarantine them)
// and to delete them, which needs no KMS call; the client exists because the hierarchy is built with one.
let dependencies: RetentionHandlerDependencies | undefined;

function retentionDependencies(env: NodeJS.ProcessEnv = process.env): RetentionHandlerDependencies {
  if (dependencies) return dependencies;
  const names = tableNames(env.CONFIDE_STAGE ?? 'local');
  const region = env.AWS_REGION ?? 'eu-west-2';
  const dynamo = new DynamoDBClient({
    region,
    ...(env.CONFIDE_DYNAMODB_ENDPOINT ? { endpoint: env.CONFIDE_DYNAMODB_ENDPOINT } : {}),
  });
  const keyTableName = env.CONFIDE_KEY_TABLE ?? names.keys;
  dependencies = {
    dynamo,
    dataTable: env.CONFIDE_DATA_TABLE ?? names.data,
    keys: new KeyHierarchy({ kms: new KMSClient({ region }), dynamo, keyTableName }),
    clock: systemClock,
    // Ids, kinds and reasons only: never an item image.
    log: (message, detail) => console.log(JSON.stringify({ level: 'INFO', message, ...detail })),
  };
  return dependencies;
}

/**
 * The retention Lambda, on the data table's stream (REMOVE events only; `ReportBatchItemFailures` on): TTL
 * expiries and erasures leave non-identifying tombstones. An erased subject's data key is deleted with their
 * last item; an expired subject's is kept in quarantine for `KEY_QUARANTINE_DAYS` (30) days, recoverable, and
 * deleted when the quarantine record's own TTL removes it. Records it could not process are returned in `batchItemFailures`; the rest are processed once (every
 * effect is idempotent, so the retry from the first failure changes nothing twice).
 */
export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const result = await processRetentionRecords(event.Records, retentionDependencies());
  return { batchItemFailures: result.batchItemFailures };
}
