import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Throttle } from '../lib/stage-config';

/** Properties of {@link GraphqlHttpApi}. */
export interface GraphqlHttpApiProps {
  /** Name of the API in API Gateway. */
  readonly apiName: string;
  /** The function serving GraphQL requests. */
  readonly handler: IFunction;
  /** Default stage throttling. */
  readonly throttling: Throttle;
  /** Per-route throttling keyed by route key; every key must be one of the routes this construct adds. */
  readonly routeThrottling: Readonly<Record<string, Throttle>>;
  /** Browser origins allowed by CORS. */
  readonly corsAllowedOrigins: readonly string[];
  /** Retention of the access log group. */
  readonly logRetention: RetentionDays;
  /** Removal policy of the access log group. */
  readonly logRemovalPolicy: RemovalPolicy;
  /** The key encrypting the access log group; its policy must let CloudWatch Logs use it. */
  readonly logEncryptionKey: IKey;
}

/**
 * One JSON object per request. Deliberately without request headers (the `Authorization` bearer token), query
 * strings or bodies: an access log must never hold a credential or personal data from a GraphQL document.
 */
export const accessLogFields = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTimeEpoch',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
} as const;

/**
 * An API Gateway HTTP API that routes `GET` and `POST /graphql` to the GraphQL function, with CORS, JSON access
 * logs and throttling (stage default and per route) on its `$default` stage.
 *
 * No WAF: AWS WAF cannot be associated with an HTTP API (only REST APIs, ALBs, CloudFront, AppSync, Cognito and
 * a few others). Request-rate protection is therefore API Gateway throttling here plus the per-organisation rate
 * limit the application enforces (`RATE_LIMITED`). Putting CloudFront with WAF in front is the upgrade path.
 */
export class GraphqlHttpApi extends Construct {
  /** The HTTP API. */
  public readonly api: HttpApi;
  /** The `$default` stage. */
  public readonly stage: HttpStage;
  /** The access log group of the `$default` stage. */
  public readonly accessLogGroup: LogGroup;

  constructor(scope: Construct, id: string, props: GraphqlHttpApiProps) {
    super(scope, id);

    this.api = new HttpApi(this, 'Api', {
      apiName: props.apiName,
      // HttpApi cannot throttle or log the stage it creates itself, so the $default stage is added below.
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [...props.corsAllowedOrigins],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.OPTIONS],
        // A browser may send the purpose of a read and its own request id (decision 0028, issue 17), and read how
        // long to wait after RATE_LIMITED. Bearer tokens, no cookies: never credentials.
        allowHeaders: ['authorization', 'content-type', 'x-access-purpose', 'x-request-id'],
        exposeHeaders: ['retry-after'],
        allowCredentials: false,
        maxAge: Duration.minutes(10),
      },
    });

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
      encryptionKey: props.logEncryptionKey,
    });

    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttling,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(JSON.stringify(accessLogFields)),
      },
    });

    const path = '/graphql';
    const methods = [HttpMethod.GET, HttpMethod.POST];
    const routes = this.api.addRoutes({
      path,
      methods,
      integration: new HttpLambdaIntegration('GraphqlIntegration', props.handler),
    });

    // HttpStage has no per-route throttling, so it is set on the L1 stage (a JSON property: CloudFormation's own
    // casing). API Gateway rejects settings for routes that do not exist yet, hence the dependency.
    const routeKeys = methods.map((method) => `${method} ${path}`);
    const unknown = Object.keys(props.routeThrottling).filter((key) => !routeKeys.includes(key));
    if (unknown.length > 0) throw new Error(`Throttling for unknown routes: ${unknown.join(', ')}`);
    const cfnStage = this.stage.node.defaultChild as CfnStage;
    cfnStage.routeSettings = Object.fromEntries(
      Object.entries(props.routeThrottling).map(([routeKey, throttle]) => [
        routeKey,
        { ThrottlingRateLimit: throttle.rateLimit, ThrottlingBurstLimit: throttle.burstLimit },
      ]),
    );
    for (const route of routes) this.stage.node.addDependency(route);

    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        "The api function authenticates every request itself (jose: signature against the user pool's JWKS, " +
        'issuer, audience or client_id, expiry) and answers GraphQL-shaped UNAUTHENTICATED errors; a gateway JWT ' +
        'authorizer would need a fixed audience list that cannot follow the per-agency client-credentials clients.',
    });
  }
}
