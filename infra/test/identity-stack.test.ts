import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ORG_ID_ATTRIBUTE, STAFF_ID_ATTRIBUTE } from '../../services/pre-token/src/handler';
import { ORGANISATION_ATTRIBUTE, STAFF_ATTRIBUTE } from '../constructs/confide-user-pool';
import { actionsOf, allStatements, synthStage } from './synth-stage';

const userPool = 'AWS::Cognito::UserPool';
const client = 'AWS::Cognito::UserPoolClient';

describe('ConfideIdentityStack', () => {
  const dev = synthStage('dev');
  const prod = synthStage('prod');

  it('declares one user pool, with no self sign-up', () => {
    prod.identity.resourceCountIs(userPool, 1);
    prod.identity.hasResourceProperties(userPool, {
      UserPoolName: 'confide-prod',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
  });

  it('requires MFA, by TOTP only (never SMS)', () => {
    prod.identity.hasResourceProperties(userPool, {
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
    });
  });

  it('enforces the Lets connect 5.4 password policy: 12+ characters of every class, no reuse of the last 24', () => {
    prod.identity.hasResourceProperties(userPool, {
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireUppercase: true,
          RequireLowercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
          PasswordHistorySize: 24,
          TemporaryPasswordValidityDays: 3,
        },
      },
    });
  });

  it('enforces threat protection on the Plus plan, blocking compromised credentials and high-risk sign-ins', () => {
    prod.identity.hasResourceProperties(userPool, {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
    prod.identity.hasResourceProperties('AWS::Cognito::UserPoolRiskConfigurationAttachment', {
      ClientId: 'ALL',
      CompromisedCredentialsRiskConfiguration: { Actions: { EventAction: 'BLOCK' } },
      AccountTakeoverRiskConfiguration: {
        Actions: {
          HighAction: { EventAction: 'BLOCK', Notify: false },
          MediumAction: { EventAction: 'MFA_REQUIRED', Notify: false },
          LowAction: { EventAction: 'NO_ACTION', Notify: false },
        },
      },
    });
  });

  it('recovers accounts by verified email only', () => {
    prod.identity.hasResourceProperties(userPool, {
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
    });
  });

  it('protects and retains the prod pool, and lets dev go', () => {
    prod.identity.hasResource(userPool, {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }),
    });
    expect(prod.stacks.identity.terminationProtection).toBe(true);
    dev.identity.hasResource(userPool, {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtection: 'INACTIVE' }),
    });
  });

  it('has the operators group the api checks', () => {
    prod.identity.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'confide-operators' });
  });

  it('has a resource server with the partner.read scope', () => {
    prod.identity.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'confide',
      Scopes: [Match.objectLike({ ScopeName: 'partner.read' })],
    });
  });

  it('gives partner front-ends a public client: authorization code only, no secret, stage callback URLs', () => {
    prod.identity.hasResourceProperties(client, {
      ClientName: 'confide-prod-partner-app',
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      CallbackURLs: ['https://care.fixture-charity.org.uk/auth/callback'],
      LogoutURLs: ['https://care.fixture-charity.org.uk/'],
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
    });
    dev.identity.hasResourceProperties(client, {
      ClientName: 'confide-dev-partner-app',
      CallbackURLs: Match.arrayWith(['http://localhost:5173/auth/callback']),
    });
  });

  it('gives the operator command line a public client: code flow with PKCE on the loopback redirect only (decision 0108)', () => {
    for (const [stage, template] of [
      ['prod', prod.identity],
      ['dev', dev.identity],
    ] as const) {
      template.hasResourceProperties(client, {
        ClientName: `confide-${stage}-operator-cli`,
        GenerateSecret: false,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: ['openid'],
        CallbackURLs: ['http://localhost:8976/callback'],
        SupportedIdentityProviders: ['COGNITO'],
        PreventUserExistenceErrors: 'ENABLED',
        EnableTokenRevocation: true,
      });
    }
  });

  it('gives partner agencies a confidential client-credentials client limited to partner.read', () => {
    const agencies = prod.identity.findResources(client, {
      Properties: { ClientName: 'confide-prod-partner-agency' },
    });
    const [agency] = Object.values(agencies);
    expect(agency?.Properties).toMatchObject({
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
    });
    expect(agency?.Properties.ExplicitAuthFlows).toBeUndefined();
    expect(JSON.stringify(agency?.Properties.AllowedOAuthScopes)).toContain('/partner.read');
    expect(agency?.Properties.AllowedOAuthScopes).toHaveLength(1);
  });

  it('keeps a tenant user’s organisation in an immutable custom:org_id attribute', () => {
    prod.identity.hasResourceProperties(userPool, {
      Schema: Match.arrayWith([
        {
          Name: ORGANISATION_ATTRIBUTE,
          AttributeDataType: 'String',
          Mutable: false,
          StringAttributeConstraints: { MinLength: '30', MaxLength: '30' },
        },
      ]),
    });
    // The trigger reads the attribute the pool declares.
    expect(ORG_ID_ATTRIBUTE).toBe(`custom:${ORGANISATION_ATTRIBUTE}`);
  });

  it('keeps a staff user’s staff id in an immutable custom:staff_id attribute (the token hint)', () => {
    prod.identity.hasResourceProperties(userPool, {
      Schema: Match.arrayWith([
        {
          Name: STAFF_ATTRIBUTE,
          AttributeDataType: 'String',
          Mutable: false,
          StringAttributeConstraints: { MinLength: '30', MaxLength: '30' },
        },
      ]),
    });
    expect(STAFF_ID_ATTRIBUTE).toBe(`custom:${STAFF_ATTRIBUTE}`);
  });

  it('adds org_id to access tokens with a version 2 pre-token-generation trigger that Cognito may invoke', () => {
    const [triggerId] = Object.keys(
      prod.identity.findResources('AWS::Lambda::Function', {
        Properties: { FunctionName: 'confide-prod-pre-token' },
      }),
    );
    expect(triggerId).toBeDefined();
    prod.identity.hasResourceProperties(userPool, {
      LambdaConfig: {
        PreTokenGenerationConfig: {
          LambdaArn: { 'Fn::GetAtt': [triggerId, 'Arn'] },
          LambdaVersion: 'V2_0',
        },
      },
    });
    prod.identity.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [triggerId, 'Arn'] },
      Principal: 'cognito-idp.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('IdentityUserPool'), 'Arn'] },
    });
  });

  it('runs the trigger like every function: Node.js 22, arm64, 5 s, logs encrypted by a key of this stack', () => {
    prod.identity.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'confide-prod-pre-token',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: 5,
      TracingConfig: { Mode: 'Active' },
    });
    const [logGroup] = Object.values(prod.identity.findResources('AWS::Logs::LogGroup'));
    expect(logGroup?.Properties.RetentionInDays).toBe(365);
    expect(JSON.stringify(logGroup?.Properties.KmsKeyId)).toContain('OperationsKey');
    prod.identity.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/confide-operations/prod-identity',
    });
  });

  it('gives the trigger’s role nothing beyond its logs and traces: no table, key or pool access', () => {
    const actions = allStatements(prod.identity)
      .filter(({ type, statement }) => type === 'AWS::IAM::Policy' && statement.Effect === 'Allow')
      .flatMap(({ statement }) => actionsOf(statement));
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) expect(action).toMatch(/^(logs|xray):/);
  });

  it('denies the provisioner, by role name, any management of the identity stack’s key', () => {
    const deny = allStatements(prod.identity).find(
      ({ type, statement }) => type === 'AWS::KMS::Key' && statement.Effect === 'Deny',
    )?.statement;
    expect(actionsOf(deny ?? { Effect: 'Deny' })).toEqual(
      expect.arrayContaining(['kms:ScheduleKeyDeletion', 'kms:TagResource', 'kms:PutKeyPolicy']),
    );
    expect(JSON.stringify(deny?.Condition?.ArnEquals?.['aws:PrincipalArn'])).toContain(
      ':role/confide-prod-provisioner',
    );
  });

  it('serves sign-in and tokens on the stage domain', () => {
    prod.identity.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'fixture-charity-care' });
  });

  it('outputs the pool id, issuer, client ids and sign-in domain', () => {
    for (const output of [
      'UserPoolId',
      'Issuer',
      'PartnerAppClientId',
      'PartnerAgencyClientId',
      'OperatorCliClientId',
      'AuthDomainUrl',
    ]) {
      prod.identity.hasOutput(output, {});
    }
  });
});
