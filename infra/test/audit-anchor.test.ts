import { describe, expect, it } from 'vitest';
import { VERIFIER_TABLE_ACTIONS } from '../constructs/audit-anchor';
import { actionsOf, allStatements, synthStage, type TemplateStatement } from './synth-stage';

/**
 * The anchored audit in AWS (issue 16 capability 3; docs/decisions/0029), by template assertions: checkpoints go to an
 * Object Lock bucket in COMPLIANCE mode that only the verifier may write; the verifier's role reads the tables and
 * writes nothing else; an ECC key signs checkpoints, for the verifier alone; an EventBridge schedule runs it; a
 * failed verification raises an alarm.
 */
const prod = synthStage('prod');
const dev = synthStage('dev');

function roleStatements(roleName: string): TemplateStatement[] {
  const [roleId] = Object.keys(
    prod.api.findResources('AWS::IAM::Role', { Properties: { RoleName: roleName } }),
  );
  expect(roleId, roleName).toBeDefined();
  return allStatements(prod.api)
    .filter(({ type, logicalId }) => {
      if (type !== 'AWS::IAM::Policy' && type !== 'AWS::IAM::ManagedPolicy') return false;
      const policy = prod.api.toJSON().Resources[logicalId];
      return JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]);
    })
    .map(({ statement }) => statement);
}

describe('the anchored audit (checkpoint bucket, signing key, verifier)', () => {
  it('keeps checkpoints in a versioned bucket with Object Lock in COMPLIANCE mode, 8 years in prod', () => {
    for (const [stage, days] of [
      [prod, 8 * 366],
      [dev, 1],
    ] as const) {
      const buckets = Object.values(stage.api.findResources('AWS::S3::Bucket'));
      expect(buckets).toHaveLength(1);
      const bucket = buckets[0];
      expect(bucket?.Properties.ObjectLockEnabled).toBe(true);
      expect(bucket?.Properties.ObjectLockConfiguration).toEqual({
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: days } },
      });
      expect(bucket?.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(bucket?.DeletionPolicy).toBe('Retain');
    }
  });

  it('lets no principal but the verifier role put, re-lock or delete checkpoints', () => {
    const policies = Object.values(prod.api.findResources('AWS::S3::BucketPolicy'));
    const deny = policies
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as TemplateStatement[])
      .find((s) => s.Sid === 'OnlyTheVerifierWritesCheckpoints');
    expect(deny?.Effect).toBe('Deny');
    expect(actionsOf(deny as TemplateStatement)).toEqual(
      expect.arrayContaining(['s3:PutObject', 's3:DeleteObject*']),
    );
    expect(JSON.stringify(deny?.Condition)).toContain('VerifierFunctionRole');
  });

  it('gives the verifier a read-only role: GetItem, Query, BatchGetItem; checkpoints; Sign', () => {
    const statements = roleStatements('confide-prod-verifier');
    const dynamo = statements.flatMap(actionsOf).filter((a) => a.startsWith('dynamodb:'));
    expect([...new Set(dynamo)].sort()).toEqual([...VERIFIER_TABLE_ACTIONS].sort());
    expect(
      statements
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('s3:'))
        .sort(),
    ).toEqual(['s3:GetObject', 's3:ListBucket', 's3:PutObject']);
    // In IAM, KMS only to ask where an organisation key is in its life, by a stage alias (decision 0144).
    const kms = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
    expect(kms.flatMap(actionsOf)).toEqual(['kms:DescribeKey']);
    expect(kms[0]?.Condition).toEqual({ StringLike: { 'kms:RequestAlias': 'alias/confide/prod/*' } });
  });

  it('gives the api role no S3 right at all: it cannot touch a checkpoint', () => {
    for (const service of ['api', 'provisioner', 'retention']) {
      const actions = roleStatements(`confide-prod-${service}`).flatMap(actionsOf);
      expect(
        actions.filter((a) => a.startsWith('s3:')),
        service,
      ).toEqual([]);
    }
  });

  it('signs with an ECC_NIST_P256 key the verifier alone may Sign with', () => {
    const [key] = Object.values(
      prod.api.findResources('AWS::KMS::Key', { Properties: { KeySpec: 'ECC_NIST_P256' } }),
    );
    expect(key?.Properties.KeyUsage).toBe('SIGN_VERIFY');
    const signers = ((key?.Properties.KeyPolicy.Statement ?? []) as TemplateStatement[]).filter((s) =>
      actionsOf(s).includes('kms:Sign'),
    );
    expect(signers).toHaveLength(1);
    expect(JSON.stringify(signers[0]?.Principal)).toContain('VerifierFunctionRole');
  });

  it('runs the verifier on a schedule, hourly in prod, and alarms when an audit fails verification', () => {
    // The verifier's schedule (the deadlines function has its own, decision 0035).
    const rules = Object.values(prod.api.findResources('AWS::Events::Rule')).filter(
      (rule) =>
        rule.Properties.ScheduleExpression !== undefined &&
        JSON.stringify(rule.Properties.Targets).includes('VerifierFunction'),
    );
    expect(rules.map((rule) => rule.Properties.ScheduleExpression)).toEqual(['rate(1 hour)']);
    expect(JSON.stringify(rules[0]?.Properties.Targets)).toContain('VerifierFunction');
    const alarms = Object.values(
      prod.api.findResources('AWS::CloudWatch::Alarm', {
        Properties: { AlarmName: 'confide-prod-audit-verification' },
      }),
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.Properties).toMatchObject({
      Namespace: 'Confide',
      MetricName: 'AuditVerificationFailures',
      Dimensions: [{ Name: 'service', Value: 'confide-verifier' }],
      Threshold: 1,
    });
  });
});
