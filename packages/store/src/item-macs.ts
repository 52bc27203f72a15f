import type { OrgId } from '@confide/domain';
import { integrityKeyFrom, verifyIntegrityMac } from '@confide/keys';
import { type Item, read, requireS } from './attributes';
import { TamperedItemError } from './records/integrity-incidents';
import { itemKeyOf } from './sealed-fields';

/**
 * The organisation's integrity key (decision 0030): HKDF of its beacon key, which the key hierarchy caches, so that
 * computing or checking an item's MAC costs CPU only, no round trip.
 */
export async function organisationIntegrityKey(
  keys: { beaconKey(orgId: OrgId): Promise<Uint8Array> },
  orgId: OrgId,
): Promise<Buffer> {
  return integrityKeyFrom(await keys.beaconKey(orgId), orgId);
}

/**
 * Throws {@link TamperedItemError} unless the item's `attribute` holds the MAC of `parts` under `integrityKey`: an
 * item written or rewritten in the table by someone without the key (decisions 0030, 0087–0099). The error names the
 * item by its key and `subjectId` (ids only), and is recorded as a `TAMPERED_STATE` incident of kind `itemKind`.
 */
export function requireItemMac(
  integrityKey: Buffer,
  item: Item,
  attribute: string,
  parts: readonly string[],
  tampered: { readonly subjectId: string; readonly itemKind: string; readonly orgId?: string },
): void {
  if (!verifyIntegrityMac(integrityKey, parts, read.s(item, attribute))) {
    throw new TamperedItemError(
      tampered.subjectId,
      tampered.itemKind,
      itemKeyOf(requireS(item, 'pk'), requireS(item, 'sk')),
      tampered.orgId ? { orgId: tampered.orgId } : undefined,
    );
  }
}
