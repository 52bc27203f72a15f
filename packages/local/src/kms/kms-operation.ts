import { KEY_USAGE_OF, type KeyRecord } from './key-records.js';
import type { KeyStore } from './key-store.js';
import { aliasArn, type KmsLocation, keyArn, parseKeyReference } from './kms-arns.js';
import {
  aliasNotFound,
  KmsError,
  keyDisabled,
  keyNotFound,
  keyPendingDeletion,
  rotationUnsupported,
  wrongKeyUsage,
} from './kms-errors.js';
import type { RequestFields, ResponseValue } from './request-fields.js';

/** What an operation works with: the state, where it lives, the request time and the request members. */
export interface OperationContext {
  readonly store: KeyStore;
  readonly location: KmsLocation;
  /** The injected clock's time for this request. */
  readonly now: Date;
  readonly fields: RequestFields;
}

/** A response body; members left `undefined` are omitted. */
export interface ResponseObject {
  [member: string]: ResponseValue;
}

/**
 * One KMS operation. Operations are synchronous, so that a request's change to the state and the snapshot
 * persisted after it cannot interleave with another request's.
 */
export type KmsOperation = (context: OperationContext) => ResponseObject;

/** KMS JSON carries timestamps as (fractional) seconds since the epoch. */
export const epochSeconds = (date: Date) => date.getTime() / 1000;

/**
 * Finds the key a `KeyId` member names. Operations that manage a key accept only its id or ARN;
 * cryptographic operations and `DescribeKey` also accept an alias name or alias ARN.
 * @throws KmsError `NotFoundException`.
 */
export function findKey(
  { store, location }: OperationContext,
  identifier: string,
  { aliasesAccepted }: { aliasesAccepted: boolean },
): KeyRecord {
  const reference = parseKeyReference(location, identifier);
  if (reference.kind === 'key') {
    return store.getKey(reference.keyId) ?? throwError(keyNotFound(keyArn(location, reference.keyId)));
  }
  if (!aliasesAccepted) {
    throw new KmsError('NotFoundException', `Invalid keyId ${identifier}: specify a key id or key ARN`);
  }
  const alias =
    store.getAlias(reference.aliasName) ?? throwError(aliasNotFound(aliasArn(location, reference.aliasName)));
  return store.getKey(alias.targetKeyId) ?? throwError(keyNotFound(keyArn(location, alias.targetKeyId)));
}

/** @throws KmsError `KMSInvalidStateException` for a key pending deletion. */
export function assertNotPendingDeletion({ location }: OperationContext, key: KeyRecord): void {
  if (key.state === 'PendingDeletion') throw keyPendingDeletion(keyArn(location, key.keyId));
}

/** @throws KmsError `DisabledException` or `KMSInvalidStateException` unless the key is enabled. */
export function assertEnabled(context: OperationContext, key: KeyRecord): void {
  assertNotPendingDeletion(context, key);
  if (key.state === 'Disabled') throw keyDisabled(keyArn(context.location, key.keyId));
}

/** @throws KmsError `InvalidKeyUsageException` unless the key's usage is `usage`. */
export function assertKeyUsage(
  { location }: OperationContext,
  key: KeyRecord,
  usage: 'ENCRYPT_DECRYPT' | 'GENERATE_VERIFY_MAC' | 'SIGN_VERIFY',
  operation: string,
): void {
  if (KEY_USAGE_OF[key.keySpec] !== usage) throw wrongKeyUsage(keyArn(location, key.keyId), operation);
}

/** @throws KmsError `UnsupportedOperationException` for a key KMS does not rotate (HMAC keys). */
export function assertRotatable({ location }: OperationContext, key: KeyRecord): void {
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') throw rotationUnsupported(keyArn(location, key.keyId));
}

/** The `KeyMetadata` structure of `DescribeKey` and `CreateKey`. */
export function keyMetadata(location: KmsLocation, key: KeyRecord): ResponseObject {
  const encryption = key.keySpec === 'SYMMETRIC_DEFAULT';
  const signing = key.keySpec === 'ECC_NIST_P256';
  return {
    AWSAccountId: location.accountId,
    KeyId: key.keyId,
    Arn: keyArn(location, key.keyId),
    CreationDate: epochSeconds(key.createdAt),
    Enabled: key.state === 'Enabled',
    Description: key.description,
    KeyUsage: KEY_USAGE_OF[key.keySpec],
    KeyState: key.state,
    DeletionDate: key.deletionDate && epochSeconds(key.deletionDate),
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    EncryptionAlgorithms: encryption ? ['SYMMETRIC_DEFAULT'] : undefined,
    MacAlgorithms: key.keySpec === 'HMAC_256' ? ['HMAC_SHA_256'] : undefined,
    SigningAlgorithms: signing ? ['ECDSA_SHA_256'] : undefined,
    MultiRegion: false,
  };
}

/**
 * One page of a listing. The marker is the opaque offset of the next page; KMS markers are opaque too.
 * @throws KmsError `InvalidMarkerException` for a marker this endpoint did not issue.
 */
export function paginate<T>(
  items: readonly T[],
  { limit = 50, marker }: { limit: number | undefined; marker: string | undefined },
): { page: T[]; nextMarker: string | undefined } {
  let start = 0;
  if (marker !== undefined) {
    start = Number(Buffer.from(marker, 'base64url').toString('utf8'));
    if (!Number.isSafeInteger(start) || start < 0 || start > items.length) {
      throw new KmsError('InvalidMarkerException', 'The marker is not valid for this request');
    }
  }
  const end = start + limit;
  return {
    page: items.slice(start, end),
    nextMarker: end < items.length ? Buffer.from(String(end), 'utf8').toString('base64url') : undefined,
  };
}

function throwError(error: Error): never {
  throw error;
}
