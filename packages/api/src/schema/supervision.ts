import { classificationOf } from '@confide/domain';
import type { CaseNote, ServiceUserRecord } from '@confide/store';
import { needToKnow } from '../access/need-to-know';
import { personalData } from '../access/personal-data';
import { builder } from '../builder';
import { type ConfideContext, callerScope } from '../context';
import { type ClientIdentifiers, pseudonymiseText } from '../operations/pseudonymise';
import { ServiceRef } from './care-services';
import { noteFacts } from './case-notes';
import { NoteKindEnum } from './service-users';
import { listPositions, storeConnection } from './store-paging';
import { clientById } from './subjects';

/** A client seen in supervision, with their identifiers opened once, server-side, only to redact them. */
interface SupervisionInContext {
  readonly client: ServiceUserRecord;
  /** The CARE notes the caller may read, newest first: read when `notes` asks, not by `notesConnection`. */
  readonly notes: () => Promise<readonly CaseNote[]>;
  readonly identifiers: () => Promise<ClientIdentifiers>;
}

interface SupervisionNoteInContext {
  readonly supervision: SupervisionInContext;
  readonly note: CaseNote;
}

const IDENTIFIER_FIELDS = [
  'name',
  'dateOfBirth',
  'address',
  'postcode',
  'nhsNumber',
  'phone',
  'email',
] as const;

function identifiersOf(context: ConfideContext, client: ServiceUserRecord): () => Promise<ClientIdentifiers> {
  let pending: Promise<ClientIdentifiers> | undefined;
  return () => {
    pending ??= context.access
      .clientKey(client)
      .then((key) =>
        Object.fromEntries(
          IDENTIFIER_FIELDS.map((field) => [
            field,
            context.services.serviceUsers.openDetail(key, client, field),
          ]),
        ),
      );
    return pending;
  };
}

const ofCase = (parent: SupervisionInContext) => ({ client: parent.client });

const SupervisionNoteRef = builder.objectRef<SupervisionNoteInContext>('SupervisionNote');
SupervisionNoteRef.implement({
  ...personalData({
    kind: 'the note kind, which decides the classification of the note body',
    recordedAt: 'when a note was recorded: bookkeeping, needed to order the notes',
  }),
  description:
    'A CARE note as read in supervision: its text with the person’s name replaced by their pseudonym and every other identifying detail by `[redacted]` (Lets connect 4.2).',
  fields: (t) => ({
    kind: t.field({
      type: NoteKindEnum,
      description: 'What the note records (always a CARE kind).',
      resolve: (p) => p.note.kind,
    }),
    recordedAt: t.field({
      type: 'DateTime',
      description: 'When recorded.',
      resolve: (p) => p.note.recordedAt,
    }),
    text: t.string({
      ...needToKnow<SupervisionNoteInContext>('CARE', async (parent, context) => ({
        client: parent.supervision.client,
        item: await noteFacts(context, parent.note),
      })),
      nullable: true,
      description: 'The note’s text, pseudonymised.',
      resolve: async (p, _args, context) => {
        const key = await context.access.clientKey(p.supervision.client);
        const body = context.services.caseNotes.openBody(key, p.note);
        return pseudonymiseText(body, await p.supervision.identifiers(), p.supervision.client.pseudonym);
      },
    }),
  }),
});

const SupervisionCaseStatusEnum = builder.enumType('SupervisionCaseStatus', {
  description: 'Whether the person is currently supported.',
  values: ['OPEN', 'CLOSED'] as const,
});

const SupervisionCaseRef = builder.objectRef<SupervisionInContext>('SupervisionCase');
SupervisionCaseRef.implement({
  ...personalData({}),
  description:
    'A case as discussed in supervision or QA review (Lets connect 4.2, 4.5): pseudonymous facts and pseudonymised CARE notes only. No identifying field exists on this type.',
  fields: (t) => ({
    pseudonym: t.string({
      ...needToKnow('PSEUDONYMOUS', ofCase),
      nullable: true,
      description: 'The person’s pseudonym; it replaces their name in the notes.',
      resolve: (p) => p.client.pseudonym,
    }),
    reference: t.string({
      ...needToKnow('PSEUDONYMOUS', ofCase),
      nullable: true,
      description: 'Pseudonymous case reference.',
      resolve: (p) => p.client.reference,
    }),
    caseStatus: t.field({
      ...needToKnow('PSEUDONYMOUS', ofCase),
      type: SupervisionCaseStatusEnum,
      nullable: true,
      description: 'OPEN or CLOSED.',
      resolve: (p) => p.client.caseStatus,
    }),
    service: t.field({
      ...needToKnow('PSEUDONYMOUS', ofCase),
      type: ServiceRef,
      nullable: true,
      description: 'The service supporting the person.',
      resolve: async (p, _args, context) => (await context.access.service(p.client.serviceId)) ?? null,
    }),
    notes: t.field({
      ...needToKnow('CARE', ofCase),
      type: [SupervisionNoteRef],
      nullable: true,
      description: 'The CARE notes the caller may read, newest first, pseudonymised.',
      deprecationReason: 'A list that grows (issue 19): use `notesConnection`, which pages with cursors.',
      resolve: async (p) => (await p.notes()).map((note) => ({ supervision: p, note })),
    }),
    notesConnection: t.connection({
      ...needToKnow('CARE', ofCase),
      type: SupervisionNoteRef,
      nullable: true,
      description:
        'The CARE notes the caller may read, pseudonymised, as a cursor connection paged in the store, in a stable order by note id (not by date; each carries `recordedAt`).',
      resolve: (p, args, context) =>
        storeConnection(
          args,
          listPositions(context, 'supervisionNotesConnection'),
          (page) =>
            context.services.caseNotes.page(
              callerScope(context),
              p.client.clientId,
              page,
              context.access.loader,
            ),
          async (notes) => {
            const readable = await readableCareNotes(context, p.client, notes);
            return notes.map((note) => (readable.includes(note) ? { supervision: p, note } : undefined));
          },
          // The filter only peeks at need-to-know (the notes' own reads are recorded by their fields): the page may
          // look past itself, so that notes sealed from the caller are not betrayed by a next page that is empty.
          { lookAhead: true },
        ),
    }),
  }),
});

builder.queryFields((t) => ({
  supervisionCase: t.field({
    type: SupervisionCaseRef,
    description:
      'A service user’s case for supervision (Lets connect 4.2): for the managers of their service and for team leaders on QA review of it. NOT_FOUND without a relationship, FORBIDDEN for anyone else who can see the person. Audited as a READ of CARE (operation `supervisionCase`).',
    args: { serviceUserId: t.arg.id({ required: true, description: 'The service user (global id).' }) },
    operation: {
      policy: 'client.supervision',
      subject: clientById((args) => args.serviceUserId),
      change: () => ({ classification: 'CARE' }),
      audit: 'after',
    },
    resolve: async (operation, _args, context) => {
      const { client } = operation;
      let notes: Promise<readonly CaseNote[]> | undefined;
      const allNotes = () => {
        notes ??= context.services.caseNotes
          .list(operation.scope, client.clientId, context.access.loader)
          .then((all) => readableCareNotes(context, client, all));
        return notes;
      };
      return { client, notes: allNotes, identifiers: identifiersOf(context, client) };
    },
  }),
}));

/** The CARE notes among `notes` that the caller may read outright (no stated purpose asked in supervision). */
async function readableCareNotes(
  context: ConfideContext,
  client: ServiceUserRecord,
  notes: readonly CaseNote[],
): Promise<CaseNote[]> {
  const care = notes.filter((note) => classificationOf(note.kind) === 'CARE');
  const decisions = await Promise.all(
    care.map(async (note) => context.access.peekRead(client, 'CARE', await noteFacts(context, note))),
  );
  return care.filter((_, index) => decisions[index]?.effect === 'ALLOW');
}
