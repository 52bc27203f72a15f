/**
 * Stands in for `mnemonist/lru-cache` in every Lambda bundle (lambda-bundling.ts; decision 0043). Its one user there
 * is the DynamoDB client's endpoint-discovery cache (`@aws-sdk/endpoint-cache`): the client always builds it, and
 * only with endpoint discovery on, which Confide never turns on, calls `get`, `peek`, `has`, `set` and `clear`. The
 * package and its iterator helpers are about 6 KB of the bundle. The same contract in a Map: at most `capacity`
 * entries, the least recently used leaving first; `peek` reads without making an entry recently used.
 */
export default class LRUCache<K, V> {
  readonly #entries = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new TypeError('capacity must be a positive integer');
  }

  get(key: K): V | undefined {
    if (!this.#entries.has(key)) return undefined;
    const value = this.#entries.get(key) as V;
    // Re-inserted: a Map iterates in insertion order, so the first key is always the least recently used.
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  peek(key: K): V | undefined {
    return this.#entries.get(key);
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }

  set(key: K, value: V): this {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    return this;
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
