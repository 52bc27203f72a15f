import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

/** The subset of a fetch-style server the adapter needs (graphql-yoga's `fetch`). */
export interface FetchServer {
  fetch(request: Request, serverContext: Record<string, unknown>): Promise<Response> | Response;
}

/**
 * Turns an API Gateway HTTP API (payload v2) event into a fetch Request, runs it, and turns the Response back
 * into the structured result API Gateway expects. The event goes to the server as `event`: its
 * `requestContext.requestId` is the request id the audit records (issue 17 item 2).
 */
export async function handleHttpApiEvent(
  server: FetchServer,
  event: APIGatewayProxyEventV2,
  lambdaContext: Context,
): Promise<APIGatewayProxyStructuredResultV2> {
  const host = event.headers.host ?? event.requestContext.domainName ?? 'localhost';
  const url = `https://${host}${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
  const headers = new Headers();
  for (const [name, value] of Object.entries(event.headers))
    if (value !== undefined) headers.set(name, value);
  if (event.cookies?.length) headers.set('cookie', event.cookies.join('; '));
  const method = event.requestContext.http.method;
  const hasBody = method !== 'GET' && method !== 'HEAD' && event.body !== undefined;
  const request = new Request(url, {
    method,
    headers,
    ...(hasBody
      ? { body: event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64') : event.body }
      : {}),
  });
  const response = await server.fetch(request, { event, lambdaContext });
  const responseHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    responseHeaders[name] = value;
  });
  return {
    statusCode: response.status,
    headers: responseHeaders,
    body: await response.text(),
    isBase64Encoded: false,
  };
}
