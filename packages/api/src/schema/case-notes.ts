import type { ItemFacts } from '@confide/access';
import {
  type Classification,
  classificationOf,
  DISTRIBUTED_NOTE_KINDS,
  SUBJECT_ACCESS_EXEMPTIONS,
  type SubjectAccessExemption,
} from '@confide/domain';
import type { CaseNote, ReleasedItem, ServiceUserRecord } from '@confide/store';
import { needToKnow } from '../access/need-to-know';
import { personalData } from '../access/personal-data';
import { builder } from '../builder';
import type { ConfideContext } from '../context';
import { NoteKindEnum, ServiceUserRef } from './service-users';

export const SubjectAccessExemptionEnum = builder.enumType('SubjectAccessExemption', {
  description:
    'What a note is withheld from the person it is about under (ACCESS-MODEL.md: "items withheld under a recorded exemption"), from the UK Data Protection Act 2018.',
  values: Object.fromEntries(
    Object.entries(SUBJECT_ACCESS_EXEMPTIONS).map(([name, description]) => [name, { description }]),
  ) as { [Name in SubjectAccessExemption]: { description: string } },
});

/** A note with the client it belongs to: need-to-know decides per client, per note. */
export interface NoteInContext {
  readonly client: ServiceUserRecord;
  readonly note: CaseNote;
  /** For a partner agency: the note as it was released (redacted, as of then), read instead of the live text. */
  readonly released?: ReleasedItem | undefined;
}

/**
 * The facts of a note for need-to-know: sealed notes and notes with a distribution list (handover, meeting)
 * open only to the staff they name — the author, the distribution list, the staff the client named — and to
 * SELF unless withheld.
 */
export async function noteFacts(context: ConfideContext, note: CaseNote): Promise<ItemFacts> {
  const principal = context.auth?.principal;
  const staffId = principal?.kind === 'STAFF' ? principal.staffId : undefined;
  const distributed = DISTRIBUTED_NOTE_KINDS.includes(note.kind);
  const named =
    staffId !== undefined &&
    (note.authorId === staffId || note.sealedFor.includes(staffId) || note.distribution.includes(staffId));
  return {
    sealed: note.sealed || distributed,
    namedStaff: named,
    withheldFromSubject: note.withheld,
    grantedToPartner: await context.access.partnerMayRead(note.clientId, note.noteId),
  };
}

/**
 * Whether the caller may read the text of every one of a client's `notes`: decided, not recorded, since no text is
 * read. What is derived from the notes' text (a release's redactions) is theirs only then.
 */
export async function mayReadEveryNote(
  context: ConfideContext,
  client: ServiceUserRecord,
  notes: readonly CaseNote[],
): Promise<boolean> {
  const decisions = await Promise.all(
    notes.map(async (note) =>
      context.access.peekRead(client, classificationOf(note.kind), await noteFacts(context, note)),
    ),
  );
  return decisions.every((decision) => decision.effect === 'ALLOW');
}

/**
 * A note as a partner agency sees it: exactly as it was released to it (its text with the redactions, its version and
 * amendment date then), never the live note, whichever path reaches it.
 */
export function asReleased(client: ServiceUserRecord, note: CaseNote, released: ReleasedItem): NoteInContext {
  // Only what the release holds (its text, kind, dates and version): a letter's author organisation was not released.
  return {
    client,
    note: {
      ...note,
      version: released.version,
      amendedAt: released.amendedAt,
      authorOrganisation: undefined,
    },
    released,
  };
}

export const CaseNoteInterface = builder.interfaceRef<NoteInContext>('CaseNote').implement({
  // Its implementations (CareNote, HealthNote, …) inherit this declaration.
  ...personalData({
    id: 'an opaque global id: says nothing about the person',
    serviceUser: 'a relation back to the person, whose fields are classified on ServiceUser',
    kind: 'the note kind, which decides the classification of the note body',
    recordedAt: 'when a note was recorded: bookkeeping, needed to order and page notes',
    amendedAt: 'when a note was amended: bookkeeping for the kept history',
    version: 'an optimistic-concurrency counter',
    authorId: 'the staff member who wrote a note (a staff reference, not client data)',
  }),
  description:
    'A note about a service user. Its kind decides its classification, and so which concrete type carries it: CareNote, HealthNote, FinanceNote or SafeguardingNote.',
  resolveType: (parent) => NOTE_TYPES[classificationOf(parent.note.kind)] ?? 'CareNote',
  interfaces: [builder.nodeInterfaceRef()],
  fields: (t) => ({
    id: t.globalID({
      description: 'The note’s global id.',
      resolve: (p) => ({
        type: NOTE_TYPES[classificationOf(p.note.kind)] ?? 'CareNote',
        id: `${p.client.clientId}.${p.note.noteId}`,
      }),
    }),
    kind: t.field({ type: NoteKindEnum, description: 'What the note records.', resolve: (p) => p.note.kind }),
    recordedAt: t.field({
      type: 'DateTime',
      description: 'When recorded.',
      resolve: (p) => p.note.recordedAt,
    }),
    amendedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When last amended; earlier versions are kept.',
      resolve: (p) => p.note.amendedAt ?? null,
    }),
    version: t.int({
      description: 'For optimistic concurrency: pass as expectedVersion.',
      resolve: (p) => p.note.version,
    }),
    authorId: t.globalID({
      description: 'Who recorded it.',
      resolve: (p) => ({ type: 'StaffMember', id: p.note.authorId }),
    }),
    serviceUser: t.field({
      type: ServiceUserRef,
      description: 'Whom it is about.',
      resolve: (p) => p.client,
    }),
  }),
});

const NOTE_TYPES: Partial<Record<Classification, string>> = {
  CARE: 'CareNote',
  HEALTH: 'HealthNote',
  FINANCE: 'FinanceNote',
  SAFEGUARDING: 'SafeguardingNote',
};

/**
 * The facts of a note as it reached the caller: a partner's grant covers the snapshot released to it, never the live
 * note, so need-to-know refuses (and records) a live note on any path that brought one to a partner.
 */
async function factsInContext(context: ConfideContext, parent: NoteInContext): Promise<ItemFacts> {
  const facts = await noteFacts(context, parent.note);
  return { ...facts, grantedToPartner: facts.grantedToPartner && parent.released !== undefined };
}

async function body(parent: NoteInContext, context: ConfideContext): Promise<string> {
  if (parent.released) return parent.released.body;
  const key = await context.access.clientKey(parent.client);
  return context.services.caseNotes.openBody(key, parent.note);
}

function noteType(name: string, classification: Classification, description: string) {
  const ref = builder.objectRef<NoteInContext>(name);
  // Every field of the note is decided as its text is: by its classification and the note's own facts.
  const guarded = needToKnow<NoteInContext>(classification, async (parent, context) => ({
    client: parent.client,
    item: await factsInContext(context, parent),
    itemId: parent.note.noteId,
  }));
  builder.node(ref, {
    description,
    interfaces: [CaseNoteInterface],
    isTypeOf: (parent) => classificationOf((parent as NoteInContext).note.kind) === classification,
    id: { resolve: (parent) => `${parent.client.clientId}.${parent.note.noteId}` },
    loadOne: () => null,
    fields: (t) => ({
      body: t.string({
        nullable: true,
        description: `The note’s text (${classification}).`,
        ...guarded,
        resolve: (parent, _args, context) => body(parent, context),
      }),
      // Whether, and under which exemption, the person is not shown the note: with its text's need-to-know (the
      // exemption says something about the person), and not to a partner agency, which has the note as released.
      withheldFromSubject: t.boolean({
        nullable: true,
        description:
          'Withheld from the person it is about (their own reads and subject access leave it out); null for a partner agency.',
        ...guarded,
        resolve: (parent) => (parent.released ? null : parent.note.withheld),
      }),
      withholdingExemption: t.field({
        type: SubjectAccessExemptionEnum,
        nullable: true,
        description:
          'The exemption the note is withheld under; null when it is not withheld (and for a note withheld before exemptions were recorded), and for a partner agency.',
        ...guarded,
        resolve: (parent) =>
          parent.released || !parent.note.withheld ? null : (parent.note.withheldUnder ?? null),
      }),
      ...(classification === 'CARE'
        ? {
            authorOrganisation: t.string({
              ...guarded,
              nullable: true,
              description:
                'For correspondence written by another organisation: its disclosure needs that author’s recorded authority (Azure 4.1). Null for a partner agency: it was not part of what was released.',
              resolve: (parent: NoteInContext) => parent.note.authorOrganisation ?? null,
            }),
          }
        : {}),
    }),
  });
  return ref;
}

export const CareNoteRef = noteType(
  'CareNote',
  'CARE',
  'A CARE note: daily support, support plan, assessment, handover, meeting or correspondence.',
);
export const HealthNoteRef = noteType(
  'HealthNote',
  'HEALTH',
  'A HEALTH note: medical notes, medication, diagnoses (special category data).',
);
export const FinanceNoteRef = noteType(
  'FinanceNote',
  'FINANCE',
  'A FINANCE note: finance records and transactions.',
);
export const SafeguardingNoteRef = noteType(
  'SafeguardingNote',
  'SAFEGUARDING',
  'A SAFEGUARDING concern; any allocated staff can raise one, and it is read per the matrix.',
);
