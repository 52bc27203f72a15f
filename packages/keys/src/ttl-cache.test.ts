import type { Clock } from '@confide/domain';
import { describe, expect, it } from 'vitest';
import { TtlCache } from './ttl-cache';

/** A clock that only moves when the test moves it. */
function manualClock(start = Date.UTC(2026, 0, 1)): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => new Date(now),
    advance: (ms) => {
      now += ms;
    },
  };
}

describe('TtlCache expiry', () => {
  it('returns an entry until its TTL has passed, then forgets it', () => {
    const clock = manualClock();
    const cache = new TtlCache<string>(1000, 10, clock);
    cache.set('org_a#1', 'branch key');

    clock.advance(999);
    const justBefore = cache.get('org_a#1');
    clock.advance(1);
    const atExpiry = cache.get('org_a#1');

    expect(justBefore).toBe('branch key');
    expect(atExpiry).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('does not extend the TTL when an entry is read', () => {
    const clock = manualClock();
    const cache = new TtlCache<string>(1000, 10, clock);
    cache.set('k', 'v');

    clock.advance(600);
    cache.get('k');
    clock.advance(600);

    expect(cache.get('k')).toBeUndefined();
  });

  it('restarts the TTL when an entry is set again', () => {
    const clock = manualClock();
    const cache = new TtlCache<string>(1000, 10, clock);
    cache.set('k', 'old');

    clock.advance(600);
    cache.set('k', 'new');
    clock.advance(600);

    expect(cache.get('k')).toBe('new');
  });
});

describe('TtlCache bound (least recently used first)', () => {
  it('never holds more than maxEntries, evicting the oldest', () => {
    const cache = new TtlCache<number>(60_000, 3, manualClock());

    for (let i = 1; i <= 5; i++) cache.set(`k${i}`, i);

    expect(cache.size).toBe(3);
    expect(['k1', 'k2', 'k3', 'k4', 'k5'].map((key) => cache.get(key))).toEqual([
      undefined,
      undefined,
      3,
      4,
      5,
    ]);
  });

  it('counts a read as a use, so a recently read entry survives and the least recently used goes', () => {
    const cache = new TtlCache<number>(60_000, 3, manualClock());
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);

    cache.get('a');
    cache.set('d', 4);

    expect(cache.get('a')).toBe(1);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('c')).toBe(3);
    expect(cache.get('d')).toBe(4);
  });

  it('does not grow when an existing key is overwritten', () => {
    const cache = new TtlCache<number>(60_000, 2, manualClock());
    cache.set('a', 1);
    cache.set('b', 2);

    cache.set('a', 10);

    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBe(10);
    expect(cache.get('b')).toBe(2);
  });
});

describe('TtlCache deletion', () => {
  it('deletePrefix drops every entry of one organisation and nothing of another', () => {
    const cache = new TtlCache<string>(60_000, 10, manualClock());
    cache.set('org_aaa#1', 'a1');
    cache.set('org_aaa#2', 'a2');
    cache.set('org_aaab#1', 'longer id sharing a prefix');
    cache.set('org_bbb#1', 'b1');

    cache.deletePrefix('org_aaa#');

    expect(cache.get('org_aaa#1')).toBeUndefined();
    expect(cache.get('org_aaa#2')).toBeUndefined();
    expect(cache.get('org_aaab#1')).toBe('longer id sharing a prefix');
    expect(cache.get('org_bbb#1')).toBe('b1');
    expect(cache.size).toBe(2);
  });

  it('delete and clear forget entries', () => {
    const cache = new TtlCache<string>(60_000, 10, manualClock());
    cache.set('a', '1');
    cache.set('b', '2');

    cache.delete('a');
    const afterDelete = [cache.get('a'), cache.get('b')];
    cache.clear();

    expect(afterDelete).toEqual([undefined, '2']);
    expect(cache.size).toBe(0);
  });
});
