import { createHash } from 'node:crypto';
import { type Clock, conflict } from '@confide/domain';
import { integrityMac, type KeyHierarchy, type SubjectKey } from '@confide/keys';
import { attr, type CountedFacts, type Item, read, requireS } from '../attributes';
import type { ItemLoader } from '../item-loader';
import { organisationIntegrityKey, requireItemMac } from '../item-macs';
import { itemKeyOf, openField, sealFields } from '../sealed-fields';
import type { TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable } from '../tenant-table';
import { TamperedItemError } from './integrity-incidents';

/** A staff member's personnel details (STAFF_PERSONAL), every one sealed under the staff member's subject key. */
export const SEALED_PERSONNEL_FIELDS = [
  'homeAddress',
  'personalPhone',
  'emergencyContact',
  'personnelNotes',
] as const;
export type SealedPersonnelField = (typeof SEALED_PERSONNEL_FIELDS)[number];

/** The fields a staff member keeps up to date themself; personnel notes are HR's. */
export const OWN_CONTACT_FIELDS: readonly SealedPersonnelField[] = [
  'homeAddress',
  'personalPhone',
  'emergencyContact',
];

/**
 * The personnel record item of one staff member, beside their account in the staff partition
 * (`ORG#o#STAFF#s`, sort key `PERSONNEL`). Absent until first written.
 */
export interface PersonnelRecord {
  readonly staffId: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
  readonly version: number;
  /** Whether the record carries its MAC (decision 0147); one written before it does not, until its next change. */
  readonly macd: boolean;
  readonly pk: string;
  readonly sk: string;
  readonly item: Item;
}

/** The personnel record's sort key in the staff partition. */
export const PERSONNEL_SORT = 'PERSONNEL';
const SORT = PERSONNEL_SORT;

/** The attribute holding the record's MAC (decision 0147). */
export const PERSONNEL_MAC = 'personnelMac';

/** The attribute of a sealed field (as `sealFields` names it). */
const sealedAttribute = (field: SealedPersonnelField) => `enc_${field}`;

/**
 * What the record keeps under its MAC, counted by its version (decision 0147): the retention handler puts it back as the
 * later copy had it when an update takes the version down, or takes the MAC off.
 */
export const PERSONNEL_FACTS: CountedFacts = {
  attributes: ['staffId', 'updatedAt', 'updatedBy', ...SEALED_PERSONNEL_FIELDS.map(sealedAttribute)],
  mac: PERSONNEL_MAC,
  count: 'version',
};

/**
 * The binding the fields of a record with a MAC are sealed with (in their AAD, beside the item and the field): they do
 * not open as a record from before the MAC, so taking the MAC off fails closed instead of reading as such a record.
 */
const MACD_BINDING = ['confide.personnel-record.macd.v1'] as const;

/** How many times a change without an expected version reads and writes again when another change lands in between. */
const ATTEMPTS = 3;

/**
 * Personnel records. Each carries `personnelMac` (decision 0147), an integrity MAC over its version, who changed it last
 * and when, and a digest of each sealed field's ciphertext, checked on every read: a field swapped in from an earlier
 * version, removed or added below the application throws {@link TamperedItemError}. A record written before the MAC
 * is read as it was (every field must open as sealed then) and gains the MAC on its next change.
 */
export class PersonnelRecords {
  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
    private readonly clock: Clock,
    private readonly keys: KeyHierarchy,
  ) {}

  /**
   * The staff member's record once it passes its check; undefined when there is none (or their key is gone: nothing
   * of it could be read). `loader` gives the staff member's key, read only for a record from before the MAC.
   */
  async get(scope: TenantScope, staffId: string, loader: ItemLoader): Promise<PersonnelRecord | undefined> {
    // Expires with the rest of a former staff member's records (staff-schedules.ts); never returned after.
    const [item, integrityKey] = await Promise.all([
      this.#gateway(scope).get({ pk: scope.key('STAFF', staffId), sk: SORT }, { now: this.clock.now() }),
      this.#integrityKey(scope),
    ]);
    if (!item) return undefined;
    if (item[PERSONNEL_MAC] !== undefined) return verified(scope, staffId, item, integrityKey, undefined);
    const key = await loader.subjectKey(scope.orgId, staffId);
    return key ? verified(scope, staffId, item, integrityKey, key) : undefined;
  }

  /**
   * Writes the given fields (others are left as they are), creating the record on first write. With
   * `expectedVersion` (0 for "not yet written") a concurrent change gets CONFLICT; without, a change that lands
   * between this one's read and write is read and written over again (then CONFLICT).
   *
   * The record is read and checked first (a tampered one is never signed anew), then written whole with the version one
   * higher and a MAC over every field, on condition that it is still the record read. A record from before the MAC has
   * each field it keeps opened and sealed again as a record with a MAC's fields are.
   */
  async update(
    scope: TenantScope,
    staffId: string,
    key: SubjectKey,
    change: {
      values: Partial<Record<SealedPersonnelField, string>>;
      updatedBy: string;
      expectedVersion?: number | undefined;
    },
  ): Promise<PersonnelRecord> {
    const pk = scope.key('STAFF', staffId);
    const itemKey = itemKeyOf(pk, SORT);
    const integrityKey = await this.#integrityKey(scope);
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const stored = await this.#gateway(scope).get({ pk, sk: SORT }, { now: this.clock.now() });
      const current = stored ? verified(scope, staffId, stored, integrityKey, key) : undefined;
      const readVersion = current?.version ?? 0;
      if (change.expectedVersion !== undefined && change.expectedVersion !== readVersion) throw conflict();

      const fields: Item = {};
      for (const field of SEALED_PERSONNEL_FIELDS) {
        const kept = current?.item[sealedAttribute(field)];
        if (change.values[field] === undefined && kept === undefined) continue;
        const value =
          change.values[field] ??
          // Kept as it is when it was sealed under the MAC; sealed again when the record is from before it.
          (current?.macd ? undefined : openField(key, itemKey, current?.item ?? {}, field));
        if (value === undefined) fields[sealedAttribute(field)] = kept as Item[string];
        else Object.assign(fields, sealFields(key, itemKey, { [field]: value }, MACD_BINDING));
      }
      const written: Item = {
        pk: attr.s(pk),
        sk: attr.s(SORT),
        staffId: attr.s(staffId),
        version: attr.n(readVersion + 1),
        updatedAt: attr.s(this.clock.now().toISOString()),
        updatedBy: attr.s(change.updatedBy),
        ...fields,
      };
      written[PERSONNEL_MAC] = attr.s(integrityMac(integrityKey, personnelParts(scope, written)));

      const result = await this.#gateway(scope).update({ pk, sk: SORT }, stillAsRead(written, current?.item));
      if (result.written) {
        if (!result.attributes) throw new Error('Update returned no item.');
        return toRecord(result.attributes);
      }
      if (change.expectedVersion !== undefined) throw conflict();
    }
    throw conflict();
  }

  /** One field of a record read through this class; throws {@link TamperedItemError} when it does not open. */
  openSealed(key: SubjectKey, record: PersonnelRecord, field: SealedPersonnelField): string | undefined {
    return openPersonnelField(key, record, field);
  }

  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
  }

  #integrityKey(scope: TenantScope): Promise<Buffer> {
    return organisationIntegrityKey(this.keys, scope.orgId);
  }
}

/**
 * The update that writes the record whole (every attribute but the key; what else the item holds, its expiry, stays),
 * on condition that it is still the item read (its version and MAC, or their absence), or still absent.
 */
function stillAsRead(
  written: Item,
  asRead: Item | undefined,
): {
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Item;
  ReturnValues: 'ALL_NEW';
} {
  const set = Object.keys(written).filter((name) => name !== 'pk' && name !== 'sk');
  const placeholder = (name: string) => `#a${set.indexOf(name)}`;
  const values: Item = Object.fromEntries(
    set.map((name, index) => [`:a${index}`, written[name] as Item[string]]),
  );
  const unchanged = (name: string, as: string) => {
    const was = asRead?.[name];
    if (was === undefined) return `attribute_not_exists(${placeholder(name)})`;
    values[as] = was;
    return `${placeholder(name)} = ${as}`;
  };
  return {
    UpdateExpression: `SET ${set.map((name) => `${placeholder(name)} = :a${set.indexOf(name)}`).join(', ')}`,
    ConditionExpression: asRead
      ? `attribute_exists(pk) AND ${unchanged('version', ':versionRead')} AND ${unchanged(PERSONNEL_MAC, ':macRead')}`
      : 'attribute_not_exists(pk)',
    ExpressionAttributeNames: Object.fromEntries(set.map((name) => [placeholder(name), name])),
    ExpressionAttributeValues: values,
    ReturnValues: 'ALL_NEW',
  };
}

/** Whose record, which version, who changed it last and when, and what each field holds: the parts its MAC covers. */
function personnelParts(scope: TenantScope, item: Item): string[] {
  return [
    'confide.personnel-record.v1',
    scope.orgId,
    itemKeyOf(requireS(item, 'pk'), requireS(item, 'sk')),
    read.s(item, 'staffId') ?? '',
    item.version?.N ?? '',
    read.s(item, 'updatedAt') ?? '',
    read.s(item, 'updatedBy') ?? '',
    ...SEALED_PERSONNEL_FIELDS.map((field) => {
      const sealed = read.b(item, sealedAttribute(field));
      return `${field}=${sealed === undefined ? '' : createHash('sha256').update(sealed).digest('base64url')}`;
    }),
  ];
}

/**
 * A record item as a record, once it passes its check: its MAC when it has one; else (a record from before the MAC)
 * every field it holds must open as sealed then, and it must hold one (a record is never written empty). `key` is
 * needed for the latter only.
 */
function verified(
  scope: TenantScope,
  staffId: string,
  item: Item,
  integrityKey: Buffer,
  key: SubjectKey | undefined,
): PersonnelRecord {
  const tamperedWith = (cause?: unknown) =>
    new TamperedItemError(
      staffId,
      'PERSONNEL',
      itemKeyOf(requireS(item, 'pk'), requireS(item, 'sk')),
      cause === undefined ? undefined : { cause },
    );
  if (item[PERSONNEL_MAC] !== undefined) {
    requireItemMac(integrityKey, item, PERSONNEL_MAC, personnelParts(scope, item), {
      subjectId: staffId,
      itemKind: 'PERSONNEL',
    });
    return toRecord(item);
  }
  const held = SEALED_PERSONNEL_FIELDS.filter((field) => item[sealedAttribute(field)] !== undefined);
  const whole = ['updatedAt', 'updatedBy'].every((name) => read.s(item, name) !== undefined);
  if (!key || held.length === 0 || !whole || read.s(item, 'staffId') !== staffId) throw tamperedWith();
  const record = toRecord(item);
  for (const field of held) openPersonnelField(key, record, field);
  return record;
}

function openPersonnelField(
  key: SubjectKey,
  record: PersonnelRecord,
  field: SealedPersonnelField,
): string | undefined {
  try {
    return openField(
      key,
      itemKeyOf(record.pk, record.sk),
      record.item,
      field,
      record.macd ? MACD_BINDING : undefined,
    );
  } catch (cause) {
    throw new TamperedItemError(record.staffId, 'PERSONNEL', itemKeyOf(record.pk, record.sk), { cause });
  }
}

function toRecord(item: Item): PersonnelRecord {
  return {
    staffId: requireS(item, 'staffId'),
    updatedAt: requireS(item, 'updatedAt'),
    updatedBy: requireS(item, 'updatedBy'),
    version: read.n(item, 'version') ?? 0,
    macd: item[PERSONNEL_MAC] !== undefined,
    pk: requireS(item, 'pk'),
    sk: requireS(item, 'sk'),
    item,
  };
}
