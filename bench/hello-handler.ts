import SchemaBuilder from '@pothos/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createYoga } from 'graphql-yoga';
import { handleHttpApiEvent } from '../services/api/src/lambda-adapter';

/**
 * The cold-start baseline: a bare yoga + Pothos "hello" Lambda, bundled exactly like the api (same esbuild
 * options, same HTTP API adapter), so the ratio of their init times is what Confide's own code costs.
 */
// No plugins: the cast only silences the options the api's Pothos plugins add to the global builder types.
const builder = new SchemaBuilder({} as ConstructorParameters<typeof SchemaBuilder>[0]);
builder.queryType({ fields: (t) => ({ hello: t.string({ resolve: () => 'world' }) }) });
const schema = builder.toSchema();

let yoga: ReturnType<typeof createYoga> | undefined;

export async function handler(
  event: APIGatewayProxyEventV2,
  context: Context,
): Promise<APIGatewayProxyStructuredResultV2> {
  yoga ??= createYoga({ schema, graphqlEndpoint: '/graphql', landingPage: false, graphiql: false });
  return handleHttpApiEvent(yoga, event, context);
}
