import { EndpointCache } from '@aws-sdk/endpoint-cache';
import { describe, expect, it } from 'vitest';
import LRUCache from '../lib/small-endpoint-lru';

describe('the LRU cache the Lambda bundles use instead of mnemonist/lru-cache', () => {
  it('keeps at most capacity entries, the least recently used leaving first; peek does not refresh', () => {
    const cache = new LRUCache<string, number>(2);
    cache.set('a', 1).set('b', 2);
    expect(cache.get('a')).toBe(1); // now b is the least recently used
    expect(cache.peek('b')).toBe(2); // and still is
    cache.set('c', 3);
    expect([cache.has('a'), cache.has('b'), cache.peek('c'), cache.size]).toEqual([true, false, 3, 2]);
    cache.clear();
    expect([cache.get('a'), cache.size]).toEqual([undefined, 0]);
  });

  it('refuses a capacity it cannot honour', () => {
    expect(() => new LRUCache(0)).toThrow(TypeError);
  });

  it('is what the SDK’s endpoint cache needs of mnemonist’s', () => {
    // The real EndpointCache, on the stand-in through a cache of its own (its `cache` field).
    const endpoints = new EndpointCache(2);
    Reflect.set(endpoints, 'cache', new LRUCache(2));
    endpoints.set('dynamodb', [{ Address: 'a.example', CachePeriodInMinutes: 5 }]);
    expect([endpoints.has('dynamodb'), endpoints.getEndpoint('dynamodb')]).toEqual([true, 'a.example']);
    endpoints.delete('dynamodb');
    expect([endpoints.has('dynamodb'), endpoints.getEndpoint('dynamodb')]).toEqual([false, undefined]);
    endpoints.clear();
    expect(endpoints.get('dynamodb')).toBeUndefined();
  });
});
