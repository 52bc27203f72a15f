import { createHash } from 'node:crypto';
import type { Clock } from '@confide/domain';
import { CiphertextIntegrityError } from '@confide/keys';
import { attr, read, requireS } from '../attributes';
import type { TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable } from '../tenant-table';

/**
 * What was found not to match the authenticated state:
 * - UNEXPLAINED_REMOVAL: an item left the table as an expiry the retention rules do not explain (its `expiresAt`
 *   was moved, or its subject is not scheduled); the subject key is kept and the item put back.
 * - FORGED_ERASURE: an erasure record without a valid MAC (written straight to the table).
 * - TAMPERED_STATE: a record that decides access or retention failed its MAC or its ciphertext binding.
 */
export type IntegrityIncidentKind =
  | 'UNEXPLAINED_REMOVAL'
  | 'FORGED_ERASURE'
  | 'TAMPERED_STATE'
  | 'ROLLED_BACK';

/**
 * An item whose access metadata is not what its ciphertext was sealed with (a raw write changed a note's kind,
 * sealing or version, or put an older body back). The API answers `INTERNAL`, records an integrity event and an
 * incident, and serves nothing of the item.
 */
export class TamperedItemError extends CiphertextIntegrityError {
  constructor(
    readonly subjectId: string,
    readonly itemKind: string,
    /** `pk|sk` of the item: the incident's identity (ids only). */
    readonly itemKey: string,
    options?: {
      cause?: unknown;
      /**
       * The organisation the item belongs to, where the request's principal is of none (an operator's): its
       * incident is recorded there. A staff member's own organisation otherwise.
       */
      orgId?: string;
    },
  ) {
    super('An item failed its integrity check.', options);
    this.name = 'TamperedItemError';
    this.orgId = options?.orgId;
  }

  readonly orgId: string | undefined;
}

/** An integrity incident: ids and kinds only, never an item's content. */
export interface IntegrityIncident {
  readonly kind: IntegrityIncidentKind;
  /** The pseudonymous client or staff id the item belonged to, when known. */
  readonly subjectId?: string | undefined;
  /** The kind of item (PROFILE, NOTE, KEY_QUARANTINE, …). */
  readonly itemKind: string;
  readonly detectedAt: string;
  /** Whether the removed item was put back from the stream's image. */
  readonly restored: boolean;
  /** How many times it was found: a tampered item found again (put right, then tampered with again) counts again. */
  readonly detections?: number | undefined;
  /** When it was last found. */
  readonly lastDetectedAt?: string | undefined;
}

/**
 * The organisation's integrity incidents (`ORG#<org>#INTEGRITY`), for the IG lead and the operators' alarm.
 * One incident per finding: the sort key is a digest of what was found, so a redelivered stream record or a
 * repeated read records it once.
 */
export class IntegrityIncidents {
  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  /**
   * Records an incident once per `findingKey` (e.g. the removed item's key and the stream record's id). A recurring
   * finding (an item read and found tampered with, keyed by the item alone) counts each detection on its one incident
   * and keeps the latest time, so one found again after it was put right is not hidden behind the first.
   */
  async record(
    scope: TenantScope,
    incident: Omit<IntegrityIncident, 'detectedAt' | 'detections' | 'lastDetectedAt'>,
    findingKey: string,
    options: { recurring?: boolean } = {},
  ): Promise<void> {
    const digest = createHash('sha256').update(`${incident.kind}\n${findingKey}`).digest('hex').slice(0, 40);
    const table = new TenantTable(scope, this.access, this.table);
    const now = this.clock.now().toISOString();
    if (options.recurring) {
      await table.update(
        { pk: scope.key('INTEGRITY'), sk: `INCIDENT#${digest}` },
        {
          UpdateExpression:
            'SET orgId = :org, kind = :kind, itemKind = :itemKind, restored = :restored, detectedAt = if_not_exists(detectedAt, :now), lastDetectedAt = :now' +
            (incident.subjectId ? ', subjectId = :subject' : '') +
            ' ADD detections :one',
          ExpressionAttributeValues: {
            ':org': attr.s(scope.orgId),
            ':kind': attr.s(incident.kind),
            ':itemKind': attr.s(incident.itemKind),
            ':restored': attr.bool(incident.restored),
            ':now': attr.s(now),
            ':one': attr.n(1),
            ...(incident.subjectId ? { ':subject': attr.s(incident.subjectId) } : {}),
          },
        },
      );
      return;
    }
    // Once per finding: a repeated finding fails the condition and is already recorded.
    await table.put(
      {
        pk: attr.s(scope.key('INTEGRITY')),
        sk: attr.s(`INCIDENT#${digest}`),
        orgId: attr.s(scope.orgId),
        kind: attr.s(incident.kind),
        itemKind: attr.s(incident.itemKind),
        ...(incident.subjectId ? { subjectId: attr.s(incident.subjectId) } : {}),
        restored: attr.bool(incident.restored),
        detectedAt: attr.s(now),
      },
      { ConditionExpression: 'attribute_not_exists(pk)' },
    );
  }

  /** Every incident of the organisation, oldest first. */
  async list(scope: TenantScope): Promise<IntegrityIncident[]> {
    const items = await new TenantTable(scope, this.access, this.table).queryPrefix(
      scope.key('INTEGRITY'),
      'INCIDENT#',
      this.clock.now(),
    );
    return items
      .map((item) => ({
        kind: requireS(item, 'kind') as IntegrityIncidentKind,
        subjectId: read.s(item, 'subjectId'),
        itemKind: requireS(item, 'itemKind'),
        detectedAt: requireS(item, 'detectedAt'),
        restored: read.bool(item, 'restored') ?? false,
        detections: read.n(item, 'detections'),
        lastDetectedAt: read.s(item, 'lastDetectedAt'),
      }))
      .sort((a, b) => a.detectedAt.localeCompare(b.detectedAt));
  }
}
