import { createHmac, timingSafeEqual } from 'node:crypto';
import type { KeyRecord } from './key-records.js';
import { keyArn } from './kms-arns.js';
import { KmsError } from './kms-errors.js';
import {
  assertEnabled,
  assertKeyUsage,
  findKey,
  type KmsOperation,
  type OperationContext,
} from './kms-operation.js';
import { missingMember } from './request-fields.js';

/** Every MAC algorithm KMS names; an HMAC_256 key (the only HMAC spec here) computes HMAC_SHA_256 alone. */
const MAC_ALGORITHMS = ['HMAC_SHA_224', 'HMAC_SHA_256', 'HMAC_SHA_384', 'HMAC_SHA_512'] as const;

/** The HMAC key a `GenerateMac` / `VerifyMac` request names, its message and algorithm, checked as KMS does. */
function macRequest(context: OperationContext, operation: string): { key: KeyRecord; message: Buffer } {
  const { fields, location } = context;
  const key = findKey(context, fields.requiredString('KeyId', { max: 2048 }), { aliasesAccepted: true });
  const message = fields.requiredBlob('Message', { min: 1, max: 4096 });
  const algorithm = fields.optionalEnum('MacAlgorithm', MAC_ALGORITHMS);
  if (algorithm === undefined) throw missingMember('MacAlgorithm');
  assertEnabled(context, key);
  assertKeyUsage(context, key, 'GENERATE_VERIFY_MAC', operation);
  if (algorithm !== 'HMAC_SHA_256') {
    throw new KmsError(
      'InvalidKeyUsageException',
      `${algorithm} is not supported by ${keyArn(location, key.keyId)}: its key spec is HMAC_256.`,
    );
  }
  return { key, message };
}

function hmac(key: KeyRecord, message: Buffer): Buffer {
  // HMAC keys are never rotated: their one material version computes every MAC.
  const [material] = key.materials;
  if (!material) throw new Error(`Key ${key.keyId} has no key material`);
  return createHmac('sha256', material.material).update(message).digest();
}

/** HMAC-SHA-256 of the message under the key's material. */
export const generateMac: KmsOperation = (context) => {
  const { key, message } = macRequest(context, 'GenerateMac');
  return {
    Mac: hmac(key, message).toString('base64'),
    MacAlgorithm: 'HMAC_SHA_256',
    KeyId: keyArn(context.location, key.keyId),
  };
};

/**
 * Recomputes the MAC and compares it in constant time. As in KMS, a MAC that does not match is not a `false` answer
 * but `KMSInvalidMacException`; `MacValid` is only ever true.
 */
export const verifyMac: KmsOperation = (context) => {
  const mac = context.fields.requiredBlob('Mac', { min: 1, max: 6144 });
  const { key, message } = macRequest(context, 'VerifyMac');
  const expected = hmac(key, message);
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) {
    throw new KmsError('KMSInvalidMacException', 'The MAC does not match the message and key.');
  }
  return { KeyId: keyArn(context.location, key.keyId), MacValid: true, MacAlgorithm: 'HMAC_SHA_256' };
};
