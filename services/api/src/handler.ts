import { type ConfideYoga, configFromEnv, createConfideYoga, createServices } from '@confide/api';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { handleHttpApiEvent } from './lambda-adapter';

// Built once per Lambda container, at init: the schema, the SDK clients and the key caches are shared by every
// invocation; each request still gets a fresh GraphQL context. The issuer's signing keys are fetched during init,
// beside the rest of the cold start, instead of by the first request.
const yoga: ConfideYoga = createConfideYoga(createServices(configFromEnv()), { prefetchSigningKeys: true });

function server(): ConfideYoga {
  return yoga;
}

/** The api Lambda: API Gateway HTTP API (payload v2) in, GraphQL over HTTP out. */
export async function handler(
  event: APIGatewayProxyEventV2,
  context: Context,
): Promise<APIGatewayProxyStructuredResultV2> {
  return handleHttpApiEvent(server(), event, context);
}
