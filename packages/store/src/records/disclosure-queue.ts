import { type Clock, conflict } from '@confide/domain';
import { attr, type Item, read, requireN, requireS } from '../attributes';
import type { TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable } from '../tenant-table';
import type { LegalBasis, RegisterEntryKind } from './disclosures';

/**
 * What a disclosure request waits for, as a decider's work queue shows it (issue 15, items 7 and 8):
 * - `AWAITING_DECISION`: received, neither escalated nor decided — the service's managers decide (Azure 4.1);
 * - `ESCALATED_REQUEST`: escalated and not yet decided — the Caldicott Guardian alone decides (Lets connect 4.3);
 * - `FLAGGED_DECISION`: approved on a legal basis other than consent, flagged for the Caldicott Guardian;
 * - `COURT_ORDER_DISCLOSURE`: approved under a court order, or an exceptional disclosure made under one — the relevant
 *   Senior Manager must be told (Azure 7.1).
 */
export const DISCLOSURE_QUEUE_KINDS = [
  'AWAITING_DECISION',
  'ESCALATED_REQUEST',
  'FLAGGED_DECISION',
  'COURT_ORDER_DISCLOSURE',
] as const;
export type DisclosureQueueKind = (typeof DISCLOSURE_QUEUE_KINDS)[number];

/** One item of the work queue: references, the basis and when it began waiting; never the register's free text. */
export interface DisclosureQueueItem {
  readonly kind: DisclosureQueueKind;
  readonly requestId: string;
  readonly clientId: string;
  readonly legalBasis: LegalBasis | undefined;
  /** When the entry that put it in the queue was written (received, escalated, approved). */
  readonly since: string;
  /** The request is urgent: marked so when received or later, and not unmarked since. */
  readonly urgent: boolean;
}

/** The clear (unsealed) facts of a register entry the queue needs. */
interface QueueEntry {
  readonly requestId: string;
  readonly clientId: string;
  readonly sequence: number;
  readonly kind: RegisterEntryKind;
  readonly at: string;
  readonly legalBasis: LegalBasis | undefined;
  readonly flaggedForGuardian: boolean;
  readonly urgent: boolean;
}

/** The queue item one request's entries (in order) leave outstanding, if any. */
export function outstandingWork(entries: readonly QueueEntry[]): DisclosureQueueItem | undefined {
  const exceptional = entries.find((entry) => entry.kind === 'EXCEPTIONAL_DISCLOSURE');
  // A disclosure made without a request has its own review (disclosureReviews); one under a court order is also
  // the Senior Manager's to know of (Azure 7.1).
  if (exceptional) {
    return exceptional.legalBasis === 'COURT_ORDER'
      ? {
          kind: 'COURT_ORDER_DISCLOSURE',
          requestId: exceptional.requestId,
          clientId: exceptional.clientId,
          legalBasis: exceptional.legalBasis,
          since: exceptional.at,
          urgent: false,
        }
      : undefined;
  }
  const received = entries.find((entry) => entry.kind === 'RECEIVED');
  if (!received) return undefined;
  // The latest word on urgency: the RECEIVED entry's, unless a later URGENCY_CHANGED entry says otherwise.
  const urgent = entries
    .filter((entry) => entry.kind === 'RECEIVED' || entry.kind === 'URGENCY_CHANGED')
    .reduce((_, entry) => entry.urgent, false);
  const item = (kind: DisclosureQueueKind, since: string): DisclosureQueueItem => ({
    kind,
    requestId: received.requestId,
    clientId: received.clientId,
    legalBasis: received.legalBasis,
    since,
    urgent,
  });
  const approved = entries.find((entry) => entry.kind === 'APPROVED');
  if (approved) {
    if (received.legalBasis === 'COURT_ORDER') return item('COURT_ORDER_DISCLOSURE', approved.at);
    return approved.flaggedForGuardian ? item('FLAGGED_DECISION', approved.at) : undefined;
  }
  if (entries.some((entry) => entry.kind === 'REFUSED')) return undefined;
  const escalated = entries.find((entry) => entry.kind === 'ESCALATED');
  return escalated ? item('ESCALATED_REQUEST', escalated.at) : item('AWAITING_DECISION', received.at);
}

/**
 * The organisation's disclosure work queue, read from the register's organisation-wide index (`gsi1`, written by
 * {@link Disclosures.append}); read-only: nothing here writes the register.
 */
export class DisclosureQueue {
  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  /** Every outstanding item of the organisation: urgent ones first, then the longest waiting first. */
  async outstanding(scope: TenantScope): Promise<DisclosureQueueItem[]> {
    const { items } = await this.#gateway(scope).query(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': attr.s(scope.key('DISCLOSURES')) },
      },
      { now: this.clock.now() },
    );
    const byRequest = new Map<string, QueueEntry[]>();
    for (const item of items) {
      const entry = toQueueEntry(item);
      byRequest.set(entry.requestId, [...(byRequest.get(entry.requestId) ?? []), entry]);
    }
    return [...byRequest.values()]
      .map((entries) => outstandingWork(entries.sort((a, b) => a.sequence - b.sequence)))
      .filter((item): item is DisclosureQueueItem => item !== undefined)
      .sort(
        (a, b) =>
          Number(b.urgent) - Number(a.urgent) ||
          a.since.localeCompare(b.since) ||
          a.requestId.localeCompare(b.requestId),
      );
  }

  /**
   * Who has acknowledged what, by request: the capacities (roles) in which a reader told of an item acknowledged
   * it. An acknowledged item leaves the queue of everyone told in that capacity.
   */
  async acknowledgements(scope: TenantScope): Promise<Map<string, string[]>> {
    const { items } = await this.#gateway(scope).query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': attr.s(scope.key('DISCLOSURE_QUEUE_ACKS')) },
      ConsistentRead: true,
    });
    const acknowledged = new Map<string, string[]>();
    for (const item of items) {
      const requestId = requireS(item, 'requestId');
      acknowledged.set(requestId, [...(acknowledged.get(requestId) ?? []), requireS(item, 'role')]);
    }
    return acknowledged;
  }

  /** Records that `by` acknowledged the request's item in each of `roles`; CONFLICT if one already was. */
  async acknowledge(
    scope: TenantScope,
    requestId: string,
    roles: readonly string[],
    by: string,
  ): Promise<void> {
    const at = this.clock.now().toISOString();
    const gateway = this.#gateway(scope);
    for (const role of roles) {
      const written = await gateway.put(
        {
          pk: attr.s(scope.key('DISCLOSURE_QUEUE_ACKS')),
          sk: attr.s(`${requestId}#${role}`),
          requestId: attr.s(requestId),
          role: attr.s(role),
          by: attr.s(by),
          at: attr.s(at),
        },
        { ConditionExpression: 'attribute_not_exists(pk)' },
      );
      if (!written.written) throw conflict('It is already acknowledged.');
    }
  }

  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
  }
}

function toQueueEntry(item: Item): QueueEntry {
  return {
    requestId: requireS(item, 'requestId'),
    clientId: requireS(item, 'clientId'),
    sequence: requireN(item, 'sequence'),
    kind: requireS(item, 'kind') as RegisterEntryKind,
    at: requireS(item, 'at'),
    legalBasis: read.s(item, 'legalBasis') as LegalBasis | undefined,
    flaggedForGuardian: read.bool(item, 'flaggedForGuardian') ?? false,
    urgent: read.bool(item, 'urgent') ?? false,
  };
}
