import { describe, expect, it } from 'vitest';
import { recordActions } from '../constructs/confide-tables';
import { PLATFORM_LEADING_KEYS } from '../constructs/tenant-access-role';
import { actionsOf, allStatements, synthStage, type TemplateStatement } from './synth-stage';

/**
 * Decision 0041: the transfer function (`confide org export --stage`, `confide import --stage`) has the api's data
 * access and no more — the platform registry with its own role, organisations only through the tenant-access role's
 * per-organisation sessions, no KMS permission of its own — and nothing in the stack lets anyone invoke it: as for
 * the verifier, only an operator's own IAM permissions can.
 */

const prod = synthStage('prod');

function roleId(name: string): string {
  const roles = prod.api.findResources('AWS::IAM::Role', { Properties: { RoleName: name } });
  const [id] = Object.keys(roles);
  if (!id) throw new Error(`no role ${name}`);
  return id;
}

function statementsOf(id: string): TemplateStatement[] {
  const policies = {
    ...prod.api.findResources('AWS::IAM::Policy'),
    ...prod.api.findResources('AWS::IAM::ManagedPolicy'),
  };
  return Object.values(policies)
    .filter((policy) => JSON.stringify(policy.Properties.Roles ?? []).includes(JSON.stringify({ Ref: id })))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as TemplateStatement[]);
}

function functionId(name: string): string {
  const functions = prod.api.findResources('AWS::Lambda::Function', { Properties: { FunctionName: name } });
  const [id] = Object.keys(functions);
  if (!id) throw new Error(`no function ${name}`);
  return id;
}

describe('the transfer function (decision 0041)', () => {
  const transferRole = roleId('confide-prod-transfer');
  const apiRole = roleId('confide-prod-api');
  const tenantAccess = roleId('confide-prod-tenant-access');
  const transfer = functionId('confide-prod-transfer');

  it('runs the transfer handler with the tenant-access role to assume', () => {
    const fn = prod.api.findResources('AWS::Lambda::Function')[transfer];
    const variables = fn?.Properties.Environment.Variables as Record<string, unknown>;
    expect(JSON.stringify(variables.CONFIDE_TENANT_ACCESS_ROLE_ARN)).toContain(tenantAccess);
    expect(variables.CONFIDE_DATA_TABLE).toBeDefined();
    expect(variables.CONFIDE_JWKS_URL).toBeDefined();
    expect(fn?.Properties.Timeout).toBeLessThanOrEqual(900);
  });

  it('has the api role’s data access and no more: the platform registry, and assuming the tenant-access role', () => {
    const own = statementsOf(transferRole).filter((s) => !actionsOf(s).every((a) => a.startsWith('logs:')));
    const api = statementsOf(apiRole);
    const items = own.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(items).toHaveLength(1);
    expect([...actionsOf(items[0] as TemplateStatement)].sort()).toEqual([...recordActions].sort());
    expect(items[0]?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [PLATFORM_LEADING_KEYS] },
    });
    const assume = own.filter((s) => actionsOf(s).includes('sts:AssumeRole'));
    expect(assume).toHaveLength(1);
    expect(JSON.stringify(assume[0]?.Resource)).toContain(tenantAccess);
    // No KMS, Lambda, S3 or Cognito rights of its own; every action it has, the api role has too.
    const actions = own.flatMap(actionsOf).filter((a) => !a.startsWith('xray:'));
    expect(actions.filter((a) => /^(kms|lambda|s3|cognito-idp):/.test(a))).toEqual([]);
    const apiActions = new Set(api.flatMap(actionsOf));
    expect(actions.filter((a) => !apiActions.has(a))).toEqual([]);
  });

  it('is one of the two principals the tenant-access role trusts, beside the api role', () => {
    const role = prod.api.findResources('AWS::IAM::Role')[tenantAccess];
    const trust = role?.Properties.AssumeRolePolicyDocument as { Statement: TemplateStatement[] };
    expect(trust.Statement).toHaveLength(1);
    const principal = JSON.stringify(trust.Statement[0]?.Principal);
    expect(principal).toContain(apiRole);
    expect(principal).toContain(transferRole);
    expect((principal.match(/Fn::GetAtt/g) ?? []).length).toBe(2);
  });

  it('grants no one an invocation: no resource policy, and no role of the stack may invoke it', () => {
    const permissions = prod.api.findResources('AWS::Lambda::Permission');
    expect(
      Object.values(permissions).filter((p) => JSON.stringify(p.Properties.FunctionName).includes(transfer)),
    ).toEqual([]);
    const invoking = allStatements(prod.api).filter(
      ({ statement }) =>
        actionsOf(statement).some((a) => a === 'lambda:InvokeFunction' || a === 'lambda:*') &&
        JSON.stringify(statement.Resource ?? '').includes(transfer),
    );
    expect(invoking).toEqual([]);
  });
});
