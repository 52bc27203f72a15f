import { disclosureQueueAudiences, type QueueViewer, seesDisclosureQueueItem } from '@confide/access';
import { conflict, isIdOf, notFound } from '@confide/domain';
import {
  DISCLOSURE_QUEUE_AUDIENCES,
  DISCLOSURE_QUEUE_KINDS,
  type DisclosureQueueItem,
  type KeptQueueItem,
  outstandingWork,
  type ServiceUserRecord,
  untoldRequests,
} from '@confide/store';
import type { OperationSubject } from '../access/operation-plugin';
import { builder } from '../builder';
import type { ConfideContext } from '../context';
import { LegalBasisEnum } from './disclosures/register';
import { listPositions, storeConnection } from './store-paging';
import { clientById } from './subjects';

/**
 * The deciders' disclosure work queue (issue 15, items 7 and 8): what waits for the caller, with how long it has
 * waited. Whose queue an item is in is decided by `seesDisclosureQueueItem` in the operation policies
 * (packages/access/src/operations/policies/disclosure-queue.ts); the register is only read here.
 */

const DisclosureQueueKindEnum = builder.enumType('DisclosureQueueItemKind', {
  description:
    'What a disclosure request waits for: AWAITING_DECISION (received; the service’s managers decide), ESCALATED_REQUEST (the Caldicott Guardian alone decides), FLAGGED_DECISION (approved on a basis other than consent, flagged for the Guardian), COURT_ORDER_DISCLOSURE (approved under a court order; the Senior Manager must be told, Azure 7.1).',
  values: DISCLOSURE_QUEUE_KINDS,
});

const DAY_MS = 86_400_000;

interface QueueItemView {
  readonly item: DisclosureQueueItem;
  readonly ageDays: number;
}

const QueueItemRef = builder.objectRef<QueueItemView>('DisclosureQueueItem');
QueueItemRef.implement({
  description:
    'One item of a decider’s disclosure work queue: references, the legal basis and its age; never who asked or why (read the register for that).',
  fields: (t) => ({
    kind: t.field({
      type: DisclosureQueueKindEnum,
      description: 'What it waits for.',
      resolve: (v) => v.item.kind,
    }),
    requestId: t.string({ description: 'The disclosure request.', resolve: (v) => v.item.requestId }),
    serviceUserId: t.globalID({
      description: 'Whom the request is about.',
      resolve: (v) => ({ type: 'ServiceUser', id: v.item.clientId }),
    }),
    legalBasis: t.field({
      type: LegalBasisEnum,
      nullable: true,
      description: 'The basis the request claims.',
      resolve: (v) => v.item.legalBasis ?? null,
    }),
    since: t.field({
      type: 'DateTime',
      description: 'When it began waiting: received, escalated or approved.',
      resolve: (v) => v.item.since,
    }),
    ageDays: t.int({ description: 'Whole days it has waited.', resolve: (v) => v.ageDays }),
    urgent: t.boolean({
      description:
        'The request is urgent: marked so when received or later (`setDisclosureRequestUrgency`). Urgent work comes first.',
      resolve: (v) => v.item.urgent,
    }),
  }),
});

/** The capacities in which anyone is told of queued work: the roles a caller's queue is read for. */
const QUEUE_CAPACITIES = [...new Set(Object.values(DISCLOSURE_QUEUE_AUDIENCES).flat())];

builder.queryFields((t) => ({
  disclosureWorkQueueConnection: t.connection({
    type: QueueItemRef,
    description:
      'The disclosure work waiting for the caller, as `disclosureWorkQueue` lists it (the same items, urgent requests first, then the longest waiting, then by request id), as a cursor connection paged in the store: the queue is kept as its own items, in this order, written with the register entries it derives from (decision 0044). FORBIDDEN for anyone `disclosureWorkQueue` refuses. Each person listed on a page is recorded as read.',
    operation: { policy: 'disclosure-queue.list', audit: 'after' },
    resolve: (operation, args, context) => {
      const roles = operation.staff.roles;
      const capacities = QUEUE_CAPACITIES.filter((role) => (roles as readonly string[]).includes(role));
      return storeConnection(
        args,
        listPositions(context, 'disclosureWorkQueueConnection'),
        (page) => context.services.disclosureQueue.page(operation.scope, capacities, page),
        async (items: readonly KeptQueueItem[]) => {
          const visible = await visibleQueueItems(context, roles, items, (item) =>
            DISCLOSURE_QUEUE_AUDIENCES[item.kind].filter((role) => !item.audiences.includes(role)),
          );
          recordQueueReads(context, operation, visible);
          const shown = new Set(visible);
          return items.map((item) => (shown.has(item) ? withAge(context, item) : undefined));
        },
      );
    },
  }),
  disclosureWorkQueue: t.field({
    type: [QueueItemRef],
    deprecationReason:
      'A list that grows (issue 19): use `disclosureWorkQueueConnection`, which pages with cursors.',
    description:
      'The disclosure work waiting for the caller, urgent requests first, then the longest waiting: for a SERVICE_MANAGER the requests of their services awaiting a decision; for the CALDICOTT_GUARDIAN escalated requests, decisions flagged for the Guardian and court-order disclosures; for the SENIOR_MANAGER court-order disclosures (Azure 7.1). FORBIDDEN for anyone else. Each person listed is recorded as read.',
    operation: { policy: 'disclosure-queue.list', audit: 'after' },
    resolve: async (operation, _args, context) => {
      const outstanding = await context.services.disclosureQueue.outstanding(operation.scope);
      const acknowledged = await context.services.disclosureQueue.acknowledgements(operation.scope);
      const visible = await visibleQueueItems(
        context,
        operation.staff.roles,
        outstanding,
        (item) => acknowledged.get(item.requestId) ?? [],
      );
      recordQueueReads(context, operation, visible);
      return visible.map((item) => withAge(context, item));
    },
  }),
}));

builder.mutationFields((t) => ({
  acknowledgeDisclosureWork: t.field({
    type: QueueItemRef,
    description:
      'Acknowledges a court-order disclosure (SENIOR_MANAGER, CALDICOTT_GUARDIAN) or a decision flagged for the Guardian (CALDICOTT_GUARDIAN): it leaves the queue of everyone told of it in the caller’s capacity. A request still to decide leaves the queue only when decided (FORBIDDEN here). CONFLICT if already acknowledged. Audited before it is recorded.',
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'Whom the request is about.' }),
      requestId: t.arg.string({ required: true, description: 'The disclosure request.' }),
    },
    operation: {
      policy: 'disclosure-queue.acknowledge',
      subject: clientById((args) => args.serviceUserId),
      change: async (args, context, subject) => {
        const entries = await requestEntries(context, subject, args.requestId);
        return {
          detail: outstandingWork(entries)?.kind,
          // A disclosure the person is not told of: its acknowledgement is kept from their views too (not once a
          // CLIENT_INFORMED entry records that they have been told).
          sharing: { subjectNotTold: untoldRequests(entries).size > 0 },
        };
      },
      // Nothing to acknowledge records no acknowledgement.
      validate: async (args, context, subject) => {
        if (subject.kind === 'CLIENT') await toAcknowledge(context, subject.client, args.requestId);
      },
      audit: 'before',
    },
    resolve: async (operation, args, context) => {
      const { item, pending } = await toAcknowledge(context, operation.client, args.requestId);
      await context.services.disclosureQueue.acknowledge(
        operation.scope,
        item.requestId,
        pending,
        operation.staff.staffId,
      );
      return withAge(context, item);
    },
  }),
}));

/**
 * The queued item of a request about the subject and the capacities in which the caller acknowledges it: NOT_FOUND
 * when there is none, CONFLICT when it is acknowledged in all of them already.
 */
async function toAcknowledge(context: ConfideContext, client: ServiceUserRecord, requestId: string) {
  const item = await queuedItem(context, { client }, requestId);
  const principal = context.auth?.principal;
  if (!item || principal?.kind !== 'STAFF') throw notFound('Disclosure request');
  const audiences = disclosureQueueAudiences(item.kind, {
    roles: principal.roles,
    managesClientService: context.access.managesService(client.serviceId),
  });
  const already = await context.services.disclosureQueue.acknowledgedOf(context.access.scope, item.requestId);
  const pending = audiences.filter((role) => !already.includes(role));
  if (pending.length === 0) throw conflict('It is already acknowledged.');
  return { item, pending };
}

/**
 * The items in the caller's queue, in their order, as the policy's `seesDisclosureQueueItem` decides: told of an item
 * in a capacity nobody has acknowledged yet (`acknowledgedAs`: the kept item's missing audiences, or the
 * acknowledgements read apart). Only a request awaiting a decision depends on the person's service (its managers
 * decide it), so only those people are read, live.
 */
async function visibleQueueItems<Item extends DisclosureQueueItem>(
  context: ConfideContext,
  roles: QueueViewer['roles'],
  items: readonly Item[],
  acknowledgedAs: (item: Item) => readonly string[],
): Promise<Item[]> {
  const waiting = items.filter((item) => item.kind === 'AWAITING_DECISION');
  const clients = await context.access.loadClients([...new Set(waiting.map((item) => item.clientId))]);
  const serviceOf = new Map(clients.map((client) => [client.clientId, client.serviceId]));
  const seen = items.filter((item) => {
    const serviceId = serviceOf.get(item.clientId);
    return seesDisclosureQueueItem(
      item.kind,
      { roles, managesClientService: serviceId !== undefined && context.access.managesService(serviceId) },
      acknowledgedAs(item),
    );
  });
  return context.access.withoutConflicts(seen, (item) => item.clientId);
}

/** Each item names a person's disclosure request: recorded against each person listed, once. */
function recordQueueReads(
  context: ConfideContext,
  operation: { readonly name: string; readonly decision: { readonly rule: string } },
  listed: readonly DisclosureQueueItem[],
): void {
  context.access.audit.recordListed(
    operation,
    listed.map((item) => item.clientId),
    'DisclosureQueueItem',
    'CONSENT',
  );
}

/** The queue item a request of the subject's client leaves outstanding, read from its register entries. */
async function queuedItem(
  context: ConfideContext,
  subject: OperationSubject | { client: { clientId: string } },
  requestId: string,
): Promise<DisclosureQueueItem | undefined> {
  return outstandingWork(await requestEntries(context, subject, requestId));
}

/** The register entries of a request about the subject's client; none when the id names no request. */
async function requestEntries(
  context: ConfideContext,
  subject: OperationSubject | { client: { clientId: string } },
  requestId: string,
) {
  if (!('client' in subject) || !isIdOf('disclosure', requestId)) return [];
  return context.services.disclosures.request(context.access.scope, subject.client.clientId, requestId);
}

function withAge(context: ConfideContext, item: DisclosureQueueItem): QueueItemView {
  const now = context.services.clock.now().getTime();
  return { item, ageDays: Math.max(0, Math.floor((now - Date.parse(item.since)) / DAY_MS)) };
}
