import { type Clock, conflict } from '@confide/domain';
import type { SubjectKey } from '@confide/keys';
import { attr, type Item, read, requireS } from '../attributes';
import { itemKeyOf, openField, sealFields } from '../sealed-fields';
import type { TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable } from '../tenant-table';

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
  readonly pk: string;
  readonly sk: string;
  readonly item: Item;
}

const SORT = 'PERSONNEL';

export class PersonnelRecords {
  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  async get(scope: TenantScope, staffId: string): Promise<PersonnelRecord | undefined> {
    // Expires with the rest of a former staff member's records (staff-schedules.ts); never returned after.
    const item = await this.#gateway(scope).get(
      { pk: scope.key('STAFF', staffId), sk: SORT },
      { now: this.clock.now() },
    );
    return item ? toRecord(item) : undefined;
  }

  /**
   * Writes the given fields (others are left as they are), creating the record on first write. With
   * `expectedVersion` (0 for "not yet written") a concurrent change gets CONFLICT.
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
    const sealed = sealFields(key, itemKeyOf(pk, SORT), change.values);
    const names: Record<string, string> = {};
    const values: Item = {
      ':zero': attr.n(0),
      ':one': attr.n(1),
      ':now': attr.s(this.clock.now().toISOString()),
      ':by': attr.s(change.updatedBy),
      ':staff': attr.s(staffId),
    };
    const sets = [
      'version = if_not_exists(version, :zero) + :one',
      'updatedAt = :now',
      'updatedBy = :by',
      'staffId = :staff',
    ];
    Object.entries(sealed).forEach(([attribute, value], index) => {
      names[`#f${index}`] = attribute;
      values[`:f${index}`] = value;
      sets.push(`#f${index} = :f${index}`);
    });
    let condition: string | undefined;
    if (change.expectedVersion !== undefined) {
      values[':expected'] = attr.n(change.expectedVersion);
      condition =
        change.expectedVersion === 0
          ? 'attribute_not_exists(version)'
          : 'attribute_exists(version) AND version = :expected';
      if (change.expectedVersion === 0) delete values[':expected'];
    }
    const result = await this.#gateway(scope).update(
      { pk, sk: SORT },
      {
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: Object.keys(names).length > 0 ? names : undefined,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      },
    );
    if (!result.written) throw conflict();
    if (!result.attributes) throw new Error('Update returned no item.');
    return toRecord(result.attributes);
  }

  openSealed(key: SubjectKey, record: PersonnelRecord, field: SealedPersonnelField): string | undefined {
    return openField(key, itemKeyOf(record.pk, record.sk), record.item, field);
  }

  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
  }
}

function toRecord(item: Item): PersonnelRecord {
  return {
    staffId: requireS(item, 'staffId'),
    updatedAt: requireS(item, 'updatedAt'),
    updatedBy: requireS(item, 'updatedBy'),
    version: read.n(item, 'version') ?? 0,
    pk: requireS(item, 'pk'),
    sk: requireS(item, 'sk'),
    item,
  };
}
