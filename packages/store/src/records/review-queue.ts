import { type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { attr, type Item } from '../attributes';
import { queryAll } from '../query-all';

/**
 * A queue of review items (emergency accesses, exceptional disclosures): one partition per organisation and kind,
 * newest last by sort key, each item also found by its id through `gsi1`.
 */
export class ReviewQueue {
  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly table: string,
  ) {}

  /** Every review of the queue, newest first. */
  list(queuePartition: string): Promise<Item[]> {
    return queryAll(this.dynamo, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': attr.s(queuePartition) },
      ScanIndexForward: false,
    });
  }

  /** The review whose id key (its `gsi1pk`) is given. */
  async find(idKey: string): Promise<Item | undefined> {
    const result = await this.dynamo.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': attr.s(idKey) },
      }),
    );
    return result.Items?.[0];
  }
}
