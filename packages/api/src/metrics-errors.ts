import { KmsCallError } from '@confide/keys';
import { TamperedItemError } from '@confide/store';
import { confideMetrics, publishMetric } from './metrics';

const counted = new WeakSet<object>();

/** The first error of a kind in an error's chain (a GraphQL error's original error, then causes), if any. */
function inChain<E extends Error>(error: unknown, kind: abstract new (...args: never[]) => E): E | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    if (current instanceof kind) return current;
    const original = (current as { originalError?: unknown }).originalError;
    current = original instanceof Error ? original : current.cause;
  }
  return undefined;
}

/**
 * Counts an item the api refused because its access metadata does not match its MAC or ciphertext (`IntegrityIncidents`,
 * the `integrity-api` alarm; decision 0030), once per failure: the execution's failures when they are audited
 * (request-plugins.ts), and through {@link countErrorMetrics} those raised before any resolver (a forged role or
 * status read while authenticating), which no execution sees. Ids and kinds only.
 */
export function countTamperedItem(failure: TamperedItemError, orgId: string | undefined): void {
  if (counted.has(failure)) return;
  counted.add(failure);
  publishMetric(confideMetrics.apiIntegrityIncidents, 1, {
    level: 'ERROR',
    message: 'integrity.tampered-item',
    ...(orgId ? { orgId } : {}),
    subjectId: failure.subjectId,
    itemKind: failure.itemKind,
  });
}

/** Counts what an error leaving the api means for the operators' alarms: a KMS failure, a refused tampered item. */
export function countErrorMetrics(error: unknown): void {
  countKmsFailure(error);
  const tampered = inChain(error, TamperedItemError);
  if (tampered) countTamperedItem(tampered, orgIdOf(tampered));
}

/** The organisation of a tampered item, from its item key (`ORG#<id>#…`); ids only. */
function orgIdOf(failure: TamperedItemError): string | undefined {
  return /ORG#(org_[A-Za-z0-9]+)#/.exec(failure.itemKey)?.[1];
}

/**
 * Counts an error leaving the api that a failed KMS call caused (`KmsErrors`, the `kms-errors` alarm): called for
 * every error the server masks, so failures during authentication, in resolvers and in fields all count. One failure
 * is counted once, however many fields it failed (a rejected key load is shared by the request's fields).
 */
export function countKmsFailure(error: unknown): void {
  const failure = inChain(error, KmsCallError);
  if (!failure || counted.has(failure)) return;
  counted.add(failure);
  publishMetric(confideMetrics.kmsErrors, 1, {
    level: 'ERROR',
    message: 'kms.call-failed',
    // The SDK error's name only (AccessDeniedException, KMSInvalidStateException, …): never a message.
    error: failure.cause instanceof Error ? failure.cause.name : 'Error',
  });
}

/**
 * Counts a restore that failed after a reopening or a re-employment failed (`RetentionRestoreFailures`, the
 * `retention-restore-failed` alarm): the person's schedule could not be put back as it was, so their records may be
 * kept past their date until the change is recorded again. The request still answers its own failure. Ids, the kind
 * of restore and the error's name only: never its message, which may quote a key or an item.
 */
export function countFailedRestore(
  restore: 'REOPENING' | 'REEMPLOYMENT',
  ids: { readonly orgId: string; readonly subjectId: string },
  error: unknown,
): void {
  publishMetric(confideMetrics.retentionRestoreFailures, 1, {
    level: 'ERROR',
    message: 'retention.restore-failed',
    orgId: ids.orgId,
    subjectId: ids.subjectId,
    restore,
    error: error instanceof Error ? error.name : typeof error,
  });
}
