/**
 * Confide's own CloudWatch metrics: one definition each, used by the code that publishes it (an EMF log line, below)
 * and by the CDK alarm and dashboard that watch it (infra/constructs/confide-alarms.ts), so that the two cannot
 * drift apart (issue 20; decision 0033). No imports: the CDK app, the Lambda handlers and the tests load this file.
 *
 * Every metric is published by one Lambda, in namespace {@link METRICS_NAMESPACE}, with the single dimension
 * `service`, whose value is the function's Powertools service name (`POWERTOOLS_SERVICE_NAME`, which CDK sets to
 * `confide-<service>`). Event metrics are published only when the event happens (a count of 1), so a period without
 * data means "none happened".
 */

/** The CloudWatch namespace of every Confide metric (`POWERTOOLS_METRICS_NAMESPACE` in every function). */
export const METRICS_NAMESPACE = 'Confide';

/** The only dimension of a Confide metric. */
export const METRIC_DIMENSION = 'service';

/** The functions that publish Confide metrics, by their CDK service name (`confide-<service>`). */
export type MetricSource = 'api' | 'provisioner' | 'retention' | 'verifier';

/** One metric: its name, unit and the function that publishes it. */
export interface MetricDefinition {
  readonly name: string;
  readonly unit: 'Count';
  /** The function publishing it: the `service` dimension is `confide-<source>`. */
  readonly source: MetricSource;
  /** `event`: published (as 1) when it happens; `gauge`: published on every run, zero included. */
  readonly kind: 'event' | 'gauge';
}

/** Every metric the code publishes. */
export const confideMetrics = {
  /** The api opened a break-glass (emergency) access to a record. */
  emergencyAccessOpened: { name: 'EmergencyAccessOpened', unit: 'Count', source: 'api', kind: 'event' },
  /** A KMS call by the api failed (denied, throttled, unreachable, key disabled or pending deletion). */
  kmsErrors: { name: 'KmsErrors', unit: 'Count', source: 'api', kind: 'event' },
  /** The api refused to serve an item whose access metadata does not match its ciphertext (decision 0030). */
  apiIntegrityIncidents: { name: 'IntegrityIncidents', unit: 'Count', source: 'api', kind: 'event' },
  /**
   * A reopening or a re-employment failed, and so did putting the person's retention schedule back as it was: their
   * records may now be kept past their date (or dated while open) until someone records the change again.
   */
  retentionRestoreFailures: {
    name: 'RetentionRestoreFailures',
    unit: 'Count',
    source: 'api',
    kind: 'event',
  },
  /** The retention handler met a removal its rules do not explain, or a forged erasure record (decision 0030). */
  retentionIntegrityIncidents: {
    name: 'IntegrityIncidents',
    unit: 'Count',
    source: 'retention',
    kind: 'event',
  },
  /**
   * The provisioner refused a request whose assertion was missing, forged, altered, replayed or expired: someone
   * invoked it around the api (and its two-operator rule), or changed a request on the way.
   */
  tamperingRefused: { name: 'TamperingRefused', unit: 'Count', source: 'provisioner', kind: 'event' },
  /** Organisations whose audit failed verification in a verifier run (published on every run, 0 when clean). */
  auditVerificationFailures: {
    name: 'AuditVerificationFailures',
    unit: 'Count',
    source: 'verifier',
    kind: 'gauge',
  },
} as const satisfies Record<string, MetricDefinition>;

/** The `service` dimension's value for a source: what CDK sets `POWERTOOLS_SERVICE_NAME` to. */
export function serviceNameOf(source: MetricSource): string {
  return `confide-${source}`;
}

/** Where metric lines go: standard output, which Lambda sends to CloudWatch Logs, which extracts the metrics. */
export type MetricWriter = (line: string) => void;

/**
 * Straight to standard output, not through `console.log`: under Lambda's JSON log format (every Confide function's)
 * the runtime replaces `console.log` with a writer that makes each line the `message` of a JSON record of its own,
 * and CloudWatch extracts a metric only from a record whose top level is the metric (`_aws`). aws-embedded-metrics
 * (4.1.1) writes past it the same way.
 */
let writer: MetricWriter = (line) => {
  process.stdout.write(`${line}\n`);
};

/** Replaces where metric lines are written (tests read them); returns a function restoring the previous writer. */
export function setMetricWriter(next: MetricWriter): () => void {
  const previous = writer;
  writer = next;
  return () => {
    writer = previous;
  };
}

/**
 * The log line that is the metric, in CloudWatch's embedded metric format. `fields` are further log fields: ids,
 * kinds and reasons only, never personal data; they cannot replace the metric's own keys.
 */
export function metricLine(
  metric: MetricDefinition,
  value = 1,
  fields: Readonly<Record<string, unknown>> = {},
  env: NodeJS.ProcessEnv = process.env,
  now: number = Date.now(),
): string {
  return JSON.stringify({
    ...fields,
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [
        {
          Namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
          Dimensions: [[METRIC_DIMENSION]],
          Metrics: [{ Name: metric.name, Unit: metric.unit }],
        },
      ],
    },
    [METRIC_DIMENSION]: env.POWERTOOLS_SERVICE_NAME ?? serviceNameOf(metric.source),
    [metric.name]: value,
  });
}

/**
 * Publishes a metric. Never throws: a metric that cannot be written must not fail the request that caused it (the
 * audit, not the metric, is the record).
 */
export function publishMetric(
  metric: MetricDefinition,
  value = 1,
  fields: Readonly<Record<string, unknown>> = {},
): void {
  try {
    writer(metricLine(metric, value, fields));
  } catch {
    // The line could not be written; the event itself is audited elsewhere.
  }
}
