import { CorsHttpMethod, HttpApi, HttpMethod, type HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** Properties of {@link GraphqlHttpApi}. */
export interface GraphqlHttpApiProps {
  /** Name of the API in API Gateway. */
  readonly apiName: string;
  /** The function serving GraphQL requests. */
  readonly handler: IFunction;
  /** Default stage throttling. */
  readonly throttling: { readonly rateLimit: number; readonly burstLimit: number };
  /** Browser origins allowed by CORS. */
  readonly corsAllowedOrigins: readonly string[];
}

/**
 * An API Gateway HTTP API that routes `GET` and `POST /graphql` to the GraphQL function, with CORS and
 * throttling on its `$default` stage.
 */
export class GraphqlHttpApi extends Construct {
  /** The HTTP API. */
  public readonly api: HttpApi;
  /** The `$default` stage. */
  public readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: GraphqlHttpApiProps) {
    super(scope, id);

    this.api = new HttpApi(this, 'Api', {
      apiName: props.apiName,
      // HttpApi cannot throttle the stage it creates itself, so the $default stage is added below.
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [...props.corsAllowedOrigins],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.OPTIONS],
        allowHeaders: ['authorization', 'content-type'],
      },
    });

    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttling,
    });

    this.api.addRoutes({
      path: '/graphql',
      methods: [HttpMethod.GET, HttpMethod.POST],
      integration: new HttpLambdaIntegration('GraphqlIntegration', props.handler),
    });
  }
}
