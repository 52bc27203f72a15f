import { type Clock, ConfideError, ErrorCode, newId } from '@confide/domain';
import type { SubjectKey } from '@confide/keys';
import { attr, type Item, read, requireS } from '../attributes';
import { mapPage, type Page, type PageRequest } from '../paging';
import { itemKeyOf, openField, sealFields } from '../sealed-fields';
import type { TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable, transactWriteOrCancelled } from '../tenant-table';

export const MEDIA_KINDS = ['PHOTO', 'RECORDING'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];
export const MEDIA_PURPOSES = ['PUBLICITY', 'CARE_RECORD'] as const;
export type MediaPurpose = (typeof MEDIA_PURPOSES)[number];

/**
 * A photo or recording of a service user: metadata in clear, and the caption and the reference to the stored
 * object (which may itself say who is pictured) sealed under the client's subject key. The consent it was
 * taken under is kept, so that withdrawing that consent can be shown on the item (Azure 8.1).
 */
export interface MediaRecord {
  readonly mediaId: string;
  readonly clientId: string;
  readonly kind: MediaKind;
  readonly purpose: MediaPurpose;
  /** The written, manager-involved consent the item was recorded under. */
  readonly consentId: string;
  readonly recordedBy: string;
  readonly recordedAt: string;
  readonly expiresAt: number | undefined;
  readonly pk: string;
  readonly sk: string;
  readonly item: Item;
}

export const SEALED_MEDIA_FIELDS = ['caption', 'objectReference'] as const;
export type SealedMediaField = (typeof SEALED_MEDIA_FIELDS)[number];

const MEDIA_PREFIX = 'MEDIA#';

/** Media items in the client's partition (`ORG#o#CLIENT#c`, sort key `MEDIA#<mediaId>`). */
export class MediaRecords {
  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  async record(
    scope: TenantScope,
    clientId: string,
    key: SubjectKey,
    media: {
      kind: MediaKind;
      purpose: MediaPurpose;
      consentId: string;
      recordedBy: string;
      sealed: Record<SealedMediaField, string>;
    },
  ): Promise<MediaRecord> {
    const mediaId = newId('media');
    const pk = scope.key('CLIENT', clientId);
    const sk = `${MEDIA_PREFIX}${mediaId}`;
    const item: Item = {
      pk: attr.s(pk),
      sk: attr.s(sk),
      mediaId: attr.s(mediaId),
      clientId: attr.s(clientId),
      kind: attr.s(media.kind),
      purpose: attr.s(media.purpose),
      classification: attr.s('CARE'),
      consentId: attr.s(media.consentId),
      recordedBy: attr.s(media.recordedBy),
      recordedAt: attr.s(this.clock.now().toISOString()),
      ...sealFields(key, itemKeyOf(pk, sk), media.sealed),
    };
    // Recorded only while the consent it relies on stands, checked in the same write: a withdrawal confirmed
    // meanwhile is never followed by the recording it withdrew (as a release relies on its consent).
    const written = await transactWriteOrCancelled(this.#gateway(scope), [
      { Put: { Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        ConditionCheck: {
          Key: { pk: attr.s(pk), sk: attr.s(`CONSENT#${media.consentId}`) },
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(withdrawnAt)',
        },
      },
    ]);
    if (!written.written) {
      // A fresh random id never collides, so what failed is the consent (or a concurrent change to it: the same).
      throw new ConfideError(
        ErrorCode.CONSENT_REQUIRED,
        'The consent this recording relied on has been withdrawn.',
      );
    }
    return toMedia(item);
  }

  /** A client's media, newest first; expired items are never returned. */
  /** One page of the person's media in the order they are stored (by media id), read with DynamoDB's `Limit`. */
  async page(scope: TenantScope, clientId: string, request: PageRequest): Promise<Page<MediaRecord>> {
    const gateway = this.#gateway(scope);
    const page = await gateway.queryPrefixPage(
      scope.key('CLIENT', clientId),
      MEDIA_PREFIX,
      request,
      this.clock.now(),
    );
    return mapPage(page, toMedia);
  }

  async list(scope: TenantScope, clientId: string): Promise<MediaRecord[]> {
    const items = await this.#gateway(scope).queryPrefix(
      scope.key('CLIENT', clientId),
      MEDIA_PREFIX,
      this.clock.now(),
    );
    return items.map(toMedia).sort((a, b) => b.recordedAt.localeCompare(a.recordedAt));
  }

  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
  }

  openSealed(key: SubjectKey, media: MediaRecord, field: SealedMediaField): string | undefined {
    return openField(key, itemKeyOf(media.pk, media.sk), media.item, field);
  }
}

function toMedia(item: Item): MediaRecord {
  return {
    mediaId: requireS(item, 'mediaId'),
    clientId: requireS(item, 'clientId'),
    kind: requireS(item, 'kind') as MediaKind,
    purpose: requireS(item, 'purpose') as MediaPurpose,
    consentId: requireS(item, 'consentId'),
    recordedBy: requireS(item, 'recordedBy'),
    recordedAt: requireS(item, 'recordedAt'),
    expiresAt: read.n(item, 'expiresAt'),
    pk: requireS(item, 'pk'),
    sk: requireS(item, 'sk'),
    item,
  };
}
