import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { KeyMaterialVersion, KeyRecord, RotationType } from './key-records.js';
import type { KeyStore } from './key-store.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** KMS's default automatic rotation period. */
export const DEFAULT_ROTATION_PERIOD_DAYS = 365;

export const addDays = (date: Date, days: number) => new Date(date.getTime() + days * DAY_MS);

/** Fresh 256-bit AES material for version `version` of a key. */
export function generateKeyMaterial(
  version: number,
  now: Date,
  rotationType: RotationType | undefined = undefined,
): KeyMaterialVersion {
  return { version, material: randomBytes(32), createdAt: now, rotationType };
}

/** A fresh NIST P-256 key pair, kept as its PKCS#8 DER private key (the public key derives from it). */
export function generateSigningKeyMaterial(now: Date): KeyMaterialVersion {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    version: 1,
    material: privateKey.export({ format: 'der', type: 'pkcs8' }),
    createdAt: now,
    rotationType: undefined,
  };
}

/** Adds a new material version that encrypts from now on; older versions stay to decrypt old blobs. */
export function rotateKeyMaterial(key: KeyRecord, now: Date, rotationType: RotationType): void {
  const latest = key.materials.at(-1)?.version ?? 0;
  key.materials.push(generateKeyMaterial(latest + 1, now, rotationType));
}

/**
 * Applies what KMS would have done in the background by `now`: deletes keys whose waiting period has
 * ended and rotates enabled keys whose rotation date has passed. Run lazily before each request, so the
 * injected clock alone decides when these happen. Answers whether it changed anything.
 */
export function applyDueLifecycleEvents(store: KeyStore, now: Date): boolean {
  let changed = false;
  for (const key of store.keys()) {
    if (key.state === 'PendingDeletion' && key.deletionDate !== undefined && key.deletionDate <= now) {
      store.deleteKey(key.keyId);
      changed = true;
      continue;
    }
    const { rotation } = key;
    // As in KMS, a disabled key is not rotated; it catches up once re-enabled.
    if (
      key.state === 'Enabled' &&
      rotation.enabled &&
      rotation.nextRotationDate &&
      rotation.nextRotationDate <= now
    ) {
      rotateKeyMaterial(key, now, 'AUTOMATIC');
      rotation.nextRotationDate = addDays(now, rotation.periodInDays);
      changed = true;
    }
  }
  return changed;
}
