import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { ConfideError, ErrorCode } from '@confide/domain';

/**
 * Idempotency keys identify a retry of one request, nothing else (issue 17 item 7; decision 0028). With the key a
 * store keeps a digest of the request — the caller, the service or person it is about, and the whole payload — as a
 * keyed HMAC (never a plain hash of personal data, which could be tested against guesses). A later request with the
 * same key is a retry only when its digest matches; otherwise it is refused with CONFLICT naming the key's field,
 * and nothing of the earlier record is returned.
 */
export function idempotencyKeyFrom(secret: Uint8Array, context: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.from(context), 'confide/idempotency/v1', 32));
}

/** The digest of one request: an HMAC of its parts in a fixed order (JSON of an array, so no two share bytes). */
export function requestDigest(key: Uint8Array, parts: readonly unknown[]): string {
  return createHmac('sha256', key).update(JSON.stringify(parts)).digest('base64url');
}

/** Where a client-chosen key is stored: an HMAC of it, so the item key reveals nothing of what the caller chose. */
export function keyDigest(key: Uint8Array, idempotencyKey: string): string {
  return createHmac('sha256', key).update('key\n').update(idempotencyKey).digest('hex');
}

export function sameDigest(stored: string | undefined, digest: string): boolean {
  if (stored === undefined) return false;
  const left = Buffer.from(stored);
  const right = Buffer.from(digest);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The refusal of a key reused for another request: names the field, never the key's value or the first record. */
export function idempotencyConflict(): ConfideError {
  return new ConfideError(
    ErrorCode.CONFLICT,
    'This idempotency key was already used for a different request; use a new key for a new request.',
    { field: ['input', 'idempotencyKey'] },
  );
}
