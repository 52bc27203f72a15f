import { NOTIFICATION_SORT_PREFIX as STORE_PREFIX } from '@confide/store';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { NOTIFICATION_SORT_PREFIX } from '../constructs/governance-notifications';
import { synthStage } from './synth-stage';

/** Issue 20 "Charities are told nothing" (decision 0035): the outbox reaches the governance topic in AWS. */
describe('governance notifications', () => {
  const prod = synthStage('prod');

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
