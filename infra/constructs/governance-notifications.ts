import { Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { OperationsKey } from './operations-key';

/** The sort-key prefix of outbox items (`NOTIFICATION_SORT_PREFIX` in packages/store/src/records/notifications.ts). */
export const NOTIFICATION_SORT_PREFIX = 'NOTIFY#';

/** The partition keys of the organisations' outboxes, `ORG#<org>#NOTIFY` (`scope.key('NOTIFY')` in the store). */
export const OUTBOX_LEADING_KEYS = 'ORG#org_*#NOTIFY';

/** Properties of {@link GovernanceNotifications}. */
export interface GovernanceNotificationsProps {
  readonly stage: string;
  /** The data table, whose stream carries each new outbox item. */
  readonly dataTable: ITableV2;
  /** The function that puts deadline notifications in the outboxes; run every hour. */
  readonly deadlinesFunction: IFunction;
  /** Encrypts the topic; its key policy lets the pipe's role publish through SNS (and nothing else). */
  readonly operationsKey: OperationsKey;
  /** The pipe's own log group, kept and encrypted as the functions' logs are. */
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  readonly logEncryptionKey: IKey;
}

/**
 * Tells each organisation's governance contacts what needs them (issue 20, decision 0035). The api and the hourly
 * deadlines function put a notification — a kind and a reference, no personal data — in the organisation's outbox
 * in the data table; an EventBridge pipe reads the table stream, keeps only new outbox items, and publishes their
 * organisation, kind and reference to the stage's governance topic. Operators subscribe each organisation's
 * contacts by email with a message-body filter on their organisation, so a charity hears only of its own.
 */
export class GovernanceNotifications extends Construct {
  /** The governance topic: one message per notification, `{ organisation, kind, reference }`. */
  public readonly topic: Topic;
  /** Where the pipe describes the stream records it gave up publishing (its dead-letter queue; alarmed). */
  public readonly failureQueue: Queue;

  constructor(scope: Construct, id: string, props: GovernanceNotificationsProps) {
    super(scope, id);
    const streamArn = props.dataTable.tableStreamArn;
    if (!streamArn) throw new Error('The data table needs a stream for governance notifications.');

    this.topic = new Topic(this, 'Topic', {
      topicName: `confide-${props.stage}-governance`,
      displayName: 'Confide governance notifications',
      masterKey: props.operationsKey.key,
      enforceSSL: true,
    });

    const role = new Role(this, 'PipeRole', {
      assumedBy: new ServicePrincipal('pipes.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Reads the data table stream and publishes outbox items to the governance topic',
    });
    role.addToPolicy(
      new PolicyStatement({
        sid: 'ReadTheDataTableStream',
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        resources: [streamArn],
      }),
    );
    role.addToPolicy(
      new PolicyStatement({ sid: 'ListStreams', actions: ['dynamodb:ListStreams'], resources: ['*'] }),
    );
    // Publishing only: the key's own policy grants the data keys, through SNS (no IAM right to use the key).
    role.addToPolicy(
      new PolicyStatement({
        sid: 'PublishNotifications',
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
      }),
    );
    props.operationsKey.allowSnsPublisher(role);

    // The outbox item is written once and nothing re-sends it, so a record the pipe gives up on (retries exhausted)
    // must not be dropped: it is described here, with its shard and sequence numbers, for an operator to re-send
    // (infra/README.md). Like the retention stream's failure queue: stream metadata only, SQS-managed encryption.
    this.failureQueue = new Queue(this, 'FailureQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.failureQueue.grantSendMessages(role);

    // Why a record failed (a denied publish, a key refused, a throttle), for the operator the failure queue's alarm
    // calls: errors only, and never the record's payload, request or response (execution data stays off).
    const logGroup = new LogGroup(this, 'PipeLogs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
      encryptionKey: props.logEncryptionKey,
    });
    logGroup.grantWrite(role);

    new CfnPipe(this, 'Pipe', {
      name: `confide-${props.stage}-governance-notifications`,
      description:
        'New notification outbox items to the governance topic (kind and reference, no personal data)',
      roleArn: role.roleArn,
      source: streamArn,
      sourceParameters: {
        dynamoDbStreamParameters: {
          startingPosition: 'LATEST',
          batchSize: 1,
          maximumRetryAttempts: 20,
          deadLetterConfig: { arn: this.failureQueue.queueArn },
        },
        filterCriteria: {
          filters: [
            {
              pattern: JSON.stringify({
                eventName: ['INSERT'],
                dynamodb: { NewImage: { sk: { S: [{ prefix: NOTIFICATION_SORT_PREFIX }] } } },
              }),
            },
          ],
        },
      },
      logConfiguration: {
        level: 'ERROR',
        cloudwatchLogsLogDestination: { logGroupArn: logGroup.logGroupArn },
      },
      target: this.topic.topicArn,
      targetParameters: {
        // Only these three attributes leave the table; the item holds nothing else of interest anyway.
        inputTemplate:
          '{"organisation": "<$.dynamodb.NewImage.orgId.S>", "kind": "<$.dynamodb.NewImage.kind.S>", "reference": "<$.dynamodb.NewImage.reference.S>"}',
      },
    });

    new Rule(this, 'DeadlinesSchedule', {
      description: 'Checks every organisation’s breach and subject access deadlines',
      schedule: Schedule.rate(Duration.hours(1)),
      targets: [new LambdaFunction(props.deadlinesFunction, { retryAttempts: 2 })],
    });

    Validations.of(this.failureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself a dead-letter queue: the governance pipe's source dead-letter configuration, which " +
        'cdk-nag does not recognise (it looks for SQS redrive policies and function DLQs only).',
    });
    Validations.of(role).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'dynamodb:ListStreams has no resource-level permissions; the stream actions name the one stream.',
      },
      {
        id: 'HIPAA.Security-IAMNoInlinePolicy',
        reason:
          "The only inline policy is CDK's grant policy of this one role: the one stream and publishing to the one topic.",
      },
    );
  }
}
