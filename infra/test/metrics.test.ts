import { INTEGRITY_METRIC } from '@confide/store';
import { describe, expect, it } from 'vitest';
import {
  confideMetrics,
  type MetricDefinition,
  metricLine,
  publishMetric,
  setMetricWriter,
} from '../../packages/api/src/metrics';
import { synthStage } from './synth-stage';

interface AlarmProperties {
  readonly AlarmName: string;
  readonly MetricName?: string;
  readonly Namespace?: string;
  readonly Dimensions?: { Name: string; Value: unknown }[];
  readonly Statistic?: string;
  readonly TreatMissingData?: string;
  readonly EvaluationPeriods: number;
  readonly ComparisonOperator: string;
}

interface FunctionProperties {
  readonly FunctionName: string;
  readonly Environment: { Variables: Record<string, string> };
}

/** What CloudWatch extracts from an EMF line: namespace, metric name and dimension name → value, per metric. */
function extracted(line: string): { namespace: string; name: string; dimensions: Record<string, unknown> }[] {
  const parsed = JSON.parse(line) as Record<string, unknown> & {
    _aws: {
      CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
    };
  };
  return parsed._aws.CloudWatchMetrics.flatMap((directive) =>
    directive.Metrics.flatMap((metric) =>
      directive.Dimensions.map((set) => ({
        namespace: directive.Namespace,
        name: metric.Name,
        dimensions: Object.fromEntries(set.map((name) => [name, parsed[name]])),
      })),
    ),
  ).filter((metric) => typeof parsed[metric.name] === 'number');
}

describe('Confide metrics: what the code emits is what the alarms watch (issue 20)', () => {
  const prod = synthStage('prod');
  const alarms = Object.values(prod.api.findResources('AWS::CloudWatch::Alarm')).map(
    (a) => a.Properties as AlarmProperties,
  );
  const functions = Object.values(prod.api.findResources('AWS::Lambda::Function')).map(
    (f) => f.Properties as FunctionProperties,
  );

  /** The environment CDK gives the function publishing a metric (its service name and metrics namespace). */
  function environmentOf(definition: MetricDefinition): NodeJS.ProcessEnv {
    const fn = functions.find((f) => f.FunctionName === `confide-prod-${definition.source}`);
    expect(fn, definition.source).toBeDefined();
    return fn?.Environment.Variables ?? {};
  }

  function alarmsWatching(emitted: ReturnType<typeof extracted>[number]): AlarmProperties[] {
    return alarms.filter(
      (a) =>
        a.Namespace === emitted.namespace &&
        a.MetricName === emitted.name &&
        JSON.stringify(Object.fromEntries((a.Dimensions ?? []).map((d) => [d.Name, d.Value]))) ===
          JSON.stringify(emitted.dimensions),
    );
  }

  it.each(Object.entries(confideMetrics))(
    '%s, emitted as its function would, is watched by an alarm with the same name, namespace and dimensions',
    (_, definition) => {
      // Act: the emitter, in the environment CDK gives the publishing function.
      const lines: string[] = [];
      const restore = setMetricWriter((line) => lines.push(line));
      const environment = environmentOf(definition);
      // The variables it sets, as they were: restored one by one, never by replacing process.env (a plain object in
      // its place no longer reaches the real environment, which later test files in this worker then miss).
      const saved = Object.keys(environment).map((name) => [name, process.env[name]] as const);
      try {
        Object.assign(process.env, environment);
        publishMetric(definition, 1, { orgId: 'org_x' });
      } finally {
        for (const [name, value] of saved) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
        restore();
      }
      // Assert
      expect(lines).toHaveLength(1);
      const [emitted] = extracted(lines[0] as string);
      expect(emitted).toMatchObject({ namespace: 'Confide', name: definition.name });
      expect(
        alarmsWatching(emitted as ReturnType<typeof extracted>[number]).length,
        definition.name,
      ).toBeGreaterThan(0);
    },
  );

  it('writes each metric line past the Lambda runtime’s JSON console, so CloudWatch still extracts it', () => {
    // Every function logs in Lambda's JSON format, under which the runtime replaces console.log with a writer that
    // wraps each line as the `message` of its own JSON record: a metric logged through it is never extracted.
    const formats = functions.map(
      (f) => (f as { LoggingConfig?: { LogFormat?: string } }).LoggingConfig?.LogFormat,
    );
    expect(formats.filter((format) => format === 'JSON').length).toBeGreaterThan(0);
    const written: string[] = [];
    const stdoutWrite = process.stdout.write.bind(process.stdout);
    const consoleLog = console.log;
    console.log = (...parts: unknown[]) => {
      written.push(
        JSON.stringify({ timestamp: new Date().toISOString(), level: 'INFO', message: parts.join(' ') }),
      );
    };
    process.stdout.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      publishMetric(confideMetrics.emergencyAccessOpened, 1, {
        level: 'INFO',
        message: 'emergency-access.opened',
      });
    } finally {
      console.log = consoleLog;
      process.stdout.write = stdoutWrite;
    }
    const lines = written.join('').split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(extracted(lines[0] ?? '{}').map((metric) => metric.name)).toEqual(['EmergencyAccessOpened']);
  });

  it('has no alarm in the Confide namespace that watches a metric nothing emits', () => {
    const emitted = Object.values(confideMetrics).flatMap((definition) =>
      extracted(metricLine(definition, 1, {}, environmentOf(definition))),
    );
    const custom = alarms.filter((a) => a.Namespace === 'Confide');
    expect(custom.length).toBeGreaterThanOrEqual(6);
    for (const alarm of custom) {
      expect(
        emitted.some((metric) => alarmsWatching(metric).includes(alarm)),
        alarm.AlarmName,
      ).toBe(true);
    }
  });

  it('treats missing event metrics as nothing happened, and a silent verifier as breaching', () => {
    for (const alarm of alarms.filter((a) => a.Namespace === 'Confide')) {
      const definition = Object.values(confideMetrics).find((d) => d.name === alarm.MetricName);
      if (alarm.AlarmName === 'confide-prod-verifier-silent') {
        expect(definition?.kind).toBe('gauge');
        expect(alarm).toMatchObject({
          Statistic: 'SampleCount',
          TreatMissingData: 'breaching',
          EvaluationPeriods: 2,
          ComparisonOperator: 'LessThanThreshold',
        });
      } else {
        expect(alarm, alarm.AlarmName).toMatchObject({
          TreatMissingData: 'notBreaching',
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        });
      }
    }
  });

  it('names the retention handler’s integrity metric as the store does', () => {
    expect(confideMetrics.retentionIntegrityIncidents.name).toBe(INTEGRITY_METRIC);
  });
});
