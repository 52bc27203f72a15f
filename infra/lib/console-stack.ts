import { CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import type { ConfideUserPool } from '../constructs/confide-user-pool';
import { ConsoleHosting } from '../constructs/console-hosting';
import type { GraphqlHttpApi } from '../constructs/http-api';
import { consoleClientIdParameterName } from './parameter-names';
import type { StageConfig } from './stage-config';

/** Properties of {@link ConfideConsoleStack}. */
export interface ConfideConsoleStackProps extends StackProps {
  readonly config: StageConfig;
  /** The user pool staff sign in to, from the identity stack. */
  readonly identity: ConfideUserPool;
  /** The stage's HTTP API, from the api stack: CloudFront serves it at the console's `/graphql`. */
  readonly httpApi: GraphqlHttpApi;
}

/**
 * The governance console of a stage (stateless: its build is re-uploaded by every deployment): S3 behind CloudFront
 * with the API on the same origin, and the console's own Cognito app client. The pipeline uploads `console/dist` and
 * `config.json` to the bucket output here, then invalidates `/console/*`.
 */
export class ConfideConsoleStack extends Stack {
  public readonly hosting: ConsoleHosting;

  constructor(scope: Construct, id: string, props: ConfideConsoleStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.hosting = new ConsoleHosting(this, 'Console', {
      stage: config.stage,
      userPool: props.identity.userPool,
      authDomainUrl: props.identity.domain.baseUrl(),
      // `https://<id>.execute-api.<region>.amazonaws.com` → its host name.
      apiDomainName: Fn.select(2, Fn.split('/', props.httpApi.api.apiEndpoint)),
      removalPolicy: config.removalPolicy,
    });
    // The api accepts the console's tokens by this parameter: it cannot take the client's id in its environment, as
    // this stack depends on the api's (decision 0107).
    new StringParameter(this, 'ConsoleClientIdParameter', {
      parameterName: consoleClientIdParameterName(config.stage),
      stringValue: this.hosting.client.userPoolClientId,
      description: 'The governance console’s app client, whose access tokens the api accepts (not a secret).',
    });
    new CfnOutput(this, 'ConsoleUrl', { value: this.hosting.url });
    new CfnOutput(this, 'ConsoleBucketName', { value: this.hosting.bucket.bucketName });
    new CfnOutput(this, 'ConsoleDistributionId', { value: this.hosting.distribution.distributionId });
    new CfnOutput(this, 'ConsoleClientId', { value: this.hosting.client.userPoolClientId });
  }
}
