import type { ReadDecision } from '@confide/access';
import { classificationOf, isIdOf, newId, notFound, validate } from '@confide/domain';
import type { CaseNote, ServiceUserRecord, TenantScope } from '@confide/store';
import { resolveArrayConnection } from '@pothos/plugin-relay';
import { builder } from '../../builder';
import type { ConfideContext } from '../../context';
import { asReleased, CaseNoteInterface, type NoteInContext, noteFacts } from '../case-notes';
import { localId, noteLocalId } from '../ids';
import { NoteKindEnum, ServiceUserRef } from '../service-users';
import { pageRequest } from '../store-paging';
import { clientById } from '../subjects';
import { clientOfNote } from './shared';

// ── A client's notes ───────────────────────────────────────────────────────────────────────────────────────

builder.objectFields(ServiceUserRef, (t) => ({
  notes: t.connection({
    type: CaseNoteInterface,
    description:
      'Notes about the person, newest first. Notes whose text the caller may not read at all are left out; a note needing a stated purpose is listed with its text refused until one is given. A partner agency is listed only the notes released to it, each as it was released (as in `releasedToMe`).',
    args: { kinds: t.arg({ type: [NoteKindEnum], required: false, description: 'Only these kinds.' }) },
    resolve: async (client, args, context) => {
      const notes = await context.access.notesOf(client);
      const wanted = args.kinds ? notes.filter((note) => args.kinds?.includes(note.kind)) : notes;
      const readable = await visibleNotes(context, client, wanted);
      return resolveArrayConnection({ args }, readable);
    },
  }),
  latestNote: t.field({
    type: CaseNoteInterface,
    nullable: true,
    description:
      'The most recent note the caller may see (as in a caseload): a newer note they may not read is passed over, never shown or hinted at.',
    resolve: async (client, _args, context) => {
      if (!client.latestNoteId) return null;
      const note = await context.services.caseNotes.get(
        context.access.scope,
        client.clientId,
        client.latestNoteId,
        context.access.loader,
      );
      const newest = note ? (await visibleNotes(context, client, [note]))[0] : undefined;
      if (newest) return newest;
      // The newest is restricted for this caller: the newest they may read, as `notes` lists them.
      return (await visibleNotes(context, client, await context.access.notesOf(client)))[0] ?? null;
    },
  }),
}));

/** Whether none of these promises has settled yet (their reactions run before this one's continuation). */
async function noneSettled(promises: readonly Promise<unknown>[]): Promise<boolean> {
  let settled = false;
  const mark = () => {
    settled = true;
  };
  for (const promise of promises) promise.then(mark, mark);
  await Promise.resolve();
  return !settled;
}

async function visibleNotes(context: ConfideContext, client: ServiceUserRecord, notes: readonly CaseNote[]) {
  const decisions = await Promise.all(
    notes.map(async (note) =>
      context.access.peekRead(client, classificationOf(note.kind), await noteFacts(context, note)),
    ),
  );
  const readable = notes.filter((_, index) => {
    const effect = decisions[index]?.effect;
    return effect === 'ALLOW' || effect === 'JUSTIFICATION_REQUIRED';
  });
  if (context.auth?.principal.kind !== 'PARTNER')
    return readable.map((note): NoteInContext => ({ client, note }));
  // A partner agency is listed the notes released to it as they were released: redacted, as of the release.
  const released = (await context.access.partnerItems()).get(client.clientId);
  return readable.flatMap((note) => {
    const item = released?.get(note.noteId);
    return item ? [asReleased(client, note, item)] : [];
  });
}

/** The arguments of a search, its list and its connection alike. */
const SEARCH_ARGS = builder.args((t) => ({
  nhsNumber: t.string({ required: false, description: 'Exact NHS number.' }),
  postcode: t.string({ required: false, description: 'Exact postcode.' }),
  name: t.string({
    required: false,
    description:
      'One or more whole words of the name, each of at least two letters or digits (BAD_USER_INPUT on `name` when it has none).',
  }),
}));

// ── Queries ────────────────────────────────────────────────────────────────────────────────────────────────

builder.queryFields((t) => ({
  serviceUser: t.field({
    type: ServiceUserRef,
    description: 'One service user, or NOT_FOUND when the caller has no relationship to them.',
    args: { id: t.arg.id({ required: true, description: 'The service user (global id).' }) },
    operation: { policy: 'client.read', subject: clientById((args) => args.id), audit: 'fields' },
    resolve: (operation) => operation.client,
  }),
  caseload: t.connection({
    type: ServiceUserRef,
    description: 'The service users the caller is allocated to (primary or current cover).',
    operation: {
      policy: 'client.lists',
      audit: 'fields',
      // The caseload index is read beside the login lookup, then profiles, keys and latest notes in one batch.
      prefetch: (_args, context, claim) => {
        if (claim.staffId) context.access.prefetchCaseload(claim.orgId, claim.staffId);
      },
    },
    resolve: async (operation, args, context, info) => {
      const orgId = operation.scope.orgId;
      const caseload = await context.access.caseload(orgId, operation.staff.staffId);
      // Their audit entries are written now, beside the reads of their records; the final flush confirms exactly
      // the people whose fields were read (decision 0053). Only while none of those reads has come back: once one
      // has, entries written now would wait for it and add a round trip, and the list is written as in 0042. Filed
      // under the field's name, as its events are.
      const reads = caseload.map((entry) => {
        const { table, key } = context.services.keys.subjectKeyLocation(orgId, entry.clientId);
        return context.access.loader.load(table, key.pk.S, key.sk.S);
      });
      if (await noneSettled(reads)) {
        context.access.audit.announceList(
          String(info.path.key),
          caseload.map((entry) => entry.clientId),
        );
      }
      const clients = await context.access.loadClients(caseload.map((entry) => entry.clientId));
      const visible = await context.access.filterVisible(clients, 'caseload');
      return resolveArrayConnection(
        { args },
        visible.sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
      );
    },
  }),
  serviceUsers: t.connection({
    type: ServiceUserRef,
    description:
      'The service users of a service that the caller may see (for its managers). Its cursors and `hasNextPage` tell nothing of people hidden from the caller; a page may hold fewer than asked, with `hasNextPage`, when the caller sees few of a large service.',
    args: { serviceId: t.arg.id({ required: true, description: 'The service.' }) },
    operation: { policy: 'client.lists', audit: 'fields' },
    resolve: async (operation, args, context) => {
      const scope = operation.scope;
      const { serviceUsers } = context.services;
      const service = await context.access.service(localId(args.serviceId, 'Service', 'service'));
      if (!service) throw notFound('Service');
      const { serviceId } = service;
      // `last`/`before` are refused (the list pages forward only) rather than silently ignored.
      const { limit, after: given } = pageRequest(args);
      const after = await serviceCursorAfter(context, scope, serviceId, given);
      // The page is filled from the people the caller may see, one past it to know whether more follow: neither a
      // cursor nor `hasNextPage` may tell of a person hidden from them (their id, or that there are more).
      const visible: ServiceUserRecord[] = [];
      let position = after;
      let reads = 0;
      let exhausted = false;
      while (visible.length <= limit && reads < SERVICE_LIST_READS) {
        const page = await serviceUsers.idsByService(scope, serviceId, { limit: limit + 1, after: position });
        reads += 1;
        visible.push(...(await context.access.filterVisible(await context.access.loadClients(page.ids))));
        if (page.next === undefined) {
          exhausted = true;
          break;
        }
        position = page.next;
      }
      const shown = visible.slice(0, limit);
      const cursor = (clientId: string) => clientCursor('service', serviceId, clientId);
      const last = shown.at(-1);
      // Stopped at the bound before the page was full: continue after the last person examined, sealed.
      const unfinished = visible.length <= limit && !exhausted && position !== undefined;
      const endCursor = unfinished
        ? serviceContinuation(
            serviceId,
            await serviceUsers.sealServicePosition(scope, serviceId, position ?? ''),
          )
        : last
          ? cursor(last.clientId)
          : null;
      return {
        edges: shown.map((client) => ({ node: client, cursor: cursor(client.clientId) })),
        pageInfo: {
          hasNextPage: visible.length > limit || unfinished,
          hasPreviousPage: after !== undefined,
          startCursor: shown[0] ? cursor(shown[0].clientId) : null,
          endCursor,
        },
      };
    },
  }),
  caseNote: t.field({
    type: CaseNoteInterface,
    description:
      'One note. NOT_FOUND without a relationship to its client, and for a note hidden from the caller (withheld from the person it is about, when they ask); its text is refused (FORBIDDEN, JUSTIFICATION_REQUIRED) when the caller may see the client but not the note.',
    args: { id: t.arg.id({ required: true, description: 'The note (global id).' }) },
    operation: { policy: 'client.read', subject: clientOfNote((args) => args.id), audit: 'fields' },
    resolve: async (operation, args, context) => {
      const { noteId } = noteLocalId(args.id);
      const client = operation.client;
      const note = await context.services.caseNotes.get(
        operation.scope,
        client.clientId,
        noteId,
        context.access.loader,
      );
      if (!note) throw notFound('Note');
      // A note hidden from the caller (withheld from the person it is about) answers as one that is not there:
      // not its kind, date or author with only its text refused.
      const decision = await context.access.peekRead(
        client,
        classificationOf(note.kind),
        await noteFacts(context, note),
      );
      if (decision.effect === 'NOT_FOUND') throw notFound('Note');
      return { client, note };
    },
  }),
  searchServiceUsers: t.field({
    type: [ServiceUserRef],
    description:
      'Finds service users by exact NHS number, postcode or name (whole words, case- and accent-insensitive) through keyed blind indexes. Only people the caller has a relationship to and whose identifying details they may read now are returned, by id: a role that sees a person by reference only (the Caldicott Guardian, the IG lead) finds no one, and one that needs a purpose for them (QA_REVIEW) finds them only with a stated purpose, since a match tells who the person is.',
    deprecationReason:
      'A list that grows (issue 19): use `searchServiceUsersConnection`, which pages with cursors.',
    args: SEARCH_ARGS,
    operation: { policy: 'client.lists', audit: 'fields' },
    resolve: async (operation, args, context) => {
      const { criteria, found, decided } = await searchServiceUsers(context, operation.scope, args);
      recordSearch(context, criteria, found.length > 0, found, decided);
      return found;
    },
  }),
  searchServiceUsersConnection: t.connection({
    type: ServiceUserRef,
    description:
      'Finds service users as `searchServiceUsers` does, as a cursor connection in the same order (by id). Every page does the whole search’s fixed work (decision 0027) and returns the page asked for (decision 0045): a cursor names the last person returned, bound to this search by a keyed digest; it says nothing of the blind-index buckets. A cursor of another search or list is BAD_USER_INPUT. Each page is audited as a search, with one read per person it returns.',
    args: SEARCH_ARGS,
    operation: { policy: 'client.lists', audit: 'fields' },
    resolve: async (operation, args, context) => {
      const request = pageRequest(args);
      const { criteria, found, decided } = await searchServiceUsers(context, operation.scope, args);
      const binding = await context.services.serviceUsers.searchBinding(
        operation.scope,
        criteria.map((c) => [c.kind, c.value] as const),
      );
      const cursor = (client: ServiceUserRecord) => clientCursor('search', binding, client.clientId);
      const after = clientCursorAfter(request.after, 'search', binding);
      const rest = after === undefined ? found : found.filter((client) => client.clientId > after);
      const page = rest.slice(0, request.limit);
      recordSearch(context, criteria, found.length > 0, page, decided);
      const edges = page.map((client) => ({ node: client, cursor: cursor(client) }));
      return {
        edges,
        pageInfo: {
          hasNextPage: rest.length > page.length,
          hasPreviousPage: after !== undefined,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
  }),
}));

interface Criterion {
  readonly kind: 'nhs' | 'postcode' | 'name';
  readonly value: string;
  readonly field: 'nhsNumber' | 'postcode' | 'name';
}

function searchCriteria(args: {
  nhsNumber?: string | null;
  postcode?: string | null;
  name?: string | null;
}): Criterion[] {
  const criteria: Criterion[] = [];
  if (args.nhsNumber != null)
    criteria.push({
      kind: 'nhs',
      value: validate.nhsNumber(['nhsNumber'], args.nhsNumber),
      field: 'nhsNumber',
    });
  if (args.postcode != null)
    criteria.push({
      kind: 'postcode',
      value: validate.postcode(['postcode'], args.postcode),
      field: 'postcode',
    });
  const words = args.name == null ? [] : validate.nameWords(validate.text(['name'], args.name, { max: 200 }));
  // Only words of two or more letters or digits are indexed: a name of none has nothing to search by.
  if (args.name != null && words.length === 0)
    throw validate.badInputError(['name'], 'Give a name with a word of at least two letters or digits.');
  for (const word of words) criteria.push({ kind: 'name', value: word, field: 'name' });
  if (criteria.length === 0)
    throw validate.badInputError(['nhsNumber'], 'Give an NHS number, a postcode or a name.');
  return criteria;
}

/**
 * Candidates are read in fixed blocks, padded with ids nobody holds, so the storage work of a search does not
 * depend on whether the blind-index bucket holds anyone (issue 17 item 3; decision 0027): a block of 50 clients
 * with their keys is one BatchGetItem of 100 keys, found or not. Only buckets of more than 50 candidates cost more.
 */
const CANDIDATE_BLOCK = 50;

function paddedCandidates(ids: readonly string[]): string[] {
  const padded = [...ids];
  while (padded.length === 0 || padded.length % CANDIDATE_BLOCK !== 0) padded.push(newId('serviceUser'));
  return padded;
}

/**
 * How many reads of a service's list (each of a page and one more) one page of `serviceUsers` makes at most, to fill
 * it from the people the caller may see: a bound on the work of a caller who sees few of a large service.
 */
const SERVICE_LIST_READS = 5;

/**
 * A `serviceUsers` cursor after a position the caller may not know of (the last client a page examined when it
 * stopped at {@link SERVICE_LIST_READS} before it was full): the position sealed, bound to the service.
 */
function serviceContinuation(serviceId: string, sealed: string): string {
  return Buffer.from(JSON.stringify(['service-sealed', serviceId, sealed]), 'utf8').toString('base64url');
}

/** The client id a `serviceUsers` cursor continues after: a returned person's, or a sealed continuation's. */
async function serviceCursorAfter(
  context: ConfideContext,
  scope: TenantScope,
  serviceId: string,
  cursor: string | undefined,
): Promise<string | undefined> {
  if (cursor === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (!Array.isArray(decoded) || decoded[0] !== 'service-sealed')
    return clientCursorAfter(cursor, 'service', serviceId);
  const position =
    decoded.length === 3 && decoded[1] === serviceId && typeof decoded[2] === 'string'
      ? await context.services.serviceUsers.openServicePosition(scope, serviceId, decoded[2])
      : undefined;
  if (position === undefined || !isIdOf('serviceUser', position))
    throw validate.badInputError(['after'], 'The cursor does not continue this list.');
  return position;
}

/**
 * A client list's cursor: the last client id returned, bound to the list it continues (`list`, and a `binding`: the
 * service, or the search's keyed digest). Any other cursor is BAD_USER_INPUT on `after`, never a page silently
 * emptied or skipped.
 */
function clientCursor(list: 'search' | 'service', binding: string, clientId: string): string {
  return Buffer.from(JSON.stringify([list, binding, clientId]), 'utf8').toString('base64url');
}

/** The client id a cursor of `list` bound to `binding` continues after (see {@link clientCursor}). */
function clientCursorAfter(
  cursor: string | undefined,
  list: 'search' | 'service',
  binding: string,
): string | undefined {
  if (cursor === undefined) return undefined;
  const refused = () => validate.badInputError(['after'], 'The cursor does not continue this list.');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refused();
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 3 ||
    decoded[0] !== list ||
    decoded[1] !== binding ||
    typeof decoded[2] !== 'string' ||
    !isIdOf('serviceUser', decoded[2])
  )
    throw refused();
  return decoded[2];
}

/**
 * The search itself: every candidate read in fixed blocks (decision 0027), the visible ones opened server-side and
 * compared with the criteria. What it found, by client id: the order of the list and of its connection.
 */
async function searchServiceUsers(
  context: ConfideContext,
  scope: TenantScope,
  args: { nhsNumber?: string | null; postcode?: string | null; name?: string | null },
): Promise<{
  criteria: Criterion[];
  found: ServiceUserRecord[];
  /** Each candidate's read of its identifying details, as the search decided it. */
  decided: ReadonlyMap<string, ReadDecision>;
}> {
  const { serviceUsers } = context.services;
  const criteria = searchCriteria(args);
  const candidateSets = await Promise.all(
    criteria.map((c) => serviceUsers.candidates(scope, c.kind, c.value)),
  );
  const [first, ...rest] = candidateSets.map((ids) => new Set(ids));
  const ids = [...(first ?? [])].filter((id) => rest.every((set) => set.has(id)));
  const known = await context.access.filterVisible(await context.access.loadClients(paddedCandidates(ids)));
  // Every criterion is an IDENTIFYING value: a match tells the caller who the client is, so only clients whose
  // IDENTIFYING fields the caller may read now (R, or J with a stated purpose) are compared. A client the caller
  // sees only by reference (the Caldicott Guardian, the IG lead) is never matched by name, postcode or NHS number.
  const decisions = await Promise.all(known.map((client) => context.access.peekRead(client, 'IDENTIFYING')));
  const decided = new Map(known.map((client, index) => [client.clientId, decisions[index] as ReadDecision]));
  const visible = known.filter((_, index) => decisions[index]?.effect === 'ALLOW');
  // The beacon is truncated, so candidates include strangers: compare the real values, server-side only.
  const matches = await Promise.all(
    visible.map(async (client) => {
      const key = await context.access.clientKey(client);
      return criteria.every((c) => {
        const value = serviceUsers.openDetail(key, client, c.field);
        if (value === undefined) return false;
        return c.kind === 'name' ? validate.nameWords(value).includes(c.value) : value === c.value;
      });
    }),
  );
  const found = visible
    .filter((_, index) => matches[index])
    .sort((a, b) => a.clientId.localeCompare(b.clientId));
  return { criteria, found, decided };
}

/**
 * What a search reads depends on what it found: the search itself, found or not, with the kinds of criteria used
 * (never their values), and one read per person returned — recorded like field reads, not by the plugin: the
 * identifying details it matched, under the relationship that let it (an emergency access as one).
 */
function recordSearch(
  context: ConfideContext,
  criteria: readonly Criterion[],
  foundAny: boolean,
  returned: readonly ServiceUserRecord[],
  decided: ReadonlyMap<string, ReadDecision>,
): void {
  context.access.audit.record({
    action: 'READ',
    operation: 'searchServiceUsers',
    outcome: foundAny ? 'ALLOWED' : 'NONE_FOUND',
    rule: `search.by.${[...new Set(criteria.map((c) => c.kind))].sort().join('+')}`,
  });
  for (const client of returned) {
    // As the search decided it: it compared only the people whose identifying details this let it read.
    const decision = decided.get(client.clientId);
    if (!decision) continue;
    const relationship = 'relationship' in decision ? decision.relationship : undefined;
    const emergency = relationship === 'EMERGENCY';
    context.access.audit.record({
      action: emergency ? 'EMERGENCY_ACCESS' : 'READ',
      operation: 'searchServiceUsers',
      subjectId: client.clientId,
      classification: 'IDENTIFYING',
      relationship,
      emergency,
      outcome: 'ALLOWED',
      rule: decision.rule,
    });
  }
}
