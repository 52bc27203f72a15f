import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * A real-shaped API Gateway HTTP API (payload 2.0) event for `POST /graphql`, as the api Lambda receives it: the
 * tests, the built-artifact runs and the benchmark's cold start and replayed CPU all invoke the handler with it.
 * The body travels base64-encoded with its true `content-length` unless told otherwise; `headers` are added last, so
 * a test can claim a false length or leave a header out by naming it `undefined`.
 */
export function httpApiEvent(
  body: string,
  options: {
    readonly headers?: Readonly<Record<string, string | undefined>>;
    readonly requestId?: string;
    /** `text`: the body as sent, `isBase64Encoded: false` (API Gateway's choice for text payloads). */
    readonly encoding?: 'base64' | 'text';
    readonly userAgent?: string;
  } = {},
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries({
    host: 'abc123.execute-api.eu-west-2.amazonaws.com',
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    ...options.headers,
  })) {
    if (value !== undefined) headers[name] = value;
  }
  const text = options.encoding === 'text';
  return {
    version: '2.0',
    routeKey: 'POST /graphql',
    rawPath: '/graphql',
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-2.amazonaws.com',
      domainPrefix: 'abc123',
      http: {
        method: 'POST',
        path: '/graphql',
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.9',
        userAgent: options.userAgent ?? 'test',
      },
      requestId: options.requestId ?? 'req-1',
      routeKey: 'POST /graphql',
      stage: '$default',
      time: '22/Nov/2026:09:00:00 +0000',
      timeEpoch: 1795338000000,
    },
    body: text ? body : Buffer.from(body).toString('base64'),
    isBase64Encoded: !text,
  };
}
