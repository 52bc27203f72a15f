import type { KMSClient } from '@aws-sdk/client-kms';
import { newOrgId } from '@confide/domain';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  organisationAliasPrefix as keysPackageAliasPrefix,
  ORGANISATION_TAG as keysPackageTag,
  OrganisationKeys,
} from '../../packages/keys/src/organisation-keys';
import { recordActions } from '../constructs/confide-tables';
import { ORGANISATION_TAG, organisationAliasPrefix } from '../constructs/organisation-key-access';
import {
  actionsOf,
  allStatements,
  type SynthesisedStage,
  synthStage,
  type TemplateStatement,
} from './synth-stage';

const dev = synthStage('dev');
const prod = synthStage('prod');

function templatesOf(stage: SynthesisedStage): Template[] {
  return [stage.data, stage.identity, stage.api];
}

/** The statements of every IAM policy (inline or managed) attached to the role with this name. */
function roleStatements(template: Template, roleName: string): TemplateStatement[] {
  const roles = template.findResources('AWS::IAM::Role', { Properties: { RoleName: roleName } });
  const [roleId] = Object.keys(roles);
  expect(roleId, roleName).toBeDefined();
  const policies = {
    ...template.findResources('AWS::IAM::Policy'),
    ...template.findResources('AWS::IAM::ManagedPolicy'),
  };
  return Object.values(policies)
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as TemplateStatement[]);
}

function allowing(statements: TemplateStatement[], action: string): TemplateStatement[] {
  return statements.filter((s) => s.Effect === 'Allow' && actionsOf(s).includes(action));
}

const kmsActions = (statements: TemplateStatement[]) =>
  statements.flatMap((s) => (s.Effect === 'Allow' ? actionsOf(s) : [])).filter((a) => a.startsWith('kms:'));

describe('KMS and IAM permissions', () => {
  it('has no statement with kms:* or * as an action, or with NotAction, in any policy of any stack', () => {
    for (const stage of [dev, prod]) {
      const statements = templatesOf(stage).flatMap(allStatements);
      expect(statements.length).toBeGreaterThan(20);
      for (const { logicalId, statement } of statements) {
        expect(actionsOf(statement), logicalId).not.toContain('kms:*');
        expect(actionsOf(statement), logicalId).not.toContain('*');
        expect(statement.NotAction, logicalId).toBeUndefined();
      }
    }
  });

  it('lets only the provisioner create keys, and only tagged with the organisation tag and no other', () => {
    const creators = templatesOf(prod)
      .flatMap(allStatements)
      .filter(
        ({ statement }) => statement.Effect === 'Allow' && actionsOf(statement).includes('kms:CreateKey'),
      );
    expect(creators).toHaveLength(1);
    expect(creators[0]?.logicalId).toMatch(/^ProvisionerFunctionOrganisationKeyProvisioning/);

    const [createKey] = allowing(roleStatements(prod.api, 'confide-prod-provisioner'), 'kms:CreateKey');
    expect(createKey).toMatchObject({
      Resource: '*',
      Condition: {
        StringLike: { 'aws:RequestTag/confide:organisation': '*' },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['confide:organisation'] },
        StringEquals: { 'kms:KeySpec': 'SYMMETRIC_DEFAULT', 'kms:KeyUsage': 'ENCRYPT_DECRYPT' },
      },
    });
  });

  it('lets the provisioner tag keys only with the organisation tag (tag-on-create)', () => {
    const [tagResource] = allowing(roleStatements(prod.api, 'confide-prod-provisioner'), 'kms:TagResource');
    expect(tagResource?.Condition).toEqual({
      StringLike: { 'aws:RequestTag/confide:organisation': '*' },
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['confide:organisation'] },
    });
    expect(JSON.stringify(tagResource?.Resource)).toContain(':key/*');
  });

  it("limits the provisioner's aliases to the stage prefix, on the alias and on the key", () => {
    const aliasStatements = allowing(roleStatements(prod.api, 'confide-prod-provisioner'), 'kms:CreateAlias');
    expect(aliasStatements).toHaveLength(2);
    const onAlias = aliasStatements.find((s) => JSON.stringify(s.Resource).includes(':alias/'));
    expect(JSON.stringify(onAlias?.Resource)).toContain(':alias/confide/prod/*');
    const onKey = aliasStatements.find((s) => JSON.stringify(s.Resource).includes(':key/*'));
    expect(onKey?.Condition).toEqual({
      Null: { 'aws:ResourceTag/confide:organisation': 'false' },
      StringLike: { 'kms:AliasName': 'alias/confide/prod/*' },
    });
  });

  it('lets the provisioner manage and retire only keys carrying the organisation tag', () => {
    const statements = roleStatements(prod.api, 'confide-prod-provisioner');
    for (const action of ['kms:EnableKeyRotation', 'kms:ScheduleKeyDeletion']) {
      const [statement, ...others] = allowing(statements, action);
      expect(others, action).toEqual([]);
      expect(statement?.Condition, action).toEqual({
        Null: { 'aws:ResourceTag/confide:organisation': 'false' },
      });
      expect(JSON.stringify(statement?.Resource), action).toContain(':key/*');
    }
    // DescribeKey also by a stage alias, which still answers once the key and its tag are gone (decision 0132).
    const describe = allowing(statements, 'kms:DescribeKey');
    expect(describe).toHaveLength(2);
    expect(describe.map((statement) => statement.Condition)).toEqual(
      expect.arrayContaining([
        { Null: { 'aws:ResourceTag/confide:organisation': 'false' } },
        { StringLike: { 'kms:RequestAlias': 'alias/confide/prod/*' } },
      ]),
    );
    for (const statement of describe) expect(JSON.stringify(statement.Resource)).toContain(':key/*');
    const [generate] = allowing(statements, 'kms:GenerateDataKey');
    expect(generate?.Condition).toEqual({
      Null: { 'aws:ResourceTag/confide:organisation': 'false', 'kms:EncryptionContext:orgId': 'false' },
      'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['orgId'] },
    });
  });

  it('denies the provisioner kms:PutKeyPolicy outright: only the break-glass role changes a key policy (decision 0029)', () => {
    const statements = roleStatements(prod.api, 'confide-prod-provisioner');
    expect(allowing(statements, 'kms:PutKeyPolicy')).toEqual([]);
    expect(statements.filter((s) => s.Effect === 'Deny')).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 'kms:PutKeyPolicy', Resource: '*' }),
    );
  });

  it('gives the api role no kms:Decrypt or GenerateDataKey: it uses organisation keys only as the tenant-access role (decision 0031)', () => {
    for (const [name, stage] of [
      ['dev', dev],
      ['prod', prod],
    ] as const) {
      const actions = kmsActions(roleStatements(stage.api, `confide-${name}-api`));
      expect(actions).not.toContain('kms:Decrypt');
      expect(actions.filter((a) => a.startsWith('kms:GenerateDataKey'))).toEqual([]);
    }
  });

  it('lets the tenant-access role only Decrypt and GenerateDataKey, on tagged stage keys, under an orgId encryption context', () => {
    const statements = roleStatements(prod.api, 'confide-prod-tenant-access');
    expect(kmsActions(statements).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    const kms = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
    expect(kms).toHaveLength(1);
    expect(kms[0]).toMatchObject({
      Effect: 'Allow',
      Condition: {
        Null: { 'kms:EncryptionContext:orgId': 'false', 'aws:ResourceTag/confide:organisation': 'false' },
        'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['orgId'] },
        'ForAnyValue:StringLike': { 'kms:ResourceAliases': 'alias/confide/prod/*' },
      },
    });
    expect(JSON.stringify(kms[0]?.Resource)).toMatch(/arn:aws:kms:eu-west-2:123456789012:key\/\*/);
  });

  it('gives the api no key creation, deletion, tagging, aliasing or policy rights', () => {
    for (const [name, stage] of [
      ['dev', dev],
      ['prod', prod],
    ] as const) {
      const actions = kmsActions(roleStatements(stage.api, `confide-${name}-api`));
      for (const forbidden of [
        'kms:CreateKey',
        'kms:ScheduleKeyDeletion',
        'kms:TagResource',
        'kms:CreateAlias',
        'kms:PutKeyPolicy',
      ]) {
        expect(actions).not.toContain(forbidden);
      }
    }
  });

  it('gives the retention function in IAM only DescribeKey, by a stage alias (decision 0131): it decrypts by the key policy', () => {
    const statements = roleStatements(prod.api, 'confide-prod-retention');
    expect(kmsActions(statements)).toEqual(['kms:DescribeKey']);
    expect(allowing(statements, 'kms:DescribeKey')).toEqual([
      expect.objectContaining({
        Sid: 'DescribeOrganisationKeysByAlias',
        Condition: { StringLike: { 'kms:RequestAlias': 'alias/confide/prod/*' } },
      }),
    ]);
  });

  it('binds every IAM Decrypt or GenerateDataKey to an orgId encryption context', () => {
    const iamStatements = allStatements(prod.api).filter(({ type }) => type.startsWith('AWS::IAM::'));
    const crypto = iamStatements.filter(
      ({ statement }) =>
        statement.Effect === 'Allow' &&
        actionsOf(statement).some((a) => a === 'kms:Decrypt' || a.startsWith('kms:GenerateDataKey')),
    );
    // The provisioner's first branch key and the tenant-access role's; the api role's own is gone (decision 0031).
    expect(crypto).toHaveLength(2);
    for (const { statement } of crypto) {
      expect(statement.Condition?.Null?.['kms:EncryptionContext:orgId']).toBe('false');
      expect(statement.Condition?.['ForAllValues:StringEquals']?.['kms:EncryptionContextKeys']).toEqual([
        'orgId',
      ]);
    }
  });

  it('gives the operations key a policy with named admin actions, no usage by the account, and the provisioner denied', () => {
    // The operations key is the stack's one encryption key (the other is the provisioner assertions' MAC key).
    const keys = prod.api.findResources('AWS::KMS::Key', {
      Properties: { Description: Match.stringLikeRegexp('encrypts log groups') },
    });
    expect(Object.keys(keys)).toHaveLength(1);
    const [key] = Object.values(keys);
    expect(key?.Properties.KeySpec ?? 'SYMMETRIC_DEFAULT').toBe('SYMMETRIC_DEFAULT');
    expect(key?.Properties.KeyUsage ?? 'ENCRYPT_DECRYPT').toBe('ENCRYPT_DECRYPT');
    expect(key?.Properties.EnableKeyRotation).toBe(true);
    const statements = key?.Properties.KeyPolicy.Statement as TemplateStatement[];
    const account = statements.find((s) => s.Sid === 'AccountAdministersThroughIam');
    expect(actionsOf(account as TemplateStatement)).not.toContain('kms:Decrypt');
    expect(actionsOf(account as TemplateStatement).every((a) => !a.includes('*'))).toBe(true);
    const logs = statements.find((s) => s.Sid === 'CloudWatchLogsEncryptsThisAccountsLogGroups');
    expect(JSON.stringify(logs?.Condition)).toContain('kms:EncryptionContext:aws:logs:arn');
    const deny = statements.find((s) => s.Effect === 'Deny');
    expect(JSON.stringify(deny?.Principal)).toContain('ProvisionerFunctionRole');
    expect(actionsOf(deny as TemplateStatement)).toEqual(
      expect.arrayContaining([
        'kms:ScheduleKeyDeletion',
        'kms:TagResource',
        'kms:PutKeyPolicy',
        'kms:DisableKey',
      ]),
    );
  });

  it('grants item-level DynamoDB actions on the tables and their named indexes, never Scan', () => {
    const statements = templatesOf(prod).flatMap(allStatements);
    for (const { statement } of statements) {
      expect(actionsOf(statement)).not.toContain('dynamodb:Scan');
      expect(actionsOf(statement)).not.toContain('dynamodb:*');
    }
    // The api role's own item access is the platform registry's alone (tenant-access.test.ts, decision 0031).
    for (const service of ['provisioner', 'retention']) {
      const dynamo = roleStatements(prod.api, `confide-prod-${service}`).filter((s) =>
        actionsOf(s).includes('dynamodb:PutItem'),
      );
      expect(dynamo).toHaveLength(1);
      expect(actionsOf(dynamo[0] as TemplateStatement)).toEqual([...recordActions]);
      const resources = JSON.stringify(dynamo[0]?.Resource);
      expect(resources).toContain('/index/gsi1');
      expect(resources).toContain('/index/gsi2');
      expect(resources).not.toContain('/index/*');
    }
  });
});

describe('consistency with the key policy the provisioner attaches (packages/keys)', () => {
  const keys = new OrganisationKeys({
    kms: {} as KMSClient,
    aliasPrefix: organisationAliasPrefix('prod'),
    accountId: '123456789012',
    apiRoleArn: 'arn:aws:iam::123456789012:role/confide-prod-api',
    provisionerRoleArn: 'arn:aws:iam::123456789012:role/confide-prod-provisioner',
  });

  it('uses the same organisation tag and alias prefix', () => {
    expect(ORGANISATION_TAG).toBe(keysPackageTag);
    expect(organisationAliasPrefix('prod')).toBe(keysPackageAliasPrefix('prod'));
  });

  const orgId = newOrgId();

  it('names keys under the alias prefix the provisioner may create', () => {
    expect(keys.aliasFor(orgId)).toBe(`alias/confide/prod/${orgId}`);
  });

  it('has no kms:* and binds the tenant-access role to this organisation by encryption context; names the api role no more', () => {
    const policy = keys.keyPolicy(orgId) as { Statement: TemplateStatement[] };
    for (const statement of policy.Statement) expect(actionsOf(statement)).not.toContain('kms:*');
    const tenant = policy.Statement.filter((s) =>
      JSON.stringify(s.Principal).includes('role/confide-prod-tenant-access'),
    );
    expect(tenant).toHaveLength(1);
    expect(tenant[0]).toMatchObject({
      Sid: 'TenantAccessUsesKeyOnlyForThisOrganisation',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::123456789012:role/confide-prod-tenant-access' },
    });
    expect(actionsOf(tenant[0] as TemplateStatement).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(tenant[0]?.Condition).toEqual({ StringEquals: { 'kms:EncryptionContext:orgId': orgId } });
    // Another organisation's policy binds the same role to that organisation alone.
    const other = newOrgId();
    const otherTenant = (keys.keyPolicy(other) as { Statement: TemplateStatement[] }).Statement.find(
      (s) => s.Sid === 'TenantAccessUsesKeyOnlyForThisOrganisation',
    );
    expect(otherTenant?.Condition).toEqual({ StringEquals: { 'kms:EncryptionContext:orgId': other } });
    expect(JSON.stringify(policy)).not.toContain('role/confide-prod-api"');
  });

  it('names the api role, under the same condition, only in the transition policy re-applied before deploying', () => {
    const policy = keys.keyPolicy(orgId, { keepApiRole: true }) as { Statement: TemplateStatement[] };
    const api = policy.Statement.filter((s) =>
      JSON.stringify(s.Principal).includes('role/confide-prod-api"'),
    );
    expect(api).toHaveLength(1);
    expect(actionsOf(api[0] as TemplateStatement).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(api[0]?.Condition).toEqual({ StringEquals: { 'kms:EncryptionContext:orgId': orgId } });
    expect(
      policy.Statement.filter((s) => s.Sid === 'TenantAccessUsesKeyOnlyForThisOrganisation'),
    ).toHaveLength(1);
  });
});
