import { decidesDisclosures } from '@confide/access';
import { classificationOf } from '@confide/domain';
import {
  DISCLOSURE_PURPOSES,
  IDENTITY_CHECKS,
  LEGAL_BASES,
  REQUESTER_KINDS,
  type RegisterEntry,
  type ReleasedItem,
  type SealedRegisterField,
  type ServiceUserRecord,
  visibleToSubject,
} from '@confide/store';
import { needToKnow } from '../../access/need-to-know';
import { personalData } from '../../access/personal-data';
import { builder } from '../../builder';
import { type ConfideContext, callerScope } from '../../context';
import { CaseNoteInterface, mayReadEveryNote, type NoteInContext, noteFacts } from '../case-notes';
import { PartnerAgencyEntryRef } from '../partners';
import { ServiceUserRef } from '../service-users';
import { listPositions, storeConnection } from '../store-paging';

/**
 * How information lawfully leaves the organisation (DATA-PROTECTION.md, Consent and disclosure): requests
 * received in writing, decided by a service manager or — when doubtful — the Caldicott Guardian, released with a
 * digest of exactly what left, and read by the partner agency only through the grant the release created.
 */

export const LegalBasisEnum = builder.enumType('LegalBasis', {
  description:
    'The basis a disclosure rests on. Without consent, only a recorded legal basis allows release.',
  values: LEGAL_BASES,
});
export const IdentityCheckEnum = builder.enumType('IdentityCheck', {
  description: 'How the requester’s identity was verified (Lets connect 4.3).',
  values: IDENTITY_CHECKS,
});
export const RequesterKindEnum = builder.enumType('DisclosureRequesterKind', {
  description:
    'Who asks: an organisation, the person’s GP, or their family — what a consent’s scope must name (issue 15).',
  values: REQUESTER_KINDS,
});
export const DisclosurePurposeEnum = builder.enumType('DisclosurePurpose', {
  description:
    'What information is shared for: a consent names the purposes the person agreed to, a request its purpose category. A consent authorises a disclosure only for a purpose it names (issue 15; Azure 7.1 "for a specific purpose"; Lets connect 4.3).',
  values: DISCLOSURE_PURPOSES,
});
export const ReleaseMethodEnum = builder.enumType('ReleaseMethod', {
  description: 'How the released bundle was sent.',
  values: ['PARTNER_APP', 'SECURE_EMAIL', 'POST', 'IN_PERSON'] as const,
});

export interface EntryInContext {
  readonly client: ServiceUserRecord;
  readonly entry: RegisterEntry;
  /** What a release just made left, as it left: only on the answer to `releaseDisclosure` itself. */
  readonly released?: readonly ReleasedItem[];
}

/** A note as it left in a release: its text with the redactions applied. */
const ReleasedTextRef = builder.objectRef<ReleasedItem>('ReleasedText');
ReleasedTextRef.implement({
  description: 'A note as it left in a release, redactions applied: what its sender sends.',
  fields: (t) => ({
    kind: t.exposeString('kind', { description: 'The note’s kind.' }),
    recordedAt: t.field({
      type: 'DateTime',
      description: 'When the note was recorded.',
      resolve: (r) => r.recordedAt,
    }),
    body: t.exposeString('body', {
      description: 'Its text as released: each redacted phrase is [REDACTED].',
    }),
  }),
});

const ofEntry = (parent: EntryInContext) => ({ client: parent.client });

/** Every note the entry names that is still held, read by key in one batch with the request's other reads. */
async function heldNotesOf(parent: EntryInContext, context: ConfideContext) {
  const scope = callerScope(context);
  const notes = await Promise.all(
    parent.entry.itemIds.map((noteId) =>
      context.services.caseNotes.get(scope, parent.client.clientId, noteId, context.access.loader),
    ),
  );
  return notes.flatMap((note) => (note ? [note] : []));
}

const readByThePerson = (context: ConfideContext) => context.auth?.principal.kind === 'SERVICE_USER';

/**
 * The entry's notes the caller is shown. Lists filter: staff are told only of notes they may read at all (as `notes`
 * lists them: a note needing a stated purpose is named, its text refused until one is given); the person reading their
 * own register is not shown one withheld from them. Neither learns of the others, not even their kind and date.
 */
async function notesOf(parent: EntryInContext, context: ConfideContext): Promise<NoteInContext[]> {
  const held = await heldNotesOf(parent, context);
  if (readByThePerson(context)) {
    return held.filter((note) => !note.withheld).map((note) => ({ client: parent.client, note }));
  }
  // Those who decide disclosures (the service's managers, the Caldicott Guardian, the IG lead) are told of every note
  // a request names, to decide it; each note's text keeps its own need-to-know.
  if (decidesDisclosures(context.access.callerFacts(), await context.access.relationTo(parent.client))) {
    return held.map((note) => ({ client: parent.client, note }));
  }
  const decisions = await Promise.all(
    held.map(async (note) =>
      context.access.peekRead(parent.client, classificationOf(note.kind), await noteFacts(context, note)),
    ),
  );
  return held
    .filter((_, index) => ['ALLOW', 'JUSTIFICATION_REQUIRED'].includes(decisions[index]?.effect ?? ''))
    .map((note) => ({ client: parent.client, note }));
}

async function sealed(parent: EntryInContext, field: SealedRegisterField, context: ConfideContext) {
  const key = await context.access.clientKey(parent.client);
  return context.services.disclosures.openSealed(key, parent.entry, field) ?? null;
}

export const RegisterEntryRef = builder.objectRef<EntryInContext>('DisclosureRegisterEntry');
RegisterEntryRef.implement({
  ...personalData({}),
  description:
    'One entry of the append-only disclosure register (CONSENT): never edited or deleted, only followed by another entry.',
  fields: (t) => ({
    requestId: t.string({
      ...needToKnow('CONSENT', ofEntry),
      nullable: true,
      description: 'The request it belongs to.',
      resolve: (p) => p.entry.requestId,
    }),
    sequence: t.int({
      ...needToKnow('CONSENT', ofEntry),
      nullable: true,
      description: 'Its place in the request’s history.',
      resolve: (p) => p.entry.sequence,
    }),
    kind: t.string({
      ...needToKnow('CONSENT', ofEntry),
      nullable: true,
      description:
        'RECEIVED, ESCALATED, APPROVED, REFUSED, RELEASED, EXCEPTIONAL_DISCLOSURE, CORRECTION, URGENCY_CHANGED or CLIENT_INFORMED (the person has since been told of an exceptional disclosure they were not told of when it was recorded).',
      resolve: (p) => p.entry.kind,
    }),
    at: t.field({
      ...needToKnow('CONSENT', ofEntry),
      type: 'DateTime',
      nullable: true,
      description: 'When recorded.',
      resolve: (p) => p.entry.at,
    }),
    requesterOrganisation: t.string({
      ...needToKnow('CONSENT', ofEntry),
      nullable: true,
      description: 'Who asked.',
      resolve: (p) => p.entry.requesterOrganisation ?? null,
    }),
    receivingApp: t.field({
      ...needToKnow('CONSENT', ofEntry),
      type: PartnerAgencyEntryRef,
      nullable: true,
      description:
        'The partner agency whose app receives what is released (a request naming one, a release to an app): who the information goes to, whatever `requesterOrganisation` says. Null when none, or when the agency is no longer registered.',
      resolve: async (p, _args, context) =>
        p.entry.partnerId
          ? ((await context.services.partners.get(callerScope(context), p.entry.partnerId)) ?? null)
          : null,
    }),
    requesterKind: t.field({
      ...needToKnow('CONSENT', ofEntry),
      type: RequesterKindEnum,
      nullable: true,
      description: 'RECEIVED: who asks.',
      resolve: (p) => (p.entry.kind === 'RECEIVED' ? (p.entry.requesterKind ?? 'ORGANISATION') : null),
    }),
    receivedOn: t.string({
      ...needToKnow('CONSENT', ofEntry),
      nullable: true,
      description: 'RECEIVED: the date the request was received, YYYY-MM-DD (Lets connect 4.3).',
      resolve: (p) => p.entry.receivedOn ?? null,
    }),
    urgent: t.boolean({
      ...needToKnow('CONSENT', ofEntry),
      nullable: true,
      description:
        'RECEIVED: the request was marked urgent when received; URGENCY_CHANGED: whether it is urgent from then on (the latest entry decides).',
      resolve: (p) =>
        p.entry.kind === 'RECEIVED' || p.entry.kind === 'URGENCY_CHANGED' ? p.entry.urgent : null,
    }),
    purposeCategory: t.field({
      ...needToKnow('CONSENT', ofEntry),
      type: DisclosurePurposeEnum,
      nullable: true,
      description:
        'RECEIVED: what the requester needs the information for (`purpose` holds their words); APPROVED: the purpose approved, which the consent relied on names.',
      resolve: (p) => p.entry.purposeCategory ?? null,
    }),
    consentId: t.string({
      ...needToKnow('CONSENT', ofEntry),
      nullable: true,
      description: 'APPROVED or RELEASED on the CONSENT basis: the consent it relies on.',
      resolve: (p) => p.entry.consentId ?? null,
    }),
    consentMethod: t.string({
      ...needToKnow('CONSENT', ofEntry),
      nullable: true,
      description:
        'APPROVED on the CONSENT basis: how that consent was given (SIGNED_FORM, EMAIL or, where the organisation accepts it, VERBAL_WITNESSED).',
      resolve: (p) => p.entry.consentMethod ?? null,
    }),
    requesterContact: t.string({
      ...needToKnow('CONSENT', ofEntry),
      nullable: true,
      description: 'Their contact.',
      resolve: (p, _a, c) => sealed(p, 'requesterContact', c),
    }),
    purpose: t.string({
      ...needToKnow('CONSENT', ofEntry),
      nullable: true,
      description: 'Why they asked.',
      resolve: (p, _a, c) => sealed(p, 'purpose', c),
    }),
    legalBasis: t.field({
      ...needToKnow('CONSENT', ofEntry),
      type: LegalBasisEnum,
      nullable: true,
      description: 'The basis claimed or relied on.',
      resolve: (p) => p.entry.legalBasis ?? null,
    }),
    identityCheck: t.field({
      ...needToKnow('CONSENT', ofEntry),
      type: IdentityCheckEnum,
      nullable: true,
      description: 'How the requester was verified.',
      resolve: (p) => p.entry.identityCheck ?? null,
    }),
    reasoning: t.string({
      ...needToKnow('CONSENT', ofEntry),
      nullable: true,
      description:
        'The decision’s, correction’s or exceptional disclosure’s reasoning; CLIENT_INFORMED: how and by whom the person was told (which they read too).',
      resolve: (p, _a, c) => sealed(p, 'reasoning', c),
    }),
    recipient: t.string({
      ...needToKnow('CONSENT', ofEntry),
      nullable: true,
      description: 'Exceptional disclosure: who received the information.',
      resolve: (p, _a, c) => sealed(p, 'recipient', c),
    }),
    reasonNotInformed: t.string({
      ...needToKnow('CONSENT', ofEntry),
      nullable: true,
      description:
        'Exceptional disclosure: why telling the person would increase risk, when they were not told. Null for the person themself, who sees the disclosure only once they have been told of it (CLIENT_INFORMED), and never why they were not told at first.',
      resolve: (p, _a, c) => (readByThePerson(c) ? null : sealed(p, 'reasonNotInformed', c)),
    }),
    itemIds: t.stringList({
      ...needToKnow('CONSENT', ofEntry),
      nullable: true,
      description:
        'The items requested or released, as raw note ids (opaque; not global ids): those `items` names.',
      deprecationReason:
        'Raw ids next to global ones (issue 19): use `items`, whose `id`s are the global note ids `releaseDisclosure` and `recordAuthorAuthority` take.',
      // Nobody is given the id of a note `items` leaves out for them (withheld from the person, unreadable by staff).
      resolve: async (p, _args, context) => (await notesOf(p, context)).map(({ note }) => note.noteId),
    }),
    items: t.field({
      ...needToKnow('CONSENT', ofEntry),
      type: [CaseNoteInterface],
      nullable: true,
      description:
        'The notes requested, released or disclosed, by global id (what `releaseDisclosure` and `recordAuthorAuthority` take); a note no longer held is left out, and so is, for a reader who decides no disclosures, one they may not read at all (as `notes` leaves it out), and, for the person themself, a note withheld from them. The service’s managers, the Caldicott Guardian and the IG lead, who decide requests, are told of every note named. Each note’s own fields keep their need-to-know: its text is read only by those who may read it.',
      resolve: (p, _args, context) => notesOf(p, context),
    }),
    snapshotDigest: t.string({
      ...needToKnow('CONSENT', ofEntry),
      nullable: true,
      description: 'SHA-256 of exactly what was released, redactions applied.',
      resolve: (p) => p.entry.snapshotDigest ?? null,
    }),
    redactions: t.string({
      ...needToKnow('CONSENT', ofEntry),
      nullable: true,
      description:
        'What was redacted. The phrases are the released notes’ own text: null unless the caller may read every note the entry names (for the person themself, not when one was withheld from them), and once one of them is no longer held.',
      resolve: async (p, _a, c) => {
        const held = await heldNotesOf(p, c);
        if (held.length < p.entry.itemIds.length || !(await mayReadEveryNote(c, p.client, held))) return null;
        return sealed(p, 'redactions', c);
      },
    }),
    releasedText: t.field({
      ...needToKnow('CONSENT', ofEntry),
      type: [ReleasedTextRef],
      nullable: true,
      description:
        'What left, exactly as the digest covers it (redactions applied), in release order: given once, on the answer to `releaseDisclosure`, to its sender, who sends it by email, post or in person (a partner app reads it through its grant). Null when the entry is read later (the register keeps the digest, not the text), and unless the caller may read every note released.',
      resolve: async (p, _args, context) => {
        if (!p.released) return null;
        const held = await heldNotesOf(p, context);
        if (held.length < p.entry.itemIds.length) return null;
        // Each text given is a read of that note, recorded under its own classification (as its `body` is).
        const decisions = await Promise.all(
          held.map(async (note) =>
            context.access.decideRead(
              p.client,
              classificationOf(note.kind),
              'ReleasedText.body',
              await noteFacts(context, note),
              'releaseDisclosure',
              note.noteId,
            ),
          ),
        );
        return decisions.every((decision) => decision.effect === 'ALLOW') ? [...p.released] : null;
      },
    }),
    method: t.string({
      ...needToKnow('CONSENT', ofEntry),
      nullable: true,
      description: 'How it was released.',
      resolve: (p) => p.entry.method ?? null,
    }),
    releasedBy: t.string({
      ...needToKnow('CONSENT', ofEntry),
      nullable: true,
      description: 'Who recorded the entry.',
      resolve: (p) => p.entry.by,
    }),
    madeBy: t.globalID({
      ...needToKnow('CONSENT', ofEntry),
      nullable: true,
      description:
        'EXCEPTIONAL_DISCLOSURE: who made the disclosure — the staff member the Caldicott Guardian named when recording it for them, otherwise the one who recorded it (`releasedBy`). Null on other kinds.',
      resolve: (p) =>
        p.entry.kind === 'EXCEPTIONAL_DISCLOSURE'
          ? { type: 'StaffMember', id: p.entry.madeBy ?? p.entry.by }
          : null,
    }),
    grantExpiresAt: t.field({
      ...needToKnow('CONSENT', ofEntry),
      type: 'DateTime',
      nullable: true,
      description: 'Until when the partner may read the release.',
      resolve: (p) => p.entry.grantExpiresAt ?? null,
    }),
    flaggedForGuardian: t.boolean({
      ...needToKnow('CONSENT', ofEntry),
      nullable: true,
      description: 'Released without consent on a legal basis: flagged for the Caldicott Guardian.',
      resolve: (p) => p.entry.flaggedForGuardian,
    }),
    clientInformed: t.boolean({
      ...needToKnow('CONSENT', ofEntry),
      nullable: true,
      description:
        'Exceptional disclosure: was the person told when it was recorded (a later CLIENT_INFORMED entry records that they have been told since); CLIENT_INFORMED: true.',
      resolve: (p) => p.entry.clientInformed ?? null,
    }),
    toldOn: t.string({
      ...needToKnow('CONSENT', ofEntry),
      nullable: true,
      description: 'CLIENT_INFORMED: the date the person was told, YYYY-MM-DD. Null on other kinds.',
      resolve: (p) => p.entry.toldOn ?? null,
    }),
  }),
});

builder.objectFields(ServiceUserRef, (t) => ({
  disclosureRegister: t.field({
    ...needToKnow('CONSENT', (client: ServiceUserRecord) => ({ client })),
    type: [RegisterEntryRef],
    nullable: true,
    description:
      'The person’s disclosure history, oldest first (append-only). The person themself does not see an exceptional disclosure they were not told of because telling them would increase risk, until a CLIENT_INFORMED entry records that they have been told.',
    deprecationReason:
      'A list that grows (issue 19): use `disclosureRegisterConnection`, which pages with cursors.',
    resolve: async (client, _args, context) => {
      const entries = await context.services.disclosures.register(callerScope(context), client.clientId);
      const own = readByThePerson(context);
      return (own ? visibleToSubject(entries) : entries).map((entry) => ({ client, entry }));
    },
  }),
  disclosureRegisterConnection: t.connection({
    ...needToKnow('CONSENT', (client: ServiceUserRecord) => ({ client })),
    type: RegisterEntryRef,
    nullable: true,
    description:
      'The person’s disclosure history (append-only) as a cursor connection paged in the store: each request’s entries together and in sequence, requests in a stable order by id (not by date). The person themself does not see an exceptional disclosure they were not told of because telling them would increase risk, until a CLIENT_INFORMED entry records that they have been told.',
    resolve: (client, args, context) =>
      storeConnection(
        args,
        listPositions(context, 'disclosureRegisterConnection'),
        (page) => context.services.disclosures.registerPage(callerScope(context), client.clientId, page),
        async (entries) => {
          if (context.auth?.principal.kind !== 'SERVICE_USER')
            return entries.map((entry) => ({ client, entry }));
          // A page may hold part of a request: its later entries without the opening one, which says whether the
          // person was told when it was recorded, or the opening one without the CLIENT_INFORMED entry that says they
          // have been told since. Each request of the page is judged whole, from the store.
          const kept = await context.services.disclosures.requestsKeptFromSubject(
            callerScope(context),
            client.clientId,
            [...new Set(entries.map((entry) => entry.requestId))],
          );
          return entries.map((entry) => (kept.has(entry.requestId) ? undefined : { client, entry }));
        },
        // The filter records nothing (the fields' own reads are recorded): the page may look past itself, so that a
        // disclosure the person was not told of is not betrayed by a next page that turns out empty.
        { lookAhead: true },
      ),
  }),
}));
