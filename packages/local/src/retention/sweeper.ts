import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { type Clock, type OrgId, toEpochSeconds } from '@confide/domain';
import type { Item } from '@confide/store';

export interface SweepOptions {
  readonly dynamo: DynamoDBClient;
  /** The tables DynamoDB TTL runs on in AWS: the data table and the key table. */
  readonly tables: readonly string[];
  readonly clock: Clock;
  /** Only this organisation's items (tests share one DynamoDB Local). */
  readonly orgId?: OrgId | undefined;
}

export interface SweepResult {
  readonly deleted: number;
}

/**
 * DynamoDB Local accepts a TTL setting but never deletes anything: this does what TTL does in AWS — deletes
 * the items whose `expiresAt` has passed — so the stream, the retention handler and its tombstones run
 * locally too. A Scan is fine here: this is the local stand-in for TTL's own background scan, never a request
 * path. Each delete is conditional on the item still being expired, so a legal hold that cleared `expiresAt`
 * meanwhile wins. The stream shows these as ordinary deletes; the handler counts a deleted item whose
 * `expiresAt` had passed as expired.
 */
export async function sweepExpired(options: SweepOptions): Promise<SweepResult> {
  const now = toEpochSeconds(options.clock.now());
  let deleted = 0;
  for (const table of options.tables) {
    let startKey: Item | undefined;
    do {
      const page = await options.dynamo.send(
        new ScanCommand({
          TableName: table,
          ProjectionExpression: 'pk, sk',
          FilterExpression: options.orgId
            ? 'expiresAt <= :now AND begins_with(pk, :prefix)'
            : 'expiresAt <= :now',
          ExpressionAttributeValues: {
            ':now': { N: String(now) },
            ...(options.orgId ? { ':prefix': { S: `ORG#${options.orgId}#` } } : {}),
          },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        try {
          await options.dynamo.send(
            new DeleteItemCommand({
              TableName: table,
              Key: { pk: item.pk ?? { S: '' }, sk: item.sk ?? { S: '' } },
              ConditionExpression: 'expiresAt <= :now',
              ExpressionAttributeValues: { ':now': { N: String(now) } },
            }),
          );
          deleted += 1;
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  return { deleted };
}
