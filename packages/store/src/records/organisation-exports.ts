import { randomUUID } from 'node:crypto';
import type { Clock, OrgId } from '@confide/domain';
import { integrityMac } from '@confide/keys';
import { attr, type Item, read, requireS } from '../attributes';
import { organisationIntegrityKey, requireItemMac } from '../item-macs';
import type { TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable } from '../tenant-table';

/**
 * Why an operator offboards an organisation without handing its records over first (decision 0034). Codes, not
 * free text: a waiver is audited, and an audit event never holds what someone typed.
 */
export const EXPORT_WAIVER_REASONS = [
  /** The controller said in writing that it does not want its records back. */
  'CONTROLLER_DECLINED',
  /** The controller already holds a complete copy (e.g. migrated elsewhere and confirmed). */
  'CONTROLLER_HOLDS_COPY',
  /** The controller no longer exists (dissolved, no successor named). */
  'CONTROLLER_DISSOLVED',
] as const;
export type ExportWaiverReason = (typeof EXPORT_WAIVER_REASONS)[number];

/** A controller's reference for a waiver (a letter, a ticket): letters, digits and `._/-`, no spaces, no names. */
export const EXPORT_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;

/** That an organisation's records were handed to the controller, or that handing them over was waived. */
export type OrganisationExportRecord =
  | {
      readonly kind: 'EXPORTED';
      readonly exportId: string;
      readonly at: string;
      /** The operator who ran it. */
      readonly by: string;
      readonly serviceUsers: number;
      readonly notes: number;
      /** SHA-256 (hex) of the export's manifest, which lists every file's own digest. */
      readonly manifestDigest: string;
      /**
       * Where the organisation's audit chains stood when the export completed (`AuditLog.position`): offboarding takes
       * the export only while they still stand there. Absent on records written before it was kept.
       */
      readonly auditPosition?: string | undefined;
    }
  | {
      readonly kind: 'WAIVED';
      readonly exportId: string;
      readonly at: string;
      readonly by: string;
      readonly reason: ExportWaiverReason;
      readonly reference: string | undefined;
    };

/**
 * The record's attribute holding its MAC under the organisation's integrity key (decision 0103): an `EXPORTED` record
 * is what lets held records be destroyed at offboarding, so one written in the table would stand in for an export
 * that never happened.
 */
const EXPORT_MAC = 'exportMac';

/** Every attribute of a record, in a fixed order, absent ones as empty. */
const exportParts = (item: Item) => [
  'confide.organisation-export.v1',
  requireS(item, 'pk'),
  requireS(item, 'sk'),
  requireS(item, 'orgId'),
  requireS(item, 'exportId'),
  requireS(item, 'at'),
  requireS(item, 'kind'),
  requireS(item, 'by'),
  String(read.n(item, 'serviceUsers') ?? ''),
  String(read.n(item, 'notes') ?? ''),
  read.s(item, 'manifestDigest') ?? '',
  read.s(item, 'reason') ?? '',
  read.s(item, 'reference') ?? '',
  // Covered once kept: taking it off, or adding one to a record of before, fails the MAC.
  ...(item.auditPosition ? [requireS(item, 'auditPosition')] : []),
];

/**
 * The processor's exports of an organisation's records before it is offboarded (`ORG#<org>#EXPORTS`): ids,
 * counts, digests and reason codes only, each under a MAC. Offboarding requires one (decision 0034).
 */
export class OrganisationExports {
  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
    private readonly clock: Clock,
    private readonly keys: { beaconKey(orgId: OrgId): Promise<Uint8Array> },
  ) {}

  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
  }

  /** Records an export or a waiver; returns it as stored. */
  async record(
    scope: TenantScope,
    record:
      | Omit<Extract<OrganisationExportRecord, { kind: 'EXPORTED' }>, 'exportId' | 'at'>
      | Omit<Extract<OrganisationExportRecord, { kind: 'WAIVED' }>, 'exportId' | 'at'>,
  ): Promise<OrganisationExportRecord> {
    const at = this.clock.now().toISOString();
    const exportId = `exp_${randomUUID()}`;
    const item: Item = {
      pk: attr.s(scope.key('EXPORTS')),
      sk: attr.s(`EXPORT#${at}#${exportId}`),
      orgId: attr.s(scope.orgId),
      exportId: attr.s(exportId),
      at: attr.s(at),
      kind: attr.s(record.kind),
      by: attr.s(record.by),
      ...(record.kind === 'EXPORTED'
        ? {
            serviceUsers: attr.n(record.serviceUsers),
            notes: attr.n(record.notes),
            manifestDigest: attr.s(record.manifestDigest),
            ...(record.auditPosition === undefined ? {} : { auditPosition: attr.s(record.auditPosition) }),
          }
        : {
            reason: attr.s(record.reason),
            ...(record.reference ? { reference: attr.s(record.reference) } : {}),
          }),
    };
    item[EXPORT_MAC] = attr.s(
      integrityMac(await organisationIntegrityKey(this.keys, scope.orgId), exportParts(item)),
    );
    const result = await this.#gateway(scope).put(item, { ConditionExpression: 'attribute_not_exists(pk)' });
    if (!result.written) throw new Error('The export record could not be written.');
    return { ...record, exportId, at } as OrganisationExportRecord;
  }

  /**
   * The latest export or waiver, if any. Its MAC is checked ({@link TamperedItemError}, kind `EXPORT`, otherwise),
   * unless `unverified`: for the provisioner, which may not use the organisation's key and runs an offboarding only for
   * the record the api checked and named in its signed request (decision 0103).
   */
  async latest(
    scope: TenantScope,
    options: { readonly unverified?: boolean } = {},
  ): Promise<OrganisationExportRecord | undefined> {
    const gateway = this.#gateway(scope);
    const { items } = await gateway.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': attr.s(scope.key('EXPORTS')), ':prefix': attr.s('EXPORT#') },
      ScanIndexForward: false,
      ConsistentRead: true,
      Limit: 1,
    });
    const [item] = items;
    if (!item) return undefined;
    if (!options.unverified) {
      requireItemMac(
        await organisationIntegrityKey(this.keys, scope.orgId),
        item,
        EXPORT_MAC,
        exportParts(item),
        { subjectId: scope.orgId, itemKind: 'EXPORT', orgId: scope.orgId },
      );
    }
    const base = { exportId: requireS(item, 'exportId'), at: requireS(item, 'at'), by: requireS(item, 'by') };
    if (requireS(item, 'kind') === 'EXPORTED') {
      return {
        kind: 'EXPORTED',
        ...base,
        serviceUsers: read.n(item, 'serviceUsers') ?? 0,
        notes: read.n(item, 'notes') ?? 0,
        manifestDigest: requireS(item, 'manifestDigest'),
        auditPosition: read.s(item, 'auditPosition'),
      };
    }
    const reason = requireS(item, 'reason') as ExportWaiverReason;
    return { kind: 'WAIVED', ...base, reason, reference: read.s(item, 'reference') };
  }
}
