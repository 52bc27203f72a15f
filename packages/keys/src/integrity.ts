import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { encodeAad } from './aead';

/**
 * The integrity key of an organisation: derived from its beacon key (so it needs the organisation's KMS key
 * to obtain, and is never stored), used to MAC the state that decides what may be deleted or read — a record
 * written straight to the table, by anyone without the key, fails its check.
 */
export function integrityKeyFrom(beaconKey: Uint8Array, orgId: string): Buffer {
  return keyDerivedFrom(beaconKey, orgId, 'confide/integrity/v1');
}

/** Keys derived from each cached beacon key (the same object while the key cache holds it), by label and org. */
const derivedKeys = new WeakMap<Uint8Array, Map<string, Buffer>>();

/**
 * A 32-byte key derived (HKDF-SHA256) from an organisation's beacon key for one purpose (`label`). Derived once per
 * beacon key object and remembered with it: a caseload of 50 derived the integrity key 50 times a request (issue 18,
 * about 1.7 ms of CPU). The memory lives and dies with the key cache's own entry.
 */
export function keyDerivedFrom(beaconKey: Uint8Array, orgId: string, label: string): Buffer {
  let keys = derivedKeys.get(beaconKey);
  if (!keys) {
    keys = new Map();
    derivedKeys.set(beaconKey, keys);
  }
  const name = `${label}|${orgId}`;
  let key = keys.get(name);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', beaconKey, Buffer.from(orgId), label, 32));
    keys.set(name, key);
  }
  return key;
}

/** HMAC-SHA256 over length-prefixed parts (a domain label first, so MACs of different records never collide). */
export function integrityMac(key: Uint8Array, parts: readonly (string | number)[]): string {
  return createHmac('sha256', key).update(encodeAad(parts)).digest('base64url');
}

/**
 * MACs this process has already found genuine, by key object and exact input (decision 0133): a caseload checks the
 * same access facts of the same 50 people every time it is read. The check is a pure function of the key, the encoded
 * parts and the MAC text, so a remembered success is the answer the HMAC would give again. Only successes are kept,
 * and only for the one canonical text of the MAC (see {@link CANONICAL_MAC}). Keys are the key cache's own objects
 * (see {@link keyDerivedFrom}): a new key object starts with nothing remembered. Bounded: the first remembered go first.
 */
const genuine = new Map<string, true>();
/**
 * What {@link integrityMac} writes, and the only text of it: an HMAC-SHA256 in base64url, unpadded. 43 characters carry
 * 258 bits for the digest's 256, so the last one's two low bits are zero; decoders ignore them, and three other last
 * characters would decode to the same bytes.
 */
const CANONICAL_MAC = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
/** Parts whose encoding is longer than this are checked every time, so that the memory stays bounded (about 25 MB). */
const REMEMBERED_ENCODING_MAX = 1024;
const GENUINE_MAX = 20_000;
const keyNumbers = new WeakMap<Uint8Array, number>();
let nextKeyNumber = 0;

function keyNumberOf(key: Uint8Array): number {
  let number = keyNumbers.get(key);
  if (number === undefined) {
    number = nextKeyNumber++;
    keyNumbers.set(key, number);
  }
  return number;
}

/** Constant-time check of a MAC made by {@link integrityMac}; false for a missing or malformed one. */
export function verifyIntegrityMac(
  key: Uint8Array,
  parts: readonly (string | number)[],
  mac: string | undefined,
): boolean {
  // Only the canonical text of a MAC is checked at all: a decoder would skip or stop at other characters, or ignore the
  // last one's spare bits, and no text but the one the MAC has may reach what is remembered below.
  if (!mac || !CANONICAL_MAC.test(mac)) return false;
  const encoded = encodeAad(parts);
  // Neither the key's number nor a base64url MAC holds a `|`: what follows the second one is the encoding, byte for byte.
  const remembered = `${keyNumberOf(key)}|${mac}|${encoded.toString('latin1')}`;
  if (genuine.has(remembered)) return true;
  // The digest's bytes against the given MAC's, with no base64url text of the expected one in between.
  const expected = createHmac('sha256', key).update(encoded).digest();
  const given = Buffer.from(mac, 'base64url');
  const valid = given.length === expected.length && timingSafeEqual(given, expected);
  if (valid && encoded.length <= REMEMBERED_ENCODING_MAX) {
    if (genuine.size >= GENUINE_MAX) genuine.delete(genuine.keys().next().value as string);
    genuine.set(remembered, true);
  }
  return valid;
}
