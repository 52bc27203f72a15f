import { randomBytes } from 'node:crypto';
import { openCiphertextBlob, parseCiphertextBlob, sealCiphertextBlob } from './ciphertext-blob.js';
import type { EncryptionContext } from './encryption-context.js';
import type { KeyRecord } from './key-records.js';
import { keyArn } from './kms-arns.js';
import { invalidCiphertext, KmsError, keyNotFound, validationError } from './kms-errors.js';
import {
  assertEnabled,
  assertKeyUsage,
  findKey,
  type KmsOperation,
  type OperationContext,
  type ResponseObject,
} from './kms-operation.js';

const DATA_KEY_SPEC_BYTES = { AES_256: 32, AES_128: 16 } as const;
const DATA_KEY_SPECS = ['AES_256', 'AES_128'] as const;

/** Only the symmetric algorithm exists for the keys this endpoint makes. */
function assertSymmetricAlgorithm({ fields }: OperationContext): void {
  const algorithm = fields.optionalString('EncryptionAlgorithm');
  if (algorithm !== undefined && algorithm !== 'SYMMETRIC_DEFAULT') {
    throw new KmsError(
      'InvalidKeyUsageException',
      `${algorithm} is not supported by symmetric encryption keys.`,
    );
  }
}

function seal(key: KeyRecord, plaintext: Buffer, encryptionContext: EncryptionContext | undefined) {
  const current = key.materials.at(-1);
  if (!current) throw new Error(`Key ${key.keyId} has no key material`);
  return sealCiphertextBlob({
    keyId: key.keyId,
    materialVersion: current.version,
    material: current.material,
    plaintext,
    encryptionContext,
  }).toString('base64');
}

function keyForEncryption(context: OperationContext, operation: string): KeyRecord {
  const key = findKey(context, context.fields.requiredString('KeyId', { max: 2048 }), {
    aliasesAccepted: true,
  });
  assertEnabled(context, key);
  assertKeyUsage(context, key, 'ENCRYPT_DECRYPT', operation);
  return key;
}

export const encrypt: KmsOperation = (context) => {
  const { fields, location } = context;
  const key = keyForEncryption(context, 'Encrypt');
  const plaintext = fields.requiredBlob('Plaintext', { min: 1, max: 4096 });
  assertSymmetricAlgorithm(context);
  return {
    CiphertextBlob: seal(key, plaintext, fields.encryptionContext()),
    KeyId: keyArn(location, key.keyId),
    EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
  };
};

function generateDataKeyBlob(
  context: OperationContext,
  operation: string,
): { plaintext: Buffer; response: ResponseObject } {
  const { fields, location } = context;
  const key = keyForEncryption(context, operation);
  const keySpec = fields.optionalEnum('KeySpec', DATA_KEY_SPECS);
  const numberOfBytes = fields.optionalInteger('NumberOfBytes', { min: 1, max: 1024 });
  if ((keySpec === undefined) === (numberOfBytes === undefined)) {
    throw validationError('Please specify either number of bytes or key spec.');
  }
  const plaintext = randomBytes(numberOfBytes ?? DATA_KEY_SPEC_BYTES[keySpec ?? 'AES_256']);
  return {
    plaintext,
    response: {
      CiphertextBlob: seal(key, plaintext, fields.encryptionContext()),
      KeyId: keyArn(location, key.keyId),
    },
  };
}

export const generateDataKey: KmsOperation = (context) => {
  const { plaintext, response } = generateDataKeyBlob(context, 'GenerateDataKey');
  return { ...response, Plaintext: plaintext.toString('base64') };
};

export const generateDataKeyWithoutPlaintext: KmsOperation = (context) =>
  generateDataKeyBlob(context, 'GenerateDataKeyWithoutPlaintext').response;

/**
 * Decrypts a blob with the key and material version it names. A blob naming a key that never existed is
 * indistinguishable from garbage (`InvalidCiphertextException`); one naming a deleted key is `NotFoundException`.
 */
export const decrypt: KmsOperation = (context) => {
  const { fields, store, location } = context;
  const blob = parseCiphertextBlob(fields.requiredBlob('CiphertextBlob', { min: 1, max: 6144 }));
  const requestedKeyId = fields.optionalString('KeyId', { max: 2048 });
  const encryptionContext = fields.encryptionContext();
  assertSymmetricAlgorithm(context);

  const requestedKey =
    requestedKeyId === undefined ? undefined : findKey(context, requestedKeyId, { aliasesAccepted: true });
  const key = store.getKey(blob.keyId);
  if (!key) {
    if (store.wasDeleted(blob.keyId)) throw keyNotFound(keyArn(location, blob.keyId));
    throw invalidCiphertext();
  }
  if (requestedKey && requestedKey.keyId !== key.keyId) {
    throw new KmsError(
      'IncorrectKeyException',
      'The key ID in the request does not identify a CMK that can perform this operation.',
    );
  }
  assertEnabled(context, key);
  assertKeyUsage(context, key, 'ENCRYPT_DECRYPT', 'Decrypt');
  const material = key.materials.find((candidate) => candidate.version === blob.materialVersion);
  if (!material) throw invalidCiphertext();
  return {
    KeyId: keyArn(location, key.keyId),
    Plaintext: openCiphertextBlob(blob, material.material, encryptionContext).toString('base64'),
    EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
  };
};
