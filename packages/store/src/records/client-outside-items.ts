import { validate } from '@confide/domain';
import { blindIndex } from '@confide/keys';
import type { Item } from '../attributes';
import { identityLinkKey } from '../organisation-directory';
import type { TenantScope } from '../tenant-scope';
import type { TenantTable } from '../tenant-table';
import { disclosureQueueItemKeys } from './disclosure-queue';
import { disclosureReviewItemKeys } from './disclosure-reviews';
import { referenceClaimKeys } from './referrals';
import { subjectAccessItemKeys } from './subject-access';

/** Bits of each blind index over a client's details: few enough that a bucket holds many people (decision 0045). */
export const BEACON_BITS = { nhs: 16, postcode: 16, name: 16 } as const;
export type BeaconKind = keyof typeof BEACON_BITS;

/** The partition of the blind-index entry of one detail: `ORG#<org>#BEACON#<kind>#<bucket>`. */
export function beaconPartition(
  scope: TenantScope,
  beaconKey: Uint8Array,
  kind: BeaconKind,
  value: string,
): string {
  return scope.key('BEACON', kind, blindIndex(beaconKey, `client-${kind}`, value, BEACON_BITS[kind]));
}

/** Whether an item is one of the organisation's blind-index entries. */
export function isBeaconKey(scope: TenantScope, key: { readonly pk: string }): boolean {
  return key.pk.startsWith(`ORG#${scope.orgId}#BEACON#`);
}

/**
 * The partitions of a client's blind-index entries (each holds `CLIENT#<clientId>`): their NHS number, postcode and
 * each word of their name. Two words of one name share an entry for about one pair in 65,536 (the index is truncated
 * on purpose): one entry serves both.
 */
export function clientBeaconPartitions(
  scope: TenantScope,
  beaconKey: Uint8Array,
  details: {
    readonly name: string;
    readonly postcode?: string | undefined;
    readonly nhsNumber?: string | undefined;
  },
): string[] {
  const entries: [BeaconKind, string][] = [];
  if (details.nhsNumber) entries.push(['nhs', details.nhsNumber]);
  if (details.postcode) entries.push(['postcode', details.postcode]);
  for (const word of validate.nameWords(details.name)) entries.push(['name', word]);
  return [...new Set(entries.map(([kind, value]) => beaconPartition(scope, beaconKey, kind, value)))];
}

/**
 * An item of a person's kept outside their partition: its key, its kind, and the attribute that names the person
 * (a client's `clientId`, a staff member's `staffId`, the identity link's `principalId`).
 */
export interface OutsideItem {
  readonly key: { readonly pk: string; readonly sk: string };
  readonly kind: string;
  /** The attribute that holds the person's id; none on an acknowledgement, which its request's id names. */
  readonly owner: 'clientId' | 'staffId' | 'principalId' | undefined;
}

/**
 * By the partition an item lives in (`ORG#<org>#<PARTITION>…`): its tombstone's kind, its owner attribute, and
 * whether the application itself deletes such items (a kept queue item goes once every capacity was told); the
 * retention handler treats any other deletion of an item that names a client as theirs to explain (decision 0117).
 */
const OUTSIDE_PARTITIONS: Readonly<
  Record<string, Omit<OutsideItem, 'key'> & { readonly deletedByTheApplication?: true }>
> = {
  REFERENCE: { kind: 'REFERENCE', owner: 'clientId' },
  IDENTITY: { kind: 'IDENTITY', owner: 'principalId' },
  BEACON: { kind: 'BEACON', owner: 'clientId' },
  DISCLOSURE_QUEUE: { kind: 'DISCLOSURE_QUEUE', owner: 'clientId', deletedByTheApplication: true },
  DISCLOSURE_QUEUE_ACKS: { kind: 'DISCLOSURE_ACKNOWLEDGEMENT', owner: undefined },
  DISCLOSURE_REVIEWS: { kind: 'DISCLOSURE_REVIEW', owner: 'clientId' },
  SUBJECT_ACCESS: { kind: 'SUBJECT_ACCESS', owner: 'clientId' },
  SUBJECT_ACCESS_EXPORTS: { kind: 'SUBJECT_ACCESS_EXPORT', owner: 'clientId' },
  REFERRER_REFERENCE: { kind: 'REFERENCE_CLAIM', owner: 'clientId' },
};

function outsideItem(scope: TenantScope, key: { pk: string; sk: string }): OutsideItem {
  const partition = key.pk.slice(`ORG#${scope.orgId}#`.length).split('#')[0] ?? '';
  const known = OUTSIDE_PARTITIONS[partition];
  if (!known)
    throw new Error(`An item of a client outside their partition of an unknown kind: ${partition}.`);
  return { key, kind: known.kind, owner: known.owner };
}

/**
 * The kind of a client's item kept outside their partition that names them in `clientId` and that the application
 * never deletes, from the rest of its key after the organisation (`BEACON#…`, `SUBJECT_ACCESS`); undefined for any
 * other partition.
 */
export function keptClientItemKind(rest: string): string | undefined {
  const known = OUTSIDE_PARTITIONS[rest.split('#')[0] ?? ''];
  return known?.owner === 'clientId' && !known.deletedByTheApplication ? known.kind : undefined;
}

/** A disclosure register entry's sort key: `DISCLOSURE#<requestId>#<sequence>`. */
const DISCLOSURE_SORT_PREFIX = 'DISCLOSURE#';

/**
 * What items of a client's partition name outside it: the disclosure work queue's item of each request its register
 * entries belong to, with the request's acknowledgements (decision 0044), and the claim of each referral's reference
 * (still this client's). The items need `sk`, `partnerId` and `referrerReference`. None for any other item.
 */
export async function partitionNamedItems(
  gateway: TenantTable,
  scope: TenantScope,
  clientId: string,
  partition: readonly Item[],
): Promise<OutsideItem[]> {
  const requestIds = new Set(
    partition.flatMap((item) => {
      const sk = item.sk?.S ?? '';
      return sk.startsWith(DISCLOSURE_SORT_PREFIX) ? [sk.split('#')[1] ?? ''] : [];
    }),
  );
  const lists = await Promise.all([
    referenceClaimKeys(gateway, scope, clientId, partition),
    ...[...requestIds].filter(Boolean).map((requestId) => disclosureQueueItemKeys(gateway, scope, requestId)),
  ]);
  return lists.flat().map((key) => outsideItem(scope, key));
}

/**
 * What a client's profile names outside the partition: the reference, the identity link and the blind-index entries
 * (`beacons`, recomputed by the caller from the sealed details); and the organisation's lists that hold the client's
 * id: their subject access requests and export notices, and the reviews of their exceptional disclosures.
 */
export async function profileNamedItems(
  gateway: TenantTable,
  scope: TenantScope,
  clientId: string,
  profile: { readonly reference?: string | undefined; readonly externalSubject?: string | undefined },
  beacons: readonly string[],
): Promise<OutsideItem[]> {
  const listed = await Promise.all([
    subjectAccessItemKeys(gateway, scope, clientId),
    disclosureReviewItemKeys(gateway, scope, clientId),
  ]);
  const named = [
    ...(profile.reference ? [{ pk: scope.key('REFERENCE', profile.reference), sk: 'REFERENCE' }] : []),
    ...(profile.externalSubject ? [identityLinkKey(scope, profile.externalSubject)] : []),
    ...beacons.map((pk) => ({ pk, sk: `CLIENT#${clientId}` })),
  ];
  return [...named, ...listed.flat()].map((key) => outsideItem(scope, key));
}
