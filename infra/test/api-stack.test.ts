import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthStage } from './synth-stage';

describe('ConfideApiStack', () => {
  const dev = synthStage('dev');
  const prod = synthStage('prod');

  it('holds no tables: stateful resources live in the data stack', () => {
    expect(Object.keys(dev.api.findResources('AWS::DynamoDB::GlobalTable'))).toEqual([]);
    expect(Object.keys(dev.api.findResources('AWS::DynamoDB::Table'))).toEqual([]);
  });

  it('runs the api Lambda on Node.js 22, arm64, with 1024 MB and a 10 s timeout', () => {
    dev.api.resourceCountIs('AWS::Lambda::Function', 1);
    dev.api.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 1024,
      Timeout: 10,
    });
  });

  it('passes stage, table names and JWT settings through the environment', () => {
    prod.api.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          CONFIDE_STAGE: 'prod',
          CONFIDE_DATA_TABLE: Match.anyValue(),
          CONFIDE_KEY_TABLE: Match.anyValue(),
          CONFIDE_JWT_ISSUER: 'https://auth.confide.example/',
          CONFIDE_JWT_AUDIENCE: 'confide-api',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
  });

  it('grants read/write on both tables', () => {
    const policies = prod.api.findResources('AWS::IAM::Policy');
    const statements = JSON.stringify(Object.values(policies));
    expect(statements).toContain('dynamodb:PutItem');
    expect(statements).toContain('dynamodb:Query');
    expect(statements.match(/PublishOutputFnGetAttTablesDataTable\w+Arn/g)).not.toBeNull();
    expect(statements.match(/PublishOutputFnGetAttTablesKeyTable\w+Arn/g)).not.toBeNull();
  });

  it('keeps logs for the stage retention', () => {
    dev.api.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    prod.api.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    prod.api.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
  });

  it('routes GET and POST /graphql to the Lambda', () => {
    dev.api.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    dev.api.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /graphql' });
    dev.api.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /graphql' });
    dev.api.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
  });

  it('throttles the $default stage from the stage config', () => {
    prod.api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 },
    });
  });

  it('allows CORS from the configured origins only', () => {
    prod.api.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://app.confide.example'] }),
    });
  });

  it('outputs the API URL', () => {
    dev.api.hasOutput('ApiUrl', {});
    dev.api.hasOutput('GraphqlUrl', {});
  });
});
