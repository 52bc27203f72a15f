import type { KMSClient } from '@aws-sdk/client-kms';
import { newOrgId } from '@confide/domain';
import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { OrganisationKeys } from '../../packages/keys/src/organisation-keys';
import { MANAGEMENT_ACTIONS } from '../constructs/operations-key';
import { organisationAliasPrefix } from '../constructs/organisation-key-access';
import { actionsOf, allStatements, synthStage, type TemplateStatement } from './synth-stage';

/**
 * Key governance (issue 16 capability 5; issue 17 item 6; docs/decisions/0029), by template assertions: no key
 * policy lets account IAM or the provisioner change it after creation (a named break-glass role only); the
 * provisioner's data-key right carries the organisation's encryption context; EventBridge raises key-policy changes,
 * disabling and deletion scheduling to the alarm topic; the key table keeps a short PITR window and denies restore,
 * export and backup to all but the break-glass role; the operations keys' CloudWatch Logs grant names the account
 * and this stage's log groups only.
 */

const prod = synthStage('prod');
const dev = synthStage('dev');
const templates = (stage: typeof prod): Template[] => [stage.data, stage.identity, stage.api];

type KeyPolicy = { Statement: TemplateStatement[] };
const principalOf = (statement: TemplateStatement) => JSON.stringify(statement.Principal ?? '');
const grants = (statement: TemplateStatement, action: string) =>
  statement.Effect === 'Allow' &&
  actionsOf(statement).some((a) => a === action || a === 'kms:*' || a === 'kms:Put*');

const organisationKeys = new OrganisationKeys({
  kms: {} as KMSClient,
  aliasPrefix: organisationAliasPrefix('prod'),
  accountId: '123456789012',
  apiRoleArn: 'arn:aws:iam::123456789012:role/confide-prod-api',
  provisionerRoleArn: 'arn:aws:iam::123456789012:role/confide-prod-provisioner',
  verifierRoleArn: 'arn:aws:iam::123456789012:role/confide-prod-verifier',
  breakGlassRoleArn: 'arn:aws:iam::123456789012:role/confide-prod-break-glass',
});

describe('organisation key policies (built by the provisioner at runtime, packages/keys)', () => {
  const orgId = newOrgId();
  const policy = organisationKeys.keyPolicy(orgId) as KeyPolicy;

  it('grants kms:PutKeyPolicy to the break-glass role only: not to account IAM, not to the provisioner', () => {
    const putters = policy.Statement.filter((s) => grants(s, 'kms:PutKeyPolicy'));
    expect(putters.map(principalOf)).toEqual([
      JSON.stringify({ AWS: 'arn:aws:iam::123456789012:role/confide-prod-break-glass' }),
    ]);
  });

  it('lets the provisioner generate data keys only under this organisation’s encryption context', () => {
    const provisioner = policy.Statement.filter((s) => principalOf(s).includes('confide-prod-provisioner'));
    const dataKeys = provisioner.filter((s) => actionsOf(s).includes('kms:GenerateDataKey'));
    expect(dataKeys).toHaveLength(1);
    expect(dataKeys[0]?.Condition).toMatchObject({ StringEquals: { 'kms:EncryptionContext:orgId': orgId } });
  });

  it('lets the retention handler decrypt only under this organisation’s encryption context (its integrity key), and nothing else', () => {
    const retention = policy.Statement.filter((s) => principalOf(s).includes('confide-prod-retention'));
    expect(retention.flatMap(actionsOf)).toEqual(['kms:Decrypt']);
    expect(retention[0]?.Condition).toEqual({ StringEquals: { 'kms:EncryptionContext:orgId': orgId } });
  });

  it('lets the verifier decrypt only under this organisation’s encryption context, and nothing else', () => {
    const verifier = policy.Statement.filter((s) => principalOf(s).includes('confide-prod-verifier'));
    expect(verifier.flatMap(actionsOf)).toEqual(['kms:Decrypt']);
    expect(verifier[0]?.Condition).toEqual({ StringEquals: { 'kms:EncryptionContext:orgId': orgId } });
  });
});

describe('the roles an organisation key policy names by default', () => {
  it('names the stage’s verifier and break-glass roles beside the provisioner’s, as CDK names them', () => {
    const keys = new OrganisationKeys({
      kms: {} as KMSClient,
      aliasPrefix: organisationAliasPrefix('prod'),
      accountId: '123456789012',
      apiRoleArn: 'arn:aws:iam::123456789012:role/confide-prod-api',
      provisionerRoleArn: 'arn:aws:iam::123456789012:role/confide-prod-provisioner',
    });
    const principals = JSON.stringify((keys.keyPolicy(newOrgId()) as KeyPolicy).Statement.map(principalOf));
    expect(principals).toContain('role/confide-prod-verifier');
    expect(principals).toContain('role/confide-prod-break-glass');
  });
});

describe('key governance in the stacks', () => {
  it('grants kms:PutKeyPolicy in no CDK key policy except to the break-glass role', () => {
    for (const stage of [prod, dev]) {
      const keys = templates(stage).flatMap((t) => Object.values(t.findResources('AWS::KMS::Key')));
      expect(keys.length).toBeGreaterThanOrEqual(4);
      for (const key of keys) {
        const putters = (key.Properties.KeyPolicy as KeyPolicy).Statement.filter((s) =>
          grants(s, 'kms:PutKeyPolicy'),
        );
        expect(putters.length).toBe(1);
        expect(principalOf(putters[0] as TemplateStatement)).toMatch(/BreakGlass/);
      }
    }
  });

  it('denies the provisioner managing every key whose policy lets the account tag it (it could tag it as an organisation key and delete it)', () => {
    // The provisioner may tag any key and schedule the deletion of keys carrying the organisation tag
    // (OrganisationKeyProvisioningPolicy): a key whose policy delegates kms:TagResource to account IAM needs a Deny.
    for (const [stage, synthesised] of [
      ['prod', prod],
      ['dev', dev],
    ] as const) {
      const [provisionerRoleId] = Object.keys(
        synthesised.api.findResources('AWS::IAM::Role', {
          Properties: { RoleName: `confide-${stage}-provisioner` },
        }),
      );
      expect(provisionerRoleId).toBeDefined();
      const deniesProvisioner = (statement: TemplateStatement) =>
        statement.Effect === 'Deny' &&
        MANAGEMENT_ACTIONS.every((action) => actionsOf(statement).includes(action)) &&
        // By the role itself (same stack), or by its ARN where the role is created later (the identity stack).
        (JSON.stringify(statement.Principal) ===
          JSON.stringify({ AWS: { 'Fn::GetAtt': [provisionerRoleId, 'Arn'] } }) ||
          (JSON.stringify(statement.Principal) === JSON.stringify({ AWS: '*' }) &&
            JSON.stringify(statement.Condition?.ArnEquals?.['aws:PrincipalArn']).includes(
              `:role/confide-${stage}-provisioner"`,
            )));
      const keys = templates(synthesised).flatMap((t) => Object.entries(t.findResources('AWS::KMS::Key')));
      const taggable = keys.filter(([, key]) =>
        (key.Properties.KeyPolicy as KeyPolicy).Statement.some(
          (s) =>
            principalOf(s).includes(':root') &&
            grants(s, 'kms:TagResource') &&
            actionsOf(s).includes('kms:TagResource'),
        ),
      );
      expect(taggable.length).toBeGreaterThanOrEqual(4);
      for (const [id, key] of taggable) {
        const statements = (key.Properties.KeyPolicy as KeyPolicy).Statement;
        expect(statements.some(deniesProvisioner), `${stage} ${id}`).toBe(true);
      }
    }
  });

  it('defines the named break-glass role, assumable by the account only with MFA', () => {
    const roles = prod.data.findResources('AWS::IAM::Role', {
      Properties: { RoleName: 'confide-prod-break-glass' },
    });
    const [role] = Object.values(roles);
    expect(JSON.stringify(role?.Properties.AssumeRolePolicyDocument)).toContain('aws:MultiFactorAuthPresent');
  });

  it('never allows the provisioner, or any role of the api stack, kms:PutKeyPolicy in IAM', () => {
    // Every identity policy: managed, inline on a role, or a CDK `AWS::IAM::Policy`; an action matches by IAM's globbing.
    const identityPolicies = allStatements(prod.api).filter(({ type }) =>
      ['AWS::IAM::ManagedPolicy', 'AWS::IAM::Policy', 'AWS::IAM::Role'].includes(type),
    );
    const matches = (pattern: string, action: string) =>
      new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(action);
    const allowing = identityPolicies.filter(
      ({ statement }) =>
        statement.Effect === 'Allow' &&
        actionsOf(statement).some((action) => matches(action, 'kms:PutKeyPolicy')),
    );
    expect(identityPolicies.length).toBeGreaterThan(10);
    expect(allowing.map(({ logicalId }) => logicalId)).toEqual([]);
  });

  it('sends PutKeyPolicy, DisableKey and ScheduleKeyDeletion events (CloudTrail via EventBridge) to the alarm topic', () => {
    const rules = Object.values(prod.api.findResources('AWS::Events::Rule')).filter((rule) =>
      JSON.stringify(rule.Properties.EventPattern ?? {}).includes('kms.amazonaws.com'),
    );
    expect(rules).toHaveLength(1);
    const pattern = rules[0]?.Properties.EventPattern;
    expect(pattern.source).toEqual(['aws.kms']);
    expect(pattern['detail-type']).toEqual(['AWS API Call via CloudTrail']);
    expect([...pattern.detail.eventName].sort()).toEqual([
      'DisableKey',
      'PutKeyPolicy',
      'ScheduleKeyDeletion',
    ]);
    expect(JSON.stringify(rules[0]?.Properties.Targets)).toMatch(/AlarmsTopic/);
  });

  it('keeps the key table’s point-in-time recovery to 7 days or less, and denies restore, export and backup to all but the break-glass role', () => {
    const [keyTable] = Object.values(
      prod.data.findResources('AWS::DynamoDB::GlobalTable', {
        Properties: { TableName: 'confide-prod-keys' },
      }),
    );
    const replica = keyTable?.Properties.Replicas[0];
    const days = replica.PointInTimeRecoverySpecification.RecoveryPeriodInDays;
    expect(days).toBeGreaterThanOrEqual(1);
    expect(days).toBeLessThanOrEqual(7);
    const denied = (replica.ResourcePolicy.PolicyDocument as KeyPolicy).Statement.filter(
      (s) => s.Effect === 'Deny',
    );
    expect(denied.flatMap(actionsOf)).toEqual(
      expect.arrayContaining([
        'dynamodb:RestoreTableToPointInTime',
        'dynamodb:ExportTableToPointInTime',
        'dynamodb:CreateBackup',
        'dynamodb:StartAwsBackupJob',
      ]),
    );
    for (const statement of denied) expect(JSON.stringify(statement.Condition)).toMatch(/BreakGlass/);
  });

  it('lets CloudWatch publish alarm notifications under the operations keys only for this account (aws:SourceAccount)', () => {
    for (const stage of [prod, dev]) {
      for (const template of [stage.api, stage.identity]) {
        const allows = Object.values(template.findResources('AWS::KMS::Key'))
          .flatMap((key) => (key.Properties.KeyPolicy as KeyPolicy).Statement)
          .filter((s) => s.Effect === 'Allow' && principalOf(s).includes('"cloudwatch.amazonaws.com"'));
        expect(allows.length).toBeGreaterThanOrEqual(1);
        for (const statement of allows) {
          expect(statement.Condition?.StringEquals?.['aws:SourceAccount'], statement.Sid).toBe(
            '123456789012',
          );
        }
      }
    }
  });

  it('lets CloudWatch Logs use the operations keys only for this account (aws:SourceAccount) and this stage’s log groups', () => {
    for (const template of [prod.api, prod.identity]) {
      const keys = Object.values(template.findResources('AWS::KMS::Key'));
      const logs = keys
        .flatMap((key) => (key.Properties.KeyPolicy as KeyPolicy).Statement)
        .filter((s) => principalOf(s).includes('logs.'));
      expect(logs).toHaveLength(1);
      const condition = JSON.stringify(logs[0]?.Condition);
      expect(logs[0]?.Condition?.StringEquals).toEqual({ 'aws:SourceAccount': '123456789012' });
      expect(condition).toContain('kms:EncryptionContext:aws:logs:arn');
      expect(condition).toContain(':log-group:confide-prod-');
      expect(condition).not.toMatch(/log-group:\*/);
    }
  });
});
