import { type Clock, conflict, newId, type OrgId } from '@confide/domain';
import { integrityMac } from '@confide/keys';
import { attr, type Item, read, requireS, tableKey } from '../attributes';
import { organisationIntegrityKey, requireItemMac } from '../item-macs';
import type { TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable, type TenantTransactItem } from '../tenant-table';

/**
 * A staff member's authorisation of an import into one service of theirs, for a few hours (decision 0146): what a
 * deployed stage's transfer function runs an operator's `confide import --stage` under, in place of the staff member's
 * own sign-in (which the operator must never hold). Ids and times only.
 */
export interface ImportAuthorisation {
  /** Opaque (`ima_…`): the operator passes it to the transfer function. It opens nothing in the API. */
  readonly authorisationId: string;
  readonly serviceId: string;
  /** The staff member who gave it: the import runs under their authority, while they still have it. */
  readonly grantedBy: string;
  readonly grantedAt: string;
  /** When it ends (at most {@link IMPORT_AUTHORISATION_MAX_MINUTES} after it was given). */
  readonly validUntil: string;
  readonly withdrawnAt: string | undefined;
}

/** Whether an authorisation can be used now. */
export type ImportAuthorisationState = 'IN_FORCE' | 'EXPIRED' | 'WITHDRAWN';

/** How long an authorisation runs unless its grantor says otherwise: an import's working afternoon. */
export const IMPORT_AUTHORISATION_DEFAULT_MINUTES = 240;
/** The longest an authorisation may run: a day. A longer import is authorised again (a rerun resumes it). */
export const IMPORT_AUTHORISATION_MAX_MINUTES = 24 * 60;
/** The shortest: long enough for a dry run of a small folder. */
export const IMPORT_AUTHORISATION_MIN_MINUTES = 5;

/** The item's attribute holding its MAC under the organisation's integrity key. */
export const IMPORT_AUTHORISATION_MAC = 'authorisationMac';

/** The organisation's partition of import authorisations (`ORG#<org>#IMPORT_AUTHORISATIONS`), one item each. */
const PARTITION = 'IMPORT_AUTHORISATIONS';

/**
 * Everything that decides what an authorisation allows, bound to where it is stored: copied into another
 * organisation's partition, moved to another id, given another service, grantor or end, or its withdrawal taken off,
 * it fails its MAC.
 */
function authorisationParts(scope: TenantScope, item: Item): string[] {
  return [
    'confide.import-authorisation.v1',
    scope.orgId,
    requireS(item, 'pk'),
    requireS(item, 'sk'),
    requireS(item, 'authorisationId'),
    requireS(item, 'serviceId'),
    requireS(item, 'grantedBy'),
    requireS(item, 'grantedAt'),
    requireS(item, 'validUntil'),
    read.s(item, 'withdrawnAt') ?? '',
  ];
}

function toAuthorisation(item: Item): ImportAuthorisation {
  return {
    authorisationId: requireS(item, 'authorisationId'),
    serviceId: requireS(item, 'serviceId'),
    grantedBy: requireS(item, 'grantedBy'),
    grantedAt: requireS(item, 'grantedAt'),
    validUntil: requireS(item, 'validUntil'),
    withdrawnAt: read.s(item, 'withdrawnAt'),
  };
}

/** What the store needs of the services: the tenant-scoped table access, the data table, the clock and the keys. */
export interface ImportAuthorisationServices {
  readonly tenantClients: TableAccess;
  readonly config: { readonly tables: { readonly data: string } };
  readonly clock: Clock;
  readonly keys: { beaconKey(orgId: OrgId): Promise<Uint8Array> };
}

/**
 * Import authorisations (decision 0146), each an item in the organisation's partition under a MAC (decision 0030)
 * that is checked on every read: one written or changed in the table by anyone without the organisation's key throws
 * {@link TamperedItemError} (kind `IMPORT_AUTHORISATION`) and authorises nothing. Each goes by itself when it ends
 * (TTL `expiresAt`); the retention handler passes over it (no subject's item).
 */
export class ImportAuthorisations {
  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
    private readonly clock: Clock,
    private readonly keys: { beaconKey(orgId: OrgId): Promise<Uint8Array> },
  ) {}

  /** The store over the api's services (or the transfer function's): their clock, keys and tenant credentials. */
  static of(services: ImportAuthorisationServices): ImportAuthorisations {
    return new ImportAuthorisations(
      services.tenantClients,
      services.config.tables.data,
      services.clock,
      services.keys,
    );
  }

  /**
   * Records an authorisation for `minutes` from now. `commit` makes the write (by default alone; the api passes its
   * audit trail's, so the authorisation and the event recording it are one transaction).
   */
  async grant(
    scope: TenantScope,
    grant: { readonly serviceId: string; readonly grantedBy: string; readonly minutes: number },
    options: {
      readonly commit?: (items: readonly TenantTransactItem[], authorisationId: string) => Promise<boolean>;
    } = {},
  ): Promise<ImportAuthorisation> {
    const now = this.clock.now();
    const authorisationId = newId('importAuthorisation');
    const validUntil = new Date(now.getTime() + grant.minutes * 60_000);
    const item: Item = {
      pk: attr.s(scope.key(PARTITION)),
      sk: attr.s(authorisationId),
      orgId: attr.s(scope.orgId),
      authorisationId: attr.s(authorisationId),
      serviceId: attr.s(grant.serviceId),
      grantedBy: attr.s(grant.grantedBy),
      grantedAt: attr.s(now.toISOString()),
      validUntil: attr.s(validUntil.toISOString()),
      // Gone by itself once it has ended: nothing of it is kept but the audit's events.
      expiresAt: attr.n(Math.ceil(validUntil.getTime() / 1000)),
    };
    item[IMPORT_AUTHORISATION_MAC] = attr.s(
      integrityMac(await this.#integrityKey(scope), authorisationParts(scope, item)),
    );
    const put: TenantTransactItem = { Put: { Item: item, ConditionExpression: 'attribute_not_exists(pk)' } };
    const written = options.commit
      ? await options.commit([put], authorisationId)
      : (await this.#gateway(scope).put(item, { ConditionExpression: 'attribute_not_exists(pk)' })).written;
    // A fresh random id never collides; if it did, nothing was overwritten.
    if (!written) throw new Error('A new import authorisation id collided.');
    return toAuthorisation(item);
  }

  /**
   * One authorisation of the organisation, withdrawn or ended too (until its TTL takes it), its MAC checked;
   * undefined when the organisation has none of that id (an id of another organisation's is none of this one's).
   */
  async get(scope: TenantScope, authorisationId: string): Promise<ImportAuthorisation | undefined> {
    const [item, integrityKey] = await Promise.all([
      this.#gateway(scope).get({ pk: scope.key(PARTITION), sk: authorisationId }),
      this.#integrityKey(scope),
    ]);
    if (!item) return undefined;
    requireItemMac(integrityKey, item, IMPORT_AUTHORISATION_MAC, authorisationParts(scope, item), {
      subjectId: read.s(item, 'grantedBy') ?? scope.orgId,
      itemKind: 'IMPORT_AUTHORISATION',
      orgId: scope.orgId,
    });
    return toAuthorisation(item);
  }

  /**
   * The authorisations of one service that have not ended, withdrawn ones too, newest first (by when given), each
   * with its MAC checked as {@link get} checks it: one that fails throws {@link TamperedItemError} and nothing is
   * listed. A service's are read from the organisation's one partition of them (a Query, the service filtered in
   * DynamoDB): each lives a day at most, so it holds a few at any time, and every item ever written is listed while
   * it stands. An ended one (its TTL deletes it days late) is left out by its `validUntil`, which its MAC covers, not
   * by its `expiresAt`, which it does not: an item whose TTL was moved in the table is not hidden from the managers
   * while it still authorises.
   */
  async listForService(scope: TenantScope, serviceId: string): Promise<ImportAuthorisation[]> {
    const [{ items }, integrityKey] = await Promise.all([
      this.#gateway(scope).query({
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: 'serviceId = :service',
        ExpressionAttributeValues: {
          ':pk': attr.s(scope.key(PARTITION)),
          ':service': attr.s(serviceId),
        },
        ConsistentRead: true,
      }),
      this.#integrityKey(scope),
    ]);
    for (const item of items) {
      requireItemMac(integrityKey, item, IMPORT_AUTHORISATION_MAC, authorisationParts(scope, item), {
        subjectId: read.s(item, 'grantedBy') ?? scope.orgId,
        itemKind: 'IMPORT_AUTHORISATION',
        orgId: scope.orgId,
      });
    }
    const now = this.clock.now().getTime();
    return items
      .map(toAuthorisation)
      .filter((authorisation) => Date.parse(authorisation.validUntil) > now)
      .sort(
        (a, b) =>
          b.grantedAt.localeCompare(a.grantedAt) || b.authorisationId.localeCompare(a.authorisationId),
      );
  }

  /** Whether the authorisation can be used now: not withdrawn, and not past its end. */
  stateOf(authorisation: ImportAuthorisation): ImportAuthorisationState {
    if (authorisation.withdrawnAt !== undefined) return 'WITHDRAWN';
    return Date.parse(authorisation.validUntil) > this.clock.now().getTime() ? 'IN_FORCE' : 'EXPIRED';
  }

  /**
   * Withdraws an authorisation at once, with a MAC that covers the withdrawal, while it is still the one read and
   * checked; CONFLICT when it is unknown or already withdrawn. `commit` as for {@link grant}.
   */
  async withdraw(
    scope: TenantScope,
    authorisationId: string,
    options: { readonly commit?: (items: readonly TenantTransactItem[]) => Promise<boolean> } = {},
  ): Promise<ImportAuthorisation> {
    const key = { pk: scope.key(PARTITION), sk: authorisationId };
    const [current, integrityKey] = await Promise.all([
      this.#gateway(scope).get(key),
      this.#integrityKey(scope),
    ]);
    if (!current || read.s(current, 'withdrawnAt') !== undefined) {
      throw conflict('The import authorisation is unknown or already withdrawn.');
    }
    requireItemMac(integrityKey, current, IMPORT_AUTHORISATION_MAC, authorisationParts(scope, current), {
      subjectId: read.s(current, 'grantedBy') ?? scope.orgId,
      itemKind: 'IMPORT_AUTHORISATION',
      orgId: scope.orgId,
    });
    const withdrawnAt = this.clock.now().toISOString();
    const withdrawn: Item = { ...current, withdrawnAt: attr.s(withdrawnAt) };
    const mac = integrityMac(integrityKey, authorisationParts(scope, withdrawn));
    const change = {
      UpdateExpression: 'SET withdrawnAt = :now, #mac = :mac',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(withdrawnAt) AND #mac = :previous',
      ExpressionAttributeNames: { '#mac': IMPORT_AUTHORISATION_MAC },
      ExpressionAttributeValues: {
        ':now': attr.s(withdrawnAt),
        ':mac': attr.s(mac),
        ':previous': attr.s(read.s(current, IMPORT_AUTHORISATION_MAC) ?? ''),
      },
    };
    const written = options.commit
      ? await options.commit([{ Update: { Key: tableKey(key), ...change } }])
      : (await this.#gateway(scope).update(key, change)).written;
    if (!written) throw conflict('The import authorisation is unknown or already withdrawn.');
    return toAuthorisation({ ...withdrawn, [IMPORT_AUTHORISATION_MAC]: attr.s(mac) });
  }

  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
  }

  #integrityKey(scope: TenantScope): Promise<Buffer> {
    return organisationIntegrityKey(this.keys, scope.orgId);
  }
}
