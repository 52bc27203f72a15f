import { newOrgId } from '@confide/domain';
import { describe, expect, it } from 'vitest';
import { stringLike, TENANT_ITEM_ACTIONS } from '../../packages/store/src/tenant-session-policy';
import { recordActions } from '../constructs/confide-tables';
import { ANY_TENANT_LEADING_KEYS, PLATFORM_LEADING_KEYS } from '../constructs/tenant-access-role';
import { actionsOf, synthStage, type TemplateStatement } from './synth-stage';

const prod = synthStage('prod');
const roleName = 'confide-prod-tenant-access';

function roleOf(name: string): [string, { Properties: Record<string, unknown> }] {
  const roles = prod.api.findResources('AWS::IAM::Role', { Properties: { RoleName: name } });
  const entry = Object.entries(roles)[0];
  if (!entry) throw new Error(`no role ${name}`);
  return entry as [string, { Properties: Record<string, unknown> }];
}

function statementsOf(roleId: string): TemplateStatement[] {
  const policies = {
    ...prod.api.findResources('AWS::IAM::Policy'),
    ...prod.api.findResources('AWS::IAM::ManagedPolicy'),
  };
  return Object.values(policies)
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(JSON.stringify({ Ref: roleId })))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as TemplateStatement[]);
}

describe('TenantAccessRole (issue 16 capability 4, decision 0031)', () => {
  const [roleId, role] = roleOf(roleName);
  const [apiRoleId] = roleOf('confide-prod-api');

  it('is assumable by the api role (and the transfer role: transfer-function.test.ts) alone, for at most an hour', () => {
    const trust = role.Properties.AssumeRolePolicyDocument as { Statement: TemplateStatement[] };
    expect(trust.Statement).toHaveLength(1);
    const [statement] = trust.Statement;
    expect(statement?.Effect).toBe('Allow');
    expect(actionsOf(statement as TemplateStatement)).toEqual(['sts:AssumeRole']);
    expect(JSON.stringify(statement?.Principal)).toContain(apiRoleId);
    expect(role.Properties.MaxSessionDuration).toBe(3600);
  });

  it('lets the api role assume it and no other role', () => {
    const assume = statementsOf(apiRoleId).filter((s) => actionsOf(s).includes('sts:AssumeRole'));
    expect(assume).toHaveLength(1);
    expect(JSON.stringify(assume[0]?.Resource)).toContain(roleId);
  });

  it('allows item actions only on organisation leading keys (never PLATFORM#), the union the session policy narrows', () => {
    const items = statementsOf(roleId).filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(items).toHaveLength(1);
    const [statement] = items;
    expect([...actionsOf(statement as TemplateStatement)].sort()).toEqual([...recordActions].sort());
    expect([...TENANT_ITEM_ACTIONS].sort()).toEqual([...recordActions].sort());
    expect(actionsOf(statement as TemplateStatement)).not.toContain('dynamodb:Scan');
    expect(statement?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [ANY_TENANT_LEADING_KEYS] },
    });
    const orgId = newOrgId();
    expect(stringLike(ANY_TENANT_LEADING_KEYS, `ORG#${orgId}#CLIENT#su_x`)).toBe(true);
    expect(stringLike(ANY_TENANT_LEADING_KEYS, 'PLATFORM#ORGANISATIONS')).toBe(false);
    expect(stringLike(ANY_TENANT_LEADING_KEYS, 'PLATFORM#SLUG#azure')).toBe(false);
  });

  it('uses organisation keys only for Decrypt and GenerateDataKey under an organisation context', () => {
    const kms = statementsOf(roleId).filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
    expect(kms.flatMap(actionsOf).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    for (const statement of kms)
      expect(JSON.stringify(statement.Condition)).toContain('kms:EncryptionContext:orgId');
  });

  it('leaves the api role itself no item of any organisation: the platform registry only, no key table', () => {
    const dynamo = statementsOf(apiRoleId).filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    const [statement] = dynamo;
    expect([...actionsOf(statement as TemplateStatement)].sort()).toEqual([...recordActions].sort());
    expect(statement?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [PLATFORM_LEADING_KEYS] },
    });
    const resources = JSON.stringify(statement?.Resource);
    expect(resources).toContain('DataTable');
    expect(resources).not.toContain('KeyTable');
    expect(resources).not.toContain('/index/');
    expect(stringLike(PLATFORM_LEADING_KEYS, 'PLATFORM#ORGANISATIONS')).toBe(true);
    expect(stringLike(PLATFORM_LEADING_KEYS, `ORG#${newOrgId()}#STAFF#stf_x`)).toBe(false);
  });

  it('leaves the api role itself no use of organisation keys: Decrypt and GenerateDataKey go through the tenant-access role', () => {
    const kms = statementsOf(apiRoleId).filter(
      (s) =>
        s.Effect === 'Allow' &&
        actionsOf(s).some((a) => ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:*'].includes(a)),
    );
    expect(kms).toEqual([]);
    // The managed policy that let it use them is now the tenant-access role's alone.
    const use = Object.values(prod.api.findResources('AWS::IAM::ManagedPolicy')).filter((policy) =>
      JSON.stringify(policy.Properties.PolicyDocument).includes(
        'UseOrganisationKeysUnderOrganisationContext',
      ),
    );
    expect(use.map((policy) => policy.Properties.Roles)).toEqual([[{ Ref: roleId }]]);
  });

  it('is named to the api function', () => {
    const functions = prod.api.findResources('AWS::Lambda::Function', {
      Properties: { FunctionName: 'confide-prod-api' },
    });
    const variables = JSON.stringify(Object.values(functions)[0]?.Properties.Environment.Variables);
    expect(variables).toContain('CONFIDE_TENANT_ACCESS_ROLE_ARN');
    expect(variables).toContain(roleId);
  });
});
