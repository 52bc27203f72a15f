import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeAad, open, seal } from './aead';

const IV_BYTES = 12;
const TAG_BYTES = 16;

describe('encodeAad', () => {
  it('length-prefixes each part, so ("ab", "c") and ("a", "bc") bind differently', () => {
    const left = encodeAad(['ab', 'c']);
    const right = encodeAad(['a', 'bc']);

    expect(left.equals(right)).toBe(false);
    expect(left.toString('hex')).toBe(`00000002${Buffer.from('ab').toString('hex')}00000001${'63'}`);
  });

  it('separates an empty part from a missing one and numbers from their position', () => {
    expect(encodeAad(['a', '']).equals(encodeAad(['a']))).toBe(false);
    expect(encodeAad(['a', 1]).equals(encodeAad(['a', '1']))).toBe(true);
    expect(encodeAad(['a1']).equals(encodeAad(['a', 1]))).toBe(false);
  });

  it('counts bytes, not characters, in the prefix', () => {
    const encoded = encodeAad(['é']);

    expect(encoded.readUInt32BE(0)).toBe(2);
    expect(encoded.length).toBe(4 + 2);
  });
});

describe('seal and open (AES-256-GCM)', () => {
  const key = randomBytes(32);
  const aad = encodeAad(['confide.test', 'org', 'item', 'field', 1]);
  const plaintext = Buffer.from('Jo Bloggs, 12 Acacia Avenue', 'utf8');

  it('round-trips, and the sealed form is iv ‖ ciphertext ‖ tag', () => {
    const sealed = seal(key, plaintext, aad);

    const opened = open(key, sealed, aad);

    expect(opened.equals(plaintext)).toBe(true);
    expect(sealed.length).toBe(IV_BYTES + plaintext.length + TAG_BYTES);
    expect(sealed.includes(plaintext)).toBe(false);
  });

  it('round-trips an empty plaintext', () => {
    const sealed = seal(key, Buffer.alloc(0), aad);

    expect(open(key, sealed, aad).length).toBe(0);
  });

  it('opens a sealed value that sits inside a larger buffer (byteOffset respected)', () => {
    const sealed = seal(key, plaintext, aad);
    const container = Buffer.concat([Buffer.from('xxxx'), sealed, Buffer.from('yyyy')]);
    const view = new Uint8Array(container.buffer, container.byteOffset + 4, sealed.length);

    expect(open(key, view, aad).equals(plaintext)).toBe(true);
  });

  it('uses a fresh IV every time', () => {
    const first = seal(key, plaintext, aad);
    const second = seal(key, plaintext, aad);

    expect(first.equals(second)).toBe(false);
    expect(first.subarray(0, IV_BYTES).equals(second.subarray(0, IV_BYTES))).toBe(false);
  });

  it('refuses the wrong key', () => {
    const sealed = seal(key, plaintext, aad);

    expect(() => open(randomBytes(32), sealed, aad)).toThrow();
  });

  it('refuses the wrong AAD, including a re-split of the same characters', () => {
    const sealed = seal(key, plaintext, encodeAad(['ab', 'c']));

    expect(() => open(key, sealed, encodeAad(['a', 'bc']))).toThrow();
    expect(() => open(key, sealed, Buffer.alloc(0))).toThrow();
    expect(open(key, sealed, encodeAad(['ab', 'c'])).equals(plaintext)).toBe(true);
  });

  it('refuses a single flipped bit at every position (iv, body and tag)', () => {
    const sealed = seal(key, plaintext, aad);
    const accepted: number[] = [];

    for (let index = 0; index < sealed.length; index++) {
      const tampered = Buffer.from(sealed);
      tampered[index] = (tampered[index] ?? 0) ^ 0x01;
      try {
        open(key, tampered, aad);
        accepted.push(index);
      } catch {
        // Refused, as it must be.
      }
    }

    expect(accepted).toEqual([]);
  });

  it('refuses truncated input, from one byte short down to nothing', () => {
    const sealed = seal(key, plaintext, aad);
    const accepted: number[] = [];

    for (let length = 0; length < sealed.length; length++) {
      try {
        open(key, sealed.subarray(0, length), aad);
        accepted.push(length);
      } catch {
        // Refused, as it must be.
      }
    }

    expect(accepted).toEqual([]);
    expect(() => open(key, sealed.subarray(0, IV_BYTES + TAG_BYTES - 1), aad)).toThrow(/too short/);
  });

  it('refuses extra bytes appended after the tag', () => {
    const sealed = seal(key, plaintext, aad);

    expect(() => open(key, Buffer.concat([sealed, Buffer.from([0])]), aad)).toThrow();
  });
});
