import { addDays, rotateKeyMaterial } from './key-lifecycle.js';
import type { KeyRecord } from './key-records.js';
import { keyArn } from './kms-arns.js';
import {
  assertEnabled,
  assertRotatable,
  epochSeconds,
  findKey,
  type KmsOperation,
  type OperationContext,
  paginate,
} from './kms-operation.js';

/** The key a rotation request names; KMS rotates symmetric encryption keys only (not HMAC keys). */
function requestedKey(context: OperationContext): KeyRecord {
  const key = findKey(context, context.fields.requiredString('KeyId', { max: 2048 }), {
    aliasesAccepted: false,
  });
  assertRotatable(context, key);
  return key;
}

/** Turns on automatic rotation; the first rotation is one period from now (or from the last schedule). */
export const enableKeyRotation: KmsOperation = (context) => {
  const { fields, now } = context;
  const key = requestedKey(context);
  const periodInDays = fields.optionalInteger('RotationPeriodInDays', { min: 90, max: 2560 });
  assertEnabled(context, key);
  const { rotation } = key;
  const newPeriod = periodInDays ?? rotation.periodInDays;
  if (rotation.enabled && rotation.nextRotationDate) {
    // Changing the period of an enabled rotation moves the next date, keeping the same starting point.
    rotation.nextRotationDate = addDays(rotation.nextRotationDate, newPeriod - rotation.periodInDays);
  } else {
    rotation.nextRotationDate = addDays(now, newPeriod);
  }
  rotation.enabled = true;
  rotation.periodInDays = newPeriod;
  return {};
};

export const disableKeyRotation: KmsOperation = (context) => {
  const key = requestedKey(context);
  assertEnabled(context, key);
  key.rotation.enabled = false;
  key.rotation.nextRotationDate = undefined;
  return {};
};

export const getKeyRotationStatus: KmsOperation = (context) => {
  const key = requestedKey(context);
  const { rotation } = key;
  return {
    KeyId: keyArn(context.location, key.keyId),
    KeyRotationEnabled: rotation.enabled,
    RotationPeriodInDays: rotation.enabled ? rotation.periodInDays : undefined,
    NextRotationDate: rotation.nextRotationDate && epochSeconds(rotation.nextRotationDate),
  };
};

/** Rotates at once (KMS does it within moments); does not change the automatic rotation schedule. */
export const rotateKeyOnDemand: KmsOperation = (context) => {
  const key = requestedKey(context);
  assertEnabled(context, key);
  rotateKeyMaterial(key, context.now, 'ON_DEMAND');
  return { KeyId: keyArn(context.location, key.keyId) };
};

/** The completed rotations of a key, oldest first. */
export const listKeyRotations: KmsOperation = (context) => {
  const { fields, location } = context;
  const key = requestedKey(context);
  const rotations = key.materials.filter((material) => material.rotationType !== undefined);
  const { page, nextMarker } = paginate(rotations, {
    limit: fields.optionalInteger('Limit', { min: 1, max: 1000 }),
    marker: fields.optionalString('Marker', { max: 1024 }),
  });
  return {
    Rotations: page.map((rotation) => ({
      KeyId: keyArn(location, key.keyId),
      RotationDate: epochSeconds(rotation.createdAt),
      RotationType: rotation.rotationType,
    })),
    NextMarker: nextMarker,
    Truncated: nextMarker !== undefined,
  };
};
