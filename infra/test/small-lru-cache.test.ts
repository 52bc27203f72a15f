import { afterEach, describe, expect, it, vi } from 'vitest';
import { LRUCache } from '../lib/small-lru-cache';

describe('the LRU cache the Lambda bundles use instead of lru-cache', () => {
  afterEach(() => vi.useRealTimers());

  it('keeps at most max entries, the least recently used leaving first', () => {
    const cache = new LRUCache<string, number>({ max: 2 });
    cache.set('a', 1).set('b', 2);
    expect(cache.get('a')).toBe(1); // now b is the least recently used
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.size]).toEqual([1, undefined, 3, 2]);
  });

  it('forgets an entry once its ttl has passed, and replaces a value set again', () => {
    vi.useFakeTimers({ now: 0 });
    const cache = new LRUCache<string, string>({ max: 10, ttl: 1000 });
    cache.set('doc', 'parsed');
    vi.setSystemTime(999);
    expect(cache.get('doc')).toBe('parsed');
    cache.set('doc', 'again');
    vi.setSystemTime(1998);
    expect(cache.get('doc')).toBe('again');
    vi.setSystemTime(2000);
    expect([cache.get('doc'), cache.size]).toEqual([undefined, 0]);
  });

  it('refuses a size it cannot honour', () => {
    expect(() => new LRUCache({ max: 0 })).toThrow(TypeError);
  });
});
