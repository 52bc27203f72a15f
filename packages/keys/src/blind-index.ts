import { createHmac } from 'node:crypto';

/**
 * A keyed blind index (beacon) of a normalised value: HMAC-SHA256 under the organisation's beacon key, with a
 * domain separating one index from another, truncated to `bits` bits as the AWS Database Encryption SDK's
 * beacons are. Truncation makes distinct values collide on purpose, so an index value alone says little; the
 * caller filters collisions after decryption. Use `bits: 256` where uniqueness matters more than ambiguity.
 */
export function blindIndex(beaconKey: Uint8Array, domain: string, normalised: string, bits: number): string {
  if (!Number.isInteger(bits) || bits < 4 || bits > 256) throw new RangeError('bits must be 4..256');
  const digest = createHmac('sha256', beaconKey).update(domain).update('\u0000').update(normalised).digest();
  const hexDigits = Math.ceil(bits / 4);
  const prefix = BigInt(`0x${digest.toString('hex').slice(0, hexDigits)}`);
  const truncated = prefix >> BigInt(hexDigits * 4 - bits);
  return truncated.toString(16).padStart(hexDigits, '0');
}
