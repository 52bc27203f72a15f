import { createHash } from 'node:crypto';
import {
  type Clock,
  classificationOf,
  conflict,
  isExpired,
  type NoteKind,
  newId,
  notFound,
  type SubjectAccessExemption,
} from '@confide/domain';
import type { SubjectKey } from '@confide/keys';
import { attr, type Item, read, requireN, requireS } from '../attributes';
import type { ItemLoader } from '../item-loader';
import type { Page, PageRequest } from '../paging';
import { itemKeyOf, openField, sealFields } from '../sealed-fields';
import { type TenantScope, tenantScope } from '../tenant-scope';
import {
  type TableAccess,
  TenantTable,
  type TenantTransactItem,
  transactWriteOrCancelled,
} from '../tenant-table';
import { idempotencyConflict, idempotencyKeyFrom, requestDigest, sameDigest } from './idempotency';
import { sourceTime } from './imports';
import { TamperedItemError } from './integrity-incidents';
import { scopeOfItem } from './item-scope';

/** A note about a service user. The body is sealed under the client's subject key; the rest is clear. */
/** Bodies opened under a key, by note object (see {@link CaseNotes.openBody}). */
const openedBodies = new WeakMap<CaseNote, { readonly key: SubjectKey; readonly body: string }>();

export interface CaseNote {
  readonly noteId: string;
  readonly clientId: string;
  readonly kind: NoteKind;
  readonly authorId: string;
  /** For CORRESPONDENCE written by another organisation (e.g. a Health Service report). */
  readonly authorOrganisation: string | undefined;
  /** HANDOVER / MEETING: the staff who may read it (attendees and those the meeting agreed). */
  readonly distribution: readonly string[];
  /** Sealed at the client's request: readable only by these staff, SELF, or qualifying emergency access. */
  readonly sealed: boolean;
  readonly sealedFor: readonly string[];
  /** Withheld from the client under a recorded exemption (e.g. serious risk to someone). */
  readonly withheld: boolean;
  /** The exemption it is withheld under; none on a note withheld before exemptions were recorded. */
  readonly withheldUnder: SubjectAccessExemption | undefined;
  /** For another organisation's correspondence: the reference of its recorded authority to disclose. */
  readonly authorAuthority: string | undefined;
  readonly recordedAt: string;
  readonly amendedAt: string | undefined;
  readonly version: number;
  readonly expiresAt: number | undefined;
  readonly pk: string;
  readonly sk: string;
  readonly item: Item;
}

export interface NewCaseNote {
  readonly kind: NoteKind;
  readonly body: string;
  readonly authorId: string;
  readonly authorOrganisation?: string | undefined;
  readonly distribution?: readonly string[] | undefined;
  readonly sealedFor?: readonly string[] | undefined;
  readonly withheld?: boolean | undefined;
  /** The exemption a withheld note is withheld under. */
  readonly withheldUnder?: SubjectAccessExemption | undefined;
  /** A client-chosen key: a retried create with the same key returns the first note instead of a second. */
  readonly idempotencyKey?: string | undefined;
  /** When the note was written, if earlier than now (an imported note's source date); checked by {@link sourceTime}. */
  readonly recordedAt?: string | undefined;
}

/** Notes of one transaction in {@link CaseNotes.recordMany}: with the profile's update, within DynamoDB's 100 items. */
const NOTES_PER_TRANSACTION = 99;
/** And within its 4 MB: a note's body is at most 100,000 characters, sealed a little larger. */
const BYTES_PER_TRANSACTION = 3_000_000;

const NOTE_PREFIX = 'NOTE#';
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Whether a keyed note is held, and as given (see {@link CaseNotes.keyedNotesHeld}). */
export type KeyedNoteHeld = 'AS_GIVEN' | 'OTHERWISE' | 'ABSENT';

/** A note id derived from the idempotency key, so every retry of one create addresses the same item. */
function idempotentNoteId(clientId: string, authorId: string, key: string): string {
  const digest = createHash('sha256').update(`${clientId}\u0000${authorId}\u0000${key}`).digest();
  return `nte_${[...digest.subarray(0, 26)].map((byte) => BASE32[byte % 32]).join('')}`;
}
const HISTORY_PREFIX = 'NOTEV#';

/** What decides who may read a note, as it stands at one version. */
interface NoteAccessFacts {
  readonly noteId: string;
  readonly clientId: string;
  readonly kind: NoteKind;
  readonly authorId: string;
  readonly authorOrganisation?: string | undefined;
  readonly distribution?: readonly string[] | undefined;
  readonly sealedFor?: readonly string[] | undefined;
  /** As stored (a read note); a new note is sealed exactly when it names staff it is sealed for. */
  readonly sealed?: boolean | undefined;
  readonly withheld?: boolean | undefined;
  readonly withheldUnder?: SubjectAccessExemption | undefined;
  readonly version: number;
}

/**
 * The note's access metadata, bound into its body's AAD (issue 16): kind and classification, author, sealing
 * and who it is sealed for, withholding, distribution and version. Changing any of them in the table — or
 * putting back an older body after an amendment — makes the body fail to open, and the note fails to load.
 */
function noteBinding(note: NoteAccessFacts): (string | number)[] {
  const sealedFor = [...(note.sealedFor ?? [])].sort();
  return [
    'note.v1',
    note.noteId,
    note.clientId,
    note.kind,
    classificationOf(note.kind),
    note.authorId,
    note.authorOrganisation ?? '',
    (note.sealed ?? sealedFor.length > 0) ? 'sealed' : 'open',
    JSON.stringify(sealedFor),
    // A note withheld before exemptions were recorded keeps the binding it was sealed with.
    note.withheld ? (note.withheldUnder ? `withheld:${note.withheldUnder}` : 'withheld') : 'shown',
    JSON.stringify([...(note.distribution ?? [])].sort()),
    note.version,
  ];
}

/**
 * What makes a keyed note a retry (issue 17 item 7): an HMAC, under a key derived from the person's own key (so
 * erasure shreds it too), of the author, the person and everything the note says and how it is distributed.
 */
function noteDigest(key: SubjectKey, clientId: string, note: NewCaseNote): string {
  const secret = idempotencyKeyFrom(key.material, `${key.orgId}|${clientId}|note`);
  return requestDigest(secret, [
    note.authorId,
    clientId,
    note.kind,
    note.body,
    note.authorOrganisation ?? null,
    [...(note.distribution ?? [])].sort(),
    [...(note.sealedFor ?? [])].sort(),
    note.withheld ?? false,
    ...(note.withheldUnder !== undefined ? [note.withheldUnder] : []),
    // A source date is part of what the note says; notes without one keep the digest they always had.
    ...(note.recordedAt !== undefined ? [note.recordedAt] : []),
  ]);
}

/**
 * Case notes with amendment history: amending writes the previous version to a history item in the same
 * transaction as the update, so nothing recorded is ever overwritten.
 */
export class CaseNotes {
  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  /**
   * Records a note and sets it as the client's latest, in one transaction. `commit` makes that transaction (by
   * default alone; the API passes its audit trail's, so the note and the events recording it are one write) and
   * says whether the note's own conditions let it through; it throws, having written nothing, when it cannot.
   * `allocationIds` (the client's current allocations) are told the new note's id too, as the caseload's hint.
   */
  async record(
    scope: TenantScope,
    clientId: string,
    key: SubjectKey,
    note: NewCaseNote,
    options: {
      readonly commit?: (items: readonly TenantTransactItem[]) => Promise<boolean>;
      readonly allocationIds?: readonly string[];
    } = {},
  ): Promise<CaseNote> {
    const { item, noteId, pk, sk, digest } = this.#newItem(scope, clientId, key, note);
    const gateway = this.#gateway(scope);
    const writes: TenantTransactItem[] = [
      { Put: { Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
      latestNoteUpdate(pk, noteId),
      ...(options.allocationIds ?? []).map((allocationId) => latestNoteHint(pk, allocationId, noteId)),
    ];
    const { commit } = options;
    const written = commit ? await commit(writes) : await transactionWritten(gateway, writes);
    if (!written) {
      if (note.idempotencyKey) {
        const existing = await gateway.get({ pk, sk });
        if (existing) {
          // A retry of this very note returns it; other content under the same key is refused, revealing nothing.
          if (!sameDigest(read.s(existing, 'requestDigest'), digest ?? '')) throw idempotencyConflict();
          return toNote(existing);
        }
      }
      throw notFound('Service user');
    }
    return toNote(item);
  }

  /**
   * Several notes of one client (an import), sealed and bound exactly as {@link record} does, in as few transactions
   * as DynamoDB takes (up to 99 notes each, with one update of the profile's latest note: the newest of them). A
   * transaction refused as a whole (a note of it already written by an interrupted run, or the client gone) is
   * retried note by note through {@link record}, so a retry returns the note held and other content is CONFLICT.
   * Returned in the order given.
   */
  async recordMany(
    scope: TenantScope,
    clientId: string,
    key: SubjectKey,
    notes: readonly NewCaseNote[],
  ): Promise<CaseNote[]> {
    const built = notes.map((note) => ({ note, ...this.#newItem(scope, clientId, key, note) }));
    const chunks: (typeof built)[] = [];
    let size = 0;
    for (const entry of built) {
      const bytes = JSON.stringify(entry.item).length;
      const last = chunks.at(-1);
      if (!last || last.length >= NOTES_PER_TRANSACTION || size + bytes > BYTES_PER_TRANSACTION) {
        chunks.push([entry]);
        size = bytes;
      } else {
        last.push(entry);
        size += bytes;
      }
    }
    const gateway = this.#gateway(scope);
    const recorded: CaseNote[] = [];
    for (const chunk of chunks) {
      const newest = chunk.reduce((latest, entry) =>
        entry.recordedAt >= latest.recordedAt ? entry : latest,
      );
      const written = await transactionWritten(gateway, [
        ...chunk.map(({ item }) => ({
          Put: { Item: item, ConditionExpression: 'attribute_not_exists(pk)' },
        })),
        latestNoteUpdate(newest.pk, newest.noteId),
      ]);
      if (written) recorded.push(...chunk.map(({ item }) => toNote(item)));
      else for (const { note } of chunk) recorded.push(await this.record(scope, clientId, key, note));
    }
    return recorded;
  }

  /**
   * Whether a client's keyed notes are held, as a rerun of an import asks of a client an interrupted run wrote
   * (decision 0143): each by the id its idempotency key gives it, `AS_GIVEN` when the note held there was recorded
   * saying what this one says (its request digest is of what was first recorded: amendments since do not count),
   * `OTHERWISE` when other content was recorded under the key, `ABSENT` when nothing was. Nothing is sealed or opened.
   */
  async keyedNotesHeld(
    scope: TenantScope,
    clientId: string,
    key: SubjectKey,
    notes: readonly (NewCaseNote & { readonly idempotencyKey: string })[],
  ): Promise<KeyedNoteHeld[]> {
    const pk = scope.key('CLIENT', clientId);
    const sortKeys = notes.map(
      (note) => `${NOTE_PREFIX}${idempotentNoteId(clientId, note.authorId, note.idempotencyKey)}`,
    );
    const items = await this.#gateway(scope).batchGet(
      sortKeys.map((sk) => ({ pk, sk })),
      { now: this.clock.now() },
    );
    const digests = new Map(items.map((item) => [read.s(item, 'sk'), read.s(item, 'requestDigest')]));
    return notes.map((note, index) => {
      const sk = sortKeys[index];
      if (!digests.has(sk)) return 'ABSENT';
      return sameDigest(digests.get(sk), noteDigest(key, clientId, note)) ? 'AS_GIVEN' : 'OTHERWISE';
    });
  }

  /** A new note's item: the body sealed under the client's key and bound to the note's access metadata. */
  /**
   * The items of a new imported client's notes (issue 21, decision 0032), each built, sealed and bound by `record`'s
   * own code, not written: the import writes them before the client's profile, which it gives `latestNoteId` (the
   * newest, as `recordMany` sets it). Only for a client that has no notes yet; an existing client's go through
   * `recordMany`. Keyed notes address the same items on every run.
   */
  importItems(
    scope: TenantScope,
    clientId: string,
    key: SubjectKey,
    notes: readonly NewCaseNote[],
  ): { items: Item[]; notes: CaseNote[]; latestNoteId: string | undefined } {
    const built = notes.map((note) => this.#newItem(scope, clientId, key, note));
    const newest = built.reduce<(typeof built)[number] | undefined>(
      (latest, entry) => (!latest || entry.recordedAt >= latest.recordedAt ? entry : latest),
      undefined,
    );
    return {
      items: built.map(({ item }) => item),
      notes: built.map(({ item }) => toNote(item)),
      latestNoteId: newest?.noteId,
    };
  }

  #newItem(scope: TenantScope, clientId: string, key: SubjectKey, note: NewCaseNote) {
    const noteId = note.idempotencyKey
      ? idempotentNoteId(clientId, note.authorId, note.idempotencyKey)
      : newId('note');
    const digest = note.idempotencyKey ? noteDigest(key, clientId, note) : undefined;
    const pk = scope.key('CLIENT', clientId);
    const sk = `${NOTE_PREFIX}${noteId}`;
    const recordedAt = sourceTime(note.recordedAt, this.clock.now());
    const item: Item = {
      pk: attr.s(pk),
      sk: attr.s(sk),
      noteId: attr.s(noteId),
      clientId: attr.s(clientId),
      kind: attr.s(note.kind),
      classification: attr.s(classificationOf(note.kind)),
      authorId: attr.s(note.authorId),
      recordedAt: attr.s(recordedAt),
      version: attr.n(1),
      sealed: attr.bool((note.sealedFor?.length ?? 0) > 0),
      withheld: attr.bool(note.withheld ?? false),
      ...(note.withheld && note.withheldUnder ? { withheldUnder: attr.s(note.withheldUnder) } : {}),
      ...(note.authorOrganisation ? { authorOrganisation: attr.s(note.authorOrganisation) } : {}),
      ...(note.distribution?.length ? { distribution: attr.ss(note.distribution) } : {}),
      ...(note.sealedFor?.length ? { sealedFor: attr.ss(note.sealedFor) } : {}),
      ...sealFields(
        key,
        itemKeyOf(pk, sk),
        { body: note.body },
        noteBinding({ ...note, noteId, clientId, version: 1 }),
      ),
      ...(digest ? { requestDigest: attr.s(digest) } : {}),
    };
    return { item, noteId, pk, sk, digest, recordedAt };
  }

  /** Replaces the body, keeping the previous version as history; stale `expectedVersion` → CONFLICT. */
  async amend(
    key: SubjectKey,
    current: CaseNote,
    change: { body: string; expectedVersion: number; amendedBy: string },
  ): Promise<CaseNote> {
    if (current.version !== change.expectedVersion) throw conflict();
    const history: Item = {
      ...current.item,
      sk: attr.s(`${HISTORY_PREFIX}${current.noteId}#${String(current.version).padStart(4, '0')}`),
      // The history item keeps its sealed body under its own item key: re-seal it for the new location.
      ...sealFields(
        key,
        itemKeyOf(
          current.pk,
          `${HISTORY_PREFIX}${current.noteId}#${String(current.version).padStart(4, '0')}`,
        ),
        { body: this.openBody(key, current) },
        noteBinding(current),
      ),
    };
    const now = this.clock.now().toISOString();
    const sealedBody = sealFields(
      key,
      itemKeyOf(current.pk, current.sk),
      { body: change.body },
      noteBinding({ ...current, version: current.version + 1 }),
    );
    // Written under the organisation of the client's key: a note keyed elsewhere is refused by the gateway.
    const written = await transactionWritten(this.#gateway(tenantScope(key.orgId)), [
      { Put: { Item: history, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Update: {
          Key: { pk: attr.s(current.pk), sk: attr.s(current.sk) },
          UpdateExpression:
            'SET enc_body = :body, version = version + :one, amendedAt = :now, amendedBy = :by',
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: {
            ':body': sealedBody.enc_body ?? attr.s(''),
            ':one': attr.n(1),
            ':now': attr.s(now),
            ':by': attr.s(change.amendedBy),
            ':expected': attr.n(change.expectedVersion),
          },
        },
      },
    ]);
    if (!written) throw conflict();
    return toNote({
      ...current.item,
      ...sealedBody,
      version: attr.n(current.version + 1),
      amendedAt: attr.s(now),
    });
  }

  /** Records the authority of another organisation to disclose the correspondence it wrote (Azure 4.1). */
  async recordAuthorAuthority(note: CaseNote, reference: string, by: string): Promise<void> {
    // The note was read under the request's organisation (`get`, `list`): its key is that organisation's.
    await this.#gateway(scopeOfItem(note.pk)).update(
      { pk: note.pk, sk: note.sk },
      {
        UpdateExpression:
          'SET authorAuthority = :reference, authorAuthorityBy = :by, authorAuthorityAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: {
          ':reference': attr.s(reference),
          ':by': attr.s(by),
          ':now': attr.s(this.clock.now().toISOString()),
        },
      },
    );
  }

  /**
   * One note, checked against its sealed body (see {@link noteBinding}) before anything of it is returned: a
   * note whose metadata was changed in the table throws {@link TamperedItemError}, never a downgraded read.
   */
  async get(
    scope: TenantScope,
    clientId: string,
    noteId: string,
    loader: ItemLoader,
  ): Promise<CaseNote | undefined> {
    const item = await loader.load(this.table, scope.key('CLIENT', clientId), `${NOTE_PREFIX}${noteId}`);
    if (!item || isExpired(read.n(item, 'expiresAt'), this.clock.now())) return undefined;
    return (await this.#verified(scope, clientId, [toNote(item)], loader))[0];
  }

  /** Starts reading a note alongside what is being read now; a later `get` of it costs no round trip. */
  prefetch(scope: TenantScope, clientId: string, noteId: string, loader: ItemLoader): void {
    loader.load(this.table, scope.key('CLIENT', clientId), `${NOTE_PREFIX}${noteId}`).catch(() => undefined);
  }

  /** A client's notes, newest first (note ids are random, so sort by time here), each checked as in `get`. */
  async list(scope: TenantScope, clientId: string, loader: ItemLoader): Promise<CaseNote[]> {
    const notes = await this.#query(scope, clientId, NOTE_PREFIX);
    return (await this.#verified(scope, clientId, notes, loader)).sort((a, b) =>
      b.recordedAt.localeCompare(a.recordedAt),
    );
  }

  /**
   * One page of the person's notes in the order they are stored (by note id, not by date), read with DynamoDB's
   * `Limit` (issue 19); each checked as in `list`. An erased person's notes (no key) are an empty page.
   */
  async page(
    scope: TenantScope,
    clientId: string,
    request: PageRequest,
    loader: ItemLoader,
  ): Promise<Page<CaseNote>> {
    const gateway = this.#gateway(scope);
    const page = await gateway.queryPrefixPage(
      scope.key('CLIENT', clientId),
      NOTE_PREFIX,
      request,
      this.clock.now(),
    );
    const notes = await this.#verified(
      scope,
      clientId,
      page.entries.map((entry) => toNote(entry.node)),
      loader,
    );
    if (notes.length !== page.entries.length) return { entries: [], next: undefined };
    return {
      entries: page.entries.flatMap((entry, index) => {
        const note = notes[index];
        return note ? [{ node: note, cursor: entry.cursor }] : [];
      }),
      next: page.next,
    };
  }

  /** Earlier versions of a note, oldest first, each checked as in `get`. */
  async history(
    scope: TenantScope,
    clientId: string,
    noteId: string,
    loader: ItemLoader,
  ): Promise<CaseNote[]> {
    const notes = await this.#query(scope, clientId, `${HISTORY_PREFIX}${noteId}#`);
    return this.#verified(scope, clientId, notes, loader);
  }

  /**
   * The note's body; throws when the note's access metadata is not what the body was sealed with. A note read through
   * this class was opened once already to be verified: its body field, read under the same key, is not decrypted a
   * second time (a caseload of 50 opened 100 bodies a request; issue 18). The opened body lives as long as the note
   * object, which is the request's.
   */
  openBody(key: SubjectKey, note: CaseNote): string {
    const opened = openedBodies.get(note);
    if (opened && opened.key === key) return opened.body;
    let body: string;
    try {
      body = openField(key, itemKeyOf(note.pk, note.sk), note.item, 'body', noteBinding(note)) ?? '';
    } catch (cause) {
      throw new TamperedItemError(note.clientId, 'NOTE', itemKeyOf(note.pk, note.sk), { cause });
    }
    openedBodies.set(note, { key, body });
    return body;
  }

  /**
   * Opens each note's body under the client's key (AES-GCM: microseconds a note) to prove its metadata, and
   * returns the notes only if every one holds. An erased client's notes (no key) are not returned at all.
   */
  async #verified(
    scope: TenantScope,
    clientId: string,
    notes: CaseNote[],
    loader: ItemLoader,
  ): Promise<CaseNote[]> {
    if (notes.length === 0) return notes;
    const key = await loader.subjectKey(scope.orgId, clientId);
    if (!key) return [];
    for (const note of notes) {
      if (note.clientId !== clientId) {
        throw new TamperedItemError(clientId, 'NOTE', itemKeyOf(note.pk, note.sk));
      }
      this.openBody(key, note);
    }
    return notes;
  }

  /** Unexpired items of the client's partition under `prefix`, every page. */
  async #query(scope: TenantScope, clientId: string, prefix: string): Promise<CaseNote[]> {
    const items = await this.#gateway(scope).queryPrefix(
      scope.key('CLIENT', clientId),
      prefix,
      this.clock.now(),
    );
    return items.map(toNote);
  }

  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
  }
}

/** The profile's latest note, set with the note(s) in one transaction (the profile must exist). */
/** The latest note's id on an allocation item, for the caseload to read notes beside profiles (a hint only). */
function latestNoteHint(pk: string, allocationId: string, noteId: string): TenantTransactItem {
  return {
    Update: {
      Key: { pk: attr.s(pk), sk: attr.s(`ALLOC#${allocationId}`) },
      UpdateExpression: 'SET latestNoteId = :note',
      // Allocation items are never deleted while their client's profile lists them; never create one here.
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':note': attr.s(noteId) },
    },
  };
}

function latestNoteUpdate(pk: string, noteId: string): TenantTransactItem {
  return {
    Update: {
      Key: { pk: attr.s(pk), sk: attr.s('PROFILE') },
      UpdateExpression: 'SET latestNoteId = :note',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':note': attr.s(noteId) },
    },
  };
}

/** Whether the transaction was written: false when a condition failed or a concurrent transaction cancelled it. */
async function transactionWritten(
  gateway: TenantTable,
  items: readonly TenantTransactItem[],
): Promise<boolean> {
  return (await transactWriteOrCancelled(gateway, items)).written;
}

function toNote(item: Item): CaseNote {
  return {
    noteId: requireS(item, 'noteId'),
    clientId: requireS(item, 'clientId'),
    kind: requireS(item, 'kind') as NoteKind,
    authorId: requireS(item, 'authorId'),
    authorOrganisation: read.s(item, 'authorOrganisation'),
    distribution: read.ss(item, 'distribution'),
    sealed: read.bool(item, 'sealed') ?? false,
    sealedFor: read.ss(item, 'sealedFor'),
    withheld: read.bool(item, 'withheld') ?? false,
    // As stored: a value changed in the table fails the note's binding when its body is opened.
    withheldUnder: read.s(item, 'withheldUnder') as SubjectAccessExemption | undefined,
    authorAuthority: read.s(item, 'authorAuthority'),
    recordedAt: requireS(item, 'recordedAt'),
    amendedAt: read.s(item, 'amendedAt'),
    version: requireN(item, 'version'),
    expiresAt: read.n(item, 'expiresAt'),
    pk: requireS(item, 'pk'),
    sk: requireS(item, 'sk'),
    item,
  };
}
