import {
  classificationOf,
  DISTRIBUTED_NOTE_KINDS,
  type NoteKind,
  notFound,
  type SubjectAccessExemption,
  validate,
} from '@confide/domain';
import { builder } from '../../builder';
import type { ConfideContext } from '../../context';
import { CaseNoteInterface, noteFacts, SubjectAccessExemptionEnum } from '../case-notes';
import { noteLocalId } from '../ids';
import { NoteKindEnum } from '../service-users';
import { clientById } from '../subjects';
import { clientOfNote, idempotencyKeyOf, MAX_NOTE_LENGTH, noteBody, staffOfOrganisation } from './shared';

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
      description:
        'Withhold from the person under a recorded exemption: needs `withholdingExemption`, and a role that carries that judgement (not a volunteer’s alone: FORBIDDEN).',
    }),
    withholdingExemption: t.field({
      type: SubjectAccessExemptionEnum,
      required: false,
      description:
        'The exemption the note is withheld under: required with `withheldFromSubject`, and only with it (BAD_USER_INPUT). Kept with the note and named by the audit.',
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

interface RecordNoteArgs {
  kind: NoteKind;
  body: string;
  distribution?: readonly (string | number)[] | null;
  sealedFor?: readonly (string | number)[] | null;
  authorOrganisation?: string | null;
  withheldFromSubject?: boolean | null;
  withholdingExemption?: SubjectAccessExemption | null;
  idempotencyKey?: string | null;
}

/** The exemption a new note is withheld under, if it is withheld; BAD_USER_INPUT when one is given without the other. */
function withholdingOf(input: RecordNoteArgs): SubjectAccessExemption | undefined {
  const exemption = input.withholdingExemption ?? undefined;
  if (input.withheldFromSubject === true && !exemption) {
    throw validate.badInputError(
      ['input', 'withholdingExemption'],
      'A note is withheld from the person only under a recorded exemption: name it.',
    );
  }
  if (input.withheldFromSubject !== true && exemption) {
    throw validate.badInputError(
      ['input', 'withholdingExemption'],
      'An exemption is given only for a note withheld from the person (`withheldFromSubject: true`).',
    );
  }
  return exemption;
}

/** Each request's validated note, by its input object: `validate` and the resolver share one lookup. */
const validatedNotes = new WeakMap<RecordNoteArgs, ReturnType<typeof readNoteContent>>();

function noteContent(context: ConfideContext, input: RecordNoteArgs) {
  let content = validatedNotes.get(input);
  if (!content) {
    content = readNoteContent(context, input);
    validatedNotes.set(input, content);
  }
  return content;
}

async function readNoteContent(context: ConfideContext, input: RecordNoteArgs) {
  const scope = context.access.scope;
  const kind = input.kind;
  const body = noteBody(input.body);
  const withheldUnder = withholdingOf(input);
  const distribution = input.distribution
    ? await staffOfOrganisation(context, scope, input.distribution, 'distribution')
    : [];
  if (DISTRIBUTED_NOTE_KINDS.includes(kind) && distribution.length === 0) {
    throw validate.badInputError(
      ['input', 'distribution'],
      'Handover and meeting notes need a distribution list.',
    );
  }
  const sealedFor = input.sealedFor
    ? await staffOfOrganisation(context, scope, input.sealedFor, 'sealedFor')
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
  return {
    kind,
    body,
    distribution,
    sealedFor,
    authorOrganisation,
    withheld: withheldUnder !== undefined,
    withheldUnder,
    idempotencyKey: idempotencyKeyOf(input.idempotencyKey),
  };
}

async function noteToAmend(context: ConfideContext, noteId: string | number) {
  const ids = noteLocalId(noteId);
  const note = await context.services.caseNotes.get(
    context.access.scope,
    ids.clientId,
    ids.noteId,
    context.access.loader,
  );
  if (!note) throw notFound('Note');
  return note;
}

builder.mutationFields((t) => ({
  recordNote: t.field({
    type: CaseNoteInterface,
    description:
      'Records a note. The caller needs write access to the note’s classification: any allocated staff can raise a SAFEGUARDING_CONCERN.',
    args: { input: t.arg({ type: RecordNoteInput, required: true }) },
    operation: {
      policy: 'note.record',
      subject: clientById((args) => args.input.serviceUserId),
      change: ({ input }) => ({
        classification: classificationOf(input.kind),
        // Only a named exemption withholds: the policy judges who may; `validate` refuses one without the other.
        ...(input.withheldFromSubject === true && input.withholdingExemption
          ? { withholding: input.withholdingExemption }
          : {}),
      }),
      // Bad input of an admitted caller: BAD_USER_INPUT, nothing audited, nothing changed.
      validate: async ({ input }, context) => {
        await noteContent(context, input);
      },
      // The note, the profile's latest note and the events recording them are one transaction.
      audit: 'with-change',
    },
    resolve: async (operation, { input }, context) => {
      const { client, scope } = operation;
      const content = await noteContent(context, input);
      const key = await context.access.clientKey(client);
      const audit = context.access.audit;
      const note = await context.services.caseNotes.record(
        scope,
        client.clientId,
        key,
        { ...content, authorId: operation.staff.staffId },
        {
          commit: (change) => audit.commitWithChange(change),
          allocationIds: client.allocations.map((allocation) => allocation.allocationId),
        },
      );
      context.access.forgetNotes(client.clientId);
      return { client, note };
    },
  }),
  amendNote: t.field({
    type: CaseNoteInterface,
    description:
      'Amends a note’s text (its author or the service’s managers, with write access to its classification). The previous version is kept; nothing is overwritten.',
    args: { input: t.arg({ type: AmendNoteInput, required: true }) },
    operation: {
      policy: 'note.amend',
      subject: clientOfNote((args) => args.input.noteId),
      change: async ({ input }, context) => {
        const note = await noteToAmend(context, input.noteId);
        const principal = context.auth?.principal;
        return {
          classification: classificationOf(note.kind),
          item: await noteFacts(context, note),
          callerIsAuthor: principal?.kind === 'STAFF' && principal.staffId === note.authorId,
        };
      },
      validate: ({ input }) => {
        noteBody(input.body);
      },
      audit: 'before',
    },
    resolve: async (operation, { input }, context) => {
      const { client } = operation;
      const note = await noteToAmend(context, input.noteId);
      const key = await context.access.clientKey(client);
      const amended = await context.services.caseNotes.amend(key, note, {
        body: noteBody(input.body),
        expectedVersion: input.expectedVersion,
        amendedBy: operation.staff.staffId,
      });
      context.access.forgetNotes(client.clientId);
      return { client, note: amended };
    },
  }),
}));
