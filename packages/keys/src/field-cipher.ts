import { encodeAad, open, seal } from './aead';
import { CiphertextIntegrityError } from './errors';
import type { SubjectKey } from './key-hierarchy';

const FORMAT_V1 = 1;

/**
 * Where a field lives. The AAD binds organisation, item key, field name and key version, so a ciphertext
 * copied to another field, record or organisation fails to open instead of decrypting to the wrong place.
 */
export interface FieldLocation {
  /** The item's full primary key, e.g. `ORG#…#CLIENT#…|PROFILE`. */
  readonly itemKey: string;
  readonly field: string;
  /**
   * The item's clear attributes that decide who may read it (a note's kind, sealing, withholding, distribution,
   * version): bound into the AAD, so a ciphertext opens only with the very metadata it was written with, and a
   * raw write that changes one of them — or puts back an older body — fails closed (decision 0030).
   */
  readonly binding?: readonly (string | number)[] | undefined;
}

/** Seals one field value: format byte ‖ key version (2 bytes) ‖ iv ‖ ciphertext ‖ tag. */
export function encryptField(key: SubjectKey, location: FieldLocation, plaintext: string): Uint8Array {
  const header = Buffer.alloc(3);
  header.writeUInt8(FORMAT_V1, 0);
  header.writeUInt16BE(key.version, 1);
  const sealed = seal(key.material, Buffer.from(plaintext, 'utf8'), fieldAad(key, location));
  return Buffer.concat([header, sealed]);
}

/** Opens a field sealed by {@link encryptField}; throws {@link CiphertextIntegrityError} on any mismatch. */
export function decryptField(key: SubjectKey, location: FieldLocation, ciphertext: Uint8Array): string {
  const buffer = Buffer.from(ciphertext.buffer, ciphertext.byteOffset, ciphertext.byteLength);
  if (buffer.length < 3 || buffer.readUInt8(0) !== FORMAT_V1 || buffer.readUInt16BE(1) !== key.version) {
    throw new CiphertextIntegrityError();
  }
  try {
    return open(key.material, buffer.subarray(3), fieldAad(key, location)).toString('utf8');
  } catch (cause) {
    throw new CiphertextIntegrityError(undefined, { cause });
  }
}

function fieldAad(key: SubjectKey, location: FieldLocation): Buffer {
  if (!location.binding) {
    return encodeAad(['confide.field.v1', key.orgId, location.itemKey, location.field, key.version]);
  }
  return encodeAad([
    'confide.bound-field.v1',
    key.orgId,
    location.itemKey,
    location.field,
    key.version,
    location.binding.length,
    ...location.binding,
  ]);
}
