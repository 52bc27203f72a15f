import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { accessLogFields } from '../constructs/http-api';
import { actionsOf, allStatements, synthStage, testStageConfig } from './synth-stage';

const lambdaFunction = 'AWS::Lambda::Function';
const services = ['api', 'provisioner', 'retention', 'verifier', 'deadlines', 'transfer'] as const;

describe('ConfideApiStack', () => {
  const dev = synthStage('dev');
  const prod = synthStage('prod');

  it('holds no tables and no user pool: stateful resources live in the data and identity stacks', () => {
    expect(Object.keys(dev.api.findResources('AWS::DynamoDB::GlobalTable'))).toEqual([]);
    expect(Object.keys(dev.api.findResources('AWS::DynamoDB::Table'))).toEqual([]);
    expect(Object.keys(dev.api.findResources('AWS::Cognito::UserPool'))).toEqual([]);
  });

  it('runs six functions, each on Node.js 22, arm64, with X-Ray tracing and JSON logs', () => {
    prod.api.resourceCountIs(lambdaFunction, 6);
    for (const service of services) {
      prod.api.hasResourceProperties(lambdaFunction, {
        FunctionName: `confide-prod-${service}`,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: Match.objectLike({ LogFormat: 'JSON', ApplicationLogLevel: 'INFO' }),
      });
    }
  });

  it('gives the api 1024 MB and a 10 s timeout', () => {
    prod.api.hasResourceProperties(lambdaFunction, {
      FunctionName: 'confide-prod-api',
      MemorySize: 1024,
      Timeout: 10,
    });
  });

  it('gives every function its Powertools service name, log level and metrics namespace', () => {
    for (const service of services) {
      prod.api.hasResourceProperties(lambdaFunction, {
        FunctionName: `confide-prod-${service}`,
        Environment: {
          Variables: Match.objectLike({
            POWERTOOLS_SERVICE_NAME: `confide-${service}`,
            POWERTOOLS_LOG_LEVEL: 'INFO',
            POWERTOOLS_METRICS_NAMESPACE: 'Confide',
            // Source maps off in the functions: Node would parse the whole map at every cold start (decision 0038).
            NODE_OPTIONS: Match.absent(),
          }),
        },
      });
    }
    dev.api.hasResourceProperties(lambdaFunction, {
      FunctionName: 'confide-dev-api',
      Environment: { Variables: Match.objectLike({ POWERTOOLS_LOG_LEVEL: 'DEBUG' }) },
    });
  });

  it('passes the configuration packages/api/src/config.ts reads, with the user pool as JWT issuer', () => {
    const [api] = Object.values(
      prod.api.findResources(lambdaFunction, { Properties: { FunctionName: 'confide-prod-api' } }),
    );
    const variables = api?.Properties.Environment.Variables as Record<string, unknown>;
    expect(variables).toMatchObject({
      CONFIDE_STAGE: 'prod',
      CONFIDE_OPERATOR_GROUP: 'confide-operators',
      CONFIDE_INTROSPECTION: 'false',
      CONFIDE_KEY_CACHE_TTL_MS: '300000',
      CONFIDE_ACCOUNT_ID: '123456789012',
    });
    for (const name of [
      'CONFIDE_DATA_TABLE',
      'CONFIDE_KEY_TABLE',
      'CONFIDE_JWT_CLIENT_IDS',
      'CONFIDE_API_ROLE_ARN',
      'CONFIDE_PROVISIONER_ROLE_ARN',
    ]) {
      expect(variables[name], name).toBeDefined();
    }
    const issuer = JSON.stringify(variables.CONFIDE_JWT_ISSUER);
    expect(issuer).toContain('https://cognito-idp.eu-west-2.');
    expect(issuer).toContain('IdentityUserPool');
    expect(JSON.stringify(variables.CONFIDE_JWKS_URL)).toContain('/.well-known/jwks.json');
    // Cognito access tokens carry `client_id`, not `aud`: the api checks the client ids, and no audience.
    expect(variables.CONFIDE_JWT_AUDIENCE).toBeUndefined();
    // The identity stack's app clients, comma-separated: [<partner app>, ',', <partner agency>, ',', <operator CLI>].
    const clientIds = variables.CONFIDE_JWT_CLIENT_IDS as { 'Fn::Join': [string, unknown[]] };
    const parts = clientIds['Fn::Join'][1].map((part) => JSON.stringify(part));
    expect(parts).toHaveLength(5);
    expect(parts[0]).toContain('PartnerAppClient');
    expect(parts[1]).toBe('","');
    expect(parts[2]).toContain('PartnerAgencyClient');
    expect(parts[3]).toBe('","');
    expect(parts[4]).toContain('OperatorCliClient');
    expect(JSON.stringify(variables.CONFIDE_API_ROLE_ARN)).toContain('ApiFunctionRole');
    expect(JSON.stringify(variables.CONFIDE_PROVISIONER_ROLE_ARN)).toContain('ProvisionerFunctionRole');
    dev.api.hasResourceProperties(lambdaFunction, {
      FunctionName: 'confide-dev-api',
      Environment: { Variables: Match.objectLike({ CONFIDE_INTROSPECTION: 'true' }) },
    });
  });

  it('passes the stage rate limit per organisation to the api only', () => {
    for (const [stage, rps, burst] of [
      [dev, '10', '20'],
      [prod, '25', '50'],
    ] as const) {
      stage.api.hasResourceProperties(lambdaFunction, {
        FunctionName: `confide-${stage === dev ? 'dev' : 'prod'}-api`,
        Environment: {
          Variables: Match.objectLike({ CONFIDE_RATE_LIMIT_RPS: rps, CONFIDE_RATE_LIMIT_BURST: burst }),
        },
      });
    }
  });

  it('lets the api invoke the provisioner, and nothing else invoke any function', () => {
    // Prepare: the api is configured with the provisioner's name; the other functions are not.
    const functions = prod.api.findResources(lambdaFunction);
    const [provisionerId] = Object.entries(functions).find(
      ([, fn]) => fn.Properties.FunctionName === 'confide-prod-provisioner',
    ) ?? [''];
    const variablesOf = (service: string) =>
      Object.values(functions).find((fn) => fn.Properties.FunctionName === `confide-prod-${service}`)
        ?.Properties.Environment.Variables as Record<string, unknown>;
    expect(variablesOf('api').CONFIDE_PROVISIONER_FUNCTION).toEqual({ Ref: provisionerId });
    expect(variablesOf('provisioner').CONFIDE_PROVISIONER_FUNCTION).toBeUndefined();
    expect(variablesOf('retention').CONFIDE_PROVISIONER_FUNCTION).toBeUndefined();

    // Act: every statement of the stack that allows a Lambda action.
    const lambdaStatements = allStatements(prod.api).filter(
      ({ statement }) =>
        statement.Effect === 'Allow' && actionsOf(statement).some((action) => action.startsWith('lambda:')),
    );

    // Assess: one statement, in the api role's policy, InvokeFunction only, on the provisioner's unqualified ARN.
    expect(lambdaStatements).toHaveLength(1);
    const [invoke] = lambdaStatements;
    expect(invoke?.type).toBe('AWS::IAM::Policy');
    expect(actionsOf(invoke?.statement ?? { Effect: 'Allow' })).toEqual(['lambda:InvokeFunction']);
    expect(invoke?.statement.Resource).toEqual({ 'Fn::GetAtt': [provisionerId, 'Arn'] });
    const [policy] = Object.values(prod.api.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('lambda:InvokeFunction'),
    );
    expect(JSON.stringify(policy?.Properties.Roles)).toContain('ApiFunctionRole');
    expect(JSON.stringify(policy?.Properties.Roles)).not.toMatch(/Provisioner|Retention/);
  });

  it('lets the provisioner alone create, disable and enable users, read an operator’s user and groups, create and delete partner app clients and delete an offboarded organisation’s users, and the retention function delete users, on this stage’s user pool only (decisions 0021, 0022, 0105, 0130, 0132)', () => {
    // Prepare: where the pool id is configured.
    const functions = Object.values(prod.api.findResources(lambdaFunction));
    const variablesOf = (service: string) =>
      functions.find((fn) => fn.Properties.FunctionName === `confide-prod-${service}`)?.Properties.Environment
        .Variables as Record<string, unknown>;
    const poolId = JSON.stringify(variablesOf('provisioner').CONFIDE_USER_POOL_ID ?? null);
    expect(poolId).toMatch(/UserPool/);
    expect(variablesOf('api').CONFIDE_USER_POOL_ID).toBeUndefined();
    expect(JSON.stringify(variablesOf('retention').CONFIDE_USER_POOL_ID ?? null)).toBe(poolId);

    // Act: every statement of the stack that allows a Cognito action.
    const cognitoStatements = allStatements(prod.api).filter(
      ({ statement }) =>
        statement.Effect === 'Allow' &&
        actionsOf(statement).some((action) => action.toLowerCase().startsWith('cognito')),
    );

    // Assess: five statements, each on the pool's ARN (imported from the identity stack), never a wildcard. In the
    // provisioner role's policy: the sign-in users' three actions (decisions 0021, 0102, 0128, 0129), the partner
    // agencies' app clients' two (decision 0022), the two reads that register an operator (decision 0105) and deleting
    // an offboarded organisation's users (decision 0132). In the retention role's: deleting a leaver's user (0130).
    expect(
      cognitoStatements.map(({ statement }) => [statement.Sid, [...actionsOf(statement)].sort()]).sort(),
    ).toEqual([
      [
        'CreateAndDeletePartnerAppClients',
        ['cognito-idp:CreateUserPoolClient', 'cognito-idp:DeleteUserPoolClient'],
      ],
      [
        'CreateDisableAndEnableSignInUsers',
        ['cognito-idp:AdminCreateUser', 'cognito-idp:AdminDisableUser', 'cognito-idp:AdminEnableUser'],
      ],
      ['DeleteExpiredSignInUsers', ['cognito-idp:AdminDeleteUser']],
      ['DeleteOffboardedOrganisationsUsers', ['cognito-idp:AdminDeleteUser']],
      ['ReadOperatorsToRegister', ['cognito-idp:AdminGetUser', 'cognito-idp:AdminListGroupsForUser']],
    ]);
    for (const grant of cognitoStatements) {
      expect(grant.type).toBe('AWS::IAM::Policy');
      const resource = JSON.stringify(grant.statement.Resource);
      expect(resource).toMatch(/UserPool.*Arn/);
      expect(resource).not.toContain('*');
    }
    const policies = Object.values(prod.api.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('cognito-idp:'),
    );
    expect(policies).toHaveLength(2);
    const policyWith = (sid: string) =>
      policies.find((policy) => JSON.stringify(policy.Properties.PolicyDocument).includes(`"${sid}"`));
    expect(JSON.stringify(policyWith('CreateDisableAndEnableSignInUsers')?.Properties.Roles)).toContain(
      'ProvisionerFunctionRole',
    );
    const retention = policyWith('DeleteExpiredSignInUsers');
    expect(JSON.stringify(retention?.Properties.Roles)).toContain('RetentionFunctionRole');
    expect(JSON.stringify(retention?.Properties.PolicyDocument).match(/cognito-idp:/g)).toHaveLength(1);
    for (const policy of policies)
      expect(JSON.stringify(policy.Properties.Roles)).not.toMatch(/ApiFunctionRole/);
    // The provisioner alone knows the partner scope its app clients get.
    expect(variablesOf('provisioner').CONFIDE_PARTNER_SCOPE).toBe('confide/partner.read');
    expect(variablesOf('api').CONFIDE_PARTNER_SCOPE).toBeUndefined();
  });

  it('sweeps offboarded organisations’ users daily through the provisioner, with that one request (decision 0132)', () => {
    const rules = Object.values(prod.api.findResources('AWS::Events::Rule')).filter((rule) =>
      JSON.stringify(rule.Properties.Targets).includes('ProvisionerFunction'),
    );
    expect(rules.map((rule) => rule.Properties.ScheduleExpression)).toEqual(['rate(1 day)']);
    const targets = (rules[0]?.Properties.Targets ?? []) as { Input: string; RetryPolicy: unknown }[];
    const [target, ...others] = targets;
    expect(others).toEqual([]);
    expect(JSON.parse(target?.Input ?? '{}')).toEqual({ action: 'deleteOffboardedSignIns' });
    expect(target?.RetryPolicy).toEqual({ MaximumRetryAttempts: 2 });
  });

  it('names each role after its function, as the runtime key policies expect', () => {
    for (const service of services) {
      prod.api.hasResourceProperties('AWS::IAM::Role', {
        RoleName: `confide-prod-${service}`,
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
        }),
        ManagedPolicyArns: Match.absent(),
      });
    }
  });

  it('keeps every log group for the stage retention, encrypted with the operations key', () => {
    for (const [stage, days] of [
      [dev, 7],
      [prod, 365],
    ] as const) {
      const logGroups = Object.values(stage.api.findResources('AWS::Logs::LogGroup'));
      // The six functions', the API's access logs and the governance pipe's.
      expect(logGroups).toHaveLength(8);
      for (const logGroup of logGroups) {
        expect(logGroup.Properties.RetentionInDays).toBe(days);
        expect(JSON.stringify(logGroup.Properties.KmsKeyId)).toContain('OperationsKey');
      }
    }
    for (const logGroup of Object.values(prod.api.findResources('AWS::Logs::LogGroup'))) {
      expect(logGroup.DeletionPolicy).toBe('Retain');
    }
  });

  it('routes GET and POST /graphql to the api Lambda', () => {
    dev.api.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    dev.api.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /graphql' });
    dev.api.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /graphql' });
    dev.api.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
  });

  it('throttles the $default stage and each route from the stage config', () => {
    const { throttling, routeThrottling } = testStageConfig('prod');
    prod.api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: throttling.rateLimit,
        ThrottlingBurstLimit: throttling.burstLimit,
      },
      RouteSettings: {
        'POST /graphql': { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 },
        'GET /graphql': {
          ThrottlingRateLimit: routeThrottling['GET /graphql']?.rateLimit,
          ThrottlingBurstLimit: routeThrottling['GET /graphql']?.burstLimit,
        },
      },
    });
  });

  it('creates the stage after its routes, since route settings name them', () => {
    const [stage] = Object.values(prod.api.findResources('AWS::ApiGatewayV2::Stage'));
    const routes = Object.keys(prod.api.findResources('AWS::ApiGatewayV2::Route'));
    expect(routes).toHaveLength(2);
    expect(stage?.DependsOn).toEqual(expect.arrayContaining(routes));
  });

  it('writes JSON access logs with request id, ip, route, status and latency, and no headers or body', () => {
    const [stage] = Object.values(prod.api.findResources('AWS::ApiGatewayV2::Stage'));
    const settings = stage?.Properties.AccessLogSettings as { DestinationArn: unknown; Format: string };
    expect(JSON.stringify(settings.DestinationArn)).toContain('HttpApiAccessLogs');
    const format = JSON.parse(settings.Format) as Record<string, string>;
    expect(format).toEqual(accessLogFields);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      routeKey: '$context.routeKey',
      status: '$context.status',
      latency: '$context.responseLatency',
    });
    expect(settings.Format.toLowerCase()).not.toMatch(/authorization|header|body|querystring/);
  });

  it('allows CORS from the configured origins only', () => {
    prod.api.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://care.fixture-charity.org.uk'] }),
    });
  });

  it('has no WAF: AWS WAF cannot protect an HTTP API (throttling and the app rate limit instead)', () => {
    expect(Object.keys(prod.api.findResources('AWS::WAFv2::WebACLAssociation'))).toEqual([]);
  });

  it('outputs the API URL, the provisioner function name and the alarm topic ARN', () => {
    dev.api.hasOutput('ApiUrl', {});
    dev.api.hasOutput('GraphqlUrl', {});
    dev.api.hasOutput('ProvisionerFunctionName', {});
    dev.api.hasOutput('AlarmTopicArn', {});
  });
});
