import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

/** The subset of a fetch-style server the adapter needs (graphql-yoga's `fetch`). */
export interface FetchServer {
  fetch(request: Request, serverContext: Record<string, unknown>): Promise<Response> | Response;
}

/**
 * Turns an API Gateway HTTP API (payload v2) event into a fetch Request, with `Content-Length` the delivered body's
 * length, runs it, and turns the Response back into the structured result API Gateway expects. The event goes to the server as `event`: its
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
  for (const [name, value] of Object.entries(event.headers)) {
    if (value === undefined) continue;
    try {
      headers.set(name, value);
    } catch {
      // A value fetch's Headers refuse (a character beyond Latin-1): the caller's mistake, not a fault.
      return badHeader(name);
    }
  }
  if (event.cookies?.length) headers.set('cookie', event.cookies.join('; '));
  const method = event.requestContext.http.method;
  const hasBody = method !== 'GET' && method !== 'HEAD' && event.body !== undefined;
  const body = hasBody ? Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8') : undefined;
  // The length of the body as delivered, not as the caller declared it: the body-size cap trusts this header and
  // skips counting the bytes when it is present (hardening.ts).
  if (body) headers.set('content-length', String(body.byteLength));
  else headers.delete('content-length');
  const request = new Request(url, { method, headers, ...(body ? { body } : {}) });
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

/** 400 BAD_USER_INPUT for a header no request can carry, naming the header (never its value); nothing runs. */
function badHeader(name: string): APIGatewayProxyStructuredResultV2 {
  const header = /^[\w!#$%&'*+.^`|~-]+$/.test(name) ? `The ${name} header` : 'A header';
  const message = `${header} holds a character an HTTP header cannot carry: send Latin-1 only.`;
  return {
    statusCode: 400,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] }),
    isBase64Encoded: false,
  };
}
