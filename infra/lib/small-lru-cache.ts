/**
 * Stands in for `lru-cache` in every Lambda bundle (lambda-bundling.ts; decision 0043). Its one user there is yoga's
 * parse and validation cache, which constructs `new LRUCache({ max, ttl })` and calls only `get` and `set`; the
 * package ships about 16 KB of features (fetch methods, size accounting, disposal, stale entries) the api never runs.
 * The same contract in a Map: at most `max` entries, the least recently used leaving first, each kept `ttl` ms.
 */
export class LRUCache<K, V> {
  readonly #entries = new Map<K, { value: V; expiresAt: number }>();
  readonly #max: number;
  readonly #ttl: number;

  constructor(options: { max: number; ttl?: number }) {
    if (!Number.isInteger(options.max) || options.max < 1)
      throw new TypeError('max must be a positive integer');
    this.#max = options.max;
    this.#ttl = options.ttl ?? 0;
  }

  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (this.#ttl > 0 && entry.expiresAt <= Date.now()) return undefined;
    // Re-inserted: a Map iterates in insertion order, so the first key is always the least recently used.
    this.#entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V): this {
    this.#entries.delete(key);
    this.#entries.set(key, {
      value,
      expiresAt: this.#ttl > 0 ? Date.now() + this.#ttl : Number.POSITIVE_INFINITY,
    });
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
    return this;
  }

  get size(): number {
    return this.#entries.size;
  }
}
