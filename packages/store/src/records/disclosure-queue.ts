import { type Clock, conflict } from '@confide/domain';
import { attr, type Item, read, requireN, requireS } from '../attributes';
import { mapPage, type Page, type PageRequest } from '../paging';
import type { TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable, type TenantTransactItem } from '../tenant-table';
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

/**
 * Every capacity (role) in which someone is told of an item of each kind, before anyone acknowledges it: what
 * `disclosureQueueAudiences` in `@confide/access` gives a viewer holding every role and managing the service (a
 * unit test there holds the two together). A kept queue item holds the capacities not yet acknowledged.
 */
export const DISCLOSURE_QUEUE_AUDIENCES: Readonly<Record<DisclosureQueueKind, readonly string[]>> = {
  AWAITING_DECISION: ['SERVICE_MANAGER'],
  ESCALATED_REQUEST: ['CALDICOTT_GUARDIAN'],
  FLAGGED_DECISION: ['CALDICOTT_GUARDIAN'],
  COURT_ORDER_DISCLOSURE: ['SENIOR_MANAGER', 'CALDICOTT_GUARDIAN'],
};

/** A queue item as kept (issue 19): the outstanding work and the capacities that have not acknowledged it. */
export interface KeptQueueItem extends DisclosureQueueItem {
  /** The capacities still to be told: the kind's audiences less those acknowledged. */
  readonly audiences: readonly string[];
}

/** The queue's order: urgent first, then the longest waiting, then by request id; the kept index's sort key. */
export function queueOrder(item: Pick<DisclosureQueueItem, 'urgent' | 'since' | 'requestId'>): string {
  return `${item.urgent ? '0' : '1'}#${item.since}#${item.requestId}`;
}

/** Whether two outstanding items are the same work (nothing of the kept item needs to change). */
function sameWork(a: DisclosureQueueItem | undefined, b: DisclosureQueueItem | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.kind === b.kind &&
    a.requestId === b.requestId &&
    a.clientId === b.clientId &&
    a.legalBasis === b.legalBasis &&
    a.since === b.since &&
    a.urgent === b.urgent
  );
}

/** The clear (unsealed) facts of a register entry the queue needs. */
export interface QueueEntry {
  readonly requestId: string;
  readonly clientId: string;
  readonly sequence: number;
  readonly kind: RegisterEntryKind;
  readonly at: string;
  readonly legalBasis: LegalBasis | undefined;
  readonly flaggedForGuardian: boolean;
  readonly urgent: boolean;
  /** When the entry expires with the person's records (their case is closed), if it does. */
  readonly expiresAt?: number | undefined;
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
    return (await this.#outstanding(scope)).map(({ work }) => work);
  }

  /** {@link outstanding}, each with the expiry its request's register entries carry (the person's, once dated). */
  async #outstanding(
    scope: TenantScope,
  ): Promise<{ work: DisclosureQueueItem; expiresAt: number | undefined }[]> {
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
      .flatMap((entries) => {
        const work = outstandingWork(entries.sort((a, b) => a.sequence - b.sequence));
        const expiry = entries.find((entry) => entry.expiresAt !== undefined)?.expiresAt;
        return work ? [{ work, expiresAt: expiry }] : [];
      })
      .sort((a, b) => compareStrings(queueOrder(a.work), queueOrder(b.work)));
  }

  /**
   * One page of the kept queue (issue 19, decision 0044), in the queue's order, read from its index (`gsi2`) with
   * DynamoDB's `Limit`: the items still to be told in any of `capacities` (the caller's roles among
   * SERVICE_MANAGER, CALDICOTT_GUARDIAN, SENIOR_MANAGER). Which service's managers are told is for the caller to
   * decide (a person's service is read live, not copied here).
   */
  async page(
    scope: TenantScope,
    capacities: readonly string[],
    request: PageRequest,
  ): Promise<Page<KeptQueueItem>> {
    if (capacities.length === 0) return { entries: [], next: undefined };
    const values: Item = { ':pk': attr.s(scope.key(QUEUE_INDEX_PARTITION)) };
    capacities.forEach((capacity, index) => {
      values[`:c${index}`] = attr.s(capacity);
    });
    const page = await this.#gateway(scope).queryPage(
      {
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        FilterExpression: capacities.map((_, index) => `contains(audiences, :c${index})`).join(' OR '),
        ExpressionAttributeValues: values,
      },
      request,
      { now: this.clock.now() },
    );
    return mapPage(page, toKeptItem);
  }

  /**
   * The writes that keep a request's queue item in step with its register (issue 19, decision 0044), for the same
   * transaction as the entry that changes it: `previous` are the request's entries before, `entry` the one
   * appended. Nothing when the outstanding work does not change. The item's revision is checked, so an
   * acknowledgement written meanwhile cancels the transaction rather than being overwritten.
   */
  async keepWrites(
    scope: TenantScope,
    previous: readonly QueueEntry[],
    entry: QueueEntry,
    clientExpiresAt?: number,
  ): Promise<TenantTransactItem[]> {
    const before = outstandingWork(previous);
    const after = outstandingWork([...previous, entry]);
    if (sameWork(before, after)) return [];
    const gateway = this.#gateway(scope);
    const key = { pk: attr.s(scope.key(QUEUE_PARTITION)), sk: attr.s(queueSort(entry.requestId)) };
    // The kept item (its revision) and the request's acknowledgements, read side by side: one round trip.
    const [kept, acknowledged] = await Promise.all([
      gateway.get({ pk: scope.key(QUEUE_PARTITION), sk: queueSort(entry.requestId) }),
      after ? this.#acknowledgedOf(gateway, scope, entry.requestId) : Promise.resolve([]),
    ]);
    const revision = kept ? requireN(kept, 'revision') : 0;
    const condition = kept
      ? {
          ConditionExpression: 'revision = :revision',
          ExpressionAttributeValues: { ':revision': attr.n(revision) },
        }
      : { ConditionExpression: 'attribute_not_exists(pk)' };
    if (!after) return kept ? [{ Delete: { Key: key, ...condition } }] : [];
    // A scheduled item (the person's case is closed) keeps its expiry, and a new one about a closed case takes the
    // person's: it goes with their records (closing dated only the items that existed then).
    const expiresAt =
      kept?.expiresAt ?? (clientExpiresAt === undefined ? undefined : attr.n(clientExpiresAt));
    const item = {
      ...keptItem(scope, after, acknowledged, revision + 1),
      ...(expiresAt ? { expiresAt } : {}),
    };
    return [{ Put: { Item: item, ...condition } }];
  }

  /**
   * Keeps an item for every request with outstanding work that has none yet (work recorded before the queue was
   * kept): idempotent, never overwriting a kept item. The local stack runs it on start. How many it wrote.
   */
  async keepExisting(scope: TenantScope): Promise<number> {
    const [outstanding, acknowledged] = await Promise.all([
      this.#outstanding(scope),
      this.acknowledgements(scope),
    ]);
    const gateway = this.#gateway(scope);
    let written = 0;
    for (const { work, expiresAt } of outstanding) {
      // About a closed case, it takes the person's date, which their register entries carry: it goes with them.
      const item = {
        ...keptItem(scope, work, acknowledged.get(work.requestId) ?? [], 1),
        ...(expiresAt === undefined ? {} : { expiresAt: attr.n(expiresAt) }),
      };
      const result = await gateway.put(item, { ConditionExpression: 'attribute_not_exists(pk)' });
      if (result.written) written += 1;
    }
    return written;
  }

  /**
   * Who has acknowledged what, by request: the capacities (roles) in which a reader told of an item acknowledged
   * it. An acknowledged item leaves the queue of everyone told in that capacity.
   */
  async acknowledgements(scope: TenantScope): Promise<Map<string, string[]>> {
    const { items } = await this.#gateway(scope).query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': attr.s(scope.key(ACKNOWLEDGEMENTS_PARTITION)) },
      ConsistentRead: true,
    });
    const acknowledged = new Map<string, string[]>();
    for (const item of items) {
      const requestId = requireS(item, 'requestId');
      acknowledged.set(requestId, [...(acknowledged.get(requestId) ?? []), requireS(item, 'role')]);
    }
    return acknowledged;
  }

  /**
   * Records that `by` acknowledged the request's item in each of `roles`; CONFLICT if one already was, or if the
   * kept item changed meanwhile. The kept item loses those capacities in the same transaction, and leaves the
   * queue's index when none remains.
   */
  async acknowledge(
    scope: TenantScope,
    requestId: string,
    roles: readonly string[],
    by: string,
  ): Promise<void> {
    const at = this.clock.now().toISOString();
    const gateway = this.#gateway(scope);
    const kept = await gateway.get({ pk: scope.key(QUEUE_PARTITION), sk: queueSort(requestId) });
    // An acknowledgement goes with the person's records as their kept item does (a closed case's is scheduled).
    const expiresAt = kept?.expiresAt;
    const writes: TenantTransactItem[] = roles.map((role) => ({
      Put: {
        Item: {
          pk: attr.s(scope.key(ACKNOWLEDGEMENTS_PARTITION)),
          sk: attr.s(`${requestId}#${role}`),
          requestId: attr.s(requestId),
          role: attr.s(role),
          by: attr.s(by),
          at: attr.s(at),
          ...(expiresAt ? { expiresAt } : {}),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    }));
    if (kept && roles.length > 0) {
      const remaining = read.ss(kept, 'audiences').filter((role) => !roles.includes(role));
      writes.push({
        Update: {
          Key: { pk: attr.s(scope.key(QUEUE_PARTITION)), sk: attr.s(queueSort(requestId)) },
          UpdateExpression: `SET revision = revision + :one DELETE audiences :roles${remaining.length === 0 ? ' REMOVE gsi2pk, gsi2sk' : ''}`,
          ConditionExpression: 'revision = :revision',
          ExpressionAttributeValues: {
            ':one': attr.n(1),
            ':roles': attr.ss(roles),
            ':revision': attr.n(requireN(kept, 'revision')),
          },
        },
      });
    }
    if (writes.length === 0) return;
    let written: boolean;
    try {
      written = (await gateway.transactWrite(writes)).written;
    } catch (error) {
      if ((error as { name?: string }).name === 'TransactionCanceledException') written = false;
      else throw error;
    }
    if (!written) throw conflict('It is already acknowledged.');
  }

  /** The capacities in which the request's item was acknowledged: its own acknowledgements, not the whole list. */
  async acknowledgedOf(scope: TenantScope, requestId: string): Promise<string[]> {
    return this.#acknowledgedOf(this.#gateway(scope), scope, requestId);
  }

  async #acknowledgedOf(gateway: TenantTable, scope: TenantScope, requestId: string): Promise<string[]> {
    return (await acknowledgementItems(gateway, scope, requestId)).map((item) => requireS(item, 'role'));
  }

  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
  }
}

/** Where the kept items live (one per request that had work) and the queue's index partition (`gsi2`). */
const QUEUE_PARTITION = 'DISCLOSURE_QUEUE';
const QUEUE_INDEX_PARTITION = 'DISCLOSURE_QUEUE_ORDER';
/** Who acknowledged which request's item, in which capacity: one item per request and capacity. */
const ACKNOWLEDGEMENTS_PARTITION = 'DISCLOSURE_QUEUE_ACKS';
const queueSort = (requestId: string) => `REQUEST#${requestId}`;

/** Code-unit order, as DynamoDB sorts keys (localeCompare does not). */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The kept item of outstanding work: in the queue's index while a capacity remains to be told. */
function keptItem(
  scope: TenantScope,
  work: DisclosureQueueItem,
  acknowledged: readonly string[],
  revision: number,
): Item {
  const audiences = DISCLOSURE_QUEUE_AUDIENCES[work.kind].filter((role) => !acknowledged.includes(role));
  return {
    pk: attr.s(scope.key(QUEUE_PARTITION)),
    sk: attr.s(queueSort(work.requestId)),
    ...(audiences.length > 0
      ? {
          gsi2pk: attr.s(scope.key(QUEUE_INDEX_PARTITION)),
          gsi2sk: attr.s(queueOrder(work)),
          audiences: attr.ss(audiences),
        }
      : {}),
    kind: attr.s(work.kind),
    requestId: attr.s(work.requestId),
    clientId: attr.s(work.clientId),
    since: attr.s(work.since),
    urgent: attr.bool(work.urgent),
    ...(work.legalBasis ? { legalBasis: attr.s(work.legalBasis) } : {}),
    revision: attr.n(revision),
  };
}

function toKeptItem(item: Item): KeptQueueItem {
  return {
    kind: requireS(item, 'kind') as DisclosureQueueKind,
    requestId: requireS(item, 'requestId'),
    clientId: requireS(item, 'clientId'),
    legalBasis: read.s(item, 'legalBasis') as LegalBasis | undefined,
    since: requireS(item, 'since'),
    urgent: read.bool(item, 'urgent') ?? false,
    audiences: read.ss(item, 'audiences'),
  };
}

/** The queue's facts of a register item (an entry as stored). */
export function toQueueEntry(item: Item): QueueEntry {
  return {
    requestId: requireS(item, 'requestId'),
    clientId: requireS(item, 'clientId'),
    sequence: requireN(item, 'sequence'),
    kind: requireS(item, 'kind') as RegisterEntryKind,
    at: requireS(item, 'at'),
    legalBasis: read.s(item, 'legalBasis') as LegalBasis | undefined,
    flaggedForGuardian: read.bool(item, 'flaggedForGuardian') ?? false,
    urgent: read.bool(item, 'urgent') ?? false,
    expiresAt: read.n(item, 'expiresAt'),
  };
}

/** A request's acknowledgements, as kept. */
async function acknowledgementItems(
  gateway: TenantTable,
  scope: TenantScope,
  requestId: string,
): Promise<Item[]> {
  const { items } = await gateway.query({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :request)',
    ExpressionAttributeValues: {
      ':pk': attr.s(scope.key(ACKNOWLEDGEMENTS_PARTITION)),
      ':request': attr.s(`${requestId}#`),
    },
    ConsistentRead: true,
  });
  return items;
}

/**
 * The keys of a request's kept queue item and of its acknowledgements: outside the person's partition, yet the
 * person's all the same, so their retention schedule and their erasure reach them (`RetentionSchedules.clientItems`).
 */
export async function disclosureQueueItemKeys(
  gateway: TenantTable,
  scope: TenantScope,
  requestId: string,
): Promise<{ pk: string; sk: string }[]> {
  const acknowledgements = await acknowledgementItems(gateway, scope, requestId);
  return [
    { pk: scope.key(QUEUE_PARTITION), sk: queueSort(requestId) },
    ...acknowledgements.map((item) => ({ pk: requireS(item, 'pk'), sk: requireS(item, 'sk') })),
  ];
}
