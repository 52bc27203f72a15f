import { type App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConsoleHosting } from '../constructs/console-hosting';
import { compliancePacks } from '../lib/compliance';
import { buildStage, testApp } from './synth-stage';

/**
 * Issue 19, "How it is built": the console in AWS is served from S3 behind CloudFront with strict security headers
 * (CSP, HSTS, no inline script), signs in through the user pool with the authorisation code flow and PKCE, and
 * cdk-nag stays clean. The construct in a stack of its own, as a stage would deploy it.
 */

let app: App;
let stack: Stack;
let template: Template;

beforeAll(() => {
  app = testApp();
  const identity = new Stack(app, 'Identity', { env: { account: '123456789012', region: 'eu-west-2' } });
  const userPool = new UserPool(identity, 'UserPool');
  stack = new Stack(app, 'Console', { env: { account: '123456789012', region: 'eu-west-2' } });
  new ConsoleHosting(stack, 'Console', {
    stage: 'test',
    userPool,
    authDomainUrl: 'https://confide-test.auth.eu-west-2.amazoncognito.com',
    apiDomainName: 'abc123.execute-api.eu-west-2.amazonaws.com',
    removalPolicy: RemovalPolicy.DESTROY,
  });
  template = Template.fromStack(stack);
});

interface HeadersConfig {
  SecurityHeadersConfig: {
    ContentSecurityPolicy: { ContentSecurityPolicy: string };
    StrictTransportSecurity: { AccessControlMaxAgeSec: number; IncludeSubdomains: boolean; Preload: boolean };
  };
}

function securityHeaders(): HeadersConfig['SecurityHeadersConfig'] {
  const [policy, ...others] = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
  expect(others).toEqual([]);
  return (
    (policy?.Properties.ResponseHeadersPolicyConfig as HeadersConfig | undefined)?.SecurityHeadersConfig ?? {
      ContentSecurityPolicy: { ContentSecurityPolicy: '' },
      StrictTransportSecurity: { AccessControlMaxAgeSec: 0, IncludeSubdomains: false, Preload: false },
    }
  );
}

describe('the console’s hosting in AWS', () => {
  it('sends a CSP that allows scripts and styles from the console’s origin only, never inline', () => {
    const csp = securityHeaders().ContentSecurityPolicy.ContentSecurityPolicy;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("connect-src 'self' https://confide-test.auth.eu-west-2.amazoncognito.com");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  it('sends HSTS for two years with subdomains and preload, and refuses framing and sniffing', () => {
    const headers = securityHeaders();
    expect(headers.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: 730 * 86_400,
      IncludeSubdomains: true,
      Preload: true,
    });
    expect(headers).toMatchObject({
      FrameOptions: { FrameOption: 'DENY' },
      ContentTypeOptions: { Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer' },
    });
  });

  it('keeps the build in a private bucket that only CloudFront reads, over TLS', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'site-bucket/' }),
    });
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'console/index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
      }),
    });
  });

  it('serves the API on the console’s own origin at /graphql, uncached, HTTPS only', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        CacheBehaviors: [
          Match.objectLike({
            PathPattern: '/graphql',
            ViewerProtocolPolicy: 'https-only',
            AllowedMethods: Match.arrayWith(['POST']),
            CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
          }),
        ],
      }),
    });
  });

  it('signs staff in with the authorisation code flow and PKCE: a public client with no secret, no implicit flow', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
    });
    const clients = Object.values(template.findResources('AWS::Cognito::UserPoolClient'));
    expect(JSON.stringify(clients)).not.toContain('implicit');
  });

  it('serves the console’s index.html at its published address: a viewer-request function on the default behaviour', () => {
    // `defaultRootObject` applies to `/` only, and S3 behind origin access control has no `console/` key: without the
    // function, `https://<distribution>/console/` (ConsoleUrl, the Cognito callback and logout URLs) answers 403.
    const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
    const associations =
      distribution?.Properties.DistributionConfig.DefaultCacheBehavior.FunctionAssociations;
    expect(associations).toHaveLength(1);
    expect(associations[0].EventType).toBe('viewer-request');
    const [functionId, attribute] = associations[0].FunctionARN['Fn::GetAtt'];
    expect(attribute).toBe('FunctionARN');
    const fn = template.findResources('AWS::CloudFront::Function')[functionId];
    expect(fn?.Properties.AutoPublish).toBe(true);
    expect(fn?.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
  });

  it('rewrites a path ending in / to its index.html and leaves every other path as it is', () => {
    const [fn] = Object.values(template.findResources('AWS::CloudFront::Function'));
    const code: string = fn?.Properties.FunctionCode;
    expect(code).toBeTypeOf('string');
    // The function's own code, as CloudFront runs it: a `handler(event)` returning the request.
    const handler = new Function(`${code}\nreturn handler;`)() as (event: unknown) => { uri: string };
    const rewrite = (uri: string) =>
      handler({ version: '1.0', request: { method: 'GET', uri, querystring: {}, headers: {} } }).uri;

    expect(rewrite('/console/')).toBe('/console/index.html');
    // The hosted sign-in returns to the console's address with its code and state in the query string.
    const callback = handler({
      version: '1.0',
      request: { method: 'GET', uri: '/console/', querystring: { code: { value: 'c' } }, headers: {} },
    }) as unknown as { uri: string; querystring: unknown };
    expect(callback).toMatchObject({ uri: '/console/index.html', querystring: { code: { value: 'c' } } });
    // What the page at /console/ loads resolves beside it, as uploaded under `console/` (infra/README.md).
    expect(rewrite('/console/config.json')).toBe('/console/config.json');
    expect(rewrite('/console/assets/index-abc123.js')).toBe('/console/assets/index-abc123.js');
    expect(rewrite('/console/index.html')).toBe('/console/index.html');
    // The address typed without its slash is redirected to it (S3 has no `console` object: 403 before).
    expect(
      handler({ version: '1.0', request: { method: 'GET', uri: '/console', querystring: {}, headers: {} } }),
    ).toMatchObject({ statusCode: 301, headers: { location: { value: '/console/' } } });
    // `/` is left to the distribution's default root object (console/index.html).
    expect(rewrite('/')).toBe('/');
  });

  it('leaves no unacknowledged cdk-nag finding (AwsSolutions, HIPAA Security, Confide’s own)', () => {
    for (const pack of compliancePacks(app)) {
      const { violations } = pack.validateScope(stack);
      expect(
        violations.map(
          (v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath)}`,
        ),
        pack.readPackName,
      ).toEqual([]);
    }
  });
});

describe('each stage’s console', () => {
  it.each(['dev', 'prod'] as const)(
    '%s deploys the console in front of its own API and user pool',
    (stage) => {
      const { stacks } = buildStage(stage);
      const stageTemplate = Template.fromStack(stacks.console);
      stageTemplate.resourceCountIs('AWS::CloudFront::Distribution', 1);
      stageTemplate.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        ClientName: `confide-${stage}-console`,
        GenerateSecret: false,
        AllowedOAuthFlows: ['code'],
      });
      stageTemplate.hasOutput('ConsoleBucketName', {});
      stageTemplate.hasOutput('ConsoleClientId', {});
      // The /graphql origin is the stage's HTTP API, imported from the api stack.
      const distribution = Object.values(stageTemplate.findResources('AWS::CloudFront::Distribution'))[0];
      expect(JSON.stringify(distribution)).toContain('HttpApi');
    },
  );

  it.each(['dev', 'prod'] as const)(
    '%s’s api accepts the console’s tokens: it reads the console’s client id from the parameter the console stack writes',
    (stage) => {
      // The console's app client is made in the console stack, which depends on the api stack (its /graphql origin),
      // so the api cannot take the client's id in its environment: a cycle. The console stack publishes it in an SSM
      // parameter of a fixed name, which the api reads (decision 0107).
      const { stacks } = buildStage(stage);
      const consoleTemplate = Template.fromStack(stacks.console);
      const apiTemplate = Template.fromStack(stacks.api);
      const parameterName = `/confide/${stage}/console-client-id`;
      const [parameter, ...otherParameters] = Object.values(
        consoleTemplate.findResources('AWS::SSM::Parameter', { Properties: { Name: parameterName } }),
      );
      expect(otherParameters).toEqual([]);
      const [clientLogicalId] = Object.keys(
        consoleTemplate.findResources('AWS::Cognito::UserPoolClient', {
          Properties: { ClientName: `confide-${stage}-console` },
        }),
      );
      expect(parameter?.Properties.Value).toEqual({ Ref: clientLogicalId });
      const apiFunction = Object.values(apiTemplate.findResources('AWS::Lambda::Function')).find((fn) =>
        JSON.stringify(fn.Properties.Environment ?? {}).includes('CONFIDE_JWT_CLIENT_IDS'),
      );
      expect(apiFunction?.Properties.Environment.Variables.CONFIDE_JWT_CLIENT_IDS_PARAMETER).toBe(
        parameterName,
      );
      const reads = Object.values(apiTemplate.findResources('AWS::IAM::Policy')).flatMap((policy) =>
        (policy.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[])
          .filter((statement) => JSON.stringify(statement.Action).includes('ssm:GetParameter'))
          .map((statement) => ({ roles: JSON.stringify(policy.Properties.Roles), statement })),
      );
      expect(reads).toHaveLength(1);
      expect(reads[0]?.roles).toMatch(/ApiFunctionRole/);
      expect(reads[0]?.statement.Action).toBe('ssm:GetParameter');
      expect(JSON.stringify(reads[0]?.statement.Resource)).toContain(`parameter${parameterName}`);
    },
  );
});
