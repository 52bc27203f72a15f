import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthStage } from './synth-stage';

const alarm = 'AWS::CloudWatch::Alarm';

interface AlarmProperties {
  readonly AlarmName: string;
  readonly MetricName?: string;
  readonly Namespace?: string;
  readonly Dimensions?: { Name: string; Value: unknown }[];
  readonly Threshold: number;
  readonly ComparisonOperator: string;
  readonly AlarmActions: unknown[];
  readonly OKActions: unknown[];
  readonly Metrics?: { Id: string; MetricStat?: { Metric: { MetricName: string; Namespace: string } } }[];
}

describe('alarms', () => {
  const prod = synthStage('prod');
  const alarms = Object.values(prod.api.findResources(alarm)).map((a) => a.Properties as AlarmProperties);
  // The alarm topic by name: the stack may hold other topics (governance notifications).
  const [topicId] = Object.keys(
    prod.api.findResources('AWS::SNS::Topic', { Properties: { TopicName: 'confide-prod-alarms' } }),
  );

  function alarmOn(namespace: string, metricName: string, functionName?: string): AlarmProperties {
    const found = alarms.filter(
      (a) =>
        a.Namespace === namespace &&
        a.MetricName === metricName &&
        (functionName === undefined || JSON.stringify(a.Dimensions).includes(functionName)),
    );
    expect(found, `${namespace} ${metricName} ${functionName ?? ''}`).toHaveLength(1);
    return found[0] as AlarmProperties;
  }

  it('alarms on the API 5xx rate (5xx over request count)', () => {
    const rate = alarms.find((a) => a.Metrics !== undefined);
    const metrics = rate?.Metrics?.flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric] : []));
    expect(metrics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Namespace: 'AWS/ApiGateway', MetricName: '5xx' }),
        expect.objectContaining({ Namespace: 'AWS/ApiGateway', MetricName: 'Count' }),
      ]),
    );
    expect(rate).toMatchObject({ AlarmName: 'confide-prod-api-5xx-rate', Threshold: 5 });
  });

  it('alarms on errors and throttles of each function', () => {
    // The pre-token trigger lives in the identity stack: its alarms here name it through an import.
    for (const fn of [
      'ApiFunction',
      'ProvisionerFunction',
      'RetentionFunction',
      'TransferFunction',
      'VerifierFunction',
      'DeadlinesFunction',
      'PreTokenFunction',
    ]) {
      for (const metric of ['Errors', 'Throttles']) {
        expect(alarmOn('AWS/Lambda', metric, fn)).toMatchObject({
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        });
      }
    }
  });

  it('alarms as soon as the retention failure queue holds a message', () => {
    // The stack has two failure queues (retention's, the governance pipe's): this one is the mapping's destination.
    const [mapping] = Object.values(prod.api.findResources('AWS::Lambda::EventSourceMapping'));
    const [queueId] = mapping?.Properties.DestinationConfig.OnFailure.Destination['Fn::GetAtt'] ?? [];
    expect(alarmOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible', queueId)).toMatchObject({
      AlarmName: 'confide-prod-retention-failure-queue',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('alarms when the retention function is an hour behind the stream', () => {
    expect(alarmOn('AWS/Lambda', 'IteratorAge', 'RetentionFunction')).toMatchObject({
      Threshold: 3_600_000,
    });
  });

  it('alarms on every emergency access, KMS error and failed retention restore published by the api (namespace Confide)', () => {
    for (const metric of ['EmergencyAccessOpened', 'KmsErrors', 'RetentionRestoreFailures']) {
      expect(alarmOn('Confide', metric)).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Dimensions: [{ Name: 'service', Value: 'confide-api' }],
      });
    }
  });

  it('notifies the alarm topic on alarm and on recovery, for every alarm', () => {
    // 5xx rate; errors and throttles of 7 functions (the transfer function's, decision 0041; the deadlines function's,
    // decision 0134); retention's failure queue and the governance pipe's; iterator age; emergency access; KMS errors;
    // audit verification and a silent verifier; integrity incidents from the retention handler and the api; refused
    // tampering at the provisioner; a retention schedule a failed reopening or re-employment could not put back.
    expect(alarms).toHaveLength(26);
    for (const a of alarms) {
      expect(a.AlarmActions, a.AlarmName).toEqual([{ Ref: topicId }]);
      expect(a.OKActions, a.AlarmName).toEqual([{ Ref: topicId }]);
    }
  });

  it('encrypts the topic with the operations key and accepts only TLS and this account’s alarms', () => {
    const operationsKeys = Object.keys(
      prod.api.findResources('AWS::KMS::Key', {
        Properties: { Description: Match.stringLikeRegexp('encrypts log groups and alarm notifications') },
      }),
    );
    expect(operationsKeys).toHaveLength(1);
    const [keyId] = operationsKeys;
    prod.api.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'confide-prod-alarms',
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    prod.api.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': '123456789012' } }),
          }),
        ]),
      }),
    });
  });
});
