import type { KeyMaterial } from './ciphertext-blob.js';

/** The key states this endpoint models (KMS has more, for imported and multi-Region keys). */
export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';

/** How a material version came about: `undefined` for the material a key was created with. */
export type RotationType = 'AUTOMATIC' | 'ON_DEMAND';

/**
 * One version of a key's material: 256 bits for AES or HMAC (ciphertext blobs record which version made them), the
 * PKCS#8 DER private key for an ECC_NIST_P256 signing key.
 */
export interface KeyMaterialVersion {
  readonly version: number;
  readonly material: KeyMaterial;
  readonly createdAt: Date;
  readonly rotationType: RotationType | undefined;
}

/** Automatic rotation settings of a key. */
export interface KeyRotation {
  enabled: boolean;
  periodInDays: number;
  nextRotationDate: Date | undefined;
}

/**
 * The key specs this endpoint makes: symmetric encryption keys (`ENCRYPT_DECRYPT`) and 256-bit HMAC keys
 * (`GENERATE_VERIFY_MAC`, for `GenerateMac` / `VerifyMac`), both of 32 bytes of material, and NIST P-256 key pairs
 * (`SIGN_VERIFY`, for `Sign` / `Verify` / `GetPublicKey` with ECDSA_SHA_256).
 */
export type LocalKeySpec = 'SYMMETRIC_DEFAULT' | 'HMAC_256' | 'ECC_NIST_P256';

/** The usage each key spec has here. */
export const KEY_USAGE_OF = {
  SYMMETRIC_DEFAULT: 'ENCRYPT_DECRYPT',
  HMAC_256: 'GENERATE_VERIFY_MAC',
  ECC_NIST_P256: 'SIGN_VERIFY',
} as const satisfies Record<LocalKeySpec, string>;

/** A KMS key (symmetric encryption, HMAC or ECC signing) and everything KMS knows about it. */
export interface KeyRecord {
  readonly keyId: string;
  readonly keySpec: LocalKeySpec;
  readonly createdAt: Date;
  readonly description: string;
  readonly policy: string;
  /** Tag key to tag value, in the order the tags were first added. */
  readonly tags: Map<string, string>;
  state: KeyState;
  /** Set while the key is `PendingDeletion`. */
  deletionDate: Date | undefined;
  pendingWindowInDays: number | undefined;
  readonly rotation: KeyRotation;
  /** Oldest first; the last one encrypts, all of them decrypt. */
  readonly materials: KeyMaterialVersion[];
}

/** An alias (`alias/...`) pointing at a key. */
export interface AliasRecord {
  readonly aliasName: string;
  targetKeyId: string;
  readonly createdAt: Date;
  lastUpdatedDate: Date;
}

/** Everything a key store holds, as read from or written to its file. */
export interface StoreSnapshot {
  readonly keys: readonly KeyRecord[];
  readonly aliases: readonly AliasRecord[];
  readonly deletedKeyIds: readonly string[];
}
