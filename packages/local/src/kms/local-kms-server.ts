import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { applyDueLifecycleEvents } from './key-lifecycle.js';
import { KeyStore } from './key-store.js';
import { type KmsLocation, LOCAL_ACCOUNT_ID } from './kms-arns.js';
import { KmsError } from './kms-errors.js';
import type { ResponseObject } from './kms-operation.js';
import { kmsOperations, STATE_PRESERVING_OPERATIONS } from './kms-operations.js';
import { isJsonObject, type JsonValue, RequestFields } from './request-fields.js';

/** Options of {@link startLocalKms}. */
export interface LocalKmsOptions {
  /**
   * The local data folder. Keys, aliases, tags and key states are kept in `${dataDir}/kms/keys.json`, so a
   * server restarted with the same folder decrypts old ciphertexts. Without it, state lives in memory only.
   */
  dataDir?: string;
  /** Port to listen on; `0` (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; defaults to `127.0.0.1`. */
  host?: string;
  /** Region in the ARNs this endpoint issues and accepts; defaults to `eu-west-2`. */
  region?: string;
  /** Clock deciding creation dates, rotation and when keys pending deletion are deleted. */
  now?: () => Date;
}

/** A running local KMS endpoint. */
export interface LocalKms {
  /** Base URL to give `KMSClient` as `endpoint`, e.g. `http://127.0.0.1:49152`. */
  endpoint: string;
  port: number;
  /** Stops listening, closes open connections and waits for pending writes to the data folder. */
  stop(): Promise<void>;
  /**
   * Requests received since start, by operation name (the part after `TrentService.` in `X-Amz-Target`),
   * unknown operations and failed requests included. A copy: later requests do not change it.
   */
  requestCount(): Record<string, number>;
}

const TARGET_PREFIX = 'TrentService.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
/** Far above any valid KMS request (blobs are at most 6 KiB), low enough to refuse junk early. */
const MAX_BODY_BYTES = 1024 * 1024;

interface ProtocolResponse {
  status: number;
  body: ResponseObject;
}

/**
 * Starts an HTTP server that speaks the AWS KMS JSON 1.1 protocol, for `@aws-sdk/client-kms` pointed at
 * {@link LocalKms.endpoint}. Request signatures are not checked. Keys are symmetric AES-256-GCM keys with
 * real encryption-context binding; see `ciphertext-blob.ts` for the ciphertext format.
 */
export async function startLocalKms(options: LocalKmsOptions = {}): Promise<LocalKms> {
  const { dataDir, port = 0, host = '127.0.0.1', region = 'eu-west-2', now = () => new Date() } = options;
  const store =
    dataDir === undefined ? KeyStore.inMemory() : await KeyStore.open(join(dataDir, 'kms', 'keys.json'));
  const location: KmsLocation = { region, accountId: LOCAL_ACCOUNT_ID };
  const counts = new Map<string, number>();

  const server = createServer((request, response) => {
    void handleRequest(request).then(
      (result) => send(response, result),
      (error: unknown) => send(response, errorResponse(error)),
    );
  });

  async function handleRequest(request: IncomingMessage): Promise<ProtocolResponse> {
    const operationName = operationNameOf(request);
    if (operationName !== undefined) counts.set(operationName, (counts.get(operationName) ?? 0) + 1);
    let result: ProtocolResponse;
    let lifecycleChanged = false;
    try {
      const body = await readJsonBody(request);
      const operation =
        request.method === 'POST' && operationName !== undefined && kmsOperations.get(operationName);
      if (!operation) {
        throw new KmsError(
          'UnknownOperationException',
          `Unknown operation ${operationName ?? '(no X-Amz-Target)'}`,
        );
      }
      const requestTime = now();
      lifecycleChanged = applyDueLifecycleEvents(store, requestTime);
      result = {
        status: 200,
        body: operation({ store, location, now: requestTime, fields: new RequestFields(body) }),
      };
    } catch (error) {
      result = errorResponse(error);
    }
    // Also after a failed request: the lifecycle events applied before it may have deleted or rotated keys.
    if (lifecycleChanged || !STATE_PRESERVING_OPERATIONS.has(operationName ?? '')) await store.persist();
    return result;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const boundPort = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`,
    port: boundPort,
    requestCount: () => Object.fromEntries(counts),
    async stop() {
      const closed = new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      // The SDK keeps connections alive; without this, close() would wait for them to time out.
      server.closeAllConnections();
      await closed;
      await store.settled();
    },
  };
}

function operationNameOf(request: IncomingMessage): string | undefined {
  const target = request.headers['x-amz-target'];
  if (typeof target !== 'string' || !target.startsWith(TARGET_PREFIX)) return undefined;
  return target.slice(TARGET_PREFIX.length);
}

async function readJsonBody(request: IncomingMessage): Promise<Record<string, JsonValue>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += bytes.length;
    if (size > MAX_BODY_BYTES) throw new KmsError('ValidationException', 'The request body is too large');
    chunks.push(bytes);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let body: JsonValue;
  try {
    body = JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new KmsError('SerializationException', 'The request body is not valid JSON', { cause: error });
  }
  if (!isJsonObject(body))
    throw new KmsError('SerializationException', 'The request body must be a JSON object');
  return body;
}

function errorResponse(error: unknown): ProtocolResponse {
  if (error instanceof KmsError) {
    return { status: error.httpStatus, body: { __type: error.type, message: error.message } };
  }
  // A bug or an I/O failure: masked from the client, visible to whoever runs the local stack.
  console.error('Local KMS: unexpected error', error);
  return { status: 500, body: { __type: 'KMSInternalException', message: 'An internal error occurred.' } };
}

function send(response: ServerResponse, { status, body }: ProtocolResponse): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(text);
}
