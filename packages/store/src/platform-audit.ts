import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import {
  addYears,
  asOrgId,
  type Clock,
  isExpired,
  type OrgId,
  systemClock,
  toEpochSeconds,
} from '@confide/domain';
import { integrityMac } from '@confide/keys';
import { attr, type Item, read, requireN, requireS } from './attributes';
import { organisationIntegrityKey, requireItemMac } from './item-macs';

/**
 * The platform's own records, outside any tenant prefix like the platform registry (decision 0002): what platform
 * operators and the provisioner did (the platform audit log), offboardings and administrator restorations waiting for
 * a second operator, and the provisioner assertions already used. None holds personal data: operator and staff ids,
 * organisation ids, operations, outcomes and rule ids only.
 */
/** How long the platform audit keeps an event: the access audit's default (DEFAULT_RETENTION's `auditYears`). */
const PLATFORM_AUDIT_YEARS = 8;

const platformAuditKey = {
  log: 'PLATFORM#AUDIT',
  offboarding: (orgId: string) => `PLATFORM#OFFBOARDING#${orgId}`,
  adminRestoration: (orgId: string) => `PLATFORM#ADMIN-RESTORATION#${orgId}`,
  assertion: (nonce: string) => `PLATFORM#ASSERTION#${nonce}`,
} as const;

/** Who acted on the platform: an operator (through the api), or the provisioner function itself. */
export interface PlatformActor {
  readonly kind: 'OPERATOR' | 'STAFF' | 'PROVISIONER';
  /** The operator's or staff member's id, or the provisioner's name for a direct invocation. */
  readonly id: string;
}

/** One platform audit event: who did what, to which organisation, when, and how it ended. */
export interface PlatformAuditEvent {
  readonly eventId: string;
  readonly at: string;
  readonly actor: PlatformActor;
  readonly operation: string;
  readonly organisationId: string | undefined;
  /** ALLOWED (about to run), COMPLETED, FAILED, APPROVAL_REQUESTED, FORBIDDEN, NOT_FOUND, … */
  readonly outcome: string;
  /** The stable rule id that decided, or the refusal reason. */
  readonly rule: string | undefined;
  /** The request or invocation that caused it. */
  readonly requestId: string | undefined;
  /** Whom it was about, when not an organisation: an operator's id (their subject) for an operator registered. */
  readonly subjectId?: string | undefined;
}

export type PlatformAuditRecord = Omit<PlatformAuditEvent, 'eventId' | 'at'>;

/** An offboarding one operator asked for, waiting for a second operator. */
export interface PendingOffboarding {
  readonly organisationId: string;
  readonly proposedBy: string;
  readonly proposedAt: string;
  readonly pendingWindowInDays: number;
  /** When the request lapses unapproved. */
  readonly expiresAt: string;
}

/**
 * An organisation's administration restored on two operators' word (decision 0109): the charity's admins have all
 * left, so nobody inside it can act. One staff member the charity names gets ORG_ADMIN; every other active admin
 * account is deactivated.
 */
export interface PendingAdminRestoration {
  /** The restoration's own id: the reference of the governance notification it ends with. */
  readonly restorationId: string;
  readonly organisationId: string;
  /** The staff member the charity named to become its administrator. */
  readonly staffId: string;
  readonly proposedBy: string;
  readonly proposedAt: string;
  /** When the request lapses unapproved. */
  readonly expiresAt: string;
}

/** How long a request of one operator (an offboarding, a restoration) waits for a second operator. */
export const OPERATOR_REQUEST_LIFETIME_HOURS = 72;

/**
 * A request of one operator waiting for a second, one per organisation and kind, under a MAC of the organisation's
 * integrity key (decision 0101): the request names the operator who asked, whom the second must differ from, so one
 * written in the table in another operator's name would let one operator act alone. The organisation's key is still
 * in use while it is pending.
 */
interface PendingKind {
  readonly key: (orgId: string) => string;
  /** The attribute holding the MAC, and the item kind a bad one is reported as. */
  readonly macAttribute: string;
  readonly itemKind: string;
  /** What the MAC covers, in order: a version tag, then the item's fields. */
  readonly macParts: (item: Item) => string[];
}

const OFFBOARDING: PendingKind = {
  key: platformAuditKey.offboarding,
  macAttribute: 'offboardingMac',
  itemKind: 'OFFBOARDING',
  macParts: (item) => [
    'confide.platform-offboarding.v1',
    requireS(item, 'pk'),
    requireS(item, 'orgId'),
    requireS(item, 'proposedBy'),
    requireS(item, 'proposedAt'),
    String(requireN(item, 'window')),
    String(requireN(item, 'expiresAt')),
  ],
};

const ADMIN_RESTORATION: PendingKind = {
  key: platformAuditKey.adminRestoration,
  macAttribute: 'restorationMac',
  itemKind: 'ADMIN_RESTORATION',
  macParts: (item) => [
    'confide.platform-admin-restoration.v1',
    requireS(item, 'pk'),
    requireS(item, 'orgId'),
    requireS(item, 'restorationId'),
    requireS(item, 'staffId'),
    requireS(item, 'proposedBy'),
    requireS(item, 'proposedAt'),
    String(requireN(item, 'expiresAt')),
  ],
};

function toEvent(item: Item): PlatformAuditEvent {
  return {
    eventId: requireS(item, 'eventId'),
    at: requireS(item, 'at'),
    actor: {
      kind: requireS(item, 'actorKind') as PlatformActor['kind'],
      id: requireS(item, 'actorId'),
    },
    operation: requireS(item, 'operation'),
    organisationId: read.s(item, 'orgId'),
    outcome: requireS(item, 'outcome'),
    rule: read.s(item, 'rule'),
    requestId: read.s(item, 'requestId'),
    ...(item.subjectId ? { subjectId: read.s(item, 'subjectId') } : {}),
  };
}

/** The fields every pending request has. */
function pendingFields(item: Item) {
  return {
    organisationId: requireS(item, 'orgId'),
    proposedBy: requireS(item, 'proposedBy'),
    proposedAt: requireS(item, 'proposedAt'),
    expiresAt: new Date(requireN(item, 'expiresAt') * 1000).toISOString(),
  };
}

function restorationFields(item: Item): PendingAdminRestoration {
  return {
    ...pendingFields(item),
    restorationId: requireS(item, 'restorationId'),
    staffId: requireS(item, 'staffId'),
  };
}

export class PlatformAuditLog {
  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly table: string,
    private readonly clock: Clock = systemClock,
    /** The key hierarchy, for the MAC of a pending request; only the event log works without it. */
    private readonly keys?: { beaconKey(orgId: OrgId): Promise<Uint8Array> },
  ) {}

  async #integrityKey(orgId: string): Promise<Buffer> {
    if (!this.keys) throw new Error('The platform audit log was built without the key hierarchy.');
    return organisationIntegrityKey(this.keys, asOrgId(orgId));
  }

  /** Writes one event; throws when it cannot be written (so a change it precedes is not made). */
  async record(event: PlatformAuditRecord): Promise<PlatformAuditEvent> {
    const now = this.clock.now();
    const at = now.toISOString();
    const eventId = randomUUID();
    await this.dynamo.send(
      new PutItemCommand({
        TableName: this.table,
        Item: {
          pk: attr.s(platformAuditKey.log),
          sk: attr.s(`${at}#${eventId}`),
          eventId: attr.s(eventId),
          at: attr.s(at),
          actorKind: attr.s(event.actor.kind),
          actorId: attr.s(event.actor.id),
          operation: attr.s(event.operation),
          outcome: attr.s(event.outcome),
          ...(event.organisationId ? { orgId: attr.s(event.organisationId) } : {}),
          ...(event.rule ? { rule: attr.s(event.rule) } : {}),
          ...(event.requestId ? { requestId: attr.s(event.requestId) } : {}),
          ...(event.subjectId ? { subjectId: attr.s(event.subjectId) } : {}),
          // Kept as long as the access audit by default, then TTL removes it (DATA-PROTECTION.md, Retention).
          expiresAt: attr.n(toEpochSeconds(addYears(now, PLATFORM_AUDIT_YEARS))),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { ...event, eventId, at };
  }

  /** The latest events, newest first; only those about one organisation when it is given. */
  async list(options: { organisationId?: string; limit?: number } = {}): Promise<PlatformAuditEvent[]> {
    const limit = options.limit ?? 100;
    const events: PlatformAuditEvent[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.dynamo.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: {
            ':pk': attr.s(platformAuditKey.log),
            ...(options.organisationId ? { ':org': attr.s(options.organisationId) } : {}),
          },
          ...(options.organisationId ? { FilterExpression: 'orgId = :org' } : {}),
          ScanIndexForward: false,
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      const now = this.clock.now();
      for (const item of page.Items ?? []) {
        // Past its expiry, an event is gone whether or not TTL has removed it yet.
        if (!isExpired(read.n(item, 'expiresAt'), now)) events.push(toEvent(item));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && events.length < limit);
    return events.slice(0, limit);
  }

  /**
   * The offboarding waiting for a second operator, unless there is none or it lapsed. One without its MAC, or with
   * a wrong one, throws {@link TamperedItemError} (kind `OFFBOARDING`): it was not written by a first operator's request.
   */
  async pendingOffboarding(orgId: string): Promise<PendingOffboarding | undefined> {
    const item = await this.#pending(OFFBOARDING, orgId);
    return item && { ...pendingFields(item), pendingWindowInDays: requireN(item, 'window') };
  }

  /** Records one operator's request to offboard (replacing a lapsed one), under its MAC. */
  async proposeOffboarding(
    orgId: string,
    proposedBy: string,
    pendingWindowInDays: number,
  ): Promise<PendingOffboarding> {
    const item = await this.#propose(OFFBOARDING, orgId, proposedBy, { window: attr.n(pendingWindowInDays) });
    return { ...pendingFields(item), pendingWindowInDays };
  }

  /** Removes a pending offboarding once it ran (or failed for good). */
  async clearOffboarding(orgId: string): Promise<void> {
    await this.#clear(OFFBOARDING, orgId);
  }

  /** The administrator restoration waiting for a second operator, as {@link pendingOffboarding}. */
  async pendingAdminRestoration(orgId: string): Promise<PendingAdminRestoration | undefined> {
    const item = await this.#pending(ADMIN_RESTORATION, orgId);
    return item && restorationFields(item);
  }

  /** Records one operator's request to restore an organisation's administration (replacing a lapsed one). */
  async proposeAdminRestoration(
    orgId: string,
    proposedBy: string,
    staffId: string,
  ): Promise<PendingAdminRestoration> {
    const item = await this.#propose(ADMIN_RESTORATION, orgId, proposedBy, {
      restorationId: attr.s(randomUUID()),
      staffId: attr.s(staffId),
    });
    return restorationFields(item);
  }

  /** Removes a pending restoration once it ran. */
  async clearAdminRestoration(orgId: string): Promise<void> {
    await this.#clear(ADMIN_RESTORATION, orgId);
  }

  async #pending(kind: PendingKind, orgId: string): Promise<Item | undefined> {
    const result = await this.dynamo.send(
      new GetItemCommand({
        TableName: this.table,
        Key: { pk: attr.s(kind.key(orgId)), sk: attr.s('PENDING') },
        ConsistentRead: true,
      }),
    );
    const item = result.Item;
    if (!item) return undefined;
    // The key only for a request there is: once offboarded, the organisation's key may no longer be used.
    requireItemMac(await this.#integrityKey(orgId), item, kind.macAttribute, kind.macParts(item), {
      subjectId: orgId,
      itemKind: kind.itemKind,
      orgId,
    });
    return requireN(item, 'expiresAt') * 1000 <= this.clock.now().getTime() ? undefined : item;
  }

  async #propose(kind: PendingKind, orgId: string, proposedBy: string, fields: Item): Promise<Item> {
    const now = this.clock.now();
    const item: Item = {
      ...fields,
      pk: attr.s(kind.key(orgId)),
      sk: attr.s('PENDING'),
      orgId: attr.s(orgId),
      proposedBy: attr.s(proposedBy),
      proposedAt: attr.s(now.toISOString()),
      expiresAt: attr.n(Math.floor(now.getTime() / 1000) + OPERATOR_REQUEST_LIFETIME_HOURS * 3600),
    };
    item[kind.macAttribute] = attr.s(integrityMac(await this.#integrityKey(orgId), kind.macParts(item)));
    await this.dynamo.send(new PutItemCommand({ TableName: this.table, Item: item }));
    return item;
  }

  async #clear(kind: PendingKind, orgId: string): Promise<void> {
    await this.dynamo.send(
      new DeleteItemCommand({
        TableName: this.table,
        Key: { pk: attr.s(kind.key(orgId)), sk: attr.s('PENDING') },
      }),
    );
  }

  /**
   * Marks a provisioner assertion's nonce used; false when it already was (a replay). Kept until the assertion
   * has expired, then removed by TTL.
   */
  async useAssertion(nonce: string, expiresAt: Date): Promise<boolean> {
    try {
      await this.dynamo.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            pk: attr.s(platformAuditKey.assertion(nonce)),
            sk: attr.s('USED'),
            expiresAt: attr.n(Math.ceil(expiresAt.getTime() / 1000) + 60),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
