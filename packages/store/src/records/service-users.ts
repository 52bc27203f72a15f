import { randomBytes } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type Clock, conflict, newId, notFound, toEpochSeconds } from '@confide/domain';
import {
  blindIndex,
  integrityMac,
  type KeyHierarchy,
  openListPosition,
  type SubjectKey,
  sealListPosition,
  verifyIntegrityMac,
} from '@confide/keys';
import {
  attr,
  type CountedFacts,
  changeCount,
  countedFactsWrite,
  type Item,
  read,
  requireN,
  requireS,
  tableKey,
} from '../attributes';
import type { ItemLoader } from '../item-loader';
import { organisationIntegrityKey } from '../item-macs';
import { identityItem, staffAccountKey } from '../organisation-directory';
import { itemKeyOf, openField, sealFields } from '../sealed-fields';
import type { TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable, type TenantTransactItem } from '../tenant-table';
import { type BeaconKind, beaconPartition, clientBeaconPartitions } from './client-outside-items';
import { idempotencyConflict, idempotencyKeyFrom, keyDigest, requestDigest, sameDigest } from './idempotency';
import { sourceTime } from './imports';
import { TamperedItemError } from './integrity-incidents';
import type { ReleaseSchedule } from './retention-schedule';

export type CaseStatus = 'OPEN' | 'CLOSED';

/** A closure (when, and its date on the organisation's calendar) or a reopening; optimistic on `expectedVersion`. */
export type CaseStatusChange = { readonly expectedVersion?: number | undefined } & (
  | { readonly status: 'OPEN' }
  | { readonly status: 'CLOSED'; readonly closedAt: Date; readonly closedOn: string }
);

export type AllocationKind = 'PRIMARY' | 'COVER';

/** The identifying and contact details of a service user, all sealed under their subject key. */
export interface ServiceUserDetails {
  readonly name: string;
  readonly dateOfBirth: string;
  readonly address?: string | undefined;
  readonly postcode?: string | undefined;
  readonly nhsNumber?: string | undefined;
  readonly phone?: string | undefined;
  readonly email?: string | undefined;
  readonly preferredContact?: string | undefined;
}

export const SEALED_PROFILE_FIELDS = [
  'name',
  'dateOfBirth',
  'address',
  'postcode',
  'nhsNumber',
  'phone',
  'email',
  'preferredContact',
] as const;
export type SealedProfileField = (typeof SEALED_PROFILE_FIELDS)[number];
/** The CONTACT fields of a profile: the ones an ADMINISTRATOR of the client's service corrects. */
export const CONTACT_FIELDS = ['phone', 'email', 'preferredContact'] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

export interface Allocation {
  readonly allocationId: string;
  readonly staffId: string;
  readonly kind: AllocationKind;
  readonly startsAt: string;
  /** Cover allocations end; primary ones run until ended. */
  readonly endsAt: string | undefined;
}

/** Whether an allocation holds at `now` (ISO time): a primary one until ended, a cover one until its end time. */
export function allocationIsCurrent(
  allocation: { readonly endsAt?: string | undefined },
  now: string,
): boolean {
  return allocation.endsAt === undefined || allocation.endsAt > now;
}

export interface InvestigationLink {
  readonly investigationId: string;
  readonly investigatorId: string;
  readonly status: 'OPEN' | 'CLOSED';
}

/** A service user's profile item: clear pseudonymous facts, relationships, and sealed details. */
export interface ServiceUserRecord {
  readonly clientId: string;
  readonly serviceId: string;
  readonly reference: string;
  readonly pseudonym: string;
  readonly caseStatus: CaseStatus;
  readonly openedAt: string;
  readonly closedAt: string | undefined;
  /**
   * The organisation's calendar date of the closure, fixed when the case closed: the day the age at closure is taken
   * on. A closure written before it was kept has the UTC date of `closedAt`, the day its schedule was taken on then.
   */
  readonly closedOn: string | undefined;
  readonly createdAt: string;
  readonly version: number;
  readonly expiresAt: number | undefined;
  readonly allocations: readonly Allocation[];
  /** Staff who must not see this client: declared connections and staff the client named. */
  readonly conflicts: readonly string[];
  readonly investigations: readonly InvestigationLink[];
  readonly latestNoteId: string | undefined;
  /** The identity-provider subject of the person's own portal sign-in. */
  readonly externalSubject: string | undefined;
  readonly pk: string;
  readonly sk: string;
  readonly item: Item;
}

const PROFILE = 'PROFILE';

/**
 * The version a profile is registered at (`register`, or written whole by an import). Every change of its case or
 * contact details moves it on (a closure and a reopening each), so a profile still at it has had none since.
 */
export const REGISTERED_PROFILE_VERSION = 1;

/**
 * How long a registration's idempotency result is kept (DynamoDB TTL): long enough for a client to retry after a
 * timeout, short enough never to outlive the record by much. It holds only a digest of the client's key and the
 * pseudonymous client id, so it is not scheduled with the record (decision 0017).
 */
export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 60 * 60;

/** The reference item, claimed: a condition refuses a reference some client already holds. */
function referenceClaim(scope: TenantScope, reference: string, clientId: string): TenantTransactItem {
  return {
    Put: {
      Item: {
        pk: attr.s(scope.key('REFERENCE', reference)),
        sk: attr.s('REFERENCE'),
        clientId: attr.s(clientId),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** A client on a staff member's caseload. */
export interface CaseloadEntry {
  readonly clientId: string;
  /** The latest note's id when the allocation was last told of one; may be stale or absent. */
  readonly latestNoteHint: string | undefined;
}

/** Service users (clients): registration, search, case status, allocations and conflicts. */
export class ServiceUsers {
  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
    private readonly keys: KeyHierarchy,
    private readonly clock: Clock,
  ) {}

  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
  }

  /**
   * Registers a service user with a new subject key, sealed details and blind-index entries, in one
   * transaction. With an idempotency key, a retry of the same registration (same caller, service and details)
   * returns the first one instead of a second; anything else under that key is CONFLICT, revealing nothing of it.
   * `commit` makes the transaction (by default alone; the API passes its audit trail's, so the registration and the
   * events recording it are one write) and says whether its conditions let it through.
   */
  async register(
    scope: TenantScope,
    input: {
      serviceId: string;
      details: ServiceUserDetails;
      idempotencyKey?: string | undefined;
      /** Who registers: part of what makes a request a retry. */
      requestedBy?: string | undefined;
      /** The source system's date the case was opened (an import); by default now. See {@link sourceTime}. */
      openedAt?: string | undefined;
    },
    options: {
      /** Writes the items with the request's events; given the person's id, so that the events can name them. */
      readonly commit?: (items: readonly TenantTransactItem[], clientId: string) => Promise<boolean>;
    } = {},
  ): Promise<{ clientId: string; created: boolean }> {
    const idempotency = input.idempotencyKey
      ? await this.#idempotency(scope, input.idempotencyKey, input)
      : undefined;
    if (idempotency) {
      const existing = await this.#idempotentResult(scope, idempotency);
      if (existing) {
        // A retry of a registration made changes nothing: its events are written alone.
        await options.commit?.([], existing);
        return { clientId: existing, created: false };
      }
    }
    const openedAt = sourceTime(input.openedAt, this.clock.now());
    const clientId = newId('serviceUser');
    const key = await this.keys.createSubjectKey(scope.orgId, clientId);
    const integrityKey = await this.#integrityKey(scope);
    const pk = scope.key('CLIENT', clientId);
    const now = this.clock.now().toISOString();
    const reference = newReference();
    // The person's own sign-in (SELF) for the client portal; in production the identity provider's subject
    // replaces it when the person is invited.
    const externalSubject = newId('subject');
    const profile: Item = {
      pk: attr.s(pk),
      sk: attr.s(PROFILE),
      gsi1pk: attr.s(scope.key('SERVICE', input.serviceId, 'CLIENTS')),
      gsi1sk: attr.s(`CLIENT#${clientId}`),
      clientId: attr.s(clientId),
      serviceId: attr.s(input.serviceId),
      reference: attr.s(reference),
      externalSubject: attr.s(externalSubject),
      pseudonym: attr.s(newPseudonym()),
      caseStatus: attr.s('OPEN'),
      openedAt: attr.s(openedAt),
      createdAt: attr.s(now),
      version: attr.n(REGISTERED_PROFILE_VERSION),
      allocations: { M: {} },
      conflicts: { M: {} },
      [RELATIONS_MAC]: attr.s(integrityMac(integrityKey, relationsParts(scope, clientId, {}, [], 0))),
      [SERVICE_MAC]: attr.s(integrityMac(integrityKey, serviceParts(scope, clientId, input.serviceId))),
      [CASE_MAC]: attr.s(integrityMac(integrityKey, caseParts(scope, clientId, 'OPEN', undefined))),
      [LEGAL_HOLD_MAC]: attr.s(integrityMac(integrityKey, legalHoldParts(scope, clientId, undefined))),
      investigations: { M: {} },
      ...sealFields(key, itemKeyOf(pk, PROFILE), { ...input.details }),
    };
    const writes: TenantTransactItem[] = [
      { Put: { Item: profile, ConditionExpression: 'attribute_not_exists(pk)' } },
      referenceClaim(scope, reference, clientId),
      {
        Put: {
          Item: identityItem(
            scope,
            externalSubject,
            { kind: 'SERVICE_USER', principalId: clientId },
            integrityKey,
          ),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...(await this.#beaconItems(scope, clientId, input.details)).map((item) => ({
        Put: { Item: item },
      })),
    ];
    if (idempotency) {
      writes.push({
        Put: {
          Item: {
            pk: attr.s(idempotency.pk),
            sk: attr.s('RESULT'),
            clientId: attr.s(clientId),
            requestDigest: attr.s(idempotency.digest),
            createdAt: attr.s(now),
            expiresAt: attr.n(toEpochSeconds(this.clock.now()) + IDEMPOTENCY_WINDOW_SECONDS),
          },
          // A result whose window has passed (not yet deleted by TTL) no longer counts.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':now': attr.n(toEpochSeconds(this.clock.now())) },
        },
      });
    }
    // Whether the transaction ran (its conditions may have refused it) and whether it wrote.
    let outcome: { written: boolean } | undefined;
    let failure: unknown;
    try {
      outcome = options.commit
        ? { written: await options.commit(writes, clientId) }
        : await this.#gateway(scope).transactWrite(writes);
    } catch (error) {
      failure = error;
    }
    if (outcome?.written) return { clientId, created: true };
    await this.keys.eraseSubjectKey(scope.orgId, clientId);
    // Cancelled (a failed condition, or a concurrent retry's transaction): a retry of this very request may have won.
    if (idempotency && (outcome || failure instanceof TransactionCanceledException)) {
      const existing = await this.#idempotentResult(scope, idempotency);
      if (existing) return { clientId: existing, created: false };
    }
    throw failure ?? new Error('The registration was cancelled.');
  }

  /**
   * A new imported client's pseudonymous ids, and its reference item: claimed with the import's row (a condition
   * refuses a reference some client holds), before anything else of the client is written.
   */
  importIdentity(
    scope: TenantScope,
    clientId: string,
  ): { reference: string; externalSubject: string; claim: TenantTransactItem } {
    const reference = newReference();
    return {
      reference,
      externalSubject: newId('subject'),
      claim: referenceClaim(scope, reference, clientId),
    };
  }

  /**
   * The items of an imported client (issue 21, decision 0032), built as `register` and `allocate` build them but not
   * written: its profile — with its allocations and its latest note already on it — and the reference, identity,
   * blind-index and allocation items (the reference item is claimed first, {@link importIdentity}). The ids are the
   * import's (claimed on its row identity, so a rerun builds the same items again); `key` is the client's new subject key. The import writes `items` first and the profile last:
   * a client exists only once its profile does, and a profile is never without the rest.
   */
  async importItems(
    scope: TenantScope,
    key: SubjectKey,
    input: {
      clientId: string;
      reference: string;
      externalSubject: string;
      serviceId: string;
      details: ServiceUserDetails;
      openedAt?: string | undefined;
      allocations: readonly {
        allocationId: string;
        staffId: string;
        kind: AllocationKind;
        endsAt?: Date | undefined;
      }[];
      latestNoteId?: string | undefined;
      /** A closed case's closure (as `setCaseStatus` records it); its retention is scheduled once it is written. */
      closedAt?: string | undefined;
      /** The organisation's calendar date of `closedAt`. */
      closedOn?: string | undefined;
    },
  ): Promise<{ profile: Item; items: Item[]; allocations: Allocation[] }> {
    const { clientId } = input;
    const openedAt = sourceTime(input.openedAt, this.clock.now());
    const pk = scope.key('CLIENT', clientId);
    const now = this.clock.now().toISOString();
    const integrityKey = await this.#integrityKey(scope);
    const closedAt = input.closedAt ? sourceTime(input.closedAt, this.clock.now(), 'closedAt') : undefined;
    const closedOn = closedAt ? input.closedOn : undefined;
    const caseStatus: CaseStatus = closedAt ? 'CLOSED' : 'OPEN';
    const allocations: Allocation[] = input.allocations.map((allocation) => ({
      allocationId: allocation.allocationId,
      staffId: allocation.staffId,
      kind: allocation.kind,
      startsAt: now,
      endsAt: allocation.endsAt?.toISOString(),
    }));
    const entries = allocations.map((allocation) => {
      const entry: Item = {
        staffId: attr.s(allocation.staffId),
        kind: attr.s(allocation.kind),
        startsAt: attr.s(allocation.startsAt),
        ...(allocation.endsAt ? { endsAt: attr.s(allocation.endsAt) } : {}),
      };
      const mac = integrityMac(
        integrityKey,
        allocationParts(
          scope,
          clientId,
          allocation.allocationId,
          allocation.staffId,
          allocation.kind,
          allocation.startsAt,
          allocation.endsAt,
        ),
      );
      return { allocation, entry, mac };
    });
    const profile: Item = {
      pk: attr.s(pk),
      sk: attr.s(PROFILE),
      gsi1pk: attr.s(scope.key('SERVICE', input.serviceId, 'CLIENTS')),
      gsi1sk: attr.s(`CLIENT#${clientId}`),
      clientId: attr.s(clientId),
      serviceId: attr.s(input.serviceId),
      reference: attr.s(input.reference),
      externalSubject: attr.s(input.externalSubject),
      pseudonym: attr.s(newPseudonym()),
      caseStatus: attr.s(caseStatus),
      ...(closedAt ? { closedAt: attr.s(closedAt) } : {}),
      ...(closedOn ? { closedOn: attr.s(closedOn) } : {}),
      openedAt: attr.s(openedAt),
      createdAt: attr.s(now),
      version: attr.n(REGISTERED_PROFILE_VERSION),
      allocations: {
        M: Object.fromEntries(
          entries.map(({ allocation, entry, mac }) => [
            allocation.allocationId,
            { M: { ...entry, mac: attr.s(mac) } },
          ]),
        ),
      },
      conflicts: { M: {} },
      [RELATIONS_MAC]: attr.s(integrityMac(integrityKey, relationsParts(scope, clientId, {}, [], 0))),
      [SERVICE_MAC]: attr.s(integrityMac(integrityKey, serviceParts(scope, clientId, input.serviceId))),
      [CASE_MAC]: attr.s(
        integrityMac(integrityKey, caseParts(scope, clientId, caseStatus, closedAt, closedOn)),
      ),
      [LEGAL_HOLD_MAC]: attr.s(integrityMac(integrityKey, legalHoldParts(scope, clientId, undefined))),
      investigations: { M: {} },
      ...(input.latestNoteId ? { latestNoteId: attr.s(input.latestNoteId) } : {}),
      ...sealFields(key, itemKeyOf(pk, PROFILE), { ...input.details }),
    };
    const items: Item[] = [
      identityItem(
        scope,
        input.externalSubject,
        { kind: 'SERVICE_USER', principalId: clientId },
        integrityKey,
      ),
      ...(await this.#beaconItems(scope, clientId, input.details)),
      ...entries.map(({ allocation, entry }) => ({
        pk: attr.s(pk),
        sk: attr.s(`ALLOC#${allocation.allocationId}`),
        gsi1pk: attr.s(scope.key('STAFF', allocation.staffId, 'CASELOAD')),
        gsi1sk: attr.s(`CLIENT#${clientId}#${allocation.allocationId}`),
        clientId: attr.s(clientId),
        allocationId: attr.s(allocation.allocationId),
        // The caseload's hint, as a note written through the API leaves it (decision 0039).
        ...(input.latestNoteId ? { latestNoteId: attr.s(input.latestNoteId) } : {}),
        ...entry,
      })),
    ];
    return { profile, items, allocations };
  }

  /** A profile, or undefined when there is none or it has expired (reads never return expired items). */
  async get(
    scope: TenantScope,
    clientId: string,
    loader: ItemLoader,
  ): Promise<ServiceUserRecord | undefined> {
    const [item, integrityKey] = await Promise.all([
      loader.load(this.table, scope.key('CLIENT', clientId), PROFILE),
      this.#integrityKey(scope),
    ]);
    return item && !this.#expired(item)
      ? toRecord(verifiedAccessFacts(scope, item, integrityKey))
      : undefined;
  }

  /**
   * Starts reading the client's profile alongside what is being read now (e.g. the login lookup), so that a later
   * `get` costs no round trip of its own. Nothing is verified or returned here; a failure surfaces from `get`.
   */
  prefetch(scope: TenantScope, clientId: string, loader: ItemLoader): void {
    loader.load(this.table, scope.key('CLIENT', clientId), PROFILE).catch(() => undefined);
  }

  async getMany(
    scope: TenantScope,
    clientIds: readonly string[],
    loader: ItemLoader,
  ): Promise<ServiceUserRecord[]> {
    const records = await Promise.all(clientIds.map((id) => this.get(scope, id, loader)));
    return records.filter((record): record is ServiceUserRecord => record !== undefined);
  }

  /** The client a pseudonymous reference belongs to (for the local token command and reception desks). */
  async idByReference(scope: TenantScope, reference: string): Promise<string | undefined> {
    const item = await this.#gateway(scope).get(
      { pk: scope.key('REFERENCE', reference), sk: 'REFERENCE' },
      { now: this.clock.now() },
    );
    return item ? read.s(item, 'clientId') : undefined;
  }

  /** Opens a sealed detail of a profile; undefined when the field was never given. */
  openDetail(key: SubjectKey, record: ServiceUserRecord, field: SealedProfileField): string | undefined {
    return openField(key, itemKeyOf(record.pk, record.sk), record.item, field);
  }

  /** Client ids of a service, oldest registration first, one page at a time. */
  async idsByService(
    scope: TenantScope,
    serviceId: string,
    page: { limit: number; after?: string | undefined },
  ): Promise<{ ids: string[]; next: string | undefined }> {
    const { items, lastKey } = await this.#gateway(scope).query({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk > :after',
      ExpressionAttributeValues: {
        ':pk': attr.s(scope.key('SERVICE', serviceId, 'CLIENTS')),
        ':after': attr.s(page.after ? `CLIENT#${page.after}` : 'CLIENT#'),
      },
      Limit: page.limit,
    });
    const ids = items.map((item) => requireS(item, 'gsi1sk').slice('CLIENT#'.length));
    return { ids, next: lastKey ? ids.at(-1) : undefined };
  }

  /**
   * A cursor's continuation after a client of a service's list that the caller may not know of, sealed (see
   * `sealListPosition`): it names nobody, and continues only this service's list in this organisation.
   */
  async sealServicePosition(scope: TenantScope, serviceId: string, clientId: string): Promise<string> {
    return sealListPosition(await this.keys.beaconKey(scope.orgId), `service:${serviceId}`, clientId);
  }

  /** The client id a {@link sealServicePosition} continuation names, or undefined when it is not one of this list. */
  async openServicePosition(
    scope: TenantScope,
    serviceId: string,
    sealed: string,
  ): Promise<string | undefined> {
    return openListPosition(await this.keys.beaconKey(scope.orgId), `service:${serviceId}`, sealed);
  }

  /** Client ids a staff member is allocated to (one query on the caseload index). */
  async caseloadIds(scope: TenantScope, staffId: string): Promise<string[]> {
    return (await this.caseload(scope, staffId)).map((entry) => entry.clientId);
  }

  /**
   * A staff member's current allocations, one per client (one query on the caseload index), each with the id of
   * the client's latest note as the note writes left it on the allocation: a hint that lets a caseload read its
   * latest notes in the same batch as the profiles. The profile's `latestNoteId` stays the truth.
   */
  async caseload(scope: TenantScope, staffId: string): Promise<CaseloadEntry[]> {
    const { items } = await this.#gateway(scope).query(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': attr.s(scope.key('STAFF', staffId, 'CASELOAD')) },
      },
      { now: this.clock.now() },
    );
    const entries = new Map<string, CaseloadEntry>();
    const now = this.clock.now().toISOString();
    for (const item of items) {
      if (read.s(item, 'endedAt')) continue;
      // A cover allocation past its end time is over: the client is no longer on the caseload, even for a caller
      // who still sees them some other way (their service's manager, GROUP_WIDE).
      if (!allocationIsCurrent({ endsAt: read.s(item, 'endsAt') }, now)) continue;
      const clientId = requireS(item, 'clientId');
      const latestNoteHint = read.s(item, 'latestNoteId') ?? entries.get(clientId)?.latestNoteHint;
      entries.set(clientId, { clientId, latestNoteHint });
    }
    return [...entries.values()];
  }

  /**
   * Candidates for an exact search: the blind index narrows to a bucket, the caller decrypts and compares.
   * Nothing personal is in any key. The whole bucket, however many pages: a common surname's bucket in a large
   * organisation holds hundreds of people, and a search that stopped at a page would miss some without saying so.
   */
  async candidates(scope: TenantScope, kind: BeaconKind, normalised: string): Promise<string[]> {
    const partition = beaconPartition(scope, await this.keys.beaconKey(scope.orgId), kind, normalised);
    const { items } = await this.#gateway(scope).query(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': attr.s(partition) },
      },
      { now: this.clock.now(), allPages: true },
    );
    return items.map((item) => requireS(item, 'clientId'));
  }

  /**
   * A keyed digest of one search's criteria (issue 19, decision 0045): what binds a search's cursor to that search
   * without carrying anything of the criteria a reader of the cursor could recover, or test a guess against.
   */
  async searchBinding(scope: TenantScope, criteria: readonly (readonly [string, string])[]): Promise<string> {
    return blindIndex(
      await this.keys.beaconKey(scope.orgId),
      'client-search-cursor',
      JSON.stringify(criteria),
      96,
    );
  }

  /**
   * Sets the case status; closing records when, and on which date of the organisation's calendar (the day the age at
   * closure is taken on, fixed from then on), reopening clears both. Optimistic on `expectedVersion`.
   */
  async setCaseStatus(
    scope: TenantScope,
    clientId: string,
    change: CaseStatusChange,
    schedule?: ReleaseSchedule,
  ): Promise<{ scheduled: boolean }> {
    const integrityKey = await this.#integrityKey(scope);
    const closure =
      change.status === 'CLOSED'
        ? { closedAt: change.closedAt.toISOString(), closedOn: change.closedOn }
        : undefined;
    const values: Item = {
      ':status': attr.s(change.status),
      ':one': attr.n(1),
      ':caseMac': attr.s(
        integrityMac(
          integrityKey,
          caseParts(scope, clientId, change.status, closure?.closedAt, closure?.closedOn),
        ),
      ),
    };
    let expression = `SET caseStatus = :status, ${CASE_MAC} = :caseMac, version = version + :one`;
    if (closure) {
      expression += ', closedAt = :closedAt, closedOn = :closedOn';
      values[':closedAt'] = attr.s(closure.closedAt);
      values[':closedOn'] = attr.s(closure.closedOn);
    } else {
      expression += ' REMOVE closedAt, closedOn';
    }
    if (
      schedule &&
      change.status === 'CLOSED' &&
      (await this.#closeScheduled(scope, clientId, change, schedule))
    ) {
      return { scheduled: true };
    }
    await this.#updateProfile(scope, clientId, expression, {}, values, change.expectedVersion);
    return { scheduled: false };
  }

  /**
   * A closure with its schedule (decision 0076): the profile closed and dated, and the retention state record, in one
   * transaction. False when refused (a stale version, a hold that came meanwhile, a conflicting write): the caller
   * then closes the plain way, whose own checks say which it was.
   */
  async #closeScheduled(
    scope: TenantScope,
    clientId: string,
    change: CaseStatusChange & { status: 'CLOSED' },
    schedule: ReleaseSchedule,
  ): Promise<boolean> {
    const version = change.expectedVersion === undefined ? '' : ' AND version = :expected';
    const closedAt = change.closedAt.toISOString();
    const caseMac = integrityMac(
      await this.#integrityKey(scope),
      caseParts(scope, clientId, 'CLOSED', closedAt, change.closedOn),
    );
    try {
      const result = await this.#gateway(scope).transactWrite([
        {
          Update: {
            Key: { pk: attr.s(scope.key('CLIENT', clientId)), sk: attr.s(PROFILE) },
            UpdateExpression: `SET caseStatus = :status, ${CASE_MAC} = :caseMac, version = version + :one, closedAt = :closedAt, closedOn = :closedOn, ${schedule.set}`,
            ConditionExpression: `attribute_exists(pk)${version} AND ${schedule.condition}`,
            ExpressionAttributeValues: {
              ...schedule.values,
              ':status': attr.s('CLOSED'),
              ':caseMac': attr.s(caseMac),
              ':one': attr.n(1),
              ':closedAt': attr.s(closedAt),
              ':closedOn': attr.s(change.closedOn),
              ...(change.expectedVersion === undefined
                ? {}
                : { ':expected': attr.n(change.expectedVersion) }),
            },
          },
        },
        schedule.state,
      ]);
      return result.written;
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }

  /**
   * Allocates a worker: an allocation item on the caseload index and the relationship on the profile, in one
   * transaction that `commit` makes (by default alone; the API passes its audit trail's, as for {@link register}).
   */
  async allocate(
    scope: TenantScope,
    clientId: string,
    allocation: { staffId: string; kind: AllocationKind; endsAt?: Date | undefined },
    options: { readonly commit?: (items: readonly TenantTransactItem[]) => Promise<boolean> } = {},
  ): Promise<Allocation> {
    const allocationId = newId('allocation');
    const startsAt = this.clock.now().toISOString();
    const endsAt = allocation.endsAt?.toISOString();
    const entry: Item = {
      staffId: attr.s(allocation.staffId),
      kind: attr.s(allocation.kind),
      startsAt: attr.s(startsAt),
      ...(endsAt ? { endsAt: attr.s(endsAt) } : {}),
    };
    const mac = integrityMac(
      await this.#integrityKey(scope),
      allocationParts(scope, clientId, allocationId, allocation.staffId, allocation.kind, startsAt, endsAt),
    );
    const pk = scope.key('CLIENT', clientId);
    const writes: TenantTransactItem[] = [
      {
        Update: {
          Key: { pk: attr.s(pk), sk: attr.s(PROFILE) },
          UpdateExpression: 'SET allocations.#id = :entry',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#id': allocationId },
          ExpressionAttributeValues: { ':entry': { M: { ...entry, mac: attr.s(mac) } } },
        },
      },
      {
        Put: {
          Item: {
            pk: attr.s(pk),
            sk: attr.s(`ALLOC#${allocationId}`),
            gsi1pk: attr.s(scope.key('STAFF', allocation.staffId, 'CASELOAD')),
            gsi1sk: attr.s(`CLIENT#${clientId}#${allocationId}`),
            clientId: attr.s(clientId),
            allocationId: attr.s(allocationId),
            ...entry,
          },
        },
      },
      // Only to a staff member still active: one deactivated since the check is never given a caseload.
      {
        ConditionCheck: {
          Key: tableKey(staffAccountKey(scope, allocation.staffId)),
          ConditionExpression: '#status = :active',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':active': attr.s('ACTIVE') },
        },
      },
    ];
    const written = options.commit
      ? await options.commit(writes)
      : (await this.#gateway(scope).transactWrite(writes)).written;
    if (!written) {
      const staff = await this.#gateway(scope).get(staffAccountKey(scope, allocation.staffId));
      if (read.s(staff ?? {}, 'status') !== 'ACTIVE') throw conflict('The staff member is no longer active.');
      throw notFound('Service user');
    }
    return { allocationId, staffId: allocation.staffId, kind: allocation.kind, startsAt, endsAt };
  }

  /** Ends an allocation: the relationship goes at once; the allocation item stays as history. */
  async endAllocation(scope: TenantScope, clientId: string, allocationId: string): Promise<void> {
    const pk = scope.key('CLIENT', clientId);
    const written = await this.#gateway(scope).transactWrite([
      {
        Update: {
          Key: { pk: attr.s(pk), sk: attr.s(PROFILE) },
          UpdateExpression: 'REMOVE allocations.#id',
          ConditionExpression: 'attribute_exists(allocations.#id)',
          ExpressionAttributeNames: { '#id': allocationId },
        },
      },
      {
        Update: {
          Key: { pk: attr.s(pk), sk: attr.s(`ALLOC#${allocationId}`) },
          UpdateExpression: 'SET endedAt = :now',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':now': attr.s(this.clock.now().toISOString()) },
        },
      },
    ]);
    if (!written.written) throw notFound('Allocation');
  }

  /**
   * Every allocation the client has had: current ones and those ended (whose items stay as history), as a rerun of
   * an import asks whether it allocated a worker before (decision 0143): one a manager ended since stays ended.
   */
  async allocationHistory(
    scope: TenantScope,
    clientId: string,
  ): Promise<{ allocationId: string; staffId: string; kind: AllocationKind; ended: boolean }[]> {
    const { items } = await this.#gateway(scope).query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :alloc)',
      ExpressionAttributeValues: {
        ':pk': attr.s(scope.key('CLIENT', clientId)),
        ':alloc': attr.s('ALLOC#'),
      },
      ProjectionExpression: 'allocationId, staffId, #kind, endedAt',
      ExpressionAttributeNames: { '#kind': 'kind' },
      ConsistentRead: true,
    });
    return items.map((item) => ({
      allocationId: requireS(item, 'allocationId'),
      staffId: requireS(item, 'staffId'),
      kind: requireS(item, 'kind') as AllocationKind,
      ended: read.s(item, 'endedAt') !== undefined,
    }));
  }

  /**
   * Records that a staff member must not see this client (declared connection or the client's wish). A conflict
   * restricts access, so deleting one is the tamper that grants: the set is MACed as a whole, with the investigation
   * links (decision 0100). The profile is read and verified, the new MAC computed over the sets after the change, and
   * the write is conditional on the stored MAC still being the one read (a concurrent change gets CONFLICT).
   */
  async setConflict(scope: TenantScope, clientId: string, staffId: string, declared: boolean): Promise<void> {
    const gateway = this.#gateway(scope);
    const key = { pk: scope.key('CLIENT', clientId), sk: PROFILE };
    const [current, integrityKey] = await Promise.all([
      gateway.get(key, { now: this.clock.now() }),
      this.#integrityKey(scope),
    ]);
    if (!current) throw notFound('Service user');
    verifiedAccessFacts(scope, current, integrityKey);
    const conflicts = conflictEntries(current);
    const at = this.clock.now().toISOString();
    if (declared) conflicts[staffId] = at;
    else delete conflicts[staffId];
    const signed = countedFactsWrite(RELATIONS_FACTS, current, (count) =>
      integrityMac(
        integrityKey,
        relationsParts(scope, clientId, conflicts, investigationEntries(current), count),
      ),
    );
    const expression = declared
      ? `SET conflicts.#staff = :at, ${signed.set.join(', ')}`
      : `REMOVE conflicts.#staff SET ${signed.set.join(', ')}`;
    const written = await gateway.update(key, {
      UpdateExpression: expression,
      ConditionExpression: `attribute_exists(pk) AND ${signed.condition}`,
      ExpressionAttributeNames: { '#staff': staffId, ...signed.names },
      ExpressionAttributeValues: { ...signed.values, ...(declared ? { ':at': attr.s(at) } : {}) },
    });
    if (!written.written) throw conflict();
  }

  /**
   * Writes an investigation's link on each client it names, all in one transaction (at most 50 clients: the API's
   * list maximum, under DynamoDB's 100 items), so that a fault links none of them and a retry opens one investigation,
   * not a second beside a partial first. An open investigation keeps its reads from the person's own access log and
   * their record from erasure, so removing its link is a tamper: the links are MACed as a whole with the conflicts
   * (decision 0100). Each client is given as read (and verified) in this request; its MAC is rewritten over its links
   * after the change, on condition that the stored MAC is still the one read. CONFLICT when one of them changed since
   * or is gone.
   */
  async linkInvestigation(
    scope: TenantScope,
    links: readonly { client: ServiceUserRecord; link: InvestigationLink }[],
  ): Promise<void> {
    const integrityKey = await this.#integrityKey(scope);
    const writes: TenantTransactItem[] = links.map(({ client, link }) => {
      const investigations = [
        ...investigationEntries(client.item).filter(
          (entry) => entry.investigationId !== link.investigationId,
        ),
        link,
      ];
      const signed = countedFactsWrite(RELATIONS_FACTS, client.item, (count) =>
        integrityMac(
          integrityKey,
          relationsParts(scope, client.clientId, conflictEntries(client.item), investigations, count),
        ),
      );
      return {
        Update: {
          Key: { pk: attr.s(scope.key('CLIENT', client.clientId)), sk: attr.s(PROFILE) },
          UpdateExpression: `SET investigations.#id = :link, ${signed.set.join(', ')}`,
          ConditionExpression: `attribute_exists(pk) AND ${signed.condition}`,
          ExpressionAttributeNames: { '#id': link.investigationId, ...signed.names },
          ExpressionAttributeValues: {
            ':link': {
              M: { investigatorId: attr.s(link.investigatorId), status: attr.s(link.status) },
            },
            ...signed.values,
          },
        },
      };
    });
    let written: boolean;
    try {
      written = (await this.#gateway(scope).transactWrite(writes)).written;
    } catch (error) {
      if (error instanceof TransactionCanceledException) throw conflict();
      throw error;
    }
    if (!written) throw conflict();
  }

  /**
   * Corrects a client's contact details (CONTACT): each value given is sealed anew under the subject key, bound
   * to the profile and its field; values not given are kept. A stale `expectedVersion` gets CONFLICT.
   */
  async setContactDetails(
    scope: TenantScope,
    clientId: string,
    key: SubjectKey,
    contact: Readonly<Partial<Record<ContactField, string>>>,
    expectedVersion: number,
  ): Promise<void> {
    const pk = scope.key('CLIENT', clientId);
    const sealed = sealFields(key, itemKeyOf(pk, PROFILE), contact);
    const names: Record<string, string> = {};
    const values: Item = { ':one': attr.n(1) };
    const sets = ['version = version + :one'];
    for (const [index, [attribute, value]] of Object.entries(sealed).entries()) {
      names[`#c${index}`] = attribute;
      values[`:c${index}`] = value;
      sets.push(`#c${index} = :c${index}`);
    }
    await this.#updateProfile(scope, clientId, `SET ${sets.join(', ')}`, names, values, expectedVersion);
  }

  async setLatestNote(scope: TenantScope, clientId: string, noteId: string): Promise<void> {
    await this.#updateProfile(scope, clientId, 'SET latestNoteId = :note', {}, { ':note': attr.s(noteId) });
  }

  async #updateProfile(
    scope: TenantScope,
    clientId: string,
    expression: string,
    names: Record<string, string>,
    values: Item,
    expectedVersion?: number,
  ): Promise<void> {
    const conditionValues: Item =
      expectedVersion === undefined ? {} : { ':expected': attr.n(expectedVersion) };
    const gateway = this.#gateway(scope);
    const key = { pk: scope.key('CLIENT', clientId), sk: PROFILE };
    const written = await gateway.update(key, {
      UpdateExpression: expression,
      ConditionExpression:
        expectedVersion === undefined
          ? 'attribute_exists(pk)'
          : 'attribute_exists(pk) AND version = :expected',
      ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
      ...(Object.keys(values).length + Object.keys(conditionValues).length > 0
        ? { ExpressionAttributeValues: { ...values, ...conditionValues } }
        : {}),
    });
    if (written.written) return;
    if (expectedVersion === undefined) throw notFound('Service user');
    throw (await gateway.get(key)) ? conflict() : notFound('Service user');
  }

  /** A client's blind-index entries (see {@link clientBeaconPartitions}). */
  async #beaconItems(scope: TenantScope, clientId: string, details: ServiceUserDetails): Promise<Item[]> {
    const partitions = clientBeaconPartitions(scope, await this.keys.beaconKey(scope.orgId), details);
    return partitions.map((pk) => ({
      pk: attr.s(pk),
      sk: attr.s(`CLIENT#${clientId}`),
      clientId: attr.s(clientId),
    }));
  }

  /**
   * Where the key's result lives and the digest of this request (issue 17 item 7): keyed HMACs under a key derived
   * from the organisation's beacon key, over the caller, the service and every detail given.
   */
  async #idempotency(
    scope: TenantScope,
    idempotencyKey: string,
    input: { serviceId: string; details: ServiceUserDetails; requestedBy?: string | undefined },
  ): Promise<{ pk: string; digest: string }> {
    const secret = idempotencyKeyFrom(await this.keys.beaconKey(scope.orgId), `${scope.orgId}|register`);
    const details = Object.entries(input.details)
      .filter(([, value]) => value !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return {
      pk: scope.key('IDEMPOTENCY', 'REGISTER', keyDigest(secret, idempotencyKey)),
      digest: requestDigest(secret, [input.requestedBy ?? null, input.serviceId, details]),
    };
  }

  /** The client a retry of this very request registered; CONFLICT when the key was used for another request. */
  async #idempotentResult(
    scope: TenantScope,
    idempotency: { pk: string; digest: string },
  ): Promise<string | undefined> {
    const item = await this.#gateway(scope).get(
      { pk: idempotency.pk, sk: 'RESULT' },
      { now: this.clock.now() },
    );
    if (!item) return undefined;
    if (!sameDigest(read.s(item, 'requestDigest'), idempotency.digest)) throw idempotencyConflict();
    return read.s(item, 'clientId');
  }

  /** The organisation's integrity key (decision 0030): the cached beacon key, then HKDF; CPU only once cached. */
  async #integrityKey(scope: TenantScope): Promise<Buffer> {
    return organisationIntegrityKey(this.keys, scope.orgId);
  }

  #expired(item: Item): boolean {
    const expiresAt = read.n(item, 'expiresAt');
    return expiresAt !== undefined && expiresAt * 1000 <= this.clock.now().getTime();
  }
}

/**
 * The profile attribute holding one MAC over the conflicts set and the investigation links together (decision 0100):
 * removing a conflict grants access, and removing an open investigation's link shows the person its reads and lets
 * their record be erased, so a removal must fail, not only a forgery. One MAC for both costs a read nothing more.
 */
const RELATIONS_MAC = 'relationsMac';

/**
 * The profile attribute counting the changes to the conflicts and investigation links, bound into
 * {@link RELATIONS_MAC} (decision 0120): every change moves it up, so an earlier copy of the relations put back, with
 * its genuine MAC, shows in the table's stream as the count going down. Absent until the first change (0).
 */
const RELATIONS_VERSION = 'relationsVersion';

/** A client's conflicts and investigation links, their MAC and count (decision 0120). */
export const RELATIONS_FACTS: CountedFacts = {
  attributes: ['conflicts', 'investigations'],
  mac: RELATIONS_MAC,
  count: RELATIONS_VERSION,
};

/**
 * The profile attribute holding the MAC over the service the person is supported by (decision 0088): a service's
 * managers and members read its people, so moving a person into another service by a raw write would give them away.
 * The service never changes after registration.
 */
const SERVICE_MAC = 'serviceMac';

/**
 * The profile attribute holding the MAC over the case's status, closure time and closure date (decisions 0095, 0153):
 * the closure dates the record's deletion, and an open case cannot be erased, so none may be rewritten in the table.
 */
const CASE_MAC = 'caseMac';

/**
 * The profile attribute holding the MAC over the legal hold it is under, if any (decision 0097). Per-entry MACs cannot
 * see a removal, so the profile states "no hold" under a MAC too: a hold's marker removed by a raw write leaves a MAC
 * that names the hold, and the profile fails its check.
 */
export const LEGAL_HOLD_MAC = 'legalHoldMac';

/** The parts of {@link LEGAL_HOLD_MAC}: the hold's record key (`LEGAL_HOLD#<placedAt>`), or none. */
export const legalHoldParts = (scope: TenantScope, clientId: string, holdSk: string | undefined) => [
  'confide.client-legal-hold.v1',
  scope.orgId,
  clientId,
  holdSk ?? '',
];

/**
 * The parts of {@link CASE_MAC}. A closure's date on the organisation's calendar decides a child's schedule with the
 * closure time, so it is under the MAC too (v2); a closure written before it was kept has none, and keeps v1.
 */
const caseParts = (
  scope: TenantScope,
  clientId: string,
  status: string,
  closedAt: string | undefined,
  closedOn?: string,
) =>
  closedOn === undefined
    ? ['confide.client-case.v1', scope.orgId, clientId, status, closedAt ?? '']
    : ['confide.client-case.v2', scope.orgId, clientId, status, closedAt ?? '', closedOn];

const serviceParts = (scope: TenantScope, clientId: string, serviceId: string) => [
  'confide.client-service.v1',
  scope.orgId,
  clientId,
  serviceId,
];

function allocationParts(
  scope: TenantScope,
  clientId: string,
  allocationId: string,
  staffId: string,
  kind: string,
  startsAt: string,
  endsAt: string | undefined,
): string[] {
  return [
    'confide.allocation.v1',
    scope.orgId,
    clientId,
    allocationId,
    staffId,
    kind,
    startsAt,
    endsAt ?? '',
  ];
}

/**
 * What {@link RELATIONS_MAC} covers: the conflicts as `staffId=declaredAt` lines and the investigation links as
 * `investigationId=investigatorId:status` lines, each set sorted (ids never hold `=`, `:` or a line break), and from
 * the first change on the count of changes ({@link RELATIONS_VERSION}; a profile never changed keeps the v1 parts).
 */
function relationsParts(
  scope: TenantScope,
  clientId: string,
  conflicts: Record<string, string>,
  investigations: readonly InvestigationLink[],
  version: number,
): string[] {
  const conflictLines = Object.entries(conflicts).map(([staffId, at]) => `${staffId}=${at}`);
  const investigationLines = investigations.map(
    (link) => `${link.investigationId}=${link.investigatorId}:${link.status}`,
  );
  const sets = [conflictLines.sort().join('\n'), investigationLines.sort().join('\n')];
  return version === 0
    ? ['confide.client-relations.v1', scope.orgId, clientId, ...sets]
    : ['confide.client-relations.v2', scope.orgId, clientId, ...sets, String(version)];
}

function conflictEntries(item: Item): Record<string, string> {
  return Object.fromEntries(
    Object.entries(item.conflicts?.M ?? {}).map(([staffId, at]) => [staffId, at.S ?? '']),
  );
}

function investigationEntries(item: Item): InvestigationLink[] {
  return Object.entries(item.investigations?.M ?? {}).map(([investigationId, value]) => ({
    investigationId,
    investigatorId: value.M?.investigatorId?.S ?? '',
    status: (value.M?.status?.S ?? 'OPEN') as InvestigationLink['status'],
  }));
}

/**
 * A profile item whose access facts pass their MACs (decision 0030, Access facts): every allocation entry, the
 * conflicts and investigation links as a whole (decision 0100), the person's service (decision 0088), the case's status
 * and closure (decision 0095) and its legal hold or none (decision 0097). A forged entry, or a deleted conflict or
 * investigation link, throws {@link TamperedItemError}; nothing of the profile is served. Removing an allocation only
 * revokes, so allocations are checked entry by entry.
 */
function verifiedAccessFacts(scope: TenantScope, item: Item, integrityKey: Buffer): Item {
  const clientId = requireS(item, 'clientId');
  const tampered = () =>
    new TamperedItemError(clientId, 'PROFILE', itemKeyOf(requireS(item, 'pk'), requireS(item, 'sk')));
  for (const [allocationId, value] of Object.entries(item.allocations?.M ?? {})) {
    const entry = value.M ?? {};
    const parts = allocationParts(
      scope,
      clientId,
      allocationId,
      entry.staffId?.S ?? '',
      entry.kind?.S ?? '',
      entry.startsAt?.S ?? '',
      entry.endsAt?.S,
    );
    if (!verifyIntegrityMac(integrityKey, parts, entry.mac?.S)) throw tampered();
  }
  if (
    !verifyIntegrityMac(
      integrityKey,
      relationsParts(
        scope,
        clientId,
        conflictEntries(item),
        investigationEntries(item),
        changeCount(item, RELATIONS_VERSION),
      ),
      read.s(item, RELATIONS_MAC),
    ) ||
    !verifyIntegrityMac(
      integrityKey,
      serviceParts(scope, clientId, requireS(item, 'serviceId')),
      read.s(item, SERVICE_MAC),
    ) ||
    !verifyIntegrityMac(
      integrityKey,
      caseParts(
        scope,
        clientId,
        requireS(item, 'caseStatus'),
        read.s(item, 'closedAt'),
        read.s(item, 'closedOn'),
      ),
      read.s(item, CASE_MAC),
    ) ||
    !verifyIntegrityMac(
      integrityKey,
      legalHoldParts(scope, clientId, item.legalHold?.M?.sk?.S),
      read.s(item, LEGAL_HOLD_MAC),
    )
  ) {
    throw tampered();
  }
  return item;
}

function toRecord(item: Item): ServiceUserRecord {
  const allocations = Object.entries(item.allocations?.M ?? {}).map(([allocationId, value]) => ({
    allocationId,
    staffId: value.M?.staffId?.S ?? '',
    kind: (value.M?.kind?.S ?? 'PRIMARY') as AllocationKind,
    startsAt: value.M?.startsAt?.S ?? '',
    endsAt: value.M?.endsAt?.S,
  }));
  const investigations = investigationEntries(item);
  return {
    clientId: requireS(item, 'clientId'),
    serviceId: requireS(item, 'serviceId'),
    reference: requireS(item, 'reference'),
    pseudonym: requireS(item, 'pseudonym'),
    caseStatus: requireS(item, 'caseStatus') as CaseStatus,
    openedAt: requireS(item, 'openedAt'),
    closedAt: read.s(item, 'closedAt'),
    closedOn: read.s(item, 'closedOn') ?? read.s(item, 'closedAt')?.slice(0, 10),
    createdAt: requireS(item, 'createdAt'),
    version: requireN(item, 'version'),
    expiresAt: read.n(item, 'expiresAt'),
    allocations,
    conflicts: Object.keys(item.conflicts?.M ?? {}),
    investigations,
    latestNoteId: read.s(item, 'latestNoteId'),
    externalSubject: read.s(item, 'externalSubject'),
    pk: requireS(item, 'pk'),
    sk: requireS(item, 'sk'),
    item,
  };
}

const REFERENCE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function randomCode(length: number): string {
  const bytes = randomBytes(length);
  return [...bytes].map((byte) => REFERENCE_ALPHABET[byte % REFERENCE_ALPHABET.length]).join('');
}

/** A pseudonymous case reference such as `SU-7KQ2M9XA`: says nothing about the person. */
function newReference(): string {
  return `SU-${randomCode(8)}`;
}

/** A pseudonym for supervision and case-study views (Lets connect 4.2, 4.5). */
function newPseudonym(): string {
  return `Client ${randomCode(4)}`;
}
