import { createAlias, listAliases } from './alias-operations.js';
import {
  decrypt,
  encrypt,
  generateDataKey,
  generateDataKeyWithoutPlaintext,
} from './cryptographic-operations.js';
import {
  cancelKeyDeletion,
  createKey,
  describeKey,
  disableKey,
  enableKey,
  getKeyPolicy,
  listResourceTags,
  scheduleKeyDeletion,
  tagResource,
} from './key-operations.js';
import {
  disableKeyRotation,
  enableKeyRotation,
  getKeyRotationStatus,
  listKeyRotations,
  rotateKeyOnDemand,
} from './key-rotation-operations.js';
import type { KmsOperation } from './kms-operation.js';
import { generateMac, verifyMac } from './mac-operations.js';
import { getPublicKey, sign, verify } from './sign-operations.js';

/** The KMS operations this endpoint implements, by the name that follows `TrentService.` in `X-Amz-Target`. */
export const kmsOperations: ReadonlyMap<string, KmsOperation> = new Map([
  ['CancelKeyDeletion', cancelKeyDeletion],
  ['CreateAlias', createAlias],
  ['CreateKey', createKey],
  ['Decrypt', decrypt],
  ['DescribeKey', describeKey],
  ['DisableKey', disableKey],
  ['DisableKeyRotation', disableKeyRotation],
  ['EnableKey', enableKey],
  ['EnableKeyRotation', enableKeyRotation],
  ['Encrypt', encrypt],
  ['GenerateDataKey', generateDataKey],
  ['GenerateDataKeyWithoutPlaintext', generateDataKeyWithoutPlaintext],
  ['GenerateMac', generateMac],
  ['GetKeyPolicy', getKeyPolicy],
  ['GetKeyRotationStatus', getKeyRotationStatus],
  ['GetPublicKey', getPublicKey],
  ['ListAliases', listAliases],
  ['ListKeyRotations', listKeyRotations],
  ['ListResourceTags', listResourceTags],
  ['RotateKeyOnDemand', rotateKeyOnDemand],
  ['ScheduleKeyDeletion', scheduleKeyDeletion],
  ['Sign', sign],
  ['TagResource', tagResource],
  ['Verify', verify],
  ['VerifyMac', verifyMac],
]);

/**
 * The operations that never change the keys, aliases or key states: cryptographic operations and reads, nearly every
 * request Confide makes. The server persists the store after any other operation (it writes only what changed), and
 * after one of these only when the lifecycle events due before it changed something: serialising the whole store to
 * find nothing new cost each request time in proportion to the number of keys (every organisation has one).
 */
export const STATE_PRESERVING_OPERATIONS: ReadonlySet<string> = new Set([
  'Decrypt',
  'DescribeKey',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateMac',
  'GetKeyPolicy',
  'GetKeyRotationStatus',
  'GetPublicKey',
  'ListAliases',
  'ListKeyRotations',
  'ListResourceTags',
  'Sign',
  'Verify',
  'VerifyMac',
]);
