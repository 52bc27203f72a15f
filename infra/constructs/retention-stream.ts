import { Duration, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, FilterRule, type IFunction, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * The sort-key prefixes of consents, notes, profiles (clients', staff accounts and the organisation's), allocation
 * records, reference permissions, the choice of consent methods, subjects' retention states and key quarantines, and
 * staff members' personnel records, whose updates the function reads (`WATCHED_UPDATES_SORT_PREFIXES` in
 * packages/store, which the test compares).
 */
const WATCHED_UPDATES_SORT_PREFIXES = [
  'CONSENT#',
  'NOTE#',
  'PROFILE',
  'ALLOC#',
  'REFPERM#',
  'DISCLOSURE-METHODS',
  'RETENTION_STATE',
  'KEY_QUARANTINE',
  'PERSONNEL',
];

/** Properties of {@link RetentionStream}. */
export interface RetentionStreamProps {
  /** The retention function. */
  readonly handler: IFunction;
  /** The data table, whose stream the function consumes. */
  readonly dataTable: ITableV2;
}

/**
 * Connects the retention function to the data table's stream, so that every TTL expiry and erasure leaves a
 * tombstone and, for a subject's last item, deletes the subject's data key.
 *
 * Losing a stream record would leave a data key behind after its subject's data is gone, so failures are
 * contained, never dropped silently: the handler reports the records it could not process
 * (`batchItemFailures`), a failing batch is split to isolate the bad record, retries are bounded, and what still
 * fails goes to an encrypted failure queue (whose depth is alarmed) with the shard and sequence numbers needed
 * to replay it.
 */
export class RetentionStream extends Construct {
  /** Where records that could not be processed are described (on-failure destination). */
  public readonly failureQueue: Queue;

  constructor(scope: Construct, id: string, props: RetentionStreamProps) {
    super(scope, id);

    this.failureQueue = new Queue(this, 'FailureQueue', {
      // Messages hold stream metadata (shard, sequence numbers, table ARN), never item images; SQS-managed
      // encryption protects them without a key policy to maintain.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    props.handler.addEventSource(
      new DynamoEventSource(props.dataTable, {
        // From the oldest record still in the stream: nothing deleted before the mapping existed is skipped.
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(5),
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: 10,
        // Well inside the stream's 24-hour retention, so that the records a failure message points at can still
        // be read and replayed when an operator acts on the alarm.
        maxRecordAge: Duration.hours(6),
        onFailure: new SqsDlq(this.failureQueue),
        // TTL expiries and erasures are deletions; a consent's or a note's update is read for a withdrawal or an
        // amendment undone below the application (decision 0118), a client's profile's or an allocation record's for
        // an ended allocation or a conflict undone (0119, 0120), a staff account's or the organisation's for earlier
        // roles or status, access preset or retention rules (0121, 0123),
        // a reference permission's for its withdrawal undone (0122), the choice of consent methods' for its narrowing
        // undone (0124), a subject's retention state or key quarantine for a hold, a reopening or a key's recovery
        // undone (0141), a staff member's personnel record for HR's last change undone (0147). Other inserts and
        // updates (the function's own tombstone writes among them) do not invoke it. The prefixes are alternatives of one filter (a pattern's list of rules matches any of them),
        // so the mapping keeps two of its five filters. `isRetentionRecord` (packages/store) selects the same records
        // for the local poller.
        filters: [
          FilterCriteria.filter({ eventName: FilterRule.isEqual('REMOVE') }),
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('MODIFY'),
            dynamodb: {
              Keys: {
                sk: { S: WATCHED_UPDATES_SORT_PREFIXES.flatMap((prefix) => FilterRule.beginsWith(prefix)) },
              },
            },
          }),
        ],
      }),
    );

    Validations.of(this.failureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself a dead-letter queue: the stream event source mapping's on-failure destination, " +
        'which cdk-nag does not recognise (it looks for SQS redrive policies and function DLQs only).',
    });
  }
}
