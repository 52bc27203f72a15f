import type { MiddlewareStack } from '@smithy/types';

/**
 * Counts AWS SDK requests by service and operation, for the tests and the benchmark ("at most one KMS request
 * per organisation per window", "caseload costs ≤ 4 DynamoDB round trips"). Attached as SDK middleware, so it
 * counts exactly what goes over the wire, retries included.
 */
export class RequestCounters {
  readonly #counts = new Map<string, number>();

  record(service: string, operation: string): void {
    const key = `${service}.${operation}`;
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
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
      counters.record(service, (context.commandName ?? 'Unknown').replace(/Command$/, ''));
      return next(args);
    },
    { step: 'finalizeRequest', name: `confideCounter${service}`, override: true },
  );
}
