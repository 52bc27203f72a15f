import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  actionsOf,
  allStatements,
  type SynthesisedStage,
  synthStage,
  type TemplateStatement,
} from './synth-stage';

/**
 * The provisioner assertion key (issue 14, side door 4): the api signs, the provisioner verifies, nobody else
 * does either. A MAC key anyone else could use would let them forge the assertion that lets the provisioner act on
 * a tenant.
 */
const stages = [
  ['dev', synthStage('dev')],
  ['prod', synthStage('prod')],
] as const;

const lambdaFunction = 'AWS::Lambda::Function';
const ENV = 'CONFIDE_PROVISIONER_ASSERTION_KMS_KEY';

interface KeyResource {
  readonly id: string;
  readonly properties: Record<string, unknown> & { KeyPolicy: { Statement: TemplateStatement[] } };
}

/** The stack's MAC keys, picked by what they are (never by position among the stack's keys). */
function macKeys(template: Template): KeyResource[] {
  return Object.entries(
    template.findResources('AWS::KMS::Key', { Properties: { KeyUsage: 'GENERATE_VERIFY_MAC' } }),
  ).map(([id, resource]) => ({ id, properties: resource.Properties }));
}

function assertionKey(template: Template): KeyResource {
  const keys = macKeys(template);
  expect(keys).toHaveLength(1);
  return keys[0] as KeyResource;
}

/** The logical id of the role of `confide-<stage>-<service>`. */
function roleId(template: Template, stage: string, service: string): string {
  const [id] = Object.keys(
    template.findResources('AWS::IAM::Role', { Properties: { RoleName: `confide-${stage}-${service}` } }),
  );
  expect(id, service).toBeDefined();
  return id as string;
}

function environmentOf(template: Template, stage: string, service: string): Record<string, unknown> {
  const functions = Object.values(template.findResources(lambdaFunction));
  const fn = functions.find((f) => f.Properties.FunctionName === `confide-${stage}-${service}`);
  expect(fn, service).toBeDefined();
  return fn?.Properties.Environment.Variables as Record<string, unknown>;
}

/** Whether an action pattern of a statement (`kms:Generate*`, `kms:*`, `*`) covers `action`. */
function covers(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`, 'i');
  return regex.test(action);
}
const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const allows = (statement: TemplateStatement, action: string) =>
  statement.Effect === 'Allow' && actionsOf(statement).some((pattern) => covers(pattern, action));

const MAC_ACTIONS = ['kms:GenerateMac', 'kms:VerifyMac'] as const;
const CRYPTOGRAPHIC_ACTIONS = [
  ...MAC_ACTIONS,
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:Sign',
  'kms:Verify',
  'kms:CreateGrant',
] as const;

describe('provisioner assertion key', () => {
  for (const [stage, synthesised] of stages) {
    const { api } = synthesised as SynthesisedStage;

    it(`is one HMAC_256 key for generating and verifying MACs, in ${stage}`, () => {
      const key = assertionKey(api);
      expect(key.properties.KeySpec).toBe('HMAC_256');
      expect(key.properties.KeyUsage).toBe('GENERATE_VERIFY_MAC');
      // KMS cannot rotate HMAC keys: CloudFormation would refuse the key if rotation were asked for.
      expect(key.properties.EnableKeyRotation).toBeUndefined();
    });

    it(`lets the api role GenerateMac and not VerifyMac, the provisioner VerifyMac and not GenerateMac, in ${stage}`, () => {
      const key = assertionKey(api);
      const apiRole = { 'Fn::GetAtt': [roleId(api, stage, 'api'), 'Arn'] };
      const provisionerRole = { 'Fn::GetAtt': [roleId(api, stage, 'provisioner'), 'Arn'] };
      const statements = key.properties.KeyPolicy.Statement;

      const generators = statements.filter((s) => allows(s, 'kms:GenerateMac'));
      const verifiers = statements.filter((s) => allows(s, 'kms:VerifyMac'));

      expect(generators).toHaveLength(1);
      expect(generators[0]?.Principal).toEqual({ AWS: apiRole });
      expect(actionsOf(generators[0] as TemplateStatement)).toEqual(['kms:GenerateMac']);
      expect(generators[0]?.Condition).toEqual({ StringEquals: { 'kms:MacAlgorithm': 'HMAC_SHA_256' } });

      expect(verifiers).toHaveLength(1);
      expect(verifiers[0]?.Principal).toEqual({ AWS: provisionerRole });
      expect(actionsOf(verifiers[0] as TemplateStatement)).toEqual(['kms:VerifyMac']);
      expect(verifiers[0]?.Condition).toEqual({ StringEquals: { 'kms:MacAlgorithm': 'HMAC_SHA_256' } });
    });

    it(`gives every other principal of the key policy no cryptographic action, and the account administration only, in ${stage}`, () => {
      const statements = assertionKey(api).properties.KeyPolicy.Statement;
      const others = statements.filter(
        (s) => !['ApiGeneratesAssertionMacs', 'ProvisionerVerifiesAssertionMacs'].includes(s.Sid ?? ''),
      );
      for (const statement of others) {
        for (const action of CRYPTOGRAPHIC_ACTIONS) {
          expect(allows(statement, action), `${statement.Sid} ${action}`).toBe(false);
        }
      }
      const account = statements.find((s) => JSON.stringify(s.Principal).includes(':root'));
      expect(account?.Effect).toBe('Allow');
      expect(actionsOf(account as TemplateStatement).every((a) => !a.includes('*'))).toBe(true);
      expect(actionsOf(account as TemplateStatement)).toEqual(
        expect.arrayContaining(['kms:ScheduleKeyDeletion', 'kms:DescribeKey']),
      );
      // Only the break-glass role changes the policy (decision 0029).
      expect(actionsOf(account as TemplateStatement)).not.toContain('kms:PutKeyPolicy');
      // The whole policy: the account's administration, break-glass, the two MAC grants, the provisioner's deny.
      expect(statements.map((s) => [s.Effect, s.Sid])).toEqual([
        ['Allow', 'AccountAdministersThroughIamWithoutUse'],
        ['Allow', 'BreakGlassAloneChangesKeyPolicy'],
        ['Allow', 'ApiGeneratesAssertionMacs'],
        ['Allow', 'ProvisionerVerifiesAssertionMacs'],
        ['Deny', 'ProvisionerNeverManagesThisKey'],
      ]);
    });

    it(`denies the provisioner managing the key (it could otherwise tag it and rewrite its policy), in ${stage}`, () => {
      const provisionerRole = { 'Fn::GetAtt': [roleId(api, stage, 'provisioner'), 'Arn'] };
      const deny = assertionKey(api).properties.KeyPolicy.Statement.find((s) => s.Effect === 'Deny');
      expect(deny?.Principal).toEqual({ AWS: provisionerRole });
      expect(actionsOf(deny as TemplateStatement)).toEqual(
        expect.arrayContaining(['kms:TagResource', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion']),
      );
    });

    it(`grants MAC actions nowhere else: no IAM policy of any stack allows them, in ${stage}`, () => {
      const { id } = assertionKey(api);
      const templates = [synthesised.data, synthesised.identity, api];
      for (const template of templates) {
        for (const { logicalId, type, statement } of allStatements(template)) {
          if (logicalId === id) continue;
          for (const action of MAC_ACTIONS) {
            expect(allows(statement, action), `${type} ${logicalId} ${action}`).toBe(false);
          }
          // Nor does any other policy name the key.
          if (type !== 'AWS::KMS::Key') expect(JSON.stringify(statement), logicalId).not.toContain(id);
        }
      }
    });

    it(`names the key to the api and the provisioner, and not to the retention function, in ${stage}`, () => {
      const { id } = assertionKey(api);
      expect(environmentOf(api, stage, 'api')[ENV]).toEqual({ 'Fn::GetAtt': [id, 'Arn'] });
      expect(environmentOf(api, stage, 'provisioner')[ENV]).toEqual({ 'Fn::GetAtt': [id, 'Arn'] });
      expect(environmentOf(api, stage, 'retention')[ENV]).toBeUndefined();
      // Deployed, neither signs with the local stack's secret.
      for (const service of ['api', 'provisioner', 'retention']) {
        expect(environmentOf(api, stage, service).CONFIDE_PROVISIONER_ASSERTION_KEY).toBeUndefined();
      }
    });
  }

  it('keeps the key in prod when the stack is deleted, as every other retained resource of prod', () => {
    const prod = stages[1][1].api;
    const [id] = Object.keys(
      prod.findResources('AWS::KMS::Key', { Properties: { KeyUsage: 'GENERATE_VERIFY_MAC' } }),
    );
    expect(prod.toJSON().Resources[id as string].DeletionPolicy).toBe('Retain');
  });
});
