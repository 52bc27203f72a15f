import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Properties of {@link ApiFunction}. */
export interface ApiFunctionProps {
  /** Absolute path of the handler module (exports `handler`). */
  readonly entry: string;
  /** Absolute path of the npm workspace root, where `package-lock.json` lives. */
  readonly projectRoot: string;
  /** The stage name, passed to the handler. */
  readonly stage: string;
  /** The data table; the function gets read/write access. */
  readonly dataTable: ITableV2;
  /** The key table; the function gets read/write access. */
  readonly keyTable: ITableV2;
  /** Expected JWT issuer and audience, passed to the handler. */
  readonly jwt: { readonly issuer: string; readonly audience: string };
  /** Retention of the function's log group. */
  readonly logRetention: RetentionDays;
  /** Removal policy of the function's log group. */
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * The GraphQL API Lambda: a minified ESM bundle on Node.js 22 / arm64 with read/write access to both tables.
 *
 * Environment given to the handler: `CONFIDE_STAGE`, `CONFIDE_DATA_TABLE`, `CONFIDE_KEY_TABLE`, `CONFIDE_JWT_ISSUER`,
 * `CONFIDE_JWT_AUDIENCE`.
 */
export class ApiFunction extends Construct {
  /** The Lambda function. */
  public readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    super(scope, id);

    const logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 1024,
      timeout: Duration.seconds(10),
      logGroup,
      environment: {
        CONFIDE_STAGE: props.stage,
        CONFIDE_DATA_TABLE: props.dataTable.tableName,
        CONFIDE_KEY_TABLE: props.keyTable.tableName,
        CONFIDE_JWT_ISSUER: props.jwt.issuer,
        CONFIDE_JWT_AUDIENCE: props.jwt.audience,
        // Without it the shipped source map is ignored and stack traces point into minified code.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        target: 'node22',
        mainFields: ['module', 'main'],
        // ESM output cannot `require`, but bundled CommonJS dependencies do (e.g. `require('node:buffer')`).
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        // Bundle the AWS SDK rather than use the runtime's copy (the default for Node 18+), so that the SDK
        // version is the one in package-lock.json, tested locally, and does not change under a deployed
        // function when AWS updates the runtime.
        externalModules: [],
      },
    });

    props.dataTable.grantReadWriteData(this.function);
    props.keyTable.grantReadWriteData(this.function);
  }
}
