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

/** Constant-time check of a MAC made by {@link integrityMac}; false for a missing or malformed one. */
export function verifyIntegrityMac(
  key: Uint8Array,
  parts: readonly (string | number)[],
  mac: string | undefined,
): boolean {
  if (!mac) return false;
  // The digest's bytes against the given MAC's, with no base64url text of the expected one in between.
  const expected = createHmac('sha256', key).update(encodeAad(parts)).digest();
  const given = Buffer.from(mac, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
