import { randomUUID } from 'node:crypto';
import type { Clock } from '@confide/domain';
import { attr, read, requireS } from '../attributes';
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
 * The processor's exports of an organisation's records before it is offboarded (`ORG#<org>#EXPORTS`): ids,
 * counts, digests and reason codes only. Offboarding requires one (decision 0034).
 */
export class OrganisationExports {
  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
    private readonly clock: Clock,
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
    const result = await this.#gateway(scope).put(
      {
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
            }
          : {
              reason: attr.s(record.reason),
              ...(record.reference ? { reference: attr.s(record.reference) } : {}),
            }),
      },
      { ConditionExpression: 'attribute_not_exists(pk)' },
    );
    if (!result.written) throw new Error('The export record could not be written.');
    return { ...record, exportId, at } as OrganisationExportRecord;
  }

  /** The latest export or waiver, if any. */
  async latest(scope: TenantScope): Promise<OrganisationExportRecord | undefined> {
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
    const base = { exportId: requireS(item, 'exportId'), at: requireS(item, 'at'), by: requireS(item, 'by') };
    if (requireS(item, 'kind') === 'EXPORTED') {
      return {
        kind: 'EXPORTED',
        ...base,
        serviceUsers: read.n(item, 'serviceUsers') ?? 0,
        notes: read.n(item, 'notes') ?? 0,
        manifestDigest: requireS(item, 'manifestDigest'),
      };
    }
    const reason = requireS(item, 'reason') as ExportWaiverReason;
    return { kind: 'WAIVED', ...base, reason, reference: read.s(item, 'reference') };
  }
}
