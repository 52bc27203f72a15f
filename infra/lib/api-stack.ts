import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { ApiFunction } from '../constructs/api-function';
import { GraphqlHttpApi } from '../constructs/http-api';
import { fromRepoRoot, repoRoot } from './paths';
import type { StageConfig } from './stage-config';

/** Properties of {@link ConfideApiStack}. */
export interface ConfideApiStackProps extends StackProps {
  readonly config: StageConfig;
  /** The data table, from {@link ConfideDataStack}. */
  readonly dataTable: ITableV2;
  /** The key table, from {@link ConfideDataStack}. */
  readonly keyTable: ITableV2;
}

/** The stateless resources: the GraphQL API Lambda behind an HTTP API. */
export class ConfideApiStack extends Stack {
  /** The HTTP API and its stage. */
  public readonly httpApi: GraphqlHttpApi;

  constructor(scope: Construct, id: string, props: ConfideApiStackProps) {
    super(scope, id, props);
    const { config } = props;

    const api = new ApiFunction(this, 'ApiFunction', {
      entry: fromRepoRoot('services/api/src/handler.ts'),
      projectRoot: repoRoot,
      stage: config.stage,
      dataTable: props.dataTable,
      keyTable: props.keyTable,
      jwt: config.jwt,
      logRetention: config.logRetention,
      logRemovalPolicy: config.removalPolicy,
    });

    this.httpApi = new GraphqlHttpApi(this, 'HttpApi', {
      apiName: `confide-${config.stage}-api`,
      handler: api.function,
      throttling: config.throttling,
      corsAllowedOrigins: config.corsAllowedOrigins,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.stage.url });
    new CfnOutput(this, 'GraphqlUrl', { value: `${this.httpApi.stage.url}graphql` });
  }
}
