import { attr, read } from '../attributes';
import type { TenantScope } from '../tenant-scope';
import { type TenantTable, type TenantTransactItem, transactWriteOrCancelled } from '../tenant-table';

/**
 * Items kept outside a person's partition (a subject access request, a disclosure's queue and review items) carry the
 * date their profile had when it was read, so that they go with the person's records (decision 0044). A closure,
 * reopening, hold or review can land between that read and the item's write: the closure dates what it finds, not
 * what is written after it, and the item would keep the old date (none: kept for ever). These are the write's guard:
 * the item is written only while the profile still has the date read, and otherwise again with the date it has now.
 */

const PROFILE = 'PROFILE';
const CONDITION_FAILED = 'ConditionalCheckFailed';

/** A transaction's check that the person's profile has `expiresAt` still (none for an undated one). */
export function profileDatedAs(
  scope: TenantScope,
  clientId: string,
  expiresAt: number | undefined,
): TenantTransactItem {
  return {
    ConditionCheck: {
      Key: { pk: attr.s(scope.key('CLIENT', clientId)), sk: attr.s(PROFILE) },
      ...(expiresAt === undefined
        ? { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(expiresAt)' }
        : {
            ConditionExpression: 'attribute_exists(pk) AND expiresAt = :dated',
            ExpressionAttributeValues: { ':dated': attr.n(expiresAt) },
          }),
    },
  };
}

/** The profile's date now (consistently read); `null` when there is no profile. */
export async function profileDateNow(
  gateway: TenantTable,
  scope: TenantScope,
  clientId: string,
): Promise<number | undefined | null> {
  const profile = await gateway.get({ pk: scope.key('CLIENT', clientId), sk: PROFILE });
  if (!profile) return null;
  return read.n(profile, 'expiresAt');
}

/**
 * Writes `writes(expiresAt)` with {@link profileDatedAs}, starting from the date read; when the profile's date changed
 * meanwhile (or a change to it was under way), reads it again and writes with that, a few times. Answers `written:
 * false` when the profile is gone or keeps changing: the caller answers CONFLICT. When a condition of `writes` itself
 * failed (not the profile's date), answers at once with `refused`: each of those items' reasons, in their order.
 */
export async function writeWithProfileDate(
  gateway: TenantTable,
  scope: TenantScope,
  clientId: string,
  readDate: number | undefined,
  writes: (expiresAt: number | undefined) => readonly TenantTransactItem[],
): Promise<{
  written: boolean;
  expiresAt: number | undefined;
  refused?: readonly (string | undefined)[];
}> {
  let expiresAt = readDate;
  for (let attempt = 0; attempt < 3; attempt++) {
    const items = writes(expiresAt);
    const result = await transactWriteOrCancelled(gateway, [
      ...items,
      profileDatedAs(scope, clientId, expiresAt),
    ]);
    if (result.written) return { written: true, expiresAt };
    const own = result.reasons.slice(0, items.length);
    if (result.reasons[items.length] !== CONDITION_FAILED && own.includes(CONDITION_FAILED)) {
      return { written: false, expiresAt, refused: own };
    }
    const now = await profileDateNow(gateway, scope, clientId);
    if (now === null) return { written: false, expiresAt };
    expiresAt = now;
  }
  return { written: false, expiresAt };
}
