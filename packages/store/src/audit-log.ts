import { createHash } from 'node:crypto';
import {
  type DynamoDBClient,
  QueryCommand,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import type { Classification, OrgId, Relationship } from '@confide/domain';
import { attr, type Item, read, requireS } from './attributes';
import { type TenantScope, tenantScope } from './tenant-scope';

export type AuditAction = 'READ' | 'WRITE' | 'DENIED' | 'EMERGENCY_ACCESS' | 'ADMIN';

/**
 * One audit event: who did what to whose record, under which relationship and purpose. Never the personal
 * data itself: field names and classifications only.
 */
export interface AuditEvent {
  readonly orgId: OrgId;
  readonly requestId: string;
  readonly at: string;
  readonly actor: { readonly kind: string; readonly id: string; readonly roles: readonly string[] };
  readonly action: AuditAction;
  /** The GraphQL field that caused it, e.g. `serviceUser` or `recordNote`. */
  readonly operation: string;
  /** The client or staff member whose record it is; undefined for organisation-level actions. */
  readonly subjectId: string | undefined;
  readonly fields: readonly string[];
  readonly classifications: readonly Classification[];
  readonly relationship: Relationship | undefined;
  readonly purpose: string | undefined;
  readonly emergency: boolean;
  /** For denials: the error code given (FORBIDDEN, NOT_FOUND, JUSTIFICATION_REQUIRED, …). */
  readonly outcome: string;
  /** The policy rule that decided, e.g. `matrix.allocated-support-worker`. */
  readonly rule: string | undefined;
}

export interface StoredAuditEvent extends AuditEvent {
  readonly eventId: string;
}

/** The most items one TransactWriteItems call takes; two calls per request is the budget. */
const ITEMS_PER_CALL = 100;
export const MAX_AUDIT_CALLS_PER_REQUEST = 2;

/**
 * The access audit: events are written in at most two transactional calls per request (one in practice),
 * each event indexed by subject (`accessLog`), by actor and by day (reports).
 */
export class AuditLog {
  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly table: string,
  ) {}

  /** Writes a request's events; throws if they cannot all be written (the caller withholds the response). */
  async write(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    const items = events.map((event, index) => toItem(event, index));
    if (items.length > ITEMS_PER_CALL * MAX_AUDIT_CALLS_PER_REQUEST) {
      throw new Error('Too many audit events for one request.');
    }
    for (let start = 0; start < items.length; start += ITEMS_PER_CALL) {
      const writes: TransactWriteItem[] = items.slice(start, start + ITEMS_PER_CALL).map((item) => ({
        Put: { TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' },
      }));
      await this.dynamo.send(new TransactWriteItemsCommand({ TransactItems: writes }));
    }
  }

  /** A subject's events, newest first, optionally within a time range. */
  async bySubject(
    scope: TenantScope,
    subjectId: string,
    range: { from?: string | undefined; to?: string | undefined; limit?: number } = {},
  ): Promise<StoredAuditEvent[]> {
    const result = await this.dynamo.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': attr.s(scope.key('AUDIT', 'SUBJECT', subjectId)),
          ':from': attr.s(range.from ?? '0'),
          ':to': attr.s(`${range.to ?? '9'}~`),
        },
        ScanIndexForward: false,
        Limit: range.limit ?? 200,
      }),
    );
    return (result.Items ?? []).map(fromItem);
  }
}

function toItem(event: AuditEvent, index: number): Item {
  const scope = tenantScope(event.orgId);
  const eventId = `${event.requestId}.${index}`;
  const sk = `${event.at}#${eventId}`;
  const pk = event.subjectId ? scope.key('AUDIT', 'SUBJECT', event.subjectId) : scope.key('AUDIT', 'ORG');
  // Day partitions are sharded so that a busy organisation's audit never lands on one hot partition.
  const shard = createHash('sha256').update(eventId).digest()[0] ?? 0;
  return {
    pk: attr.s(pk),
    sk: attr.s(sk),
    gsi1pk: attr.s(scope.key('AUDIT', 'ACTOR', event.actor.id.replace(/#/g, '_'))),
    gsi1sk: attr.s(sk),
    gsi2pk: attr.s(scope.key('AUDIT', 'DAY', event.at.slice(0, 10), String(shard % 8))),
    gsi2sk: attr.s(sk),
    eventId: attr.s(eventId),
    orgId: attr.s(event.orgId),
    requestId: attr.s(event.requestId),
    at: attr.s(event.at),
    actorKind: attr.s(event.actor.kind),
    actorId: attr.s(event.actor.id),
    actorRoles: attr.ss(event.actor.roles),
    action: attr.s(event.action),
    operation: attr.s(event.operation),
    ...(event.subjectId ? { subjectId: attr.s(event.subjectId) } : {}),
    fields: attr.ss(event.fields),
    classifications: attr.ss(event.classifications),
    ...(event.relationship ? { relationship: attr.s(event.relationship) } : {}),
    ...(event.purpose ? { purpose: attr.s(event.purpose) } : {}),
    emergency: attr.bool(event.emergency),
    outcome: attr.s(event.outcome),
    ...(event.rule ? { rule: attr.s(event.rule) } : {}),
  };
}

function fromItem(item: Item): StoredAuditEvent {
  return {
    eventId: requireS(item, 'eventId'),
    orgId: requireS(item, 'orgId') as OrgId,
    requestId: requireS(item, 'requestId'),
    at: requireS(item, 'at'),
    actor: {
      kind: requireS(item, 'actorKind'),
      id: requireS(item, 'actorId'),
      roles: read.ss(item, 'actorRoles'),
    },
    action: requireS(item, 'action') as AuditAction,
    operation: requireS(item, 'operation'),
    subjectId: read.s(item, 'subjectId'),
    fields: read.ss(item, 'fields'),
    classifications: read.ss(item, 'classifications') as Classification[],
    relationship: read.s(item, 'relationship') as Relationship | undefined,
    purpose: read.s(item, 'purpose'),
    emergency: read.bool(item, 'emergency') ?? false,
    outcome: requireS(item, 'outcome'),
    rule: read.s(item, 'rule'),
  };
}
