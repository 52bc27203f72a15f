import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Dashboard,
  GraphWidget,
  type IMetric,
  SingleValueWidget,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { confideMetrics, type MetricSource } from '../../packages/api/src/metrics';
import { confideMetric } from './confide-metrics';

/** Properties of {@link ConfideDashboard}. */
export interface ConfideDashboardProps {
  /** The stage name: the dashboard is `confide-<stage>`. */
  readonly stage: string;
  readonly httpApi: IHttpApi;
  /** The api function (duration, errors, throttles, concurrency). */
  readonly apiFunction: IFunction;
  /** The retention function (errors, iterator age). */
  readonly retentionFunction: IFunction;
  /** The retention stream's failure queue. */
  readonly retentionFailureQueue: IQueue;
  /** The functions only operators invoke (provisioner, verifier, transfer), by name: invocations and errors. */
  readonly operatorFunctions: Readonly<Record<string, IFunction>>;
  /** The `service` dimension of each source of Confide metrics. */
  readonly serviceNames: Readonly<Record<MetricSource, string>>;
  /** The verifier's schedule: the period of its metric. */
  readonly verifySchedule: Duration;
}

const period = Duration.minutes(5);

/**
 * One CloudWatch dashboard per stage (`confide-<stage>`): the API's traffic, errors and latency; integrity incidents and
 * refused tampering; emergency access; KMS errors; audit verification; retention's progress and failures; what
 * operators ran (organisations created or offboarded, verifications, exports and imports). The same
 * metrics as the alarms (infra/README.md, Alarms), built from the same definitions.
 */
export class ConfideDashboard extends Construct {
  public readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ConfideDashboardProps) {
    super(scope, id);
    const count = (metric: (typeof confideMetrics)[keyof typeof confideMetrics], label: string): IMetric =>
      confideMetric(metric, props.serviceNames, { statistic: 'Sum', period, label });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `confide-${props.stage}`,
      defaultInterval: Duration.days(1),
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# Confide ${props.stage}\nWhat each alarm means and what to do: infra/README.md, *Alarms*.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API requests and errors',
        left: [
          props.httpApi.metricCount({ statistic: 'Sum', period, label: 'requests' }),
          props.httpApi.metricClientError({ statistic: 'Sum', period, label: '4xx' }),
          props.httpApi.metricServerError({ statistic: 'Sum', period, label: '5xx' }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'API latency (ms)',
        left: [
          props.httpApi.metricLatency({ statistic: 'p50', period, label: 'p50' }),
          props.httpApi.metricLatency({ statistic: 'p99', period, label: 'p99' }),
          props.apiFunction.metricDuration({ statistic: 'p99', period, label: 'api function p99' }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'api function',
        left: [
          props.apiFunction.metricErrors({ statistic: 'Sum', period, label: 'errors' }),
          props.apiFunction.metricThrottles({ statistic: 'Sum', period, label: 'throttles' }),
        ],
        right: [
          props.apiFunction.metric('ConcurrentExecutions', {
            statistic: 'Maximum',
            period,
            label: 'concurrency',
          }),
        ],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Integrity and tampering',
        left: [
          count(confideMetrics.apiIntegrityIncidents, 'api: item not served'),
          count(confideMetrics.retentionIntegrityIncidents, 'retention: removal unexplained'),
          count(confideMetrics.tamperingRefused, 'provisioner: assertion refused'),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Emergency access and KMS errors',
        left: [
          count(confideMetrics.emergencyAccessOpened, 'emergency access opened'),
          count(confideMetrics.kmsErrors, 'KMS errors'),
        ],
        width: 8,
      }),
      new SingleValueWidget({
        title: 'Audit verification: organisations failing (last run)',
        metrics: [
          confideMetric(confideMetrics.auditVerificationFailures, props.serviceNames, {
            statistic: 'Maximum',
            period: props.verifySchedule,
            label: 'failing',
          }),
        ],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Retention',
        left: [
          props.retentionFunction.metricErrors({ statistic: 'Sum', period, label: 'errors' }),
          props.retentionFailureQueue.metricApproximateNumberOfMessagesVisible({
            statistic: 'Maximum',
            period,
            label: 'failure queue',
          }),
        ],
        right: [
          props.retentionFunction.metric('IteratorAge', {
            statistic: 'Maximum',
            period,
            label: 'iterator age (ms)',
          }),
        ],
        width: 24,
      }),
    );
    const operatorFunctions = Object.entries(props.operatorFunctions);
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Operator functions: invocations',
        left: operatorFunctions.map(([name, fn]) =>
          fn.metricInvocations({ statistic: 'Sum', period, label: name }),
        ),
        width: 12,
      }),
      new GraphWidget({
        title: 'Operator functions: errors',
        left: operatorFunctions.map(([name, fn]) =>
          fn.metricErrors({ statistic: 'Sum', period, label: name }),
        ),
        width: 12,
      }),
    );
  }
}
