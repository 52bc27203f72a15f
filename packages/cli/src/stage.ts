import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ProvisionerFunction } from '@confide/api/provisioner-function';
import { CliError } from './data-dir';
import { STAGE_NAME } from './stage-name';

/**
 * One of a deployed stage's functions, invoked with the operator's own AWS credentials and region, found by the AWS
 * SDK's usual chain (environment, profile, SSO, instance role). `CONFIDE_LAMBDA_ENDPOINT` points the CLI at another
 * Lambda endpoint (tests' signed stand-in); in use it is Lambda's own for the region.
 */
export function stageFunction(
  stage: string,
  name: 'verifier' | 'provisioner' | 'api' | 'transfer',
): ProvisionerFunction {
  if (!STAGE_NAME.test(stage)) throw new CliError('--stage takes a stage name such as dev or prod.');
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'eu-west-2';
  // A client only for its resolved configuration: the SDK's default credential chain and hash.
  const { config } = new DynamoDBClient({ region });
  return new ProvisionerFunction({
    functionName: `confide-${stage}-${name}`,
    endpoint: process.env.CONFIDE_LAMBDA_ENDPOINT ?? `https://lambda.${region}.amazonaws.com`,
    region,
    credentials: config.credentials,
    sha256: config.sha256,
    timeoutMs: 15 * 60 * 1000,
  });
}
