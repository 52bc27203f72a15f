import { type Clock, ConfideError, conflict, ErrorCode, newId } from '@confide/domain';
import { integrityMac, type KeyHierarchy, type SubjectKey } from '@confide/keys';
import { attr, type Item, read, requireS, tableKey } from '../attributes';
import { organisationIntegrityKey, requireItemMac } from '../item-macs';
import { mapPage, type Page, type PageRequest } from '../paging';
import { itemKeyOf, openField, sealFields } from '../sealed-fields';
import type { TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable } from '../tenant-table';
import { TamperedItemError } from './integrity-incidents';

/**
 * A staff member's expressed permission for a reference to be given to one recipient until a given time
 * ("No personal information will be given to any party without the expressed permission of the member of
 * staff in question", Azure 5.1). The recipient is sealed under the staff member's subject key; `validUntil`
 * is not the TTL attribute, so the permission stays on record after it lapses.
 */
export interface ReferencePermission {
  readonly permissionId: string;
  readonly staffId: string;
  readonly validUntil: string;
  readonly grantedAt: string;
  readonly withdrawnAt: string | undefined;
  readonly pk: string;
  readonly sk: string;
  readonly item: Item;
}

/** A reference released to a third party: who released what to whom, under which permission. */
export interface ReleasedReference {
  readonly referenceId: string;
  readonly staffId: string;
  readonly permissionId: string;
  readonly releasedBy: string;
  readonly releasedAt: string;
  readonly pk: string;
  readonly sk: string;
  readonly item: Item;
}

const PERMISSION_PREFIX = 'REFPERM#';
const RELEASE_PREFIX = 'REFERENCE#';

/** Compares recipients as people write them: case, surrounding and repeated spaces do not matter. */
export function normaliseRecipient(recipient: string): string {
  return recipient.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Reference permissions and released references, in the staff member's partition (`ORG#o#STAFF#s`). A permission
 * carries `permissionMac` over its end and its withdrawal (decision 0092), checked on every read: one extended or
 * un-withdrawn in the table throws {@link TamperedItemError} and permits nothing.
 */
export class ReferencePermissions {
  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
    private readonly clock: Clock,
    private readonly keys: KeyHierarchy,
  ) {}

  async grant(
    scope: TenantScope,
    staffId: string,
    key: SubjectKey,
    permission: { recipient: string; validUntil: Date },
  ): Promise<ReferencePermission> {
    const permissionId = newId('referencePermission');
    const pk = scope.key('STAFF', staffId);
    const sk = `${PERMISSION_PREFIX}${permissionId}`;
    const item: Item = {
      pk: attr.s(pk),
      sk: attr.s(sk),
      permissionId: attr.s(permissionId),
      staffId: attr.s(staffId),
      validUntil: attr.s(permission.validUntil.toISOString()),
      grantedAt: attr.s(this.clock.now().toISOString()),
      ...sealFields(key, itemKeyOf(pk, sk), { recipient: permission.recipient }),
    };
    item[PERMISSION_MAC] = attr.s(
      integrityMac(await this.#integrityKey(scope), permissionParts(scope, item)),
    );
    const written = await this.#gateway(scope).put(item, { ConditionExpression: 'attribute_not_exists(pk)' });
    // A fresh random id never collides; if it did, nothing was overwritten.
    if (!written.written) throw new Error('A new reference permission id collided.');
    return toPermission(item);
  }

  /** One permission the staff member gave, withdrawn or lapsed too; undefined when they gave none of that id. */
  async get(
    scope: TenantScope,
    staffId: string,
    permissionId: string,
  ): Promise<ReferencePermission | undefined> {
    const [item, integrityKey] = await Promise.all([
      this.#gateway(scope).get(
        { pk: scope.key('STAFF', staffId), sk: `${PERMISSION_PREFIX}${permissionId}` },
        { now: this.clock.now() },
      ),
      this.#integrityKey(scope),
    ]);
    return item ? verifiedPermission(scope, item, integrityKey) : undefined;
  }

  /**
   * Withdraws a permission at once; CONFLICT when it is unknown or already withdrawn. The permission is read and
   * checked first, then withdrawn with a MAC that covers the withdrawal, while it is still the permission read.
   */
  async withdraw(scope: TenantScope, staffId: string, permissionId: string): Promise<ReferencePermission> {
    const key = { pk: scope.key('STAFF', staffId), sk: `${PERMISSION_PREFIX}${permissionId}` };
    const [current, integrityKey] = await Promise.all([
      this.#gateway(scope).get(key, { now: this.clock.now() }),
      this.#integrityKey(scope),
    ]);
    if (!current || current.withdrawnAt) throw conflict('The permission is unknown or already withdrawn.');
    verifiedPermission(scope, current, integrityKey);
    const withdrawnAt = this.clock.now().toISOString();
    const mac = integrityMac(
      integrityKey,
      permissionParts(scope, { ...current, withdrawnAt: attr.s(withdrawnAt) }),
    );
    const result = await this.#gateway(scope).update(key, {
      UpdateExpression: 'SET withdrawnAt = :now, #mac = :mac',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(withdrawnAt) AND #mac = :previous',
      ExpressionAttributeNames: { '#mac': PERMISSION_MAC },
      ExpressionAttributeValues: {
        ':now': attr.s(withdrawnAt),
        ':mac': attr.s(mac),
        ':previous': attr.s(read.s(current, PERMISSION_MAC) ?? ''),
      },
      ReturnValues: 'ALL_NEW',
    });
    if (!result.written) throw conflict('The permission is unknown or already withdrawn.');
    if (!result.attributes) throw new Error('Update returned no item.');
    return toPermission(result.attributes);
  }

  /** Every permission the staff member gave, newest first, lapsed and withdrawn ones included. */
  async list(scope: TenantScope, staffId: string): Promise<ReferencePermission[]> {
    const [items, integrityKey] = await Promise.all([
      this.#query(scope, staffId, PERMISSION_PREFIX),
      this.#integrityKey(scope),
    ]);
    return items
      .map((item) => verifiedPermission(scope, item, integrityKey))
      .sort((a, b) => b.grantedAt.localeCompare(a.grantedAt));
  }

  /** One page of the permissions in the order they are stored (by permission id), read with DynamoDB's `Limit`. */
  async page(scope: TenantScope, staffId: string, request: PageRequest): Promise<Page<ReferencePermission>> {
    const [page, integrityKey] = await Promise.all([
      this.#queryPage(scope, staffId, PERMISSION_PREFIX, request),
      this.#integrityKey(scope),
    ]);
    return mapPage(page, (item) => verifiedPermission(scope, item, integrityKey));
  }

  /** One page of the releases in the order they are stored (by release id), read with DynamoDB's `Limit`. */
  async releasesPage(
    scope: TenantScope,
    staffId: string,
    request: PageRequest,
  ): Promise<Page<ReleasedReference>> {
    return mapPage(await this.#queryPage(scope, staffId, RELEASE_PREFIX, request), toRelease);
  }

  /** Whether a permission is in force now: not withdrawn and not past its end. */
  inForce(permission: ReferencePermission): boolean {
    return (
      permission.withdrawnAt === undefined &&
      new Date(permission.validUntil).getTime() > this.clock.now().getTime()
    );
  }

  /** The permission in force for this recipient, if any (each recipient is opened and compared here). */
  async permissionFor(
    scope: TenantScope,
    staffId: string,
    key: SubjectKey,
    recipient: string,
  ): Promise<ReferencePermission | undefined> {
    const wanted = normaliseRecipient(recipient);
    return (await this.list(scope, staffId)).find(
      (permission) =>
        this.inForce(permission) && normaliseRecipient(this.openRecipient(key, permission) ?? '') === wanted,
    );
  }

  async recordRelease(
    scope: TenantScope,
    staffId: string,
    key: SubjectKey,
    release: { permissionId: string; recipient: string; summary: string; releasedBy: string },
  ): Promise<ReleasedReference> {
    const referenceId = newId('referenceRelease');
    const pk = scope.key('STAFF', staffId);
    const sk = `${RELEASE_PREFIX}${referenceId}`;
    const item: Item = {
      pk: attr.s(pk),
      sk: attr.s(sk),
      referenceId: attr.s(referenceId),
      staffId: attr.s(staffId),
      permissionId: attr.s(release.permissionId),
      releasedBy: attr.s(release.releasedBy),
      releasedAt: attr.s(this.clock.now().toISOString()),
      ...sealFields(key, itemKeyOf(pk, sk), { recipient: release.recipient, summary: release.summary }),
    };
    // Only while the permission is in force, checked in the same write: a withdrawal the staff member was told of is
    // never followed by a release under it.
    const written = await this.#gateway(scope).transactWrite([
      { Put: { Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        ConditionCheck: {
          Key: tableKey({ pk, sk: `${PERMISSION_PREFIX}${release.permissionId}` }),
          ConditionExpression:
            'attribute_exists(pk) AND attribute_not_exists(withdrawnAt) AND validUntil > :now',
          ExpressionAttributeValues: { ':now': attr.s(this.clock.now().toISOString()) },
        },
      },
    ]);
    if (!written.written) {
      // A fresh random id never collides; if it did, nothing was overwritten.
      if (written.reasons[0] === 'ConditionalCheckFailed')
        throw new Error('A new reference release id collided.');
      throw new ConfideError(
        ErrorCode.CONSENT_REQUIRED,
        'The staff member’s permission for this recipient was withdrawn or has lapsed (Azure 5.1).',
      );
    }
    return toRelease(item);
  }

  /** References released about the staff member, newest first. */
  async releases(scope: TenantScope, staffId: string): Promise<ReleasedReference[]> {
    const items = await this.#query(scope, staffId, RELEASE_PREFIX);
    return items.map(toRelease).sort((a, b) => b.releasedAt.localeCompare(a.releasedAt));
  }

  openRecipient(key: SubjectKey, record: ReferencePermission | ReleasedReference): string | undefined {
    return openField(key, itemKeyOf(record.pk, record.sk), record.item, 'recipient');
  }

  openSummary(key: SubjectKey, release: ReleasedReference): string | undefined {
    return openField(key, itemKeyOf(release.pk, release.sk), release.item, 'summary');
  }

  #queryPage(scope: TenantScope, staffId: string, prefix: string, request: PageRequest): Promise<Page<Item>> {
    return this.#gateway(scope).queryPrefixPage(
      scope.key('STAFF', staffId),
      prefix,
      request,
      this.clock.now(),
    );
  }

  /** The staff member's unexpired items whose sort keys start with `prefix`. */
  #query(scope: TenantScope, staffId: string, prefix: string): Promise<Item[]> {
    return this.#gateway(scope).queryPrefix(scope.key('STAFF', staffId), prefix, this.clock.now());
  }

  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
  }

  async #integrityKey(scope: TenantScope): Promise<Buffer> {
    return organisationIntegrityKey(this.keys, scope.orgId);
  }
}

/** The permission attribute holding its MAC (decision 0092). */
export const PERMISSION_MAC = 'permissionMac';

/** Whose permission, until when, given when, and whether and when withdrawn: the parts its MAC covers. */
function permissionParts(scope: TenantScope, item: Item): string[] {
  return [
    'confide.reference-permission.v1',
    scope.orgId,
    requireS(item, 'staffId'),
    requireS(item, 'permissionId'),
    requireS(item, 'validUntil'),
    requireS(item, 'grantedAt'),
    read.s(item, 'withdrawnAt') ?? '',
  ];
}

function verifiedPermission(scope: TenantScope, item: Item, integrityKey: Buffer): ReferencePermission {
  requireItemMac(integrityKey, item, PERMISSION_MAC, permissionParts(scope, item), {
    subjectId: requireS(item, 'staffId'),
    itemKind: 'REFERENCE_PERMISSION',
  });
  return toPermission(item);
}

function toPermission(item: Item): ReferencePermission {
  return {
    permissionId: requireS(item, 'permissionId'),
    staffId: requireS(item, 'staffId'),
    validUntil: requireS(item, 'validUntil'),
    grantedAt: requireS(item, 'grantedAt'),
    withdrawnAt: read.s(item, 'withdrawnAt'),
    pk: requireS(item, 'pk'),
    sk: requireS(item, 'sk'),
    item,
  };
}

function toRelease(item: Item): ReleasedReference {
  return {
    referenceId: requireS(item, 'referenceId'),
    staffId: requireS(item, 'staffId'),
    permissionId: requireS(item, 'permissionId'),
    releasedBy: requireS(item, 'releasedBy'),
    releasedAt: requireS(item, 'releasedAt'),
    pk: requireS(item, 'pk'),
    sk: requireS(item, 'sk'),
    item,
  };
}
