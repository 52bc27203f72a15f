import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamsApiRecord,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import {
  isRetentionRecord,
  type RetentionStreamRecord,
  type StreamImage,
  type StreamValue,
} from '@confide/store';

export interface StreamPollerOptions {
  readonly streams: DynamoDBStreamsClient;
  readonly dynamo: DynamoDBClient;
  /** The table whose stream is read (the data table). */
  readonly table: string;
  /** The handler: the same core the retention Lambda runs. */
  readonly process: (
    records: RetentionStreamRecord[],
  ) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
  /** Which of those records to hand over (tests share one table); all by default. */
  readonly accept?: (record: RetentionStreamRecord) => boolean;
  /** Attempts per failing record before it is given up (logged) — the local failure queue. */
  readonly maxAttempts?: number;
  readonly log?: (message: string, detail: Record<string, unknown>) => void;
}

interface ShardState {
  checkpoint: string | undefined;
  closed: boolean;
}

/**
 * Feeds the data table's stream on DynamoDB Local to the retention handler, as the Lambda event source mapping
 * does in AWS: REMOVE records and the watched items' MODIFY only (`isRetentionRecord`), in order per shard, in batches.
 * A record the handler reports failed is
 * retried on the next poll from that record (the records after it again too: the handler is idempotent), up
 * to `maxAttempts`, then given up and logged, as the mapping's on-failure destination would receive it.
 */
export class LocalStreamPoller {
  readonly #options: StreamPollerOptions;
  readonly #shards = new Map<string, ShardState>();
  readonly #attempts = new Map<string, number>();
  #streamArn: string | undefined;

  constructor(options: StreamPollerOptions) {
    this.#options = options;
  }

  /** Reads every shard up to its end once; returns how many REMOVE records were handed over and failed. */
  async pollOnce(): Promise<{ handled: number; failed: number; abandoned: number }> {
    const streamArn = await this.#arn();
    let handled = 0;
    let failed = 0;
    let abandoned = 0;
    for (const shardId of await this.#shardIds(streamArn)) {
      let state = this.#shards.get(shardId);
      if (!state) {
        state = { checkpoint: undefined, closed: false };
        this.#shards.set(shardId, state);
      }
      if (state.closed) continue;
      let iterator: string | undefined = await this.#iterator(streamArn, shardId, state.checkpoint);
      while (iterator) {
        let page: { Records?: StreamsApiRecord[]; NextShardIterator?: string };
        try {
          page = await this.#options.streams.send(
            new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }),
          );
        } catch (error) {
          if (error instanceof ExpiredIteratorException) {
            iterator = await this.#iterator(streamArn, shardId, state.checkpoint);
            continue;
          }
          if (error instanceof TrimmedDataAccessException) {
            state.checkpoint = undefined;
            iterator = await this.#iterator(streamArn, shardId, undefined);
            continue;
          }
          throw error;
        }
        const records = (page.Records ?? []).map(toLambdaShape);
        if (records.length === 0) {
          if (!page.NextShardIterator) state.closed = true;
          break;
        }
        const batch = records.filter(
          (record) => isRetentionRecord(record) && (this.#options.accept?.(record) ?? true),
        );
        const failures = new Set(
          batch.length > 0
            ? (await this.#options.process(batch)).batchItemFailures.map((failure) => failure.itemIdentifier)
            : [],
        );
        handled += batch.length;
        let retryLater = false;
        for (const record of records) {
          const sequence = record.dynamodb?.SequenceNumber;
          if (sequence && failures.has(sequence)) {
            failed += 1;
            const attempts = (this.#attempts.get(sequence) ?? 0) + 1;
            this.#attempts.set(sequence, attempts);
            if (attempts < (this.#options.maxAttempts ?? 5)) {
              retryLater = true;
              break;
            }
            abandoned += 1;
            this.#options.log?.('retention.record-abandoned', {
              shardId,
              sequenceNumber: sequence,
              attempts,
            });
          }
          state.checkpoint = sequence ?? state.checkpoint;
        }
        if (retryLater) break;
        iterator = page.NextShardIterator;
        if (!iterator) state.closed = true;
      }
    }
    return { handled, failed, abandoned };
  }

  async #arn(): Promise<string> {
    if (!this.#streamArn) {
      const table = await this.#options.dynamo.send(
        new DescribeTableCommand({ TableName: this.#options.table }),
      );
      const arn = table.Table?.LatestStreamArn;
      if (!arn) throw new Error(`The table ${this.#options.table} has no stream.`);
      this.#streamArn = arn;
    }
    return this.#streamArn;
  }

  async #shardIds(streamArn: string): Promise<string[]> {
    const ids: string[] = [];
    let start: string | undefined;
    do {
      const result = await this.#options.streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
      );
      for (const shard of result.StreamDescription?.Shards ?? []) if (shard.ShardId) ids.push(shard.ShardId);
      start = result.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return ids;
  }

  async #iterator(
    streamArn: string,
    shardId: string,
    checkpoint: string | undefined,
  ): Promise<string | undefined> {
    const result = await this.#options.streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(checkpoint
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: checkpoint }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return result.ShardIterator;
  }
}

/**
 * The Streams API's attribute values carry the same members as a Lambda stream image (binary as bytes, where
 * Lambda sends base64); the whole image is kept, so the handler can put back an item removed against the rules.
 */
function image(values: Record<string, StreamValue> | undefined): StreamImage | undefined {
  return values;
}

/** The Streams API's record in the shape Lambda delivers (lower-case identity, creation time in seconds). */
export function toLambdaShape(record: StreamsApiRecord): RetentionStreamRecord {
  const stream = record.dynamodb;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    ...(record.userIdentity
      ? { userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId } }
      : {}),
    dynamodb: stream
      ? {
          Keys: image(stream.Keys),
          OldImage: image(stream.OldImage),
          NewImage: image(stream.NewImage),
          SequenceNumber: stream.SequenceNumber,
          ApproximateCreationDateTime: stream.ApproximateCreationDateTime
            ? Math.floor(stream.ApproximateCreationDateTime.getTime() / 1000)
            : undefined,
        }
      : undefined,
  };
}
