import { newOrgId } from '@confide/domain';
import {
  GovernanceNotifications,
  NOTIFICATION_SORT_PREFIX as STORE_PREFIX,
  stringLike,
  type TableAccess,
  tenantScope,
} from '@confide/store';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { NOTIFICATION_SORT_PREFIX } from '../constructs/governance-notifications';
import { actionsOf, synthStage, type TemplateStatement } from './synth-stage';

const prod = synthStage('prod');

/** Issue 20 "Charities are told nothing" (decision 0035): the outbox reaches the governance topic in AWS. */
describe('governance notifications', () => {
  it('pipes only new outbox items of the data table stream to an encrypted governance topic', () => {
    // The pipe's filter is the store's outbox prefix: an item the api writes is one the pipe forwards.
    expect(NOTIFICATION_SORT_PREFIX).toBe(STORE_PREFIX);
    prod.api.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'confide-prod-governance',
      KmsMasterKeyId: Match.anyValue(),
    });
    const pipes = Object.values(prod.api.findResources('AWS::Pipes::Pipe'));
    expect(pipes).toHaveLength(1);
    const pipe = pipes[0]?.Properties;
    expect(JSON.stringify(pipe.Source)).toMatch(/DataTable\w*StreamArn/);
    expect(JSON.parse(pipe.SourceParameters.FilterCriteria.Filters[0].Pattern)).toEqual({
      eventName: ['INSERT'],
      dynamodb: { NewImage: { sk: { S: [{ prefix: STORE_PREFIX }] } } },
    });
    expect(JSON.stringify(pipe.Target)).toMatch(/GovernanceNotificationsTopic/);
    // Only the organisation, kind and reference leave the table.
    const template: string = pipe.TargetParameters.InputTemplate;
    expect([...template.matchAll(/NewImage\.(\w+)\.S/g)].map((m) => m[1]).sort()).toEqual([
      'kind',
      'orgId',
      'reference',
    ]);
  });

  it('logs the pipe’s failures to an encrypted log group it alone writes, without the records it carried', () => {
    const pipe = Object.values(prod.api.findResources('AWS::Pipes::Pipe'))[0]?.Properties;
    const logs = pipe?.LogConfiguration;
    expect(logs?.Level).toBe('ERROR');
    // No payload, request or response in a log line: only that a record failed, and why.
    expect(logs?.IncludeExecutionData).toBeUndefined();
    const [groupId] = logs?.CloudwatchLogsLogDestination?.LogGroupArn?.['Fn::GetAtt'] ?? [];
    const group = prod.api.findResources('AWS::Logs::LogGroup')[groupId]?.Properties;
    expect(group?.KmsKeyId).toBeDefined();
    expect(group?.RetentionInDays).toBeGreaterThan(0);
    const writes = Object.values(prod.api.findResources('AWS::IAM::Policy'))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as TemplateStatement[])
      .filter((statement) => JSON.stringify(statement.Resource ?? '').includes(groupId))
      .flatMap(actionsOf);
    expect(writes).toEqual(expect.arrayContaining(['logs:CreateLogStream', 'logs:PutLogEvents']));
  });

  it('runs the deadlines function every hour with rights to read and put items, and no KMS', () => {
    const functions = prod.api.findResources('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('subject-access-deadline notifications') },
    });
    const [functionId] = Object.keys(functions);
    expect(functionId).toBeDefined();
    prod.api.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: Match.arrayWith([Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId, 'Arn'] } })]),
    });
    const role = JSON.stringify(functions[functionId ?? '']?.Properties.Role);
    const policies = Object.values(prod.api.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties.Roles).includes(JSON.parse(role)['Fn::GetAtt'][0]),
    );
    const actions = policies.flatMap((policy) =>
      policy.Properties.PolicyDocument.Statement.flatMap((statement: { Action: string | string[] }) =>
        Array.isArray(statement.Action) ? statement.Action : [statement.Action],
      ),
    );
    expect(actions).toContain('dynamodb:PutItem');
    expect(actions).not.toContain('kms:Decrypt');
    expect(actions).not.toContain('dynamodb:DeleteItem');
  });
});

/**
 * A notification the pipe cannot publish (a denied key, a missing topic, throttling past its retries) must not vanish:
 * the outbox item is written once and nothing re-sends it, so what the pipe gives up on goes to a dead-letter queue,
 * encrypted like the retention stream's failure queue, whose first message raises an alarm on the alarm topic.
 */
describe('governance notifications the pipe gives up on', () => {
  function pipeProperties() {
    const pipes = Object.values(prod.api.findResources('AWS::Pipes::Pipe'));
    expect(pipes).toHaveLength(1);
    return pipes[0]?.Properties;
  }

  function deadLetterQueueId(): string {
    const arn = pipeProperties().SourceParameters.DynamoDBStreamParameters.DeadLetterConfig?.Arn;
    expect(arn, 'the pipe source has a dead-letter queue').toBeDefined();
    const [queueId, attribute] = arn['Fn::GetAtt'];
    expect(attribute).toBe('Arn');
    return queueId;
  }

  it('go to an SQS-encrypted dead-letter queue that the pipe role may send to, refusing non-TLS access', () => {
    const queueId = deadLetterQueueId();
    const queue = prod.api.findResources('AWS::SQS::Queue')[queueId];
    expect(queue?.Properties.SqsManagedSseEnabled).toBe(true);
    expect(queue?.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    const queuePolicies = Object.values(prod.api.findResources('AWS::SQS::QueuePolicy')).filter((policy) =>
      JSON.stringify(policy.Properties.Queues).includes(queueId),
    );
    expect(JSON.stringify(queuePolicies)).toContain('"aws:SecureTransport":"false"');

    const pipeRole = pipeProperties().RoleArn['Fn::GetAtt'][0];
    const sends = Object.values(prod.api.findResources('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(pipeRole))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
      .filter((statement: { Action: string | string[] }) =>
        [statement.Action].flat().includes('sqs:SendMessage'),
      );
    expect(sends).toHaveLength(1);
    expect(sends[0].Resource).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
  });

  it('raise an alarm on the alarm topic as soon as the dead-letter queue holds a message', () => {
    const queueId = deadLetterQueueId();
    const [topicId] = Object.keys(
      prod.api.findResources('AWS::SNS::Topic', { Properties: { TopicName: 'confide-prod-alarms' } }),
    );
    const alarms = Object.values(prod.api.findResources('AWS::CloudWatch::Alarm'))
      .map((alarm) => alarm.Properties)
      .filter(
        (alarm) =>
          alarm.Namespace === 'AWS/SQS' &&
          alarm.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(alarm.Dimensions).includes(queueId),
      );
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({
      AlarmName: 'confide-prod-governance-failure-queue',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: topicId }],
      OKActions: [{ Ref: topicId }],
    });
  });
});

describe('the deadlines function’s writes', () => {
  it('puts items only in organisations’ outboxes: its PutItem is limited by dynamodb:LeadingKeys to ORG#<org>#NOTIFY', () => {
    const [fn] = Object.values(
      prod.api.findResources('AWS::Lambda::Function', {
        Properties: { Description: Match.stringLikeRegexp('subject-access-deadline notifications') },
      }),
    );
    const roleId: string = fn?.Properties.Role['Fn::GetAtt'][0];
    expect(roleId).toBeDefined();
    const puts = Object.values(prod.api.findResources('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleId))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as TemplateStatement[])
      .filter((statement) => actionsOf(statement).includes('dynamodb:PutItem'));
    expect(puts).toHaveLength(1);
    const patterns = puts[0]?.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] as string[];
    expect(patterns).toHaveLength(1);
    const pattern = patterns[0] as string;

    // The key the store writes an outbox item under (packages/store/src/records/notifications.ts) matches …
    const orgId = newOrgId();
    const outbox = new GovernanceNotifications({} as TableAccess, 'confide-prod-data', {
      now: () => new Date(),
    }).outboxItem(tenantScope(orgId), 'BREACH_OVERDUE', 'br_x').Put.Item.pk?.S as string;
    expect(outbox).toBe(`ORG#${orgId}#NOTIFY`);
    expect(stringLike(pattern, outbox)).toBe(true);
    // … and no organisation's records, nor the platform registry.
    for (const other of [
      `ORG#${orgId}#BREACH`,
      `ORG#${orgId}#CLIENT#su_x`,
      `ORG#${orgId}#PROFILE`,
      'PLATFORM#ORGANISATIONS',
    ]) {
      expect(stringLike(pattern, other), other).toBe(false);
    }
  });
});
