import {
  ConfideError,
  classificationOf,
  DISTRIBUTED_NOTE_KINDS,
  ErrorCode,
  forbidden,
  type NoteKind,
  notFound,
  validate,
} from '@confide/domain';
import type { ServiceUserDetails, ServiceUserRecord } from '@confide/store';
import { resolveArrayConnection } from '@pothos/plugin-relay';
import { builder } from '../builder';
import { type ConfideContext, callerScope, staffPrincipal } from '../context';
import { serviceFor } from './care-services';
import { CaseNoteInterface, type NoteInContext, noteFacts } from './case-notes';
import { localId, noteLocalId } from './ids';
import { scheduleClosedCase, unscheduleAfterReopening, unscheduleBeforeReopening } from './retention';
import { AllocationKindEnum, NoteKindEnum, ServiceUserRef } from './service-users';

const MAX_NOTE_LENGTH = 20_000;

async function clientFor(context: ConfideContext, globalId: string | number, operation: string) {
  return context.access.visibleClient(
    localId(globalId, 'ServiceUser', 'serviceUser', 'Service user'),
    operation,
  );
}

/** Case management (registering, closing, allocating) belongs to the managers of the client's service. */
async function requireManager(context: ConfideContext, client: ServiceUserRecord, operation: string) {
  const relation = await context.access.relationTo(client);
  if (!relation.managesService) {
    context.access.audit.record({
      action: 'DENIED',
      operation,
      subjectId: client.clientId,
      outcome: 'FORBIDDEN',
    });
    throw forbidden('Only the managers of this person’s service can do this.');
  }
  // Recorded before the change: if the audit cannot be written, nothing is changed.
  await context.access.audit.recordBeforeChange({
    action: 'WRITE',
    operation,
    subjectId: client.clientId,
    outcome: 'ALLOWED',
  });
}

async function staffOfOrganisation(
  context: ConfideContext,
  globalIds: readonly (string | number)[],
  field: string,
) {
  const scope = callerScope(context);
  const ids = globalIds.map((id) => localId(id, 'StaffMember', 'staff', 'Staff member'));
  const staff = await Promise.all(ids.map((id) => context.services.directory.staff(scope, id)));
  if (staff.some((member) => member?.status !== 'ACTIVE')) {
    throw validate.badInputError(
      ['input', field],
      'Every staff member named must be an active member of this organisation.',
    );
  }
  return ids;
}

function details(
  input: {
    name: string;
    dateOfBirth: string;
    address?: string | null;
    postcode?: string | null;
    nhsNumber?: string | null;
    phone?: string | null;
    email?: string | null;
    preferredContact?: string | null;
  },
  today: Date,
): ServiceUserDetails {
  const at = (field: string) => ['input', field];
  return {
    name: validate.text(at('name'), input.name, { max: 200 }),
    dateOfBirth: validate.pastDate(at('dateOfBirth'), input.dateOfBirth, today),
    address:
      input.address == null
        ? undefined
        : validate.text(at('address'), input.address, { max: 500, multiline: true }),
    postcode: input.postcode == null ? undefined : validate.postcode(at('postcode'), input.postcode),
    nhsNumber: input.nhsNumber == null ? undefined : validate.nhsNumber(at('nhsNumber'), input.nhsNumber),
    phone: input.phone == null ? undefined : validate.phone(at('phone'), input.phone),
    email: input.email == null ? undefined : validate.email(at('email'), input.email),
    preferredContact:
      input.preferredContact == null
        ? undefined
        : validate.text(at('preferredContact'), input.preferredContact, { max: 200 }),
  };
}

// ── Reads ──────────────────────────────────────────────────────────────────────────────────────────────────

builder.objectFields(ServiceUserRef, (t) => ({
  notes: t.connection({
    type: CaseNoteInterface,
    description:
      'Notes about the person, newest first. Notes whose text the caller may not read at all are left out; a note needing a stated purpose is listed with its text refused until one is given.',
    args: { kinds: t.arg({ type: [NoteKindEnum], required: false, description: 'Only these kinds.' }) },
    resolve: async (client, args, context) => {
      const notes = await context.services.caseNotes.list(callerScope(context), client.clientId);
      const wanted = args.kinds ? notes.filter((note) => args.kinds?.includes(note.kind)) : notes;
      const readable = await visibleNotes(context, client, wanted);
      return resolveArrayConnection({ args }, readable);
    },
  }),
  latestNote: t.field({
    type: CaseNoteInterface,
    nullable: true,
    description: 'The most recent note, if the caller may see it (as in a caseload).',
    resolve: async (client, _args, context) => {
      if (!client.latestNoteId) return null;
      const note = await context.services.caseNotes.get(
        callerScope(context),
        client.clientId,
        client.latestNoteId,
        context.access.loader,
      );
      if (!note) return null;
      return (await visibleNotes(context, client, [note]))[0] ?? null;
    },
  }),
}));

async function visibleNotes(
  context: ConfideContext,
  client: ServiceUserRecord,
  notes: readonly import('@confide/store').CaseNote[],
) {
  const decisions = await Promise.all(
    notes.map(async (note) =>
      context.access.peekRead(client, classificationOf(note.kind), await noteFacts(context, note)),
    ),
  );
  return notes
    .filter((_, index) => {
      const effect = decisions[index]?.effect;
      return effect === 'ALLOW' || effect === 'JUSTIFICATION_REQUIRED';
    })
    .map((note): NoteInContext => ({ client, note }));
}

builder.queryFields((t) => ({
  serviceUser: t.field({
    type: ServiceUserRef,
    description: 'One service user, or NOT_FOUND when the caller has no relationship to them.',
    authScopes: { authenticated: true },
    args: { id: t.arg.id({ required: true, description: 'The service user (global id).' }) },
    resolve: (_root, args, context) => clientFor(context, args.id, 'serviceUser'),
  }),
  caseload: t.connection({
    type: ServiceUserRef,
    description: 'The service users the caller is allocated to (primary or current cover).',
    authScopes: { staff: true },
    resolve: async (_root, args, context) => {
      const scope = callerScope(context);
      const ids = await context.services.serviceUsers.caseloadIds(scope, staffPrincipal(context).staffId);
      const clients = await context.access.loadClients(ids);
      const visible = await context.access.filterVisible(clients, 'caseload');
      return resolveArrayConnection(
        { args },
        visible.sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
      );
    },
  }),
  serviceUsers: t.connection({
    type: ServiceUserRef,
    description: 'The service users of a service that the caller may see (for its managers).',
    authScopes: { staff: true },
    args: { serviceId: t.arg.id({ required: true, description: 'The service.' }) },
    resolve: async (_root, args, context) => {
      const scope = callerScope(context);
      const service = await serviceFor(context, args.serviceId);
      const limit = Math.min(Math.max(args.first ?? 50, 1), 100);
      const after = args.after ? Buffer.from(args.after, 'base64url').toString() : undefined;
      const page = await context.services.serviceUsers.idsByService(scope, service.serviceId, {
        limit,
        after,
      });
      const clients = await context.access.filterVisible(await context.access.loadClients(page.ids));
      const cursor = (client: ServiceUserRecord) => Buffer.from(client.clientId).toString('base64url');
      return {
        edges: clients.map((client) => ({ node: client, cursor: cursor(client) })),
        pageInfo: {
          hasNextPage: page.next !== undefined,
          hasPreviousPage: after !== undefined,
          startCursor: clients[0] ? cursor(clients[0]) : null,
          endCursor: page.next ? Buffer.from(page.next).toString('base64url') : null,
        },
      };
    },
  }),
  caseNote: t.field({
    type: CaseNoteInterface,
    description:
      'One note. NOT_FOUND without a relationship to its client; its text is refused (FORBIDDEN, JUSTIFICATION_REQUIRED) when the caller may see the client but not the note.',
    authScopes: { authenticated: true },
    args: { id: t.arg.id({ required: true, description: 'The note (global id).' }) },
    resolve: async (_root, args, context) => {
      const { clientId, noteId } = noteLocalId(args.id);
      const client = await context.access.visibleClient(clientId, 'caseNote');
      const note = await context.services.caseNotes.get(
        callerScope(context),
        clientId,
        noteId,
        context.access.loader,
      );
      if (!note) throw notFound('Note');
      return { client, note };
    },
  }),
  searchServiceUsers: t.field({
    type: [ServiceUserRef],
    description:
      'Finds service users by exact NHS number, postcode or name (whole words, case- and accent-insensitive) through keyed blind indexes. Only people the caller has a relationship to are returned.',
    authScopes: { staff: true },
    args: {
      nhsNumber: t.arg.string({ required: false, description: 'Exact NHS number.' }),
      postcode: t.arg.string({ required: false, description: 'Exact postcode.' }),
      name: t.arg.string({ required: false, description: 'One or more whole words of the name.' }),
    },
    resolve: async (_root, args, context) => searchServiceUsers(context, args),
  }),
}));

async function searchServiceUsers(
  context: ConfideContext,
  args: { nhsNumber?: string | null; postcode?: string | null; name?: string | null },
): Promise<ServiceUserRecord[]> {
  const scope = callerScope(context);
  const { serviceUsers } = context.services;
  const criteria: {
    kind: 'nhs' | 'postcode' | 'name';
    value: string;
    field: 'nhsNumber' | 'postcode' | 'name';
  }[] = [];
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
  for (const word of words) criteria.push({ kind: 'name', value: word, field: 'name' });
  if (criteria.length === 0)
    throw validate.badInputError(['nhsNumber'], 'Give an NHS number, a postcode or a name.');

  const candidateSets = await Promise.all(
    criteria.map((c) => serviceUsers.candidates(scope, c.kind, c.value)),
  );
  const [first, ...rest] = candidateSets;
  const ids = (first ?? []).filter((id) => rest.every((set) => set.includes(id)));
  const visible = await context.access.filterVisible(await context.access.loadClients(ids));
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
  const found = visible.filter((_, index) => matches[index]);
  // The search itself is recorded, found or not, with the kinds of criteria used (never their values).
  context.access.audit.record({
    action: 'READ',
    operation: 'searchServiceUsers',
    outcome: found.length > 0 ? 'ALLOWED' : 'NONE_FOUND',
    rule: `search.by.${[...new Set(criteria.map((c) => c.kind))].sort().join('+')}`,
  });
  for (const client of found) {
    context.access.audit.record({
      action: 'READ',
      operation: 'searchServiceUsers',
      subjectId: client.clientId,
      outcome: 'ALLOWED',
    });
  }
  return found;
}

// ── Writes ─────────────────────────────────────────────────────────────────────────────────────────────────

const RegisterServiceUserInput = builder.inputType('RegisterServiceUserInput', {
  description: 'A new service user and their identifying and contact details.',
  fields: (t) => ({
    serviceId: t.id({ required: true, description: 'The service that will support them.' }),
    name: t.string({ required: true, description: 'Full name.' }),
    dateOfBirth: t.string({ required: true, description: 'YYYY-MM-DD, not in the future.' }),
    address: t.string({ required: false, description: 'Postal address.' }),
    postcode: t.string({ required: false, description: 'UK postcode.' }),
    nhsNumber: t.string({ required: false, description: 'NHS number; its check digit is validated.' }),
    phone: t.string({ required: false, description: 'Phone number.' }),
    email: t.string({ required: false, description: 'Email address.' }),
    preferredContact: t.string({ required: false, description: 'How they prefer to be contacted.' }),
    idempotencyKey: t.string({
      required: false,
      description:
        'Client-chosen key: retrying with the same key returns the first registration instead of a duplicate.',
    }),
  }),
});

const CloseCaseInput = builder.inputType('CloseCaseInput', {
  description: 'Closes a case.',
  fields: (t) => ({
    serviceUserId: t.id({ required: true, description: 'The service user.' }),
    closedAt: t.field({
      type: 'DateTime',
      required: false,
      description:
        'When the case closed: now by default; may lie in the past (migrated cases), never in the future.',
    }),
    expectedVersion: t.int({ required: true, description: 'The version read; a stale one gets CONFLICT.' }),
  }),
});

const ReopenCaseInput = builder.inputType('ReopenCaseInput', {
  description: 'Reopens a closed case.',
  fields: (t) => ({
    serviceUserId: t.id({ required: true, description: 'The service user.' }),
    expectedVersion: t.int({ required: true, description: 'The version read; a stale one gets CONFLICT.' }),
  }),
});

const AllocateWorkerInput = builder.inputType('AllocateWorkerInput', {
  description: 'Allocates a worker to a service user.',
  fields: (t) => ({
    serviceUserId: t.id({ required: true, description: 'The service user.' }),
    staffId: t.id({ required: true, description: 'The worker.' }),
    kind: t.field({ type: AllocationKindEnum, required: true, description: 'PRIMARY or COVER.' }),
    endsAt: t.field({
      type: 'DateTime',
      required: false,
      description: 'Required for COVER: when the cover ends.',
    }),
  }),
});

const EndAllocationInput = builder.inputType('EndAllocationInput', {
  description: 'Ends an allocation.',
  fields: (t) => ({
    serviceUserId: t.id({ required: true, description: 'The service user.' }),
    allocationId: t.string({ required: true, description: 'The allocation.' }),
  }),
});

const RecordNoteInput = builder.inputType('RecordNoteInput', {
  description: 'A new note about a service user.',
  fields: (t) => ({
    serviceUserId: t.id({ required: true, description: 'The service user.' }),
    kind: t.field({
      type: NoteKindEnum,
      required: true,
      description: 'What the note records; decides its classification.',
    }),
    body: t.string({
      required: true,
      description: `The text, at most ${MAX_NOTE_LENGTH} characters. Assessment notes carry only what is relevant to future support (JRH).`,
    }),
    distribution: t.idList({
      required: false,
      description:
        'HANDOVER / MEETING: the staff who may read it (attendees and those the meeting agreed, Azure 4.2).',
    }),
    sealedFor: t.idList({
      required: false,
      description: 'Seal the note at the person’s request: only these staff (and the person) may read it.',
    }),
    authorOrganisation: t.string({
      required: false,
      description:
        'CORRESPONDENCE written by another organisation: its name (its disclosure needs its authority).',
    }),
    withheldFromSubject: t.boolean({
      required: false,
      description: 'Withhold from the person under a recorded exemption (e.g. serious risk to someone).',
    }),
    idempotencyKey: t.string({
      required: false,
      description:
        'Client-chosen key: retrying with the same key returns the first note instead of a duplicate.',
    }),
  }),
});

const AmendNoteInput = builder.inputType('AmendNoteInput', {
  description: 'A new text for a note; the previous version is kept.',
  fields: (t) => ({
    noteId: t.id({ required: true, description: 'The note.' }),
    body: t.string({ required: true, description: 'The new text.' }),
    expectedVersion: t.int({ required: true, description: 'The version read; a stale one gets CONFLICT.' }),
  }),
});

function noteBody(value: string): string {
  return validate.text(['input', 'body'], value, { max: MAX_NOTE_LENGTH, multiline: true });
}

builder.mutationFields((t) => ({
  registerServiceUser: t.field({
    type: ServiceUserRef,
    description: 'Registers a service user to a service (its managers).',
    authScopes: { staff: true },
    args: { input: t.arg({ type: RegisterServiceUserInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const scope = callerScope(context);
      const caller = context.access.callerFacts();
      if (caller.kind === 'STAFF' && !caller.acknowledgedPolicy) {
        throw new ConfideError(
          ErrorCode.POLICY_NOT_ACKNOWLEDGED,
          'Acknowledge the current confidentiality policy first.',
        );
      }
      const service = await serviceFor(context, input.serviceId);
      if (!service.managers.includes(staffPrincipal(context).staffId)) {
        context.access.audit.record({
          action: 'DENIED',
          operation: 'registerServiceUser',
          outcome: 'FORBIDDEN',
        });
        throw forbidden('Only the managers of the service can register people to it.');
      }
      const validated = details(input, context.services.clock.now());
      const idempotencyKey =
        input.idempotencyKey == null
          ? undefined
          : validate.text(['input', 'idempotencyKey'], input.idempotencyKey, { max: 200 });
      const { clientId } = await context.services.serviceUsers.register(scope, {
        serviceId: service.serviceId,
        details: validated,
        idempotencyKey,
      });
      context.access.audit.record({
        action: 'WRITE',
        operation: 'registerServiceUser',
        subjectId: clientId,
        classification: 'IDENTIFYING',
        relationship: 'MANAGES_SERVICE',
        outcome: 'ALLOWED',
      });
      const client = await context.services.serviceUsers.get(scope, clientId, context.access.loader);
      if (!client) throw notFound('Service user');
      return client;
    },
  }),
  closeCase: t.field({
    type: ServiceUserRef,
    description:
      'Closes a case (managers of the service). A past closure date is allowed for migrated cases.',
    authScopes: { staff: true },
    args: { input: t.arg({ type: CloseCaseInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const client = await clientFor(context, input.serviceUserId, 'closeCase');
      const now = context.services.clock.now();
      const closedAt = input.closedAt ?? now;
      if (closedAt.getTime() > now.getTime()) {
        throw validate.badInputError(['input', 'closedAt'], 'A case cannot close in the future.');
      }
      // Permission first: the attempt is audited (and refused to non-managers) whatever the case's state.
      await requireManager(context, client, 'closeCase');
      if (client.caseStatus === 'CLOSED') {
        throw new ConfideError(ErrorCode.CONFLICT, 'The case is already closed.');
      }
      await context.services.serviceUsers.setCaseStatus(callerScope(context), client.clientId, {
        status: 'CLOSED',
        closedAt,
        expectedVersion: input.expectedVersion,
      });
      // Retention: every item of the client gets its expiry (a schedule already past expires it at once).
      return scheduleClosedCase(context, client.clientId);
    },
  }),
  reopenCase: t.field({
    type: ServiceUserRef,
    description: 'Reopens a closed case (managers of the service).',
    authScopes: { staff: true },
    args: { input: t.arg({ type: ReopenCaseInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const client = await clientFor(context, input.serviceUserId, 'reopenCase');
      await requireManager(context, client, 'reopenCase');
      if (client.caseStatus === 'OPEN')
        throw new ConfideError(ErrorCode.CONFLICT, 'The case is already open.');
      await unscheduleBeforeReopening(context, client, input.expectedVersion);
      await context.services.serviceUsers.setCaseStatus(callerScope(context), client.clientId, {
        status: 'OPEN',
        expectedVersion: input.expectedVersion,
      });
      // Once more now that the case is open: a closing that raced this one may have scheduled items meanwhile.
      await unscheduleAfterReopening(context, client);
      return reload(context, client.clientId);
    },
  }),
  allocateWorker: t.field({
    type: ServiceUserRef,
    description: 'Allocates a worker (PRIMARY) or cover for sickness and holidays (COVER, with an end time).',
    authScopes: { staff: true },
    args: { input: t.arg({ type: AllocateWorkerInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const client = await clientFor(context, input.serviceUserId, 'allocateWorker');
      const [staffId] = await staffOfOrganisation(context, [input.staffId], 'staffId');
      const now = context.services.clock.now();
      if (input.kind === 'COVER' && (!input.endsAt || input.endsAt.getTime() <= now.getTime())) {
        throw validate.badInputError(['input', 'endsAt'], 'Cover needs an end time in the future.');
      }
      if (input.kind === 'PRIMARY' && input.endsAt) {
        throw validate.badInputError(['input', 'endsAt'], 'A primary allocation runs until it is ended.');
      }
      await requireManager(context, client, 'allocateWorker');
      await context.services.serviceUsers.allocate(callerScope(context), client.clientId, {
        staffId: staffId ?? '',
        kind: input.kind,
        endsAt: input.endsAt ?? undefined,
      });
      return reload(context, client.clientId);
    },
  }),
  endAllocation: t.field({
    type: ServiceUserRef,
    description: 'Ends an allocation; the worker’s access ends at once.',
    authScopes: { staff: true },
    args: { input: t.arg({ type: EndAllocationInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const client = await clientFor(context, input.serviceUserId, 'endAllocation');
      if (!client.allocations.some((allocation) => allocation.allocationId === input.allocationId)) {
        throw notFound('Allocation');
      }
      await requireManager(context, client, 'endAllocation');
      await context.services.serviceUsers.endAllocation(
        callerScope(context),
        client.clientId,
        input.allocationId,
      );
      return reload(context, client.clientId);
    },
  }),
  recordNote: t.field({
    type: CaseNoteInterface,
    description:
      'Records a note. The caller needs write access to the note’s classification: any allocated staff can raise a SAFEGUARDING_CONCERN.',
    authScopes: { staff: true },
    args: { input: t.arg({ type: RecordNoteInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const client = await clientFor(context, input.serviceUserId, 'recordNote');
      const kind: NoteKind = input.kind;
      const body = noteBody(input.body);
      const distribution = input.distribution
        ? await staffOfOrganisation(context, input.distribution, 'distribution')
        : [];
      if (DISTRIBUTED_NOTE_KINDS.includes(kind) && distribution.length === 0) {
        throw validate.badInputError(
          ['input', 'distribution'],
          'Handover and meeting notes need a distribution list.',
        );
      }
      const sealedFor = input.sealedFor
        ? await staffOfOrganisation(context, input.sealedFor, 'sealedFor')
        : [];
      const authorOrganisation =
        input.authorOrganisation == null
          ? undefined
          : validate.text(['input', 'authorOrganisation'], input.authorOrganisation, { max: 200 });
      if (authorOrganisation && kind !== 'CORRESPONDENCE') {
        throw validate.badInputError(
          ['input', 'authorOrganisation'],
          'Only correspondence has an author organisation.',
        );
      }
      await context.access.requireWrite(client, classificationOf(kind), 'recordNote');
      const key = await context.access.clientKey(client);
      const note = await context.services.caseNotes.record(callerScope(context), client.clientId, key, {
        kind,
        body,
        authorId: staffPrincipal(context).staffId,
        authorOrganisation,
        distribution,
        sealedFor,
        withheld: input.withheldFromSubject ?? false,
        idempotencyKey:
          input.idempotencyKey == null
            ? undefined
            : validate.text(['input', 'idempotencyKey'], input.idempotencyKey, { max: 200 }),
      });
      return { client, note };
    },
  }),
  amendNote: t.field({
    type: CaseNoteInterface,
    description: 'Amends a note’s text. The previous version is kept; nothing is overwritten.',
    authScopes: { staff: true },
    args: { input: t.arg({ type: AmendNoteInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const { clientId, noteId } = noteLocalId(input.noteId);
      const client = await context.access.visibleClient(clientId, 'amendNote');
      const scope = callerScope(context);
      const note = await context.services.caseNotes.get(scope, clientId, noteId, context.access.loader);
      if (!note) throw notFound('Note');
      const body = noteBody(input.body);
      const caller = staffPrincipal(context);
      const relation = await context.access.relationTo(client);
      if (note.authorId !== caller.staffId && !relation.managesService) {
        throw forbidden('Only the author or the service’s managers can amend a note.');
      }
      await context.access.requireWrite(
        client,
        classificationOf(note.kind),
        'amendNote',
        await noteFacts(context, note),
      );
      const key = await context.access.clientKey(client);
      const amended = await context.services.caseNotes.amend(key, note, {
        body,
        expectedVersion: input.expectedVersion,
        amendedBy: caller.staffId,
      });
      return { client, note: amended };
    },
  }),
}));

async function reload(context: ConfideContext, clientId: string): Promise<ServiceUserRecord> {
  const scope = callerScope(context);
  context.access.loader.forget(context.services.config.tables.data, scope.key('CLIENT', clientId), 'PROFILE');
  const client = await context.services.serviceUsers.get(scope, clientId, context.access.loader);
  if (!client) throw notFound('Service user');
  return client;
}
