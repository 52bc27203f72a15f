import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { canonicalEncryptionContext, type EncryptionContext } from './encryption-context.js';
import { invalidCiphertext } from './kms-errors.js';

/*
 * Ciphertext blob, format version 1:
 *
 *   offset  size  field
 *        0     1  format version (0x01)
 *        1    16  key id (UUID bytes)
 *       17     4  key material version (uint32, big-endian)
 *       21    12  AES-GCM IV (random)
 *       33    16  AES-GCM authentication tag
 *       49     n  ciphertext
 *
 * AAD = the 21 header bytes followed by the canonical encryption context, so changing the key id, the
 * material version or the context makes authentication fail rather than decrypting under something else.
 */
const FORMAT_VERSION = 0x01;
const KEY_ID_LENGTH = 16;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const HEADER_LENGTH = 1 + KEY_ID_LENGTH + 4;
const IV_OFFSET = HEADER_LENGTH;
const TAG_OFFSET = IV_OFFSET + IV_LENGTH;
const CIPHERTEXT_OFFSET = TAG_OFFSET + TAG_LENGTH;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The 256-bit AES key material of one version of a KMS key. */
export type KeyMaterial = Buffer;

/** What a blob says about the key that made it; readable without the key, and authenticated on open. */
export interface CiphertextBlobHeader {
  readonly keyId: string;
  readonly materialVersion: number;
}

/** A blob split into its fields, not yet authenticated. */
export interface ParsedCiphertextBlob extends CiphertextBlobHeader {
  readonly header: Buffer;
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly ciphertext: Buffer;
}

/** Encrypts `plaintext` under `material` with AES-256-GCM and returns a version 1 ciphertext blob. */
export function sealCiphertextBlob(input: {
  keyId: string;
  materialVersion: number;
  material: KeyMaterial;
  plaintext: Buffer;
  encryptionContext: EncryptionContext | undefined;
}): Buffer {
  const header = encodeHeader(input.keyId, input.materialVersion);
  const iv = randomBytes(IV_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', input.material, iv, { authTagLength: TAG_LENGTH });
  cipher.setAAD(Buffer.concat([header, canonicalEncryptionContext(input.encryptionContext)]));
  const ciphertext = Buffer.concat([cipher.update(input.plaintext), cipher.final()]);
  return Buffer.concat([header, iv, cipher.getAuthTag(), ciphertext]);
}

/**
 * Splits a blob into its fields.
 * @throws KmsError `InvalidCiphertextException` when the bytes are not a version 1 blob.
 */
export function parseCiphertextBlob(blob: Buffer): ParsedCiphertextBlob {
  if (blob.length < CIPHERTEXT_OFFSET || blob[0] !== FORMAT_VERSION) {
    throw invalidCiphertext();
  }
  return {
    keyId: formatUuid(blob.subarray(1, 1 + KEY_ID_LENGTH)),
    materialVersion: blob.readUInt32BE(1 + KEY_ID_LENGTH),
    header: blob.subarray(0, HEADER_LENGTH),
    iv: blob.subarray(IV_OFFSET, TAG_OFFSET),
    tag: blob.subarray(TAG_OFFSET, CIPHERTEXT_OFFSET),
    ciphertext: blob.subarray(CIPHERTEXT_OFFSET),
  };
}

/**
 * Authenticates and decrypts a parsed blob.
 * @throws KmsError `InvalidCiphertextException` when the tag does not verify: wrong key material, a
 * different encryption context, or any tampered byte.
 */
export function openCiphertextBlob(
  blob: ParsedCiphertextBlob,
  material: KeyMaterial,
  encryptionContext: EncryptionContext | undefined,
): Buffer {
  try {
    const decipher = createDecipheriv('aes-256-gcm', material, blob.iv, { authTagLength: TAG_LENGTH });
    decipher.setAAD(Buffer.concat([blob.header, canonicalEncryptionContext(encryptionContext)]));
    decipher.setAuthTag(blob.tag);
    return Buffer.concat([decipher.update(blob.ciphertext), decipher.final()]);
  } catch (error) {
    throw invalidCiphertext(error);
  }
}

function encodeHeader(keyId: string, materialVersion: number): Buffer {
  if (!UUID_PATTERN.test(keyId)) {
    throw new Error(`Key id ${keyId} is not a lower-case UUID`);
  }
  const header = Buffer.alloc(HEADER_LENGTH);
  header[0] = FORMAT_VERSION;
  Buffer.from(keyId.replaceAll('-', ''), 'hex').copy(header, 1);
  header.writeUInt32BE(materialVersion, 1 + KEY_ID_LENGTH);
  return header;
}

function formatUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
