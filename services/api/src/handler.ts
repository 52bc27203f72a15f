import { type ConfideYoga, configFromEnv, createConfideYoga, createServices } from '@confide/api';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { handleHttpApiEvent } from './lambda-adapter';

// Built once per Lambda container, at init: the schema, the SDK clients and the key caches are shared by every
// invocation; each request still gets a fresh GraphQL context.
let yoga: ConfideYoga | undefined;

function server(): ConfideYoga {
  yoga ??= createConfideYoga(createServices(configFromEnv()));
  return yoga;
}

/** The api Lambda: API Gateway HTTP API (payload v2) in, GraphQL over HTTP out. */
export async function handler(
  event: APIGatewayProxyEventV2,
  context: Context,
): Promise<APIGatewayProxyStructuredResultV2> {
  return handleHttpApiEvent(server(), event, context);
}
