import type { MiddlewareStack } from '@smithy/types';

/**
 * Counts AWS SDK requests by service and operation, for the tests and the benchmark ("at most one KMS request
 * per organisation per window", "caseload costs ≤ 4 DynamoDB round trips"). Attached as SDK middleware, so it
 * counts exactly what goes over the wire, retries included.
 */
export class RequestCounters {
  readonly #counts = new Map<string, number>();
  readonly #spans: CallSpan[] = [];

  /**
   * The most spans kept: the api counts every call of its process and nothing there resets it, so a warm container
   * would keep a span per call for its whole life. Past this the oldest half go (tests and the benchmark reset first
   * and read far fewer).
   */
  static readonly MAX_SPANS = 10_000;

  record(service: string, operation: string): void {
    const key = `${service}.${operation}`;
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  /** One attempt's time on the wire, for the timeline and {@link sequentialRoundTrips}. */
  recordSpan(span: CallSpan): void {
    if (this.#spans.length >= RequestCounters.MAX_SPANS) this.#spans.splice(0, RequestCounters.MAX_SPANS / 2);
    this.#spans.push(span);
  }

  /** Every attempt since the last reset, in the order they started. */
  spans(): readonly CallSpan[] {
    return [...this.#spans].sort((a, b) => a.startedAt - b.startedAt);
  }

  /** Current counts, e.g. `{ 'KMS.Decrypt': 1, 'DynamoDB.GetItem': 4 }`. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }

  /** Sum of one service's requests (e.g. all `KMS.*`). */
  total(service: string): number {
    let sum = 0;
    for (const [key, count] of this.#counts) if (key.startsWith(`${service}.`)) sum += count;
    return sum;
  }

  reset(): void {
    this.#counts.clear();
    this.#spans.length = 0;
  }
}

/** Attaches `counters` to an SDK v3 client's middleware stack: every attempt on the wire counts once. */
export function countRequests<Input extends object, Output extends object>(
  stack: MiddlewareStack<Input, Output>,
  service: string,
  counters: RequestCounters,
): void {
  stack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      counters.record(service, operation);
      const startedAt = performance.now();
      try {
        return await next(args);
      } finally {
        counters.recordSpan({ service, operation, startedAt, endedAt: performance.now() });
      }
    },
    { step: 'finalizeRequest', name: `confideCounter${service}`, override: true },
  );
}

/** One SDK attempt on the wire: when it left and when its answer (or failure) came back, in ms. */
export interface CallSpan {
  readonly service: string;
  readonly operation: string;
  readonly startedAt: number;
  readonly endedAt: number;
}

/**
 * How many round trips a request waited for one after another: the longest chain of calls in which each starts
 * after the previous one ended (issue 18's "sequential round trips"). Calls in flight together count once, so a
 * read made beside the login lookup costs no round trip of its own.
 */
export function sequentialRoundTrips(spans: readonly CallSpan[], service?: string): number {
  const calls = spans
    .filter((span) => service === undefined || span.service === service)
    .sort((a, b) => a.endedAt - b.endedAt);
  // depth[i]: the longest chain ending with calls[i]; sorted by end, every predecessor of i comes before it.
  const depth: number[] = [];
  let longest = 0;
  calls.forEach((call, i) => {
    let before = 0;
    for (let j = 0; j < i; j++) {
      const earlier = calls[j] as CallSpan;
      if (earlier.endedAt <= call.startedAt) before = Math.max(before, depth[j] as number);
    }
    depth[i] = before + 1;
    longest = Math.max(longest, before + 1);
  });
  return longest;
}
