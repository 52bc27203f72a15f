import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS, type LocalStack } from '@confide/local';
import { type CallSpan, LeanDynamoDBClient } from '@confide/store';
import type { MiddlewareStack } from '@smithy/types';
import { capacityUnits } from './capacity-units';
import { RUN_HEADER } from './load-generator';

/**
 * Exact per-run accounting of what a server did, for the load runs (issue 18, "phantom requests").
 *
 * Each request the load generator sends names its run in the `x-bench-run` header. A request is charged to its
 * run only if it finished (its response was fully written): a request whose client went away is counted as cut
 * off and nothing it did is charged. The SDK calls a request makes are attributed to it through
 * AsyncLocalStorage (not by reading a process-wide counter before and after), and added to its run's tally when
 * it finishes, so calls of a request cut off at the end of a warm-up can never land in the measured run.
 */

/** What the requests of one run did, counting only requests that finished. */
export interface RunTally {
  /** Requests that carried this run's id and whose response was fully written. */
  served: number;
  /** Requests that carried this run's id but whose client closed the connection before the response ended. */
  cutOff: number;
  /** Served responses whose body carried GraphQL `errors`. */
  graphqlErrors: number;
  /** SDK attempts on the wire of the served requests, by `Service.Operation`. */
  readonly calls: Map<string, number>;
  /** DynamoDB write calls (one per command, whatever its retries) whose items all live under `#AUDIT#` keys. */
  auditWrites: number;
  /** Every served request, in the order they ended. */
  readonly requests: ServedRequest[];
}

/** One SDK call of a request: its span on the wire (retries inside it), whether it wrote audit, its capacity. */
export interface BenchCall extends CallSpan {
  readonly audit: boolean;
  /** Capacity units AWS would charge for the call, from its items (bench/capacity-units.ts). */
  readonly readUnits: number;
  readonly writeUnits: number;
}

/** A finished request: when the server received it and ended its response (ms, performance.now()), its calls. */
export interface ServedRequest {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly calls: readonly BenchCall[];
}

interface RequestRecord {
  readonly run: string | undefined;
  readonly startedAt: number;
  readonly calls: Map<string, number>;
  readonly spans: BenchCall[];
  auditWrites: number;
  finished: boolean;
}

const requestOf = new AsyncLocalStorage<RequestRecord>();

function emptyTally(): RunTally {
  return { served: 0, cutOff: 0, graphqlErrors: 0, calls: new Map(), auditWrites: 0, requests: [] };
}

export class ServedRequests {
  readonly #tallies = new Map<string, RunTally>();
  #inFlight = 0;
  #handled = 0;

  /** Requests whose handling has not ended yet (response written, or the handler's promise settled). */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Every request the server received, whatever its run. */
  get handled(): number {
    return this.#handled;
  }

  /** The tally of one run (empty if no request of that run finished). */
  tally(run: string): RunTally {
    return this.#tallies.get(run) ?? emptyTally();
  }

  /** Sum of one service's calls in a tally. */
  static total(tally: RunTally, service: string): number {
    let sum = 0;
    for (const [key, count] of tally.calls) if (key.startsWith(`${service}.`)) sum += count;
    return sum;
  }

  /** Waits until every request the server received has ended, so nothing is still running when tallies are read. */
  async drained(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.#inFlight > 0) {
      if (Date.now() > deadline)
        throw new Error(`${this.#inFlight} requests still in flight after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Wraps a server's request listeners: run attribution, finish/cut-off, GraphQL errors in the body. */
  attach(server: Server): this {
    const listeners = server.listeners('request') as ((
      req: IncomingMessage,
      res: ServerResponse,
    ) => unknown)[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.#handle(req, res, listeners));
    return this;
  }

  #handle(
    req: IncomingMessage,
    res: ServerResponse,
    listeners: readonly ((req: IncomingMessage, res: ServerResponse) => unknown)[],
  ): void {
    this.#handled++;
    this.#inFlight++;
    const header = req.headers[RUN_HEADER];
    const record: RequestRecord = {
      run: typeof header === 'string' ? header : undefined,
      startedAt: performance.now(),
      calls: new Map(),
      spans: [],
      auditWrites: 0,
      finished: false,
    };
    let seen = '';
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    const inspect = (chunk: unknown) => {
      if (typeof chunk === 'string' || chunk instanceof Uint8Array) seen += Buffer.from(chunk).toString();
    };
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      inspect(chunk);
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (typeof chunk !== 'function') inspect(chunk);
      return end(chunk, ...rest);
    }) as typeof res.end;

    // Handling ends when the response is written AND the handler's promise settled (a handler may go on after a
    // client closed: yoga does). Only then is the request no longer in flight.
    let responseEnded = false;
    let handlerSettled = false;
    const ended = () => {
      if (responseEnded && handlerSettled) this.#inFlight--;
    };
    res.once('finish', () => {
      record.finished = true;
      if (record.run !== undefined) {
        const tally = this.#tallies.get(record.run) ?? emptyTally();
        this.#tallies.set(record.run, tally);
        tally.served++;
        if (seen.includes('"errors":')) tally.graphqlErrors++;
        for (const [key, count] of record.calls) tally.calls.set(key, (tally.calls.get(key) ?? 0) + count);
        tally.auditWrites += record.auditWrites;
        tally.requests.push({ startedAt: record.startedAt, endedAt: performance.now(), calls: record.spans });
      }
    });
    res.once('close', () => {
      if (!record.finished && record.run !== undefined) {
        const tally = this.#tallies.get(record.run) ?? emptyTally();
        this.#tallies.set(record.run, tally);
        tally.cutOff++;
      }
      responseEnded = true;
      ended();
    });
    requestOf.run(record, () => {
      const settled = Promise.allSettled(listeners.map((listener) => listener(req, res)));
      void settled.then(() => {
        handlerSettled = true;
        ended();
      });
    });
  }
}

const WRITE_COMMANDS = new Set([
  'TransactWriteItemsCommand',
  'BatchWriteItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
]);

/** Partition keys a DynamoDB write touches (audit writes: all of them under `#AUDIT#`). */
export function writtenPartitions(input: Record<string, unknown>): string[] {
  const keys: string[] = [];
  const pkOf = (item: unknown) => (item as { pk?: { S?: string } } | undefined)?.pk?.S;
  const transact = (input.TransactItems ?? []) as Record<string, { Item?: unknown; Key?: unknown }>[];
  for (const entry of transact)
    for (const action of Object.values(entry)) keys.push(pkOf(action.Item ?? action.Key) ?? '');
  const batch = (input.RequestItems ?? {}) as Record<
    string,
    { PutRequest?: { Item: unknown }; DeleteRequest?: { Key: unknown } }[]
  >;
  for (const requests of Object.values(batch))
    for (const request of requests)
      if (request.PutRequest || request.DeleteRequest)
        keys.push(pkOf(request.PutRequest?.Item ?? request.DeleteRequest?.Key) ?? '');
  if (input.Item) keys.push(pkOf(input.Item) ?? '');
  if (input.Key) keys.push(pkOf(input.Key) ?? '');
  return keys;
}

/**
 * Whether a DynamoDB command is a write that carries audit items (under `#AUDIT#` keys): the audit's own calls, and a
 * change written in the same transaction as the events recording it (a note write).
 */
export function isAuditWrite(commandName: string | undefined, input: unknown): boolean {
  if (!WRITE_COMMANDS.has(commandName ?? '')) return false;
  return writtenPartitions(input as Record<string, unknown>).some((key) => key.includes('#AUDIT#'));
}

/**
 * Charges an SDK client's calls to the request that made them (see {@link ServedRequests}): every attempt on the
 * wire (retries included); each call once with its span, whether it is an audit write, and (when
 * the capacity units AWS would charge for it (bench/capacity-units.ts).
 */
export function attributeCalls<I extends object, O extends object>(
  stack: MiddlewareStack<I, O>,
  service: string,
): void {
  stack.add(
    (next, context) => async (args) => {
      const record = requestOf.getStore();
      if (!record) return next(args);
      return chargeCall(
        record,
        service,
        context.commandName ?? 'Unknown',
        args.input,
        () => next(args),
        (result) => result.output,
      );
    },
    // Outside the retry loop: one entry per call.
    { step: 'initialize', name: `benchCalls${service}` },
  );
  stack.add(
    (next, context) => async (args) => {
      const record = requestOf.getStore();
      if (record) {
        const key = `${service}.${(context.commandName ?? 'Unknown').replace(/Command$/, '')}`;
        record.calls.set(key, (record.calls.get(key) ?? 0) + 1);
      }
      return next(args);
    },
    // Inside the retry loop: each attempt on the wire counts.
    { step: 'finalizeRequest', priority: 'low', name: `benchRequestCalls${service}` },
  );
}

/**
 * Charges one call to the request that made it: whether it writes audit items, its span, and for DynamoDB the
 * capacity units AWS would charge for it (bench/capacity-units.ts). A failed call leaves no span.
 */
async function chargeCall<R>(
  record: RequestRecord,
  service: string,
  commandName: string,
  input: unknown,
  call: () => Promise<R>,
  outputOf: (result: R) => unknown,
): Promise<R> {
  const audit = service === 'DynamoDB' && isAuditWrite(commandName, input);
  if (audit) record.auditWrites++;
  const startedAt = performance.now();
  const result = await call();
  const { readUnits, writeUnits } =
    service === 'DynamoDB'
      ? capacityUnits(commandName, input, outputOf(result))
      : { readUnits: 0, writeUnits: 0 };
  record.spans.push({
    service,
    operation: commandName.replace(/Command$/, ''),
    startedAt,
    endedAt: performance.now(),
    audit,
    readUnits,
    writeUnits,
  });
  return result;
}

/**
 * A DynamoDB client for the local stack whose calls are charged to the request that made them: the SDK's client with
 * {@link attributeCalls} (the baseline's), or with `lean` the lean client Confide runs on (decision 0069), charged at
 * `send` by {@link AttributedLeanClient} (middleware would put it back on the SDK's stack).
 */
export function instrumentedDynamo(stack: LocalStack, options: { lean?: boolean } = {}): DynamoDBClient {
  const config = { region: stack.region, endpoint: stack.dynamodbEndpoint, credentials: LOCAL_CREDENTIALS };
  if (options.lean) return new AttributedLeanClient(config);
  const client = new DynamoDBClient(config);
  attributeCalls(client.middlewareStack, 'DynamoDB');
  return client;
}

/**
 * The lean client, its calls charged as {@link attributeCalls} charges them: each call once with its span, audit flag
 * and capacity units; each attempt (from the answer's or the failure's `$metadata.attempts`) in the request's calls.
 */
export class AttributedLeanClient extends LeanDynamoDBClient {
  // biome-ignore lint/suspicious/noExplicitAny: the SDK's overloads of send, passed through unchanged.
  override send(command: any, ...rest: any[]): any {
    const record = requestOf.getStore();
    if (!record || rest.length > 0) return super.send(command, ...rest);
    const commandName: string = command.constructor.name;
    const operation = commandName.replace(/Command$/, '');
    const key = `DynamoDB.${operation}`;
    const countAttempts = (metadata: { attempts?: number } | undefined) =>
      record.calls.set(key, (record.calls.get(key) ?? 0) + (metadata?.attempts ?? 1));
    return chargeCall(
      record,
      'DynamoDB',
      commandName,
      command.input,
      () => super.send(command) as Promise<{ $metadata: { attempts?: number } }>,
      (output) => output,
    ).then(
      (output) => {
        countAttempts(output.$metadata);
        return output;
      },
      (error: { $metadata?: { attempts?: number } }) => {
        countAttempts(error.$metadata);
        throw error;
      },
    );
  }
}
