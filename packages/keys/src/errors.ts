/**
 * A key could not be obtained or a ciphertext failed its integrity check. Always fatal for the request: the
 * API maps it to `INTERNAL` and returns nothing in clear (fail closed).
 */
export class KeyUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeyUnavailableError';
  }
}

/**
 * A call to KMS itself failed: denied, throttled, unreachable, the key disabled or pending deletion. A
 * {@link KeyUnavailableError} (same name, same handling), marked so that the api can count it for the operators'
 * `kms-errors` alarm (packages/api/src/metrics.ts) without reading messages.
 */
export class KmsCallError extends KeyUnavailableError {
  readonly kmsCall = true;
}

/** A field ciphertext did not open under its key and context: tampered, swapped or from another record. */
export class CiphertextIntegrityError extends Error {
  constructor(message = 'A field failed its integrity check.', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CiphertextIntegrityError';
  }
}
