import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type Dashboard,
  type IMetric,
  MathExpression,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { confideMetrics, type MetricDefinition, type MetricSource } from '../../packages/api/src/metrics';
import { ConfideDashboard } from './confide-dashboard';
import { confideMetric } from './confide-metrics';

/** Properties of {@link ConfideAlarms}. */
export interface ConfideAlarmsProps {
  /** The stage name, used in alarm and topic names. */
  readonly stage: string;
  /** The HTTP API whose 5xx rate is watched. */
  readonly httpApi: IHttpApi;
  /** Functions whose errors and throttles are watched, by short name (`api`, `provisioner`, `retention`). */
  readonly functions: Readonly<Record<string, IFunction>>;
  /** The api function, shown on the dashboard. */
  readonly apiFunction: IFunction;
  /** The retention function, whose stream iterator age is watched. */
  readonly retentionFunction: IFunction;
  /** The retention stream's failure queue, whose depth is watched. */
  readonly retentionFailureQueue: IQueue;
  /** The governance notification pipe's dead-letter queue, whose depth is watched. */
  readonly governanceFailureQueue: IQueue;
  /**
   * The Powertools service name (`POWERTOOLS_SERVICE_NAME`) of each function publishing Confide metrics: the `service`
   * dimension of its metrics (packages/api/src/metrics.ts).
   */
  readonly serviceNames: Readonly<Record<MetricSource, string>>;
  /** How often the verifier runs: it publishes its metric once a run, so each run fills one period. */
  readonly verifySchedule: Duration;
  /** The key encrypting the topic; its policy must let CloudWatch use it (see `OperationsKey`). */
  readonly encryptionKey: IKey;
  /** Email addresses subscribed to the topic. */
  readonly emails: readonly string[];
}

const period = Duration.minutes(5);

/**
 * Operational alarms, all notifying one KMS-encrypted SNS topic (on alarm and on recovery). infra/README.md
 * says what each one means and what to do.
 */
export class ConfideAlarms extends Construct {
  /** The topic every alarm notifies. */
  public readonly topic: Topic;
  /** The stage's dashboard (the same metrics). */
  public readonly dashboard: Dashboard;
  /** The alarms, by the suffix of their name. */
  public readonly alarms: Readonly<Record<string, Alarm>>;

  constructor(scope: Construct, id: string, props: ConfideAlarmsProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.topic = new Topic(this, 'Topic', {
      topicName: `confide-${props.stage}-alarms`,
      displayName: `Confide ${props.stage} alarms`,
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    // The topic policy replaces SNS's default one, so CloudWatch must be allowed explicitly; only for this
    // account's alarms (confused-deputy protection).
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccountPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );
    for (const email of props.emails) this.topic.addSubscription(new EmailSubscription(email));

    const alarms: Record<string, Alarm> = {};
    // Missing data is "nothing happened" for every alarm but the verifier's: AWS metrics with no requests, errors or
    // messages publish nothing, and Confide's event metrics are published only when the event happens.
    const add = (
      name: string,
      metric: IMetric,
      threshold: number,
      description: string,
      options: {
        treatMissingData: TreatMissingData;
        evaluationPeriods: number;
        comparisonOperator: ComparisonOperator;
      } = {
        treatMissingData: TreatMissingData.NOT_BREACHING,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      },
    ) => {
      const alarm = new Alarm(this, name, {
        alarmName: `confide-${props.stage}-${name}`,
        alarmDescription: description,
        metric,
        threshold,
        ...options,
      });
      alarm.addAlarmAction(new SnsAction(this.topic));
      alarm.addOkAction(new SnsAction(this.topic));
      alarms[name] = alarm;
    };

    add(
      'api-5xx-rate',
      new MathExpression({
        // Ignore a single failure among a handful of requests at quiet times.
        expression: 'IF(requests >= 10, 100 * errors / requests, 0)',
        usingMetrics: {
          errors: props.httpApi.metricServerError({ statistic: 'Sum', period }),
          requests: props.httpApi.metricCount({ statistic: 'Sum', period }),
        },
        label: 'API 5xx responses (% of requests)',
        period,
      }),
      5,
      'At least 5% of API requests failed with a 5xx in 5 minutes. See infra/README.md, Alarms.',
    );

    for (const [name, fn] of Object.entries(props.functions)) {
      add(
        `${name}-errors`,
        fn.metricErrors({ statistic: 'Sum', period }),
        1,
        `The ${name} function failed (unhandled error or timeout). See infra/README.md, Alarms.`,
      );
      add(
        `${name}-throttles`,
        fn.metricThrottles({ statistic: 'Sum', period }),
        1,
        `The ${name} function was throttled. See infra/README.md, Alarms.`,
      );
    }

    add(
      'retention-failure-queue',
      props.retentionFailureQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period }),
      1,
      'Stream records the retention function gave up on: tombstones or key deletions are missing until they are replayed. See infra/README.md, Alarms.',
    );
    add(
      'governance-failure-queue',
      props.governanceFailureQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period }),
      1,
      'Governance notifications the pipe gave up publishing: those contacts were not told until the notifications are re-sent. See infra/README.md, Alarms.',
    );
    add(
      'retention-iterator-age',
      props.retentionFunction.metric('IteratorAge', { statistic: 'Maximum', period }),
      Duration.hours(1).toMilliseconds(),
      'The retention function is more than an hour behind the data table stream (records expire after 24 hours). See infra/README.md, Alarms.',
    );

    const eventCount = (definition: MetricDefinition) =>
      confideMetric(definition, props.serviceNames, { statistic: 'Sum', period });
    add(
      'emergency-access-opened',
      eventCount(confideMetrics.emergencyAccessOpened),
      1,
      'Someone opened emergency ("break glass") access to a record; it awaits review. See infra/README.md, Alarms.',
    );
    add(
      'kms-errors',
      eventCount(confideMetrics.kmsErrors),
      1,
      'KMS calls failed (denied, throttled, key disabled or pending deletion): affected requests failed closed. See infra/README.md, Alarms.',
    );
    add(
      'integrity-retention',
      eventCount(confideMetrics.retentionIntegrityIncidents),
      1,
      'Stored records were changed below the application: a removal the retention rules do not explain, or a forged erasure record (the item was kept or not served). See infra/README.md, Alarms.',
    );
    add(
      'integrity-api',
      eventCount(confideMetrics.apiIntegrityIncidents),
      1,
      'Stored records were changed below the application: a read of an item whose access metadata does not match its ciphertext (the item was kept or not served). See infra/README.md, Alarms.',
    );
    add(
      'retention-restore-failed',
      eventCount(confideMetrics.retentionRestoreFailures),
      1,
      "A failed reopening or re-employment could not put the person's retention schedule back: their records may be kept past their date until the change is recorded again. See infra/README.md, Alarms.",
    );
    add(
      'tampering-refused',
      eventCount(confideMetrics.tamperingRefused),
      1,
      'The provisioner refused a request whose assertion was missing, forged, altered, replayed or expired: an invocation around the api. See infra/README.md, Alarms.',
    );

    add(
      'audit-verification',
      confideMetric(confideMetrics.auditVerificationFailures, props.serviceNames, {
        statistic: 'Maximum',
        period: props.verifySchedule,
      }),
      1,
      "An organisation's access audit failed verification: an event altered, inserted or deleted, or a chain shorter than its last checkpoint. See infra/README.md, Alarms.",
    );
    // The verifier publishes its count on every run, zero included: two schedule periods without it mean that it has
    // stopped running (a deleted or disabled schedule, a crash before the end), so nothing is being verified. Missing
    // data is breaching here, and only here.
    add(
      'verifier-silent',
      confideMetric(confideMetrics.auditVerificationFailures, props.serviceNames, {
        statistic: 'SampleCount',
        period: props.verifySchedule,
      }),
      1,
      'The audit verifier has not reported for two schedule periods: audits are not being verified. See infra/README.md, Alarms.',
      {
        treatMissingData: TreatMissingData.BREACHING,
        evaluationPeriods: 2,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      },
    );

    this.alarms = alarms;

    this.dashboard = new ConfideDashboard(this, 'Dashboard', {
      stage: props.stage,
      httpApi: props.httpApi,
      apiFunction: props.apiFunction,
      retentionFunction: props.retentionFunction,
      retentionFailureQueue: props.retentionFailureQueue,
      operatorFunctions: Object.fromEntries(
        (['provisioner', 'verifier', 'transfer'] as const).flatMap((name) => {
          const fn = props.functions[name];
          return fn ? [[name, fn]] : [];
        }),
      ),
      serviceNames: props.serviceNames,
      verifySchedule: props.verifySchedule,
    }).dashboard;
  }
}
