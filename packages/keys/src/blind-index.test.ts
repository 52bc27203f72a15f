import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { blindIndex } from './blind-index';

describe('blindIndex', () => {
  const key = randomBytes(32);

  it('is deterministic under one key and domain', () => {
    const first = blindIndex(key, 'staff-handle', 'jo.bloggs', 256);
    const second = blindIndex(Buffer.from(key), 'staff-handle', 'jo.bloggs', 256);

    expect(first).toBe(second);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is the HMAC-SHA256 of domain ‖ NUL ‖ value at 256 bits', () => {
    const expected = createHmac('sha256', key).update('staff-handle\u0000jo.bloggs').digest('hex');

    expect(blindIndex(key, 'staff-handle', 'jo.bloggs', 256)).toBe(expected);
  });

  it('differs under another organisation’s key', () => {
    const mine = blindIndex(key, 'staff-handle', 'jo.bloggs', 256);
    const theirs = blindIndex(randomBytes(32), 'staff-handle', 'jo.bloggs', 256);

    expect(mine).not.toBe(theirs);
  });

  it('differs in another domain, and the domain separator stops boundary shifts', () => {
    const handle = blindIndex(key, 'staff-handle', 'jo', 256);
    const email = blindIndex(key, 'staff-email', 'jo', 256);
    const shiftedLeft = blindIndex(key, 'ab', 'c', 256);
    const shiftedRight = blindIndex(key, 'a', 'bc', 256);

    expect(handle).not.toBe(email);
    expect(shiftedLeft).not.toBe(shiftedRight);
  });

  it.each([4, 5, 8, 13, 16, 31, 64, 255])('truncates to %i bits: every value is < 2^bits', (bits) => {
    const limit = 1n << BigInt(bits);
    const hexDigits = Math.ceil(bits / 4);

    const values = Array.from({ length: 200 }, (_, i) => blindIndex(key, 'staff-handle', `value-${i}`, bits));

    for (const value of values) {
      expect(value).toHaveLength(hexDigits);
      expect(BigInt(`0x${value}`) < limit).toBe(true);
    }
    // The top bit is reachable: truncation keeps the leading bits, it does not mask them away.
    expect(values.some((value) => BigInt(`0x${value}`) >= limit / 2n)).toBe(true);
  });

  it('keeps the leading bits of the full index when it truncates', () => {
    const full = BigInt(`0x${blindIndex(key, 'd', 'v', 256)}`);

    const eight = BigInt(`0x${blindIndex(key, 'd', 'v', 8)}`);
    const thirteen = BigInt(`0x${blindIndex(key, 'd', 'v', 13)}`);

    expect(eight).toBe(full >> 248n);
    expect(thirteen).toBe(full >> 243n);
  });

  it('collides by design at small widths: 1,000 values in 8 bits share at most 256 index values', () => {
    const values = Array.from({ length: 1000 }, (_, i) => `handle-${i}`);

    const indexes = new Set(values.map((value) => blindIndex(key, 'staff-handle', value, 8)));

    expect(indexes.size).toBeLessThanOrEqual(256);
    expect(indexes.size).toBeGreaterThan(200);
  });

  it('does not collide over the same 1,000 values at 256 bits', () => {
    const values = Array.from({ length: 1000 }, (_, i) => `handle-${i}`);

    const indexes = new Set(values.map((value) => blindIndex(key, 'staff-handle', value, 256)));

    expect(indexes.size).toBe(1000);
  });

  it.each([0, 3, 257, 1024, -8, 8.5, Number.NaN])('rejects %s bits', (bits) => {
    expect(() => blindIndex(key, 'staff-handle', 'jo', bits)).toThrow(RangeError);
  });

  it.each([4, 256])('accepts the bounds (%i bits)', (bits) => {
    expect(() => blindIndex(key, 'staff-handle', 'jo', bits)).not.toThrow();
  });
});
