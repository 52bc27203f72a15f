import { createHash } from 'node:crypto';
import { type Clock, ConfideError, conflict, ErrorCode, isExpired, newId } from '@confide/domain';
import { integrityMac, type KeyHierarchy, type SubjectKey } from '@confide/keys';
import { attr, type Item, read, requireN, requireS } from '../attributes';
import type { ItemLoader } from '../item-loader';
import { organisationIntegrityKey, requireItemMac } from '../item-macs';
import { mapPage, type Page, type PageRequest } from '../paging';
import { itemKeyOf, openField, sealFields } from '../sealed-fields';
import type { TenantScope } from '../tenant-scope';
import {
  type TableAccess,
  TenantTable,
  type TenantTransactItem,
  transactWriteOrCancelled,
} from '../tenant-table';
import { DisclosureQueue, toQueueEntry } from './disclosure-queue';
import { TamperedItemError } from './integrity-incidents';
import { profileDatedAs } from './profile-date';

export const LEGAL_BASES = [
  'CONSENT',
  'COURT_ORDER',
  'SAFEGUARDING',
  'VITAL_INTERESTS',
  'PREVENTION_OF_SERIOUS_CRIME',
] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

export const IDENTITY_CHECKS = ['CALLBACK_TO_KNOWN_NUMBER', 'DOCUMENT_CHECKED', 'KNOWN_CONTACT'] as const;
export type IdentityCheck = (typeof IDENTITY_CHECKS)[number];

/** Who asks: an organisation (the default), the person's GP, or their family — what a consent's scope names. */
export const REQUESTER_KINDS = ['ORGANISATION', 'GP', 'FAMILY'] as const;
export type RequesterKind = (typeof REQUESTER_KINDS)[number];

/**
 * What information is shared for (issue 15): the purposes a consent names and a request's purpose category. A
 * consent authorises a disclosure only for a purpose it names (Azure 7.1 "for a specific purpose, with the
 * individual's written consent"; Lets connect 4.3 logs "the purpose of the request"). The request's own words
 * stay sealed as its `purpose`.
 */
export const DISCLOSURE_PURPOSES = [
  'CARE_COORDINATION',
  'SAFEGUARDING',
  'HOUSING',
  'BENEFITS',
  'LEGAL',
  'HEALTH_TREATMENT',
  'OTHER',
] as const;
export type DisclosurePurpose = (typeof DISCLOSURE_PURPOSES)[number];

export type RegisterEntryKind =
  | 'RECEIVED'
  | 'ESCALATED'
  | 'APPROVED'
  | 'REFUSED'
  | 'RELEASED'
  | 'EXCEPTIONAL_DISCLOSURE'
  | 'CORRECTION'
  /** The request was marked urgent, or no longer urgent, after it was received. */
  | 'URGENCY_CHANGED'
  /**
   * The person has now been told of an exceptional disclosure they were not told of when it was recorded (telling
   * them would then have increased risk): from this entry on they see the request (decision 0145).
   */
  | 'CLIENT_INFORMED';

/**
 * One entry of the disclosure register. The register is append-only: an entry is never edited or deleted, only
 * followed by another (a decision, a release, a correction). Free text (who asked, why, the reasoning) is
 * sealed under the client's key; kinds, dates, bases and item ids are clear.
 */
export interface RegisterEntry {
  readonly requestId: string;
  readonly clientId: string;
  readonly sequence: number;
  readonly kind: RegisterEntryKind;
  readonly at: string;
  /** Who recorded the entry. */
  readonly by: string;
  /**
   * EXCEPTIONAL_DISCLOSURE: who made the disclosure, when someone else (the Caldicott Guardian) recorded it for them
   * (decision 0142); none when `by` made it, as on every entry written before makers were recorded.
   */
  readonly madeBy: string | undefined;
  readonly requesterOrganisation: string | undefined;
  readonly partnerId: string | undefined;
  readonly legalBasis: LegalBasis | undefined;
  readonly identityCheck: IdentityCheck | undefined;
  readonly receivedOn: string | undefined;
  /** RECEIVED: the request was marked urgent; URGENCY_CHANGED: whether it is urgent from then on. */
  readonly urgent: boolean;
  /** RECEIVED and APPROVED: the request's purpose category (none on requests received before purposes). */
  readonly purposeCategory: DisclosurePurpose | undefined;
  /** RECEIVED: who asks (an organisation unless recorded otherwise). */
  readonly requesterKind: RequesterKind | undefined;
  readonly itemIds: readonly string[];
  readonly consentId: string | undefined;
  /** APPROVED on the CONSENT basis: how the consent relied on was given. */
  readonly consentMethod: string | undefined;
  /** Released bundles: SHA-256 of exactly what left, redactions applied. */
  readonly snapshotDigest: string | undefined;
  readonly method: string | undefined;
  readonly grantExpiresAt: string | undefined;
  readonly flaggedForGuardian: boolean;
  readonly clientInformed: boolean | undefined;
  /** CLIENT_INFORMED: the date the person was told, YYYY-MM-DD. */
  readonly toldOn: string | undefined;
  readonly expiresAt: number | undefined;
  readonly pk: string;
  readonly sk: string;
  readonly item: Item;
}

export const SEALED_REGISTER_FIELDS = [
  'requesterContact',
  'purpose',
  'reasoning',
  'redactions',
  'recipient',
  'reasonNotInformed',
] as const;
export type SealedRegisterField = (typeof SEALED_REGISTER_FIELDS)[number];

/**
 * One item as it left the organisation: the approved note with the redactions applied, and the version it had
 * then. A release is a snapshot — what is written afterwards never reaches the recipient.
 */
export interface ReleasedItem {
  readonly noteId: string;
  readonly kind: string;
  readonly recordedAt: string;
  readonly version: number;
  readonly amendedAt: string | undefined;
  readonly body: string;
}

/**
 * The released bundle in its canonical form and its digest: SHA-256 (hex) of the JSON list of
 * `{ noteId, kind, recordedAt, body }`, in release order. The register holds the digest; the grant holds the
 * bundle sealed under the client's key, so an erasure shreds it with the rest of the person's data.
 */
export function releasedBundle(items: readonly ReleasedItem[]): { text: string; digest: string } {
  const text = JSON.stringify(
    items.map(({ noteId, kind, recordedAt, body }) => ({ noteId, kind, recordedAt, body })),
  );
  return { text, digest: createHash('sha256').update(text).digest('hex') };
}

/** What a partner agency may read: exactly the released items, until the grant expires or consent is withdrawn. */
export interface PartnerGrant {
  readonly partnerId: string;
  readonly clientId: string;
  readonly requestId: string;
  readonly itemIds: readonly string[];
  readonly grantExpiresAt: string;
  readonly consentId: string | undefined;
  readonly pk: string;
  readonly sk: string;
  /** The grant item: it holds the sealed snapshot of what was released, opened by `releasedItems`. */
  readonly item: Item;
}

/** Entries that can change a request's outstanding work (the others, a release or a correction, never do). */
const QUEUE_KINDS: readonly RegisterEntryKind[] = [
  'RECEIVED',
  'ESCALATED',
  'APPROVED',
  'REFUSED',
  'EXCEPTIONAL_DISCLOSURE',
  'URGENCY_CHANGED',
];

/**
 * What a partner was released, one item per (partner, person, note) beside the person's other items, indexed in
 * the order `releasedToMe` lists them (`gsi2`: by person, newest note first, then by note id) and naming every
 * release of the note to the partner (issue 19, decision 0044). Written with the release; erased with the person.
 */
const releasedSort = (partnerId: string, noteId: string) => `RELEASED_TO#${partnerId}#${noteId}`;
const releasedIndexKey = (scope: TenantScope, partnerId: string) =>
  scope.key('PARTNER', partnerId, 'RELEASED');
/** Newest first within a person: the recording time counted down from the year 2286, in milliseconds. */
const releasedOrder = (clientId: string, recordedAt: string, noteId: string) =>
  `${clientId}#${String(9_999_999_999_999 - Date.parse(recordedAt)).padStart(13, '0')}#${noteId}`;

/** The update that adds one released note to the partner's released-notes index (idempotent). */
function releasedIndexUpdate(
  scope: TenantScope,
  partnerId: string,
  clientId: string,
  requestId: string,
  released: Pick<ReleasedItem, 'noteId' | 'recordedAt'>,
  /** The person's date (a closed case), which the item takes as the release writes it. */
  expiresAt?: number,
) {
  return {
    Key: { pk: attr.s(scope.key('CLIENT', clientId)), sk: attr.s(releasedSort(partnerId, released.noteId)) },
    UpdateExpression: `SET gsi2pk = :index, gsi2sk = :order, partnerId = :partner, clientId = :client, noteId = :note${
      expiresAt === undefined ? '' : ', expiresAt = :expiresAt'
    } ADD requestIds :request`,
    ExpressionAttributeValues: {
      ':index': attr.s(releasedIndexKey(scope, partnerId)),
      ':order': attr.s(releasedOrder(clientId, released.recordedAt, released.noteId)),
      ':partner': attr.s(partnerId),
      ':client': attr.s(clientId),
      ':note': attr.s(released.noteId),
      ':request': attr.ss([requestId]),
      ...(expiresAt === undefined ? {} : { ':expiresAt': attr.n(expiresAt) }),
    },
  };
}

/** A note released to a partner, as the partner's index names it: the releases (requests) that carried it. */
export interface ReleasedNoteRef {
  readonly partnerId: string;
  readonly clientId: string;
  readonly noteId: string;
  readonly requestIds: readonly string[];
}

/**
 * The most notes one release names. Its transaction holds, besides an index item per note, the entry, the grant, the
 * check that the person's profile is still there as read and, for a release on the person's consent, the check that
 * the consent still stands: DynamoDB takes 100 items a transaction, so at most 96 notes.
 */
export const MAX_RELEASED_ITEMS = 96;

const entrySort = (requestId: string, sequence: number) =>
  `DISCLOSURE#${requestId}#${String(sequence).padStart(4, '0')}`;

/** The disclosure register and the partner grants that releases create. */
export class Disclosures {
  readonly #queue: DisclosureQueue;

  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
    private readonly clock: Clock,
    /** The organisation's integrity key MACs each partner grant (decision 0090). */
    private readonly keys: KeyHierarchy,
  ) {
    this.#queue = new DisclosureQueue(access, table, clock);
  }

  newRequestId(): string {
    return newId('disclosure');
  }

  /**
   * Appends an entry. The sequence number is part of the key and written with `attribute_not_exists`, so two
   * concurrent appends to the same request cannot both take the same place: one gets CONFLICT. A release
   * writes its partner grant in the same transaction, and `alsoPut` adds other new items to it (an exceptional
   * disclosure's review), so the entry is never written without them. A release passes `released`, the items as
   * they left: the entry records their digest and the grant keeps them sealed, so the partner reads exactly that.
   * An entry that changes the request's outstanding work rewrites its kept queue item in the same transaction
   * (issue 19, decision 0044).
   */
  async append(
    scope: TenantScope,
    key: SubjectKey,
    entry: {
      requestId: string;
      clientId: string;
      sequence: number;
      kind: RegisterEntryKind;
      by: string;
      /** An exceptional disclosure recorded for the one who made it: who that is (absent: `by` made it). */
      madeBy?: string | undefined;
      requesterOrganisation?: string | undefined;
      partnerId?: string | undefined;
      legalBasis?: LegalBasis | undefined;
      identityCheck?: IdentityCheck | undefined;
      receivedOn?: string | undefined;
      urgent?: boolean | undefined;
      purposeCategory?: DisclosurePurpose | undefined;
      requesterKind?: RequesterKind | undefined;
      itemIds?: readonly string[] | undefined;
      consentId?: string | undefined;
      consentMethod?: string | undefined;
      snapshotDigest?: string | undefined;
      method?: string | undefined;
      grantExpiresAt?: string | undefined;
      flaggedForGuardian?: boolean | undefined;
      clientInformed?: boolean | undefined;
      /** CLIENT_INFORMED: the date the person was told. */
      toldOn?: string | undefined;
      released?: readonly ReleasedItem[] | undefined;
      sealed?: Partial<Record<SealedRegisterField, string>>;
      /** The client's scheduled expiry (a closed case), which a new kept queue item takes: it goes with the person. */
      clientExpiresAt?: number | undefined;
      /** A release on consent: written only while the consent `consentId` is not withdrawn (else CONSENT_REQUIRED). */
      consentMustStand?: boolean | undefined;
    },
    alsoPut: readonly Item[] = [],
  ): Promise<RegisterEntry> {
    const pk = scope.key('CLIENT', entry.clientId);
    const sk = entrySort(entry.requestId, entry.sequence);
    const bundle = entry.released ? releasedBundle(entry.released) : undefined;
    // Each item this writes in the person's partition carries their date as read, checked below: one written after the
    // case closed would otherwise outlive their records until the partition is swept (listed, released, decided).
    const dated: Item =
      entry.clientExpiresAt === undefined ? {} : { expiresAt: attr.n(entry.clientExpiresAt) };
    const snapshotDigest = bundle?.digest ?? entry.snapshotDigest;
    const item: Item = {
      pk: attr.s(pk),
      sk: attr.s(sk),
      gsi1pk: attr.s(scope.key('DISCLOSURES')),
      gsi1sk: attr.s(`${this.clock.now().toISOString()}#${entry.requestId}#${entry.sequence}`),
      requestId: attr.s(entry.requestId),
      clientId: attr.s(entry.clientId),
      sequence: attr.n(entry.sequence),
      kind: attr.s(entry.kind),
      at: attr.s(this.clock.now().toISOString()),
      by: attr.s(entry.by),
      ...(entry.madeBy === undefined || entry.madeBy === entry.by ? {} : { madeBy: attr.s(entry.madeBy) }),
      flaggedForGuardian: attr.bool(entry.flaggedForGuardian ?? false),
      ...(entry.requesterOrganisation ? { requesterOrganisation: attr.s(entry.requesterOrganisation) } : {}),
      ...(entry.partnerId ? { partnerId: attr.s(entry.partnerId) } : {}),
      ...(entry.legalBasis ? { legalBasis: attr.s(entry.legalBasis) } : {}),
      ...(entry.identityCheck ? { identityCheck: attr.s(entry.identityCheck) } : {}),
      ...(entry.receivedOn ? { receivedOn: attr.s(entry.receivedOn) } : {}),
      ...(entry.urgent === undefined ? {} : { urgent: attr.bool(entry.urgent) }),
      ...(entry.purposeCategory ? { purposeCategory: attr.s(entry.purposeCategory) } : {}),
      ...(entry.requesterKind ? { requesterKind: attr.s(entry.requesterKind) } : {}),
      ...(entry.consentMethod ? { consentMethod: attr.s(entry.consentMethod) } : {}),
      ...(entry.itemIds?.length ? { itemIds: attr.ss(entry.itemIds) } : {}),
      ...(entry.consentId ? { consentId: attr.s(entry.consentId) } : {}),
      ...(snapshotDigest ? { snapshotDigest: attr.s(snapshotDigest) } : {}),
      ...(entry.method ? { method: attr.s(entry.method) } : {}),
      ...(entry.grantExpiresAt ? { grantExpiresAt: attr.s(entry.grantExpiresAt) } : {}),
      ...(entry.clientInformed === undefined ? {} : { clientInformed: attr.bool(entry.clientInformed) }),
      ...(entry.toldOn ? { toldOn: attr.s(entry.toldOn) } : {}),
      ...dated,
      ...sealFields(key, itemKeyOf(pk, sk), entry.sealed ?? {}),
    };
    item[ENTRY_MAC] = attr.s(integrityMac(await this.#integrityKey(scope), entryParts(scope, item)));
    const writes: TenantTransactItem[] = [item, ...alsoPut].map((put) => ({
      Put: { Item: put, ConditionExpression: 'attribute_not_exists(pk)' },
    }));
    if (QUEUE_KINDS.includes(entry.kind)) {
      const previous = await this.#verifiedEntries(
        scope,
        this.#gateway(scope).queryPrefix(pk, `DISCLOSURE#${entry.requestId}#`, this.clock.now()),
      );
      writes.push(
        ...(await this.#queue.keepWrites(
          scope,
          previous.map(toQueueEntry).sort((a, b) => a.sequence - b.sequence),
          toQueueEntry(item),
          entry.clientExpiresAt,
        )),
      );
    }
    if (entry.kind === 'RELEASED' && entry.partnerId && entry.grantExpiresAt && entry.itemIds?.length) {
      const grantSk = `GRANT#${entry.partnerId}#${entry.requestId}`;
      writes.push({
        Put: {
          Item: withGrantMac(scope, await this.#integrityKey(scope), {
            pk: attr.s(pk),
            sk: attr.s(grantSk),
            gsi1pk: attr.s(scope.key('PARTNER', entry.partnerId, 'GRANTS')),
            gsi1sk: attr.s(`${entry.clientId}#${entry.requestId}`),
            partnerId: attr.s(entry.partnerId),
            clientId: attr.s(entry.clientId),
            requestId: attr.s(entry.requestId),
            itemIds: attr.ss(entry.itemIds),
            grantExpiresAt: attr.s(entry.grantExpiresAt),
            ...dated,
            ...(entry.consentId ? { consentId: attr.s(entry.consentId) } : {}),
            ...(bundle && entry.released
              ? {
                  snapshotDigest: attr.s(bundle.digest),
                  // Versions are bookkeeping (not content): the partner sees the note as it was released.
                  releasedVersions: attr.s(
                    JSON.stringify(
                      entry.released.map(({ noteId, version, amendedAt }) => ({
                        noteId,
                        version,
                        amendedAt,
                      })),
                    ),
                  ),
                  ...sealFields(key, itemKeyOf(pk, grantSk), { snapshot: bundle.text }),
                }
              : {}),
          }),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    if (entry.kind === 'RELEASED' && entry.partnerId && entry.grantExpiresAt && entry.released?.length) {
      for (const released of entry.released) {
        writes.push({
          Update: releasedIndexUpdate(
            scope,
            entry.partnerId,
            entry.clientId,
            entry.requestId,
            released,
            entry.clientExpiresAt,
          ),
        });
      }
    }
    // A release that relied on the person's consent goes only while that consent stands, checked in the same write:
    // a withdrawal confirmed meanwhile is never followed by the release it withdrew.
    const consentCheck =
      entry.kind === 'RELEASED' && entry.consentMustStand && entry.consentId
        ? writes.push({
            ConditionCheck: {
              Key: { pk: attr.s(pk), sk: attr.s(`CONSENT#${entry.consentId}`) },
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(withdrawnAt)',
            },
          }) - 1
        : undefined;
    // Every item written carries the date the person's profile had when read (the entry, a grant, what the partner was
    // released, a kept queue item, a disclosure review): written only while it still has it, so that a closure
    // meanwhile cannot leave them undated (0085), and an erasure's sweep meanwhile cannot leave them behind in the
    // erased partition, where nothing would ever remove them.
    writes.push(profileDatedAs(scope, entry.clientId, entry.clientExpiresAt));
    const outcome = await transactWriteOrCancelled(this.#gateway(scope), writes);
    if (!outcome.written) {
      if (consentCheck !== undefined && outcome.reasons[consentCheck] === 'ConditionalCheckFailed') {
        throw new ConfideError(
          ErrorCode.CONSENT_REQUIRED,
          'The consent this release relied on has been withdrawn.',
        );
      }
      throw conflict('The disclosure request changed meanwhile; reload it.');
    }
    return toEntry(item);
  }

  /** A client's register, oldest entry first (requests and their follow-ups in order). */
  /**
   * One page of the person's register, read with DynamoDB's `Limit`: in the order it is stored, each request's
   * entries together and in sequence (requests by id, not by date).
   */
  async registerPage(
    scope: TenantScope,
    clientId: string,
    request: PageRequest,
  ): Promise<Page<RegisterEntry>> {
    const page = await this.#verifiedEntries(
      scope,
      this.#gateway(scope).queryPrefixPage(
        scope.key('CLIENT', clientId),
        'DISCLOSURE#',
        request,
        this.clock.now(),
      ),
    );
    return mapPage(page, toEntry);
  }

  async register(scope: TenantScope, clientId: string): Promise<RegisterEntry[]> {
    const items = await this.#verifiedEntries(
      scope,
      this.#gateway(scope).queryPrefix(scope.key('CLIENT', clientId), 'DISCLOSURE#', this.clock.now()),
    );
    return items.map(toEntry).sort((a, b) => a.at.localeCompare(b.at) || a.sequence - b.sequence);
  }

  /**
   * The opening entry (sequence 1) of each of the person's requests named, in one batch: what decides whether the
   * person is told of a request ({@link visibleToSubject}) when a page holds only its later entries.
   */
  async openingEntries(
    scope: TenantScope,
    clientId: string,
    requestIds: readonly string[],
  ): Promise<RegisterEntry[]> {
    if (requestIds.length === 0) return [];
    const pk = scope.key('CLIENT', clientId);
    const items = await this.#verifiedEntries(
      scope,
      this.#gateway(scope).batchGet(
        requestIds.map((requestId) => ({ pk, sk: entrySort(requestId, 1) })),
        { now: this.clock.now() },
      ),
    );
    return items.map(toEntry);
  }

  /**
   * The opening entry of one of the person's requests, through the request's loader, so that those a list asks for at
   * once (a report's disclosures) are read in one batch; undefined when there is none or it has expired.
   */
  async openingEntry(
    scope: TenantScope,
    clientId: string,
    requestId: string,
    loader: ItemLoader,
  ): Promise<RegisterEntry | undefined> {
    const reading = loader
      .load(this.table, scope.key('CLIENT', clientId), entrySort(requestId, 1))
      .then((item) => (item && !isExpired(read.n(item, 'expiresAt'), this.clock.now()) ? [item] : []));
    const [item] = await this.#verifiedEntries(scope, reading);
    return item && toEntry(item);
  }

  /**
   * Of the person's requests named, those kept from them ({@link untoldRequests}), judged on the whole of each request
   * whatever part of it a page holds: the opening entries in one batch, then, only for an exceptional disclosure the
   * person was not told of when it was recorded, that request's entries (whether a CLIENT_INFORMED entry followed).
   */
  async requestsKeptFromSubject(
    scope: TenantScope,
    clientId: string,
    requestIds: readonly string[],
  ): Promise<Set<string>> {
    const untoldWhenRecorded = [...untoldRequests(await this.openingEntries(scope, clientId, requestIds))];
    const pk = scope.key('CLIENT', clientId);
    const entries = await Promise.all(
      untoldWhenRecorded.map((requestId) =>
        this.#verifiedEntries(
          scope,
          this.#gateway(scope).queryPrefix(pk, `DISCLOSURE#${requestId}#`, this.clock.now()),
        ),
      ),
    );
    return untoldRequests(entries.flat().map(toEntry));
  }

  /** The entries of one request, in order. */
  async request(scope: TenantScope, clientId: string, requestId: string): Promise<RegisterEntry[]> {
    return (await this.register(scope, clientId)).filter((entry) => entry.requestId === requestId);
  }

  /**
   * One page of the notes released to a partner, in the order `releasedToMe` lists them (by person, newest note
   * first, then by note id), read from the partner's released-notes index with DynamoDB's `Limit` (issue 19).
   * Whether a release still stands (grant, consent, snapshot) is for the caller to decide, with {@link grantsFor}.
   */
  async releasedPage(
    scope: TenantScope,
    partnerId: string,
    request: PageRequest,
  ): Promise<Page<ReleasedNoteRef>> {
    const page = await this.#gateway(scope).queryPage(
      {
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': attr.s(releasedIndexKey(scope, partnerId)) },
      },
      request,
      { now: this.clock.now() },
    );
    return mapPage(page, (item) => ({
      partnerId: requireS(item, 'partnerId'),
      clientId: requireS(item, 'clientId'),
      noteId: requireS(item, 'noteId'),
      requestIds: read.ss(item, 'requestIds'),
    }));
  }

  /** The grants of the releases named, read by key in one batch (expired ones included: the caller filters). */
  async grantsFor(scope: TenantScope, notes: readonly ReleasedNoteRef[]): Promise<PartnerGrant[]> {
    const keys = new Map<string, { pk: string; sk: string }>();
    for (const note of notes) {
      for (const requestId of note.requestIds) {
        const key = { pk: scope.key('CLIENT', note.clientId), sk: `GRANT#${note.partnerId}#${requestId}` };
        keys.set(`${key.pk}|${key.sk}`, key);
      }
    }
    if (keys.size === 0) return [];
    const [items, integrityKey] = await Promise.all([
      this.#gateway(scope).batchGet([...keys.values()], { now: this.clock.now() }),
      this.#integrityKey(scope),
    ]);
    return items.map((item) => verifiedGrant(scope, item, integrityKey));
  }

  /**
   * Indexes what was released to these partners before releases were indexed (decision 0044): each grant's snapshot
   * opened under the person's key (`keyOf`; none once erased) and checked against the register, each note added to
   * the partner's released-notes index. Idempotent (a release already indexed is added again to the same set); a
   * grant whose snapshot does not match the register is left out, as a page would leave it. How many notes it wrote.
   */
  async indexExistingReleases(
    scope: TenantScope,
    partnerIds: readonly string[],
    keyOf: (clientId: string) => Promise<SubjectKey | undefined>,
  ): Promise<number> {
    const gateway = this.#gateway(scope);
    let written = 0;
    for (const partnerId of partnerIds) {
      for (const grant of await this.grantsOf(scope, partnerId)) {
        const key = await keyOf(grant.clientId);
        if (!key) continue;
        const entries = await this.request(scope, grant.clientId, grant.requestId);
        const digest = entries.find((entry) => entry.kind === 'RELEASED')?.snapshotDigest;
        let released: ReleasedItem[];
        try {
          released = this.releasedItems(key, grant, digest);
        } catch {
          continue;
        }
        for (const item of released) {
          const update = releasedIndexUpdate(scope, partnerId, grant.clientId, grant.requestId, item);
          await gateway.update(
            { pk: update.Key.pk?.S ?? '', sk: update.Key.sk?.S ?? '' },
            {
              UpdateExpression: update.UpdateExpression,
              ExpressionAttributeValues: update.ExpressionAttributeValues,
            },
          );
          written += 1;
        }
      }
    }
    return written;
  }

  /** A partner's grants (all clients of the organisation), expired ones included: the caller filters. */
  async grantsOf(scope: TenantScope, partnerId: string): Promise<PartnerGrant[]> {
    const [{ items }, integrityKey] = await Promise.all([
      this.#gateway(scope).query(
        {
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': attr.s(scope.key('PARTNER', partnerId, 'GRANTS')) },
        },
        { now: this.clock.now() },
      ),
      this.#integrityKey(scope),
    ]);
    return items.map((item) => verifiedGrant(scope, item, integrityKey));
  }

  /**
   * The items a grant released, exactly as they left: opened under the client's key and checked against the
   * digest the register's RELEASED entry holds. A grant without a snapshot releases nothing; one whose snapshot
   * does not match the register is an integrity failure (INTERNAL), never served.
   */
  releasedItems(key: SubjectKey, grant: PartnerGrant, registerDigest: string | undefined): ReleasedItem[] {
    const text = openField(key, itemKeyOf(grant.pk, grant.sk), grant.item, 'snapshot');
    if (text === undefined) return [];
    const digest = createHash('sha256').update(text).digest('hex');
    if (!registerDigest || digest !== registerDigest || digest !== read.s(grant.item, 'snapshotDigest')) {
      throw new ConfideError(ErrorCode.INTERNAL, 'A released snapshot does not match the register.');
    }
    const versions = new Map(
      (
        JSON.parse(read.s(grant.item, 'releasedVersions') ?? '[]') as {
          noteId: string;
          version: number;
          amendedAt?: string;
        }[]
      ).map((v) => [v.noteId, v]),
    );
    return (JSON.parse(text) as { noteId: string; kind: string; recordedAt: string; body: string }[]).map(
      (released) => ({
        ...released,
        version: versions.get(released.noteId)?.version ?? 1,
        amendedAt: versions.get(released.noteId)?.amendedAt,
      }),
    );
  }

  openSealed(key: SubjectKey, entry: RegisterEntry, field: SealedRegisterField): string | undefined {
    return openField(key, itemKeyOf(entry.pk, entry.sk), entry.item, field);
  }

  /**
   * The register items a read gives, once their MACs pass (decision 0091): one written or rewritten in the table
   * throws. The integrity key (cached) is loaded alongside the read, not after it.
   */
  async #verifiedEntries<T extends Item[] | Page<Item>>(scope: TenantScope, reading: Promise<T>): Promise<T> {
    const [read, integrityKey] = await Promise.all([reading, this.#integrityKey(scope)]);
    const items = Array.isArray(read) ? read : read.entries.map((entry) => entry.node);
    for (const item of items) {
      requireItemMac(integrityKey, item, ENTRY_MAC, entryParts(scope, item), {
        subjectId: requireS(item, 'clientId'),
        itemKind: 'DISCLOSURE',
      });
    }
    return read;
  }

  async #integrityKey(scope: TenantScope): Promise<Buffer> {
    return organisationIntegrityKey(this.keys, scope.orgId);
  }

  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
  }
}

/**
 * Whether the transaction was written: false when it was cancelled, by a failed condition (the place was taken)
 * or by a concurrent transaction on the same items (DynamoDB's TransactionConflict): both mean the request changed.
 */
/** The register entry attribute holding its MAC (decision 0091). */
const ENTRY_MAC = 'entryMac';

/**
 * What a register entry records, every plain attribute of it (the sealed ones are bound to its key by their
 * encryption): the parts its MAC covers. The index keys and the expiry are left out (retention dates entries).
 */
const ENTRY_FIELDS = [
  'requestId',
  'clientId',
  'sequence',
  'kind',
  'at',
  'by',
  'flaggedForGuardian',
  'requesterOrganisation',
  'partnerId',
  'legalBasis',
  'identityCheck',
  'receivedOn',
  'urgent',
  'purposeCategory',
  'requesterKind',
  'consentMethod',
  'itemIds',
  'consentId',
  'snapshotDigest',
  'method',
  'grantExpiresAt',
  'clientInformed',
] as const;

/**
 * Attributes added since entries were first MACed, covered only where an entry has them: entries written before keep
 * their MAC, and one added to or taken from an entry by a raw write changes what is MACed, which fails the check.
 */
const LATER_ENTRY_FIELDS = [
  /** EXCEPTIONAL_DISCLOSURE recorded for the one who made it (decision 0142). */
  'madeBy',
  /** CLIENT_INFORMED: the date the person was told (decision 0145). */
  'toldOn',
] as const;

function entryParts(scope: TenantScope, item: Item): string[] {
  return [
    'confide.disclosure-entry.v1',
    scope.orgId,
    requireS(item, 'pk'),
    requireS(item, 'sk'),
    ...ENTRY_FIELDS.map((name) => `${name}=${attributeText(item[name])}`),
    ...LATER_ENTRY_FIELDS.filter((name) => item[name] !== undefined).map(
      (name) => `${name}=${attributeText(item[name])}`,
    ),
  ];
}

/** One attribute as text for a MAC: its type and value, a set sorted (DynamoDB returns sets in any order). */
function attributeText(value: Item[string] | undefined): string {
  if (!value) return '';
  if (value.S !== undefined) return `S:${value.S}`;
  if (value.N !== undefined) return `N:${value.N}`;
  if (value.BOOL !== undefined) return `BOOL:${value.BOOL}`;
  if (value.SS !== undefined) return `SS:${[...value.SS].sort().join(',')}`;
  return `?:${JSON.stringify(value)}`;
}

/** The grant attribute holding its MAC (decision 0090). */
const GRANT_MAC = 'grantMac';

/**
 * What a partner grant gives: to whom, of whom, which notes, until when, resting on which consent, and the snapshot
 * (digest and versions) that left. The parts its MAC covers.
 */
function grantParts(scope: TenantScope, item: Item): string[] {
  return [
    'confide.partner-grant.v1',
    scope.orgId,
    requireS(item, 'partnerId'),
    requireS(item, 'clientId'),
    requireS(item, 'requestId'),
    [...read.ss(item, 'itemIds')].sort().join(','),
    requireS(item, 'grantExpiresAt'),
    read.s(item, 'consentId') ?? '',
    read.s(item, 'snapshotDigest') ?? '',
    read.s(item, 'releasedVersions') ?? '',
  ];
}

function withGrantMac(scope: TenantScope, integrityKey: Buffer, item: Item): Item {
  return { ...item, [GRANT_MAC]: attr.s(integrityMac(integrityKey, grantParts(scope, item))) };
}

/**
 * A grant item as a grant, once its MAC passes: one extended, widened or cut loose from its consent in the table
 * throws {@link TamperedItemError} and releases nothing.
 */
function verifiedGrant(scope: TenantScope, item: Item, integrityKey: Buffer): PartnerGrant {
  requireItemMac(integrityKey, item, GRANT_MAC, grantParts(scope, item), {
    subjectId: requireS(item, 'clientId'),
    itemKind: 'GRANT',
  });
  return toGrant(item);
}

function toGrant(item: Item): PartnerGrant {
  return {
    partnerId: requireS(item, 'partnerId'),
    clientId: requireS(item, 'clientId'),
    requestId: requireS(item, 'requestId'),
    itemIds: read.ss(item, 'itemIds'),
    grantExpiresAt: requireS(item, 'grantExpiresAt'),
    consentId: read.s(item, 'consentId'),
    pk: requireS(item, 'pk'),
    sk: requireS(item, 'sk'),
    item,
  };
}

function toEntry(item: Item): RegisterEntry {
  return {
    requestId: requireS(item, 'requestId'),
    clientId: requireS(item, 'clientId'),
    sequence: requireN(item, 'sequence'),
    kind: requireS(item, 'kind') as RegisterEntryKind,
    at: requireS(item, 'at'),
    by: requireS(item, 'by'),
    madeBy: read.s(item, 'madeBy'),
    requesterOrganisation: read.s(item, 'requesterOrganisation'),
    partnerId: read.s(item, 'partnerId'),
    legalBasis: read.s(item, 'legalBasis') as LegalBasis | undefined,
    identityCheck: read.s(item, 'identityCheck') as IdentityCheck | undefined,
    receivedOn: read.s(item, 'receivedOn'),
    urgent: read.bool(item, 'urgent') ?? false,
    purposeCategory: read.s(item, 'purposeCategory') as DisclosurePurpose | undefined,
    requesterKind: read.s(item, 'requesterKind') as RequesterKind | undefined,
    itemIds: read.ss(item, 'itemIds'),
    consentId: read.s(item, 'consentId'),
    consentMethod: read.s(item, 'consentMethod'),
    snapshotDigest: read.s(item, 'snapshotDigest'),
    method: read.s(item, 'method'),
    grantExpiresAt: read.s(item, 'grantExpiresAt'),
    flaggedForGuardian: read.bool(item, 'flaggedForGuardian') ?? false,
    clientInformed: read.bool(item, 'clientInformed'),
    toldOn: read.s(item, 'toldOn'),
    expiresAt: read.n(item, 'expiresAt'),
    pk: requireS(item, 'pk'),
    sk: requireS(item, 'sk'),
    item,
  };
}

/**
 * The requests of these entries that record an exceptional disclosure the person is not told of: not told when it was
 * recorded, because telling them would increase risk, and no CLIENT_INFORMED entry since (decision 0145). Judged from
 * the entries given: a request's opening entry and every later one of it must be among them.
 */
export function untoldRequests(entries: readonly RegisterEntry[]): Set<string> {
  const told = new Set(
    entries.filter((entry) => entry.kind === 'CLIENT_INFORMED').map((entry) => entry.requestId),
  );
  return new Set(
    entries
      .filter(
        (entry) =>
          entry.kind === 'EXCEPTIONAL_DISCLOSURE' &&
          entry.clientInformed === false &&
          !told.has(entry.requestId),
      )
      .map((entry) => entry.requestId),
  );
}

/**
 * The register as the person it is about may see it: without the requests of an exceptional disclosure they
 * are not told of because telling them would increase risk (a recorded exemption, like a withheld note). Once a
 * CLIENT_INFORMED entry records that they have been told, the request is theirs to see like any other.
 */
export function visibleToSubject(entries: readonly RegisterEntry[]): RegisterEntry[] {
  const untold = untoldRequests(entries);
  return entries.filter((entry) => !untold.has(entry.requestId));
}
