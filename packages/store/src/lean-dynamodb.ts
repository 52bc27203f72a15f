import { createHash, createHmac, randomUUID } from 'node:crypto';
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  DynamoDBServiceException,
  GetItemCommand,
  IdempotentParameterMismatchException,
  InternalServerError,
  ItemCollectionSizeLimitExceededException,
  LimitExceededException,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  QueryCommand,
  ReplicatedWriteConflictException,
  RequestLimitExceeded,
  ResourceNotFoundException,
  ThrottlingException,
  TransactionCanceledException,
  TransactionConflictException,
  TransactionInProgressException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { HttpRequest } from '@smithy/core/protocols';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import type {
  AwsCredentialIdentity,
  HttpResponse,
  ResponseMetadata,
  RetryErrorInfo,
  RetryErrorType,
  RetryStrategyV2,
  SdkError,
} from '@smithy/types';
import { countRequests, type RequestCounters } from './request-counters';

/**
 * A DynamoDB client whose data-plane calls skip the SDK's middleware stack (decision 0069, measured in 0067).
 *
 * The SDK spends about 0.2–0.25 ms of CPU on every call whatever its size (resolving the command's middleware,
 * endpoint rules, schema serde, signing, parsing): more than the rest of a client read's API work. For the commands
 * the records and the audit use, this client sends DynamoDB's JSON protocol itself, as the SDK would send it:
 * - the input as `JSON.stringify` makes it, binary attributes as base64; a transaction without an idempotency token is
 *   given one, as the SDK gives it;
 * - signed with Signature Version 4 by the client's own credentials provider (refreshing assumed-role credentials
 *   included), the day's signing key kept;
 * - over the client's own request handler (its keep-alive agent and timeouts; a test's or the bench's transport);
 * - retried by the client's own retry strategy, with the SDK's classification of throttling, transient and server
 *   errors, backoff and retry quota;
 * - answered with the SDK's shapes: the output with binary attributes as bytes and `$metadata`; a failure as the
 *   SDK's own exception class (`ConditionalCheckFailedException` with its `Item`, `TransactionCanceledException`
 *   with its `CancellationReasons`), others as `DynamoDBServiceException` named by their code.
 *
 * Every other command, any call with options, and every call of a client to which middleware was added after it was
 * built (a test's fault injection, a bench's attribution) go through the SDK unchanged, so that every middleware
 * runs. Request counters (`countRequests`) count both ways.
 */
export class LeanDynamoDBClient extends DynamoDBClient {
  #middlewareAdded = false;
  #counters: RequestCounters | undefined;
  #endpoint: Promise<LeanEndpoint> | undefined;
  #signingKey: { readonly secret: string; readonly scope: string; readonly key: Buffer } | undefined;

  constructor(config: DynamoDBClientConfig) {
    super(config);
    // Confide never gives the SDK a logger (decision 0038).
    this.middlewareStack.remove('loggerMiddleware');
    const stack = this.middlewareStack;
    const add = stack.add.bind(stack);
    const addRelativeTo = stack.addRelativeTo.bind(stack);
    // `use` applies a plugin through these two, so every middleware added from now on is seen.
    stack.add = ((...args: Parameters<typeof add>) => {
      this.#middlewareAdded = true;
      return add(...args);
    }) as typeof stack.add;
    stack.addRelativeTo = ((...args: Parameters<typeof addRelativeTo>) => {
      this.#middlewareAdded = true;
      return addRelativeTo(...args);
    }) as typeof stack.addRelativeTo;
  }

  /**
   * Counts this client's calls into `counters`, the lean ones here and the SDK's by `countRequests`' middleware, which
   * is Confide's own and so leaves the lean path on.
   */
  countInto(counters: RequestCounters): void {
    const added = this.#middlewareAdded;
    countRequests(this.middlewareStack, 'DynamoDB', counters);
    this.#middlewareAdded = added;
    this.#counters = counters;
  }

  /** Whether `command` is sent by this client itself rather than through the SDK's middleware (for tests). */
  sendsLean(command: object): boolean {
    return !this.#middlewareAdded && LEAN_TARGETS.has(command.constructor);
  }

  // biome-ignore lint/suspicious/noExplicitAny: the SDK's overloads of send, passed through unchanged.
  override send(command: any, ...rest: any[]): any {
    const operation =
      rest.length > 0 || this.#middlewareAdded ? undefined : LEAN_TARGETS.get(command.constructor);
    return operation ? this.#sendLean(operation, command.input) : super.send(command, ...rest);
  }

  async #sendLean(operation: string, input: Record<string, unknown>): Promise<unknown> {
    const body = JSON.stringify(
      toWire(
        operation === 'TransactWriteItems' && input.ClientRequestToken === undefined
          ? { ...input, ClientRequestToken: randomUUID() }
          : input,
      ),
    );
    const retryStrategy = (await this.config.retryStrategy()) as RetryStrategyV2;
    let token = await retryStrategy.acquireInitialRetryToken('');
    let attempts = 0;
    let totalRetryDelay = 0;
    for (;;) {
      try {
        const output = await this.#attempt(operation, body);
        retryStrategy.recordSuccess(token);
        output.$metadata.attempts = attempts + 1;
        output.$metadata.totalRetryDelay = totalRetryDelay;
        return output;
      } catch (caught) {
        const error = caught instanceof Error ? caught : new Error(String(caught));
        try {
          token = await retryStrategy.refreshRetryTokenForRetry(token, retryInfo(error));
        } catch {
          const failed = error as { $metadata?: ResponseMetadata };
          failed.$metadata = { ...failed.$metadata, attempts: attempts + 1, totalRetryDelay };
          throw error;
        }
        attempts = token.getRetryCount();
        const delay = token.getRetryDelay();
        totalRetryDelay += delay;
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** One signed request on the wire; its answer parsed, or its failure as the SDK would throw it. */
  async #attempt(
    operation: string,
    body: string,
  ): Promise<Record<string, unknown> & { $metadata: ResponseMetadata }> {
    const counters = this.#counters;
    counters?.record('DynamoDB', operation);
    const startedAt = performance.now();
    try {
      // Resolved once; a failure is not kept, so the next call tries again.
      this.#endpoint ??= this.#resolveEndpoint().catch((error: unknown) => {
        this.#endpoint = undefined;
        throw error;
      });
      const endpoint = await this.#endpoint;
      const credentials = await this.config.credentials();
      const request = new HttpRequest({
        method: 'POST',
        protocol: endpoint.protocol,
        hostname: endpoint.hostname,
        ...(endpoint.port === undefined ? {} : { port: endpoint.port }),
        path: endpoint.path,
        headers: this.#signedHeaders(operation, body, endpoint, credentials),
        body,
      });
      const { response } = await this.config.requestHandler.handle(request);
      return await this.#read(response as HttpResponse);
    } finally {
      counters?.recordSpan({ service: 'DynamoDB', operation, startedAt, endedAt: performance.now() });
    }
  }

  /** Where the client's calls go, resolved once: its configured endpoint, or the region's by the SDK's rules. */
  async #resolveEndpoint(): Promise<LeanEndpoint> {
    const region = await this.config.region();
    const url = this.config.isCustomEndpoint ? await this.config.endpoint?.() : undefined;
    if (url) {
      const port = url.port === undefined ? undefined : Number(url.port);
      return {
        protocol: url.protocol,
        hostname: url.hostname,
        port,
        path: url.path || '/',
        host: port === undefined ? url.hostname : `${url.hostname}:${port}`,
        region,
      };
    }
    const resolved = this.config.endpointProvider({
      Region: region,
      UseFIPS: await this.config.useFipsEndpoint(),
      UseDualStack: await this.config.useDualstackEndpoint(),
    }).url;
    const port = resolved.port === '' ? undefined : Number(resolved.port);
    return {
      protocol: resolved.protocol,
      hostname: resolved.hostname,
      port,
      path: resolved.pathname || '/',
      host: resolved.host,
      region,
    };
  }

  /** Signature Version 4 of a JSON-protocol call, as the SDK's signer makes it for these headers. */
  #signedHeaders(
    operation: string,
    body: string,
    { host, region }: LeanEndpoint,
    credentials: AwsCredentialIdentity,
  ): Record<string, string> {
    const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
    const day = amzDate.slice(0, 8);
    const scope = `${day}/${region}/dynamodb/aws4_request`;
    const payloadHash = sha256Hex(body);
    const target = `DynamoDB_20120810.${operation}`;
    const token = credentials.sessionToken;
    const signed: [string, string][] = [
      ['content-type', 'application/x-amz-json-1.0'],
      ['host', host],
      ['x-amz-content-sha256', payloadHash],
      ['x-amz-date', amzDate],
      ...(token ? ([['x-amz-security-token', token]] as [string, string][]) : []),
      ['x-amz-target', target],
    ];
    const names = signed.map(([name]) => name).join(';');
    const canonical = `POST\n/\n\n${signed.map(([name, value]) => `${name}:${value}\n`).join('')}\n${names}\n${payloadHash}`;
    const signature = createHmac('sha256', this.#keyFor(credentials.secretAccessKey, scope, day, region))
      .update(`AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`)
      .digest('hex');
    return {
      ...Object.fromEntries(signed),
      'content-length': String(Buffer.byteLength(body)),
      authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names}, Signature=${signature}`,
    };
  }

  /** The signing key derived from the secret for the day (kept until the day, the region or the secret changes). */
  #keyFor(secret: string, scope: string, day: string, region: string): Buffer {
    const kept = this.#signingKey;
    if (kept && kept.secret === secret && kept.scope === scope) return kept.key;
    const dated = createHmac('sha256', `AWS4${secret}`).update(day).digest();
    const regional = createHmac('sha256', dated).update(region).digest();
    const service = createHmac('sha256', regional).update('dynamodb').digest();
    const key = createHmac('sha256', service).update('aws4_request').digest();
    this.#signingKey = { secret, scope, key };
    return key;
  }

  async #read(response: HttpResponse): Promise<Record<string, unknown> & { $metadata: ResponseMetadata }> {
    const bytes = await this.config.streamCollector(response.body);
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    const $metadata: ResponseMetadata = {
      httpStatusCode: response.statusCode,
      requestId: headerOf(response, 'x-amzn-requestid'),
    };
    const succeeded = response.statusCode >= 200 && response.statusCode < 300;
    let parsed: Record<string, unknown>;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : {};
    } catch {
      // A failure's body need not be DynamoDB's (a proxy's 502 page): the status still classifies it for a retry.
      if (!succeeded) throw serviceError(response, {}, $metadata);
      throw Object.assign(new Error('DynamoDB answered with a body that is not JSON.'), { $metadata });
    }
    binaryAsBytes(parsed);
    if (succeeded) return { ...parsed, $metadata };
    throw serviceError(response, parsed, $metadata);
  }
}

interface LeanEndpoint {
  readonly protocol: string;
  readonly hostname: string;
  readonly port: number | undefined;
  readonly path: string;
  /** The `host` header, port included when there is one (as the SDK sends and signs it). */
  readonly host: string;
  readonly region: string;
}

/** The commands sent lean, by class (names do not survive minifying), with their JSON-protocol operation names. */
const LEAN_TARGETS = new Map<unknown, string>([
  [GetItemCommand, 'GetItem'],
  [PutItemCommand, 'PutItem'],
  [UpdateItemCommand, 'UpdateItem'],
  [DeleteItemCommand, 'DeleteItem'],
  [QueryCommand, 'Query'],
  [BatchGetItemCommand, 'BatchGetItem'],
  [BatchWriteItemCommand, 'BatchWriteItem'],
  [TransactWriteItemsCommand, 'TransactWriteItems'],
]);

/** DynamoDB's modelled errors these commands can answer, as the SDK's classes (`instanceof` works as with the SDK). */
const MODELLED_ERRORS = new Map<string, new (options: never) => DynamoDBServiceException>(
  [
    ConditionalCheckFailedException,
    IdempotentParameterMismatchException,
    InternalServerError,
    ItemCollectionSizeLimitExceededException,
    LimitExceededException,
    ProvisionedThroughputExceededException,
    ReplicatedWriteConflictException,
    RequestLimitExceeded,
    ResourceNotFoundException,
    ThrottlingException,
    TransactionCanceledException,
    TransactionConflictException,
    TransactionInProgressException,
  ].map((type) => [new type({ $metadata: {}, message: '' } as never).name, type as never]),
);

/**
 * A failed call as the SDK throws it: the error code from the `x-amzn-errortype` header or the body's `__type`
 * (namespace and suffix removed), the message, the modelled members (`Item`, `CancellationReasons`, `Message`) and
 * `$metadata`, so that retries classify it, and callers catch it, as they would the SDK's.
 */
function serviceError(
  response: HttpResponse,
  body: Record<string, unknown>,
  $metadata: ResponseMetadata,
): DynamoDBServiceException {
  const raw = headerOf(response, 'x-amzn-errortype') ?? String(body.__type ?? body.code ?? 'Unknown');
  const name = raw.split(':')[0]?.split('#').at(-1) || 'Unknown';
  const Modelled = MODELLED_ERRORS.get(name);
  // Built without a message, as the SDK builds them, so that `message` becomes an own member like the SDK's.
  const error = (
    Modelled
      ? new Modelled({ $metadata, ...body } as never)
      : new DynamoDBServiceException({
          name,
          $fault: response.statusCode >= 500 ? 'server' : 'client',
          $metadata,
        } as never)
  ) as DynamoDBServiceException & Record<string, unknown>;
  // As the SDK decorates its exceptions: every member of the body the error does not have yet, then one `message`.
  for (const [key, value] of Object.entries(body)) {
    if (value !== undefined && (error[key] == null || error[key] === '')) error[key] = value;
  }
  error.message = String(error.message || error.Message || 'UnknownError');
  delete error.Message;
  error.$response = response;
  return error;
}

/** How the SDK's retry strategy should treat a failure, classified as the SDK's retry middleware does. */
function retryInfo(caught: Error): RetryErrorInfo {
  const error = caught as SdkError;
  const type: RetryErrorType = isThrottlingError(error)
    ? 'THROTTLING'
    : isTransientError(error)
      ? 'TRANSIENT'
      : isServerError(error)
        ? 'SERVER_ERROR'
        : 'CLIENT_ERROR';
  return { error, errorType: type };
}

function headerOf(response: HttpResponse, name: string): string | undefined {
  for (const [key, value] of Object.entries(response.headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

const sha256Hex = (data: string) => createHash('sha256').update(data).digest('hex');

/**
 * The input as DynamoDB's JSON wants it: binary attribute values (Uint8Array, Buffer) as base64, the rest as given. A
 * walk and a plain `JSON.stringify` cost about three quarters of a replacer function's time.
 */
function toWire(value: unknown): unknown {
  if (value instanceof Uint8Array) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  }
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value !== 'object' || value === null) return value;
  const wire: Record<string, unknown> = {};
  for (const key in value) {
    const member = (value as Record<string, unknown>)[key];
    wire[key] = typeof member === 'object' && member !== null ? toWire(member) : member;
  }
  return wire;
}

/**
 * `{ "B": "<base64>" }` and `{ "BS": [...] }` of a parsed answer turned to bytes in place, as the SDK returns them. In
 * DynamoDB's JSON an attribute value is always an object, so a string under the key `B` is only ever a binary value.
 * A walk after a plain `JSON.parse` costs about two fifths of a reviver function's time (a 50-item answer: about
 * 200 µs against 500).
 */
function binaryAsBytes(value: object): void {
  if (Array.isArray(value)) {
    for (const entry of value) if (typeof entry === 'object' && entry !== null) binaryAsBytes(entry);
    return;
  }
  const members = value as Record<string, unknown>;
  for (const key in members) {
    const member = members[key];
    if (key === 'B' && typeof member === 'string') members[key] = toBytes(member);
    else if (key === 'BS' && Array.isArray(member))
      members[key] = member.map((entry) => toBytes(String(entry)));
    else if (typeof member === 'object' && member !== null) binaryAsBytes(member);
  }
}

/** A plain Uint8Array, as the SDK gives (not a Buffer, whose `toJSON` and equality differ). */
function toBytes(base64: string): Uint8Array {
  const buffer = Buffer.from(base64, 'base64');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
