import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpHandlerOptions, HttpRequest, HttpResponse } from '@smithy/types';

/**
 * An SDK request handler that takes the network out of a CPU measurement (issue 18): in `live` mode it is the
 * SDK's own Node handler; in `record` mode it also keeps every response; in `replay` mode it answers from the
 * recording without any I/O, so what remains of a request's CPU is the API's own work (GraphQL, checks,
 * crypto, the SDK's serialisation and parsing).
 *
 * A replayed call gets the recorded response of a request with the same target and the same body (reads of the
 * same keys); failing that — writes carry fresh ids and times — the next recorded response of the same target
 * (`X-Amz-Target`, e.g. `DynamoDB_20120810.TransactWriteItems`), in recorded order. Cursors rewind per request.
 * A BatchGetItem whose keys were grouped differently from the recording (the API batches what is asked for in the
 * same tick, and replayed answers arrive sooner than live ones) is answered from every item any recorded batch
 * returned, by table and key.
 */
interface Recorded {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

export type TransportMode = 'live' | 'record' | 'replay';

export class RecordedTransport {
  mode: TransportMode = 'live';
  readonly #live = new NodeHttpHandler();
  readonly #byBody = new Map<string, Recorded>();
  readonly #byTarget = new Map<string, Recorded[]>();
  readonly #cursor = new Map<string, number>();
  /** Items returned by recorded BatchGetItem calls, by table and key. */
  readonly #batchItems = new Map<string, unknown>();
  /** Calls answered from the recording (a check that replay really happened). */
  replayed = 0;

  /** Forgets the recording. */
  clear(): void {
    this.#byBody.clear();
    this.#byTarget.clear();
    this.#cursor.clear();
    this.#batchItems.clear();
  }

  /** Starts the next replayed request at the first recorded response of each target. */
  rewind(): void {
    this.#cursor.clear();
  }

  async handle(request: HttpRequest, options?: HttpHandlerOptions): Promise<{ response: HttpResponse }> {
    const target = request.headers['x-amz-target'] ?? request.headers['X-Amz-Target'] ?? request.path;
    const body = typeof request.body === 'string' ? request.body : Buffer.from(request.body ?? '').toString();
    const bodyKey = `${target}|${createHash('sha256').update(body).digest('hex')}`;
    if (this.mode === 'replay') {
      let recorded = this.#byBody.get(bodyKey);
      if (!recorded && target.endsWith('.BatchGetItem')) {
        // Assembled once per distinct batch, then answered like a recorded one (the bench's work is not the API's).
        recorded = this.#batchFromItems(body);
        this.#byBody.set(bodyKey, recorded);
      }
      recorded ??= this.#next(target);
      if (!recorded) throw new Error(`Nothing recorded for ${target}`);
      this.replayed++;
      return {
        response: {
          statusCode: recorded.statusCode,
          headers: { ...recorded.headers },
          body: Readable.from([recorded.body]),
        },
      };
    }
    const { response } = await this.#live.handle(
      request as Parameters<NodeHttpHandler['handle']>[0],
      options,
    );
    if (this.mode === 'live') return { response };
    const chunks: Buffer[] = [];
    for await (const chunk of response.body as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
    const recorded: Recorded = {
      statusCode: response.statusCode,
      headers: Object.fromEntries(
        Object.entries(response.headers).map(([name, value]) => [name, String(value)]),
      ),
      body: Buffer.concat(chunks),
    };
    this.#byBody.set(bodyKey, recorded);
    this.#byTarget.set(target, [...(this.#byTarget.get(target) ?? []), recorded]);
    if (target.endsWith('.BatchGetItem') && recorded.statusCode === 200) this.#keepBatchItems(recorded.body);
    return { response: { ...response, body: Readable.from([recorded.body]) } };
  }

  #keepBatchItems(body: Buffer): void {
    const { Responses } = JSON.parse(body.toString()) as { Responses?: Record<string, KeyedItem[]> };
    for (const [table, items] of Object.entries(Responses ?? {})) {
      for (const item of items) this.#batchItems.set(itemKey(table, item), item);
    }
  }

  /** A BatchGetItem answer assembled from recorded items: what was never recorded is simply not found. */
  #batchFromItems(body: string): Recorded {
    const { RequestItems } = JSON.parse(body) as { RequestItems: Record<string, { Keys: KeyedItem[] }> };
    const Responses: Record<string, unknown[]> = {};
    for (const [table, { Keys }] of Object.entries(RequestItems)) {
      Responses[table] = Keys.flatMap((key) => {
        const item = this.#batchItems.get(itemKey(table, key));
        return item ? [item] : [];
      });
    }
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/x-amz-json-1.0' },
      body: Buffer.from(JSON.stringify({ Responses, UnprocessedKeys: {} })),
    };
  }

  #next(target: string): Recorded | undefined {
    const recorded = this.#byTarget.get(target);
    if (!recorded?.length) return undefined;
    const index = this.#cursor.get(target) ?? 0;
    this.#cursor.set(target, index + 1);
    return recorded[index % recorded.length];
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {
    this.#live.destroy();
  }
}

interface KeyedItem {
  readonly pk?: { readonly S?: string };
  readonly sk?: { readonly S?: string };
}

function itemKey(table: string, item: KeyedItem): string {
  return `${table}|${item.pk?.S ?? ''}|${item.sk?.S ?? ''}`;
}
