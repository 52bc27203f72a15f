import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Length-prefixed encoding of AAD parts, so that ("ab", "c") and ("a", "bc") bind differently: each part as a 4-byte
 * big-endian byte length and its UTF-8 bytes. Written into one buffer sized first: a caseload of 50 encodes about
 * 350 of these a request, and a Buffer per part and per prefix joined by Buffer.concat cost about 3 µs each
 * (issue 18).
 */
export function encodeAad(parts: readonly (string | number)[]): Buffer {
  const texts = parts.map(String);
  let size = 0;
  for (const text of texts) size += 4 + Buffer.byteLength(text, 'utf8');
  const encoded = Buffer.allocUnsafe(size);
  let offset = 0;
  for (const text of texts) {
    const length = encoded.write(text, offset + 4, 'utf8');
    encoded.writeUInt32BE(length, offset);
    offset += 4 + length;
  }
  return encoded;
}

/** AES-256-GCM: returns iv ‖ ciphertext ‖ tag. */
export function seal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

/** Opens what {@link seal} produced; throws when the key, the AAD or any byte differs. */
export function open(key: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error('Ciphertext too short.');
  const buffer = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const iv = buffer.subarray(0, IV_BYTES);
  const tag = buffer.subarray(buffer.length - TAG_BYTES);
  const body = buffer.subarray(IV_BYTES, buffer.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]);
}
