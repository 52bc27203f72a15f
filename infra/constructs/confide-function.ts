import { type Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type IRole, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../packages/api/src/metrics';
import { lambdaBundling } from '../lib/lambda-bundling';
import type { LogLevel } from '../lib/stage-config';

/** CDK's names of the bundle formats {@link lambdaBundling} may choose. */
const outputFormats = { esm: OutputFormat.ESM, cjs: OutputFormat.CJS } as const;

/** The CloudWatch namespace of Confide's own metrics (`POWERTOOLS_METRICS_NAMESPACE`): packages/api/src/metrics.ts. */
export { METRICS_NAMESPACE };

/** Properties of {@link ConfideFunction}. */
export interface ConfideFunctionProps {
  /** Absolute path of the handler module (exports `handler`). */
  readonly entry: string;
  /** Absolute path of the npm workspace root, where `package-lock.json` lives. */
  readonly projectRoot: string;
  /** The stage name, used in the function and role names. */
  readonly stage: string;
  /** The service: `api`, `provisioner`, `retention`. Names the function, its role and its Powertools service. */
  readonly service: string;
  /** What the function is for, shown in the Lambda and IAM consoles. */
  readonly description: string;
  /** Environment variables beyond the Powertools and Node.js ones this construct sets. */
  readonly environment: Readonly<Record<string, string>>;
  /** Log level of Powertools and of Lambda's log filtering. */
  readonly logLevel: LogLevel;
  /** Retention of the function's log group. */
  readonly logRetention: RetentionDays;
  /** Removal policy of the function's log group. */
  readonly logRemovalPolicy: RemovalPolicy;
  /** The key encrypting the function's log group; its policy must let CloudWatch Logs use it. */
  readonly logEncryptionKey: IKey;
  /** Memory in MB (CPU scales with it). */
  readonly memorySize: number;
  /** Maximum run time of one invocation. */
  readonly timeout: Duration;
  /** Reserved concurrency; `undefined` leaves the function on the account's unreserved pool. */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * One of Confide's Lambda functions: a minified ESM bundle on Node.js 22 / arm64 with X-Ray tracing, JSON logs to
 * its own log group, and a role of its own named `confide-<stage>-<service>` that starts with nothing but
 * writing to that log group (callers grant the rest).
 *
 * Environment given to every handler besides `props.environment`: `POWERTOOLS_SERVICE_NAME` (`confide-<service>`),
 * `POWERTOOLS_LOG_LEVEL`, `POWERTOOLS_METRICS_NAMESPACE` (`Confide`). No `NODE_OPTIONS`: source maps stay off
 * (cold start, decision 0038); a logged stack trace is symbolicated offline with the map rebuilt from the commit.
 */
export class ConfideFunction extends Construct {
  /** The Lambda function. */
  public readonly function: NodejsFunction;
  /** The function's execution role. */
  public readonly role: IRole;
  /** The Powertools service name, the `service` dimension of the function's metrics. */
  public readonly serviceName: string;

  constructor(scope: Construct, id: string, props: ConfideFunctionProps) {
    super(scope, id);
    const name = `confide-${props.stage}-${props.service}`;
    this.serviceName = `confide-${props.service}`;

    const logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
      encryptionKey: props.logEncryptionKey,
    });

    // A role of its own, named, rather than the default with the AWSLambdaBasicExecutionRole managed policy: log
    // writes are limited to this function's log group, and organisation key policies (created at runtime by the
    // provisioner) name these roles, so their names must be stable and predictable.
    const role = new Role(this, 'Role', {
      roleName: name,
      description: `Execution role of ${name}: ${props.description}`,
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    });
    logGroup.grantWrite(role);
    this.role = role;
    Validations.of(role).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) has no resource-level permissions.',
      },
      {
        id: 'HIPAA.Security-IAMNoInlinePolicy',
        reason:
          "The only inline policy is CDK's grant policy of this one role, holding grants on named tables, " +
          'streams, queues, functions and its own log group; KMS permissions are separate customer-managed policies.',
      },
    );

    this.function = new NodejsFunction(this, 'Function', {
      functionName: name,
      description: props.description,
      entry: props.entry,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[props.logLevel],
      systemLogLevelV2: SystemLogLevel.WARN,
      tracing: Tracing.ACTIVE,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: this.serviceName,
        POWERTOOLS_LOG_LEVEL: props.logLevel,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      },
      bundling: {
        format: outputFormats[lambdaBundling.format],
        minify: lambdaBundling.minify,
        sourceMap: lambdaBundling.sourceMap,
        target: lambdaBundling.target,
        mainFields: [...lambdaBundling.mainFields],
        banner: lambdaBundling.banner,
        externalModules: [...lambdaBundling.externalModules],
        esbuildArgs: Object.fromEntries(
          Object.entries(lambdaBundling.alias).map(([from, to]) => [`--alias:${from}`, to]),
        ),
      },
    });
    Validations.of(this.function).acknowledge(
      {
        id: 'AwsSolutions-L1',
        reason:
          'Node.js 22 is the runtime the bundle targets (esbuild target node22) and is tested against; moving to ' +
          'Node.js 24 is a deliberate upgrade with its own test run, not a side effect of a CDK release.',
      },
      {
        id: 'HIPAA.Security-LambdaInsideVPC',
        reason:
          'Confide has no VPC resources: the functions reach DynamoDB, KMS and the Cognito JWKS over AWS public ' +
          'endpoints with TLS and SigV4/IAM; a VPC would add NAT or interface endpoints without narrowing access.',
      },
    );
  }
}
