import { type App, Stack } from 'aws-cdk-lib';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import {
  AccountRootPrincipal,
  AnyPrincipal,
  Effect,
  PolicyDocument,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { ConfideChecks } from '../lib/confide-checks';
import { testApp } from './synth-stage';

/**
 * Confide's own cdk-nag rules (infra/lib/nag-rules/, one per file), each shown to pass a compliant stack and to fail a
 * non-compliant one, as cdk-nag tests its own rules.
 */

function findings(app: App, rule: string): string[] {
  const { violations } = new ConfideChecks().validateScope(app);
  return violations
    .filter((violation) => violation.ruleName === `Confide-${rule}`)
    .flatMap((violation) => violation.violatingResources.map((resource) => resource.constructPath ?? ''));
}

function stack(): { app: App; stack: Stack; breakGlass: Role } {
  const app = testApp();
  const stack = new Stack(app, 'Checked', { env: { account: '123456789012', region: 'eu-west-2' } });
  const breakGlass = new Role(stack, 'BreakGlassRole', {
    roleName: 'confide-test-break-glass',
    assumedBy: new AccountRootPrincipal(),
  });
  return { app, stack, breakGlass };
}

function keyWith(scope: Stack, id: string, statements: PolicyStatement[]): Key {
  return new Key(scope, id, { enableKeyRotation: true, policy: new PolicyDocument({ statements }) });
}

const admin = (actions: string[]) =>
  new PolicyStatement({ principals: [new AccountRootPrincipal()], actions, resources: ['*'] });

function keyChangeRule(scope: Stack, eventNames: string[]): Rule {
  return new Rule(scope, 'KeyChanges', {
    eventPattern: {
      source: ['aws.kms'],
      detailType: ['AWS API Call via CloudTrail'],
      detail: { eventName: eventNames },
    },
    targets: [new SnsTopic(new Topic(scope, 'Topic'))],
  });
}

function keyTable(scope: Stack, options: { days?: number; deny?: string[]; exempt?: boolean }): TableV2 {
  return new TableV2(scope, 'KeyTable', {
    tableName: 'confide-test-keys',
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    pointInTimeRecoverySpecification: {
      pointInTimeRecoveryEnabled: true,
      ...(options.days === undefined ? {} : { recoveryPeriodInDays: options.days }),
    },
    ...(options.deny
      ? {
          resourcePolicy: new PolicyDocument({
            statements: [
              new PolicyStatement({
                effect: Effect.DENY,
                principals: [new AnyPrincipal()],
                actions: options.deny,
                resources: ['*'],
                ...(options.exempt
                  ? {
                      conditions: {
                        ArnNotEquals: {
                          'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/confide-test-break-glass',
                        },
                      },
                    }
                  : {}),
              }),
            ],
          }),
        }
      : {}),
  });
}

const RECOVERY = [
  'dynamodb:CreateBackup',
  'dynamodb:ExportTableToPointInTime',
  'dynamodb:RestoreTableToPointInTime',
  'dynamodb:StartAwsBackupJob',
];

describe('Confide-KMS1: only the break-glass role changes a key policy', () => {
  it('passes a key whose PutKeyPolicy is the break-glass role’s alone', () => {
    const { app, stack: s, breakGlass } = stack();
    keyWith(s, 'Key', [
      admin(['kms:DescribeKey', 'kms:ScheduleKeyDeletion']),
      new PolicyStatement({ principals: [breakGlass], actions: ['kms:PutKeyPolicy'], resources: ['*'] }),
    ]);
    expect(findings(app, 'KMS1')).toEqual([]);
  });

  it('fails a key that lets the account change its policy, named or by wildcard', () => {
    const { app, stack: s } = stack();
    keyWith(s, 'Named', [admin(['kms:DescribeKey', 'kms:PutKeyPolicy'])]);
    keyWith(s, 'Wildcard', [admin(['kms:*'])]);
    expect(findings(app, 'KMS1')).toEqual(['Checked/Named/Resource', 'Checked/Wildcard/Resource']);
  });
});

describe('Confide-KMS2: key changes are alarmed', () => {
  it('passes an app with a rule on PutKeyPolicy, DisableKey and ScheduleKeyDeletion', () => {
    const { app, stack: s } = stack();
    keyWith(s, 'Key', [admin(['kms:DescribeKey'])]);
    keyChangeRule(s, ['PutKeyPolicy', 'DisableKey', 'ScheduleKeyDeletion']);
    expect(findings(app, 'KMS2')).toEqual([]);
  });

  it('fails an app whose rule misses one of them, or that has none', () => {
    for (const names of [['PutKeyPolicy', 'DisableKey'], undefined]) {
      const { app, stack: s } = stack();
      keyWith(s, 'Key', [admin(['kms:DescribeKey'])]);
      if (names) keyChangeRule(s, names);
      expect(findings(app, 'KMS2')).toEqual(['Checked/Key/Resource']);
    }
  });
});

describe('Confide-KMS3: the CloudWatch Logs grant names the account and the stage’s log groups', () => {
  const logsGrant = (conditions: Record<string, Record<string, unknown>>) =>
    new PolicyStatement({
      principals: [new ServicePrincipal('logs.eu-west-2.amazonaws.com')],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions,
    });

  it('passes a grant with aws:SourceAccount and the stage’s log-group prefix', () => {
    const { app, stack: s } = stack();
    keyWith(s, 'Key', [
      logsGrant({
        StringEquals: { 'aws:SourceAccount': '123456789012' },
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn':
            'arn:aws:logs:eu-west-2:123456789012:log-group:confide-test-*',
        },
      }),
    ]);
    expect(findings(app, 'KMS3')).toEqual([]);
  });

  it('fails a grant to every log group, and one without the account', () => {
    const { app, stack: s } = stack();
    keyWith(s, 'EveryLogGroup', [
      logsGrant({
        StringEquals: { 'aws:SourceAccount': '123456789012' },
        ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:eu-west-2:123456789012:log-group:*' },
      }),
    ]);
    keyWith(s, 'AnyAccount', [
      logsGrant({
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn':
            'arn:aws:logs:eu-west-2:123456789012:log-group:confide-test-*',
        },
      }),
    ]);
    expect(findings(app, 'KMS3')).toEqual(['Checked/EveryLogGroup/Resource', 'Checked/AnyAccount/Resource']);
  });
});

describe('Confide-DDB1: the key table keeps a short point-in-time recovery window', () => {
  it('passes a key table with 7 days', () => {
    const { app, stack: s } = stack();
    keyTable(s, { days: 7 });
    expect(findings(app, 'DDB1')).toEqual([]);
  });

  it('fails a key table with the default 35 days', () => {
    const { app, stack: s } = stack();
    keyTable(s, {});
    expect(findings(app, 'DDB1')).toEqual(['Checked/KeyTable/Resource']);
  });
});

describe('Confide-DDB2: the key table denies restore, export and backup but to break-glass', () => {
  it('passes a key table whose resource policy denies all four, exempting the break-glass role', () => {
    const { app, stack: s } = stack();
    keyTable(s, { days: 7, deny: RECOVERY, exempt: true });
    expect(findings(app, 'DDB2')).toEqual([]);
  });

  it('fails a key table without that policy, or whose deny leaves export out', () => {
    for (const deny of [undefined, RECOVERY.filter((action) => !action.includes('Export'))]) {
      const { app, stack: s } = stack();
      keyTable(s, { days: 7, ...(deny ? { deny, exempt: true } : {}) });
      expect(findings(app, 'DDB2')).toEqual(['Checked/KeyTable/Resource']);
    }
  });
});
