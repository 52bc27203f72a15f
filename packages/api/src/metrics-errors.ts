import { KmsCallError } from '@confide/keys';
import { confideMetrics, publishMetric } from './metrics';

const counted = new WeakSet<object>();

/** The KMS failure in an error's chain (a GraphQL error's original error, then causes), if any. */
function kmsFailureIn(error: unknown): KmsCallError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    if (current instanceof KmsCallError) return current;
    const original = (current as { originalError?: unknown }).originalError;
    current = original instanceof Error ? original : current.cause;
  }
  return undefined;
}

/**
 * Counts an error leaving the api that a failed KMS call caused (`KmsErrors`, the `kms-errors` alarm): called for
 * every error the server masks, so failures during authentication, in resolvers and in fields all count. One failure
 * is counted once, however many fields it failed (a rejected key load is shared by the request's fields).
 */
export function countKmsFailure(error: unknown): void {
  const failure = kmsFailureIn(error);
  if (!failure || counted.has(failure)) return;
  counted.add(failure);
  publishMetric(confideMetrics.kmsErrors, 1, {
    level: 'ERROR',
    message: 'kms.call-failed',
    // The SDK error's name only (AccessDeniedException, KMSInvalidStateException, …): never a message.
    error: failure.cause instanceof Error ? failure.cause.name : 'Error',
  });
}
