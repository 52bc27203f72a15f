import { type Classification, type Clock, conflict, newId } from '@confide/domain';
import { integrityMac, type KeyHierarchy } from '@confide/keys';
import { attr, type Item, read, requireS } from '../attributes';
import { organisationIntegrityKey, requireItemMac } from '../item-macs';
import { mapPage, type Page, type PageRequest } from '../paging';
import type { TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable } from '../tenant-table';
import { writeWithProfileDate } from './profile-date';

/**
 * How staff checked the identity of a person asking for their data, when staff record the request (the person's
 * own request carries their sign-in instead): photo identification seen, known to the staff member recording it,
 * a signed letter checked against the record, or a representative's written authority checked.
 */
export const SUBJECT_IDENTITY_CHECKS = [
  'PHOTO_ID',
  'KNOWN_TO_STAFF',
  'SIGNED_LETTER',
  'REPRESENTATIVE_AUTHORITY',
] as const;
export type SubjectIdentityCheck = (typeof SUBJECT_IDENTITY_CHECKS)[number];

/**
 * A subject access request, with its one-month deadline (UK GDPR art. 12(3)). A request recorded by staff names
 * how the person's identity was checked; the export compiled by staff is readable to them only once a second
 * person (the Caldicott Guardian, or another IG lead) has approved it (issue 14).
 */
export interface SubjectAccessRequest {
  readonly requestId: string;
  readonly clientId: string;
  readonly receivedOn: string;
  readonly deadline: string;
  readonly status: 'OPEN' | 'COMPLETED';
  readonly completedAt: string | undefined;
  /** The staff member who recorded it, or the person themself (their service user id). */
  readonly requestedBy: string;
  /** The person opened it themself (SELF). */
  readonly openedByPerson: boolean;
  /** How staff checked the person's identity; undefined when the person opened it themself. */
  readonly identityCheck: SubjectIdentityCheck | undefined;
  /** The second person who approved the staff-compiled export, and when. */
  readonly exportApprovedBy: string | undefined;
  readonly exportApprovedAt: string | undefined;
  readonly sk: string;
}

/** That staff read a person's export: for the Caldicott Guardian, references and classifications only. */
export interface SubjectAccessExportNotice {
  readonly noticeId: string;
  readonly requestId: string;
  readonly clientId: string;
  readonly readBy: string;
  readonly approvedBy: string | undefined;
  readonly readAt: string;
  readonly classifications: readonly Classification[];
}

/** One calendar month after `date` (YYYY-MM-DD); the 31st of a short month lands on its last day. */
export function oneMonthAfter(date: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(day, lastDay))).toISOString().slice(0, 10);
}

/**
 * The keys of a person's subject access requests and of the notices that staff read their export. Both are kept in
 * organisation-wide lists, outside the person's partition: they follow the person's retention schedule and erasure
 * (`RetentionSchedules.clientItems`), or an erased person's request would stay open, and overdue, for ever.
 */
export async function subjectAccessItemKeys(
  table: TenantTable,
  scope: TenantScope,
  clientId: string,
): Promise<{ pk: string; sk: string }[]> {
  const lists = await Promise.all(
    ['SUBJECT_ACCESS', 'SUBJECT_ACCESS_EXPORTS'].map((list) =>
      table.query({
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: 'clientId = :client',
        ExpressionAttributeValues: { ':pk': attr.s(scope.key(list)), ':client': attr.s(clientId) },
        ProjectionExpression: 'pk, sk',
        ConsistentRead: true,
      }),
    ),
  );
  return lists.flatMap(({ items }) =>
    items.map((item) => ({ pk: requireS(item, 'pk'), sk: requireS(item, 'sk') })),
  );
}

/**
 * Subject access requests. Each carries `requestMac` (decision 0093) over whose request it is, who recorded it, its
 * status and the export's approval: every read checks it, and every change writes a new one on condition that the
 * stored one is still that of the request read, so an approval or a request written in the table opens nothing.
 */
export class SubjectAccessRequests {
  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
    private readonly clock: Clock,
    private readonly keys: KeyHierarchy,
  ) {}

  async open(
    scope: TenantScope,
    input: {
      clientId: string;
      receivedOn: string;
      requestedBy: string;
      openedByPerson: boolean;
      identityCheck?: SubjectIdentityCheck | undefined;
      /** The person's scheduled expiry (a closed case): the request goes with their records. */
      expiresAt?: number | undefined;
    },
  ): Promise<SubjectAccessRequest> {
    const requestId = newId('subject').replace(/^sub_/, 'sar_');
    const createdAt = this.clock.now().toISOString();
    const integrityKey = await this.#integrityKey(scope);
    const itemDated = (expiresAt: number | undefined): Item =>
      withRequestMac(scope, integrityKey, {
        pk: attr.s(scope.key('SUBJECT_ACCESS')),
        sk: attr.s(`${input.receivedOn}#${requestId}`),
        requestId: attr.s(requestId),
        clientId: attr.s(input.clientId),
        receivedOn: attr.s(input.receivedOn),
        deadline: attr.s(oneMonthAfter(input.receivedOn)),
        status: attr.s('OPEN'),
        requestedBy: attr.s(input.requestedBy),
        openedByPerson: attr.bool(input.openedByPerson),
        ...(input.identityCheck ? { identityCheck: attr.s(input.identityCheck) } : {}),
        createdAt: attr.s(createdAt),
        ...(expiresAt === undefined ? {} : { expiresAt: attr.n(expiresAt) }),
      }) as Item;
    // With the person's date as it is when written, not only as it was read (decision 0085).
    const written = await writeWithProfileDate(
      this.#gateway(scope),
      scope,
      input.clientId,
      input.expiresAt,
      (expiresAt) => [
        { Put: { Item: itemDated(expiresAt), ConditionExpression: 'attribute_not_exists(pk)' } },
      ],
    );
    if (!written.written)
      throw conflict('The person’s record changed while the request was recorded; try again.');
    return toRequest(itemDated(written.expiresAt));
  }

  async list(scope: TenantScope): Promise<SubjectAccessRequest[]> {
    const [items, integrityKey] = await Promise.all([
      this.#gateway(scope).queryPrefix(scope.key('SUBJECT_ACCESS'), '', this.clock.now()),
      this.#integrityKey(scope),
    ]);
    return items.map((item) => verifiedRequest(scope, item, integrityKey));
  }

  /**
   * Each request's id, status and deadline as stored, unverified, for the hourly reminders alone (decision 0134): the
   * deadlines function may use no organisation key. The MAC guards what a request grants (its export approval), which
   * every other reader checks; a reminder grants nothing. A forged item can at most raise a reminder naming an id, or
   * hold one back while the register, read through {@link list}, still shows the request and its deadline.
   */
  async deadlinesAsStored(
    scope: TenantScope,
  ): Promise<{ readonly requestId: string; readonly status: string; readonly deadline: string }[]> {
    const items = await this.#gateway(scope).queryPrefix(scope.key('SUBJECT_ACCESS'), '', this.clock.now());
    return items.map((item) => ({
      requestId: requireS(item, 'requestId'),
      status: requireS(item, 'status'),
      deadline: requireS(item, 'deadline'),
    }));
  }

  async get(scope: TenantScope, requestId: string): Promise<SubjectAccessRequest | undefined> {
    return (await this.list(scope)).find((request) => request.requestId === requestId);
  }

  /** The person's open request, the earliest received first (the one an export answers). */
  async openFor(scope: TenantScope, clientId: string): Promise<SubjectAccessRequest | undefined> {
    return (await this.list(scope)).find(
      (request) => request.clientId === clientId && request.status === 'OPEN',
    );
  }

  async complete(scope: TenantScope, request: SubjectAccessRequest): Promise<SubjectAccessRequest> {
    const result = await this.#change(scope, request, {
      status: 'COMPLETED',
      completedAt: this.clock.now().toISOString(),
    });
    if (!result) throw conflict('The request is already completed.');
    return result;
  }

  /**
   * Records a second person's approval of the staff-compiled export of an open request; an approval already
   * given, or a completed request, is CONFLICT.
   */
  async approveExport(
    scope: TenantScope,
    request: SubjectAccessRequest,
    approvedBy: string,
  ): Promise<SubjectAccessRequest> {
    if (request.status !== 'OPEN' || request.exportApprovedBy !== undefined) {
      throw conflict('The export is already approved, or the request is completed.');
    }
    const result = await this.#change(scope, request, {
      exportApprovedBy: approvedBy,
      exportApprovedAt: this.clock.now().toISOString(),
    });
    if (!result) throw conflict('The export is already approved, or the request is completed.');
    return result;
  }

  /**
   * Changes an open request (read and checked by the caller) to `changed`, with the MAC of the result, on condition
   * that it is still open and still carries the MAC of the request read. Undefined when it changed meanwhile.
   */
  async #change(
    scope: TenantScope,
    request: SubjectAccessRequest,
    changed: Partial<
      Pick<SubjectAccessRequest, 'status' | 'completedAt' | 'exportApprovedBy' | 'exportApprovedAt'>
    >,
  ): Promise<SubjectAccessRequest | undefined> {
    const integrityKey = await this.#integrityKey(scope);
    const next = { ...request, ...changed };
    const entries = Object.entries(changed).filter(([, value]) => value !== undefined);
    const result = await this.#gateway(scope).update(
      { pk: scope.key('SUBJECT_ACCESS'), sk: request.sk },
      {
        UpdateExpression: `SET ${entries.map(([name]) => `#${name} = :${name}`).join(', ')}, #mac = :mac`,
        ConditionExpression: '#status = :open AND #mac = :previous',
        ExpressionAttributeNames: {
          ...Object.fromEntries(entries.map(([name]) => [`#${name}`, name])),
          '#status': 'status',
          '#mac': REQUEST_MAC,
        },
        ExpressionAttributeValues: {
          ...Object.fromEntries(entries.map(([name, value]) => [`:${name}`, attr.s(String(value))])),
          ':open': attr.s('OPEN'),
          ':mac': attr.s(integrityMac(integrityKey, requestParts(scope, next))),
          ':previous': attr.s(integrityMac(integrityKey, requestParts(scope, request))),
        },
        ReturnValues: 'ALL_NEW',
      },
    );
    return result.written && result.attributes ? toRequest(result.attributes) : undefined;
  }

  async recordStaffExport(
    scope: TenantScope,
    notice: Omit<SubjectAccessExportNotice, 'noticeId' | 'readAt'>,
    /** The person's scheduled expiry (a closed case): the notice goes with their records. */
    expiresAt?: number,
  ): Promise<SubjectAccessExportNotice> {
    const noticeId = newId('subject').replace(/^sub_/, 'sae_');
    const readAt = this.clock.now().toISOString();
    const itemDated = (dated: number | undefined): Item => ({
      pk: attr.s(scope.key('SUBJECT_ACCESS_EXPORTS')),
      sk: attr.s(`${readAt}#${noticeId}`),
      noticeId: attr.s(noticeId),
      requestId: attr.s(notice.requestId),
      clientId: attr.s(notice.clientId),
      readBy: attr.s(notice.readBy),
      ...(notice.approvedBy ? { approvedBy: attr.s(notice.approvedBy) } : {}),
      readAt: attr.s(readAt),
      classifications: attr.ss(notice.classifications),
      ...(dated === undefined ? {} : { expiresAt: attr.n(dated) }),
    });
    // With the person's date as it is when written, not only as it was read (decision 0085).
    const written = await writeWithProfileDate(
      this.#gateway(scope),
      scope,
      notice.clientId,
      expiresAt,
      (dated) => [{ Put: { Item: itemDated(dated), ConditionExpression: 'attribute_not_exists(pk)' } }],
    );
    if (!written.written) throw conflict('The person’s record changed while the export was read; try again.');
    return toNotice(itemDated(written.expiresAt));
  }

  /** Every export staff read, newest first. */
  async staffExports(scope: TenantScope): Promise<SubjectAccessExportNotice[]> {
    return (
      await this.#gateway(scope).queryPrefix(scope.key('SUBJECT_ACCESS_EXPORTS'), '', this.clock.now(), {
        forward: false,
      })
    ).map(toNotice);
  }

  /** One page of the exports staff read, newest first, read with DynamoDB's `Limit` (issue 19). */
  async staffExportsPage(scope: TenantScope, request: PageRequest): Promise<Page<SubjectAccessExportNotice>> {
    const page = await this.#gateway(scope).queryPage(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': attr.s(scope.key('SUBJECT_ACCESS_EXPORTS')) },
        ConsistentRead: true,
        ScanIndexForward: false,
      },
      request,
      { now: this.clock.now() },
    );
    return mapPage(page, toNotice);
  }

  /**
   * One page of one person's requests, oldest first (issue 19): the organisation's requests read with DynamoDB's
   * `Limit`, the person's kept by the query's filter.
   */
  async pageFor(
    scope: TenantScope,
    clientId: string,
    request: PageRequest,
  ): Promise<Page<SubjectAccessRequest>> {
    const [page, integrityKey] = await Promise.all([
      this.#gateway(scope).queryPage(
        {
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: 'clientId = :client',
          ExpressionAttributeValues: {
            ':pk': attr.s(scope.key('SUBJECT_ACCESS')),
            ':client': attr.s(clientId),
          },
          ConsistentRead: true,
        },
        request,
        { now: this.clock.now() },
      ),
      this.#integrityKey(scope),
    ]);
    return mapPage(page, (item) => verifiedRequest(scope, item, integrityKey));
  }

  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
  }

  async #integrityKey(scope: TenantScope): Promise<Buffer> {
    return organisationIntegrityKey(this.keys, scope.orgId);
  }
}

/** The request attribute holding its MAC (decision 0093). */
const REQUEST_MAC = 'requestMac';

/** Whose request, received and due when, recorded by whom and how, its status and the export's approval. */
function requestParts(scope: TenantScope, request: SubjectAccessRequest): string[] {
  return [
    'confide.subject-access.v1',
    scope.orgId,
    request.sk,
    request.requestId,
    request.clientId,
    request.receivedOn,
    request.deadline,
    request.status,
    request.completedAt ?? '',
    request.requestedBy,
    String(request.openedByPerson),
    request.identityCheck ?? '',
    request.exportApprovedBy ?? '',
    request.exportApprovedAt ?? '',
  ];
}

function withRequestMac(scope: TenantScope, integrityKey: Buffer, item: Item): Item {
  return { ...item, [REQUEST_MAC]: attr.s(integrityMac(integrityKey, requestParts(scope, toRequest(item)))) };
}

/** A request item as a request, once its MAC passes; one written or rewritten in the table throws. */
function verifiedRequest(scope: TenantScope, item: Item, integrityKey: Buffer): SubjectAccessRequest {
  const request = toRequest(item);
  requireItemMac(integrityKey, item, REQUEST_MAC, requestParts(scope, request), {
    subjectId: request.clientId,
    itemKind: 'SUBJECT_ACCESS',
  });
  return request;
}

function toRequest(item: Item): SubjectAccessRequest {
  return {
    requestId: requireS(item, 'requestId'),
    clientId: requireS(item, 'clientId'),
    receivedOn: requireS(item, 'receivedOn'),
    deadline: requireS(item, 'deadline'),
    status: requireS(item, 'status') as 'OPEN' | 'COMPLETED',
    completedAt: read.s(item, 'completedAt'),
    requestedBy: requireS(item, 'requestedBy'),
    openedByPerson: read.bool(item, 'openedByPerson') ?? false,
    identityCheck: read.s(item, 'identityCheck') as SubjectIdentityCheck | undefined,
    exportApprovedBy: read.s(item, 'exportApprovedBy'),
    exportApprovedAt: read.s(item, 'exportApprovedAt'),
    sk: requireS(item, 'sk'),
  };
}

function toNotice(item: Item): SubjectAccessExportNotice {
  return {
    noticeId: requireS(item, 'noticeId'),
    requestId: requireS(item, 'requestId'),
    clientId: requireS(item, 'clientId'),
    readBy: requireS(item, 'readBy'),
    approvedBy: read.s(item, 'approvedBy'),
    readAt: requireS(item, 'readAt'),
    classifications: read.ss(item, 'classifications') as Classification[],
  };
}
