import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { encodeAad } from './aead';

/**
 * The integrity key of an organisation: derived from its beacon key (so it needs the organisation's KMS key
 * to obtain, and is never stored), used to MAC the state that decides what may be deleted or read — a record
 * written straight to the table, by anyone without the key, fails its check.
 */
export function integrityKeyFrom(beaconKey: Uint8Array, orgId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', beaconKey, Buffer.from(orgId), 'confide/integrity/v1', 32));
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
  const expected = Buffer.from(integrityMac(key, parts), 'base64url');
  const given = Buffer.from(mac, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
