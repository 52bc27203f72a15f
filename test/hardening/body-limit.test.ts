import { type ConfideContext, DEFAULT_LIMITS, hardeningPlugins, schema } from '@confide/api';
import type { Context } from 'aws-lambda';
import { createYoga, type Plugin } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { handleHttpApiEvent } from '../../services/api/src/lambda-adapter';
import { httpApiEvent } from '../support/http-api-event';
import { testApi } from '../support/test-api';

/**
 * The request-body cap (hardening.ts, decision 0038): a declared `Content-Length` within the cap is trusted and the
 * body reaches yoga's parser untouched (no counting stream, no second Request); a body without one is still counted
 * and refused past the cap; and the Lambda adapter declares the delivered body's real length, so a caller's false
 * `Content-Length` cannot carry an oversized body past the cap.
 */

const QUERY = JSON.stringify({ query: '{ __typename }' });
const OVERSIZED = JSON.stringify({
  query: 'query ($pad: String) { __typename }',
  variables: { pad: 'x'.repeat(DEFAULT_LIMITS.maxBodyBytes) },
});

/** A server with the hardening plugins, and a record of each Request yoga's own body parser was given. */
function observedServer() {
  const { services } = testApi();
  const parsed: Request[] = [];
  const arrived: Request[] = [];
  // Registered before the hardening plugins, so a body-cap parser wraps this one and hands it its own Request.
  const observer: Plugin<ConfideContext> = {
    onRequestParse({ request, requestParser, setRequestParser }) {
      arrived.push(request);
      if (!requestParser) return;
      const parse = requestParser;
      setRequestParser((request) => {
        parsed.push(request);
        return parse(request);
      });
    },
  };
  const yoga = createYoga<Record<string, unknown>, ConfideContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    maxRequestBodySize: false,
    plugins: [observer, ...hardeningPlugins(services.config)],
  });
  return { yoga, parsed, arrived };
}

function post(body: BodyInit, headers: Record<string, string> = {}): Request {
  return new Request('http://confide.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    duplex: 'half',
  } as RequestInit);
}

/** A body in chunks, without a declared length (HTTP chunked transfer encoding). */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      for (let offset = 0; offset < bytes.byteLength; offset += 1000) {
        controller.enqueue(bytes.subarray(offset, offset + 1000));
      }
      controller.close();
    },
  });
}

describe('the request-body cap', () => {
  it('hands a body with a declared length within the cap to the parser as it came, with no copy', async () => {
    // Prepare
    const { yoga, parsed, arrived } = observedServer();
    const request = post(QUERY, { 'content-length': String(Buffer.byteLength(QUERY)) });

    // Act
    const response = await yoga.fetch(request);

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toBe(arrived[0]);
  });

  it('still counts a chunked body: answered within the cap, refused with 413 past it', async () => {
    // Prepare
    const { yoga } = observedServer();

    // Act
    const within = await yoga.fetch(post(chunked(QUERY)));
    const past = await yoga.fetch(post(chunked(OVERSIZED)));

    // Assess
    expect(within.status).toBe(200);
    expect(await within.json()).toEqual({ data: { __typename: 'Query' } });
    expect(past.status).toBe(413);
    const refused = (await past.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
    expect(refused.errors?.map((error) => error.extensions?.protection)).toEqual(['maxBodyBytes']);
  });

  it('through the Lambda adapter, refuses an oversized body whatever Content-Length the caller claims', async () => {
    // Prepare: a caller declaring a small length for a body over the cap.
    const api = testApi();
    const event = httpApiEvent(OVERSIZED, { headers: { 'content-length': '20' }, requestId: 'body-limit-1' });

    // Act
    const result = await handleHttpApiEvent(api.yoga, event, {
      awsRequestId: 'a',
      functionName: 'f',
    } as Context);

    // Assess
    expect(result.statusCode).toBe(413);
    const body = JSON.parse(result.body ?? '') as { errors?: { extensions?: Record<string, unknown> }[] };
    expect(body.errors?.map((error) => error.extensions?.protection)).toEqual(['maxBodyBytes']);
  });
});
