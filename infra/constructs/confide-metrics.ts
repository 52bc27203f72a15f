import type { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import {
  METRIC_DIMENSION,
  METRICS_NAMESPACE,
  type MetricDefinition,
  type MetricSource,
} from '../../packages/api/src/metrics';

/**
 * A Confide metric as CloudWatch sees it: the definition the code publishes with (packages/api/src/metrics.ts), the
 * namespace and the `service` dimension of the function that publishes it.
 */
export function confideMetric(
  definition: MetricDefinition,
  serviceNames: Readonly<Record<MetricSource, string>>,
  options: { statistic: string; period: Duration; label?: string },
): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: definition.name,
    dimensionsMap: { [METRIC_DIMENSION]: serviceNames[definition.source] },
    ...options,
  });
}
