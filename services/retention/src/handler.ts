import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { confideMetrics, publishMetric } from '@confide/api/metrics';
import { systemClock } from '@confide/domain';
import { KeyHierarchy, keyLifecycle, organisationAliasPrefix } from '@confide/keys';
import { processRetentionRecords, type RetentionHandlerDependencies, tableNames } from '@confide/store';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { poolUsersFromEnv } from './pool-users';

// Built once per Lambda container. The key hierarchy is asked where subject keys live (to quarantine them) and to
// delete them, which needs no KMS call, and for each organisation's beacon key (one KMS Decrypt per organisation
// per cache window), from which the integrity key that retention records are MACed under is derived.
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
  const kms = new KMSClient({
    region,
    ...(env.CONFIDE_KMS_ENDPOINT ? { endpoint: env.CONFIDE_KMS_ENDPOINT } : {}),
  });
  const aliasPrefix = organisationAliasPrefix(env.CONFIDE_STAGE ?? 'local');
  dependencies = {
    dynamo,
    dataTable: env.CONFIDE_DATA_TABLE ?? names.data,
    keys: new KeyHierarchy({ kms, dynamo, keyTableName }),
    // An offboarded organisation's expiries pass once its key is going (decision 0131): asked by the key's alias.
    organisationKeys: { lifecycle: (orgId) => keyLifecycle(kms, `${aliasPrefix}${orgId}`) },
    clock: systemClock,
    log,
    // A leaver's sign-in user goes with their records (decision 0130).
    signInUsers: poolUsersFromEnv(env),
  };
  return dependencies;
}

/** The `service` dimension of this function's metrics (CDK sets `POWERTOOLS_SERVICE_NAME`). */
const SERVICE = process.env.POWERTOOLS_SERVICE_NAME ?? 'confide-retention';

/**
 * Ids, kinds and reasons only: never an item image. A line naming a `metric` (an integrity incident) is also that
 * metric, in CloudWatch's embedded metric format (namespace `Confide`, dimension `service=confide-retention`): the
 * integrity alarm watches it.
 */
function log(message: string, detail: Record<string, unknown>): void {
  const { metric, ...rest } = detail;
  if (metric === confideMetrics.retentionIntegrityIncidents.name) {
    publishMetric(confideMetrics.retentionIntegrityIncidents, 1, { level: 'ERROR', message, ...rest });
    return;
  }
  console.log(
    JSON.stringify({
      level: typeof metric === 'string' ? 'ERROR' : 'INFO',
      message,
      service: SERVICE,
      ...rest,
    }),
  );
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
