/** A KMS encryption context: non-secret string pairs bound to a ciphertext as additional authenticated data. */
export type EncryptionContext = Readonly<Record<string, string>>;

/**
 * The canonical bytes of an encryption context, used as AAD. Pairs are sorted by the UTF-8 bytes of their
 * keys (not by locale) and every string is length-prefixed, so that `{ a: 'bc' }` and `{ ab: 'c' }`, or a
 * different order of the same pairs, can never produce the same bytes. An empty context and a missing
 * one are the same, as in KMS.
 */
export function canonicalEncryptionContext(context: EncryptionContext | undefined): Buffer {
  const pairs = Object.entries(context ?? {})
    .map(([key, value]) => [Buffer.from(key, 'utf8'), Buffer.from(value, 'utf8')] as const)
    .sort(([a], [b]) => Buffer.compare(a, b));
  const parts: Buffer[] = [uint32(pairs.length)];
  for (const [key, value] of pairs) {
    parts.push(uint32(key.length), key, uint32(value.length), value);
  }
  return Buffer.concat(parts);
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}
