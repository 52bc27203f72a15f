/**
 * The exception names this endpoint returns in `__type`. They match the names AWS KMS uses, so that
 * `@aws-sdk/client-kms` raises its own modelled exception classes (or, for the protocol-level ones such
 * as `ValidationException`, a `KMSServiceException` whose `name` is the same string).
 */
export type KmsExceptionName =
  | 'AlreadyExistsException'
  | 'DisabledException'
  | 'IncorrectKeyException'
  | 'InvalidAliasNameException'
  | 'InvalidCiphertextException'
  | 'InvalidKeyUsageException'
  | 'InvalidMarkerException'
  | 'KMSInternalException'
  | 'KMSInvalidMacException'
  | 'KMSInvalidSignatureException'
  | 'KMSInvalidStateException'
  | 'MalformedPolicyDocumentException'
  | 'NotFoundException'
  | 'SerializationException'
  | 'TagException'
  | 'UnknownOperationException'
  | 'UnsupportedOperationException'
  | 'ValidationException';

/** A failure reported to the client as HTTP 400 (500 for `KMSInternalException`) with a KMS error body. */
export class KmsError extends Error {
  readonly type: KmsExceptionName;

  constructor(type: KmsExceptionName, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'KmsError';
    this.type = type;
  }

  get httpStatus(): number {
    return this.type === 'KMSInternalException' ? 500 : 400;
  }
}

export const validationError = (message: string) => new KmsError('ValidationException', message);

export const keyNotFound = (keyArn: string) =>
  new KmsError('NotFoundException', `Key '${keyArn}' does not exist`);

export const aliasNotFound = (aliasArn: string) =>
  new KmsError('NotFoundException', `Alias ${aliasArn} is not found.`);

/** A key asked for an operation its usage does not allow (e.g. `Encrypt` with an HMAC key). */
export const wrongKeyUsage = (keyArn: string, operation: string) =>
  new KmsError('InvalidKeyUsageException', `${keyArn} key usage is not valid for ${operation}.`);

/** Rotation of a key spec KMS does not rotate (HMAC). */
export const rotationUnsupported = (keyArn: string) =>
  new KmsError(
    'UnsupportedOperationException',
    `${keyArn} key spec does not support automatic key rotation.`,
  );

export const keyDisabled = (keyArn: string) => new KmsError('DisabledException', `${keyArn} is disabled.`);

export const keyPendingDeletion = (keyArn: string) =>
  new KmsError('KMSInvalidStateException', `${keyArn} is pending deletion.`);

/** KMS deliberately says nothing about why a ciphertext was rejected; neither do we. */
export const invalidCiphertext = (cause?: unknown) =>
  new KmsError(
    'InvalidCiphertextException',
    'The ciphertext is invalid or does not match the encryption context.',
    {
      cause,
    },
  );
