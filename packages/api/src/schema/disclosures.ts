import { createHash } from 'node:crypto';
import { decideWrite, PLAIN_ITEM } from '@confide/access';
import { ConfideError, ErrorCode, forbidden, isIdOf, notFound, validate } from '@confide/domain';
import {
  IDENTITY_CHECKS,
  LEGAL_BASES,
  type LegalBasis,
  type RegisterEntry,
  type SealedRegisterField,
  type ServiceUserRecord,
  visibleToSubject,
} from '@confide/store';
import { needToKnow } from '../access/need-to-know';
import { builder } from '../builder';
import { type ConfideContext, callerScope, hasRole, staffPrincipal } from '../context';
import type { ConfideServices } from '../services';
import { CaseNoteInterface, type NoteInContext } from './case-notes';
import { localId, noteLocalId } from './ids';
import { ServiceUserRef } from './service-users';

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
const IdentityCheckEnum = builder.enumType('IdentityCheck', {
  description: 'How the requester’s identity was verified (Lets connect 4.3).',
  values: IDENTITY_CHECKS,
});
const ReleaseMethodEnum = builder.enumType('ReleaseMethod', {
  description: 'How the released bundle was sent.',
  values: ['PARTNER_APP', 'SECURE_EMAIL', 'POST', 'IN_PERSON'] as const,
});

interface EntryInContext {
  readonly client: ServiceUserRecord;
  readonly entry: RegisterEntry;
}

const ofEntry = (parent: EntryInContext) => ({ client: parent.client });

async function sealed(parent: EntryInContext, field: SealedRegisterField, context: ConfideContext) {
  const key = await context.access.clientKey(parent.client);
  return context.services.disclosures.openSealed(key, parent.entry, field) ?? null;
}

const RegisterEntryRef = builder.objectRef<EntryInContext>('DisclosureRegisterEntry');
RegisterEntryRef.implement({
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
      description: 'RECEIVED, ESCALATED, APPROVED, REFUSED, RELEASED, EXCEPTIONAL_DISCLOSURE or CORRECTION.',
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
      description: 'The decision’s, correction’s or exceptional disclosure’s reasoning.',
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
        'Exceptional disclosure: why telling the person would increase risk, when they were not told.',
      resolve: (p, _a, c) => sealed(p, 'reasonNotInformed', c),
    }),
    itemIds: t.stringList({
      ...needToKnow('CONSENT', ofEntry),
      nullable: true,
      description: 'The items requested or released.',
      resolve: (p) => [...p.entry.itemIds],
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
      description: 'What was redacted.',
      resolve: (p, _a, c) => sealed(p, 'redactions', c),
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
      description: 'Exceptional disclosure: was the person told.',
      resolve: (p) => p.entry.clientInformed ?? null,
    }),
  }),
});

builder.objectFields(ServiceUserRef, (t) => ({
  disclosureRegister: t.field({
    ...needToKnow('CONSENT', (client: ServiceUserRecord) => ({ client })),
    type: [RegisterEntryRef],
    nullable: true,
    description:
      'The person’s disclosure history, oldest first (append-only). The person themself does not see an exceptional disclosure they were not told of because telling them would increase risk.',
    resolve: async (client, _args, context) => {
      const entries = await context.services.disclosures.register(callerScope(context), client.clientId);
      const own = context.auth?.principal.kind === 'SERVICE_USER';
      return (own ? visibleToSubject(entries) : entries).map((entry) => ({ client, entry }));
    },
  }),
}));

// ── Helpers ─────────────────────────────────────────────────────────────────────────────────────────────────

async function clientFor(context: ConfideContext, id: string | number, operation: string) {
  return context.access.visibleClient(localId(id, 'ServiceUser', 'serviceUser', 'Service user'), operation);
}

/** Disclosure work belongs to the client's service managers and the Caldicott Guardian. */
async function requireDisclosureRole(context: ConfideContext, client: ServiceUserRecord, operation: string) {
  const relation = await context.access.relationTo(client);
  if (relation.managesService || hasRole(context, 'CALDICOTT_GUARDIAN')) return;
  context.access.audit.record({
    action: 'DENIED',
    operation,
    subjectId: client.clientId,
    outcome: 'FORBIDDEN',
  });
  throw forbidden('Disclosures are decided by the service’s managers or the Caldicott Guardian.');
}

/** A register entry as the mutations give it: the client and the author are filled in by {@link appendEntry}. */
type NewEntry = Omit<Parameters<ConfideServices['disclosures']['append']>[2], 'clientId' | 'by'>;

/**
 * Appends an entry to the client's disclosure register, audited as a CONSENT write before it is written: if the
 * audit cannot be written, the register is left as it was.
 */
async function appendEntry(
  context: ConfideContext,
  client: ServiceUserRecord,
  operation: string,
  entry: NewEntry,
  rule?: string,
) {
  await context.access.audit.recordBeforeChange({
    action: 'WRITE',
    operation,
    subjectId: client.clientId,
    classification: 'CONSENT',
    outcome: 'ALLOWED',
    rule,
  });
  return context.services.disclosures.append(callerScope(context), await context.access.clientKey(client), {
    ...entry,
    clientId: client.clientId,
    by: staffPrincipal(context).staffId,
  });
}

async function requestEntries(context: ConfideContext, client: ServiceUserRecord, requestId: string) {
  if (!isIdOf('disclosure', requestId)) throw notFound('Disclosure request');
  const entries = await context.services.disclosures.request(
    callerScope(context),
    client.clientId,
    requestId,
  );
  const received = entries.find((entry) => entry.kind === 'RECEIVED');
  if (!received) throw notFound('Disclosure request');
  return { entries, received, next: Math.max(...entries.map((entry) => entry.sequence)) + 1 };
}

/** A current consent the disclosure can rest on: not withdrawn, and not a publicity consent. */
async function sharingConsent(context: ConfideContext, client: ServiceUserRecord) {
  const consents = await context.services.consents.list(callerScope(context), client.clientId);
  return consents.find(
    (consent) => !consent.withdrawnAt && ['NAMED_AGENCY', 'GP', 'FAMILY', 'OTHER'].includes(consent.scope),
  );
}

async function notesFor(context: ConfideContext, client: ServiceUserRecord, itemIds: readonly string[]) {
  const scope = callerScope(context);
  return Promise.all(
    itemIds.map(async (id) => {
      const note = await context.services.caseNotes.get(scope, client.clientId, id, context.access.loader);
      if (!note) throw notFound('Note');
      return note;
    }),
  );
}

/** Correspondence authored by another organisation needs that author’s recorded authority (Azure 4.1). */
function requireAuthorAuthority(notes: readonly import('@confide/store').CaseNote[]) {
  const missing = notes.filter((note) => note.authorOrganisation && !note.authorAuthority);
  if (missing.length > 0) {
    throw new ConfideError(
      ErrorCode.CONSENT_REQUIRED,
      'Correspondence written by another organisation cannot be released without that author’s recorded authority.',
      { details: { itemIds: missing.map((note) => note.noteId) } },
    );
  }
}

/**
 * Who records an exceptional disclosure: the staff member who made it — anyone whose relationship lets them
 * write the person’s CARE record (allocated workers and volunteers, the service’s managers) — or the Caldicott
 * Guardian. One WRITE event, naming the legal basis, is written before anything else (audit before writes);
 * a refusal is audited too.
 */
async function authoriseExceptionalDisclosure(
  context: ConfideContext,
  client: ServiceUserRecord,
  legalBasis: LegalBasis,
) {
  const operation = 'recordExceptionalDisclosure';
  const decision = decideWrite({
    caller: context.access.callerFacts(),
    relation: await context.access.relationTo(client),
    item: PLAIN_ITEM,
    classification: 'CARE',
    preset: context.access.preset,
  });
  if (decision.effect !== 'ALLOW' && !hasRole(context, 'CALDICOTT_GUARDIAN')) {
    context.access.audit.record({
      action: 'DENIED',
      operation,
      subjectId: client.clientId,
      classification: 'CONSENT',
      outcome: decision.effect,
      rule: decision.rule,
    });
    if (decision.effect === 'NOT_FOUND') throw notFound('Service user');
    throw forbidden(
      'An exceptional disclosure is recorded by staff who support the person, their service’s managers or the Caldicott Guardian.',
    );
  }
  await context.access.audit.recordBeforeChange({
    action: 'WRITE',
    operation,
    subjectId: client.clientId,
    classification: 'CONSENT',
    relationship: decision.effect === 'ALLOW' ? decision.relationship : undefined,
    outcome: 'ALLOWED',
    rule: `disclosure.exceptional.${legalBasis}`,
  });
}

// ── Mutations ────────────────────────────────────────────────────────────────────────────────────────────────

const ReceiveInput = builder.inputType('ReceiveDisclosureRequestInput', {
  description: 'A request for information received in writing (Azure 4.1), with the requester verified.',
  fields: (t) => ({
    serviceUserId: t.id({ required: true, description: 'Whom it is about.' }),
    requesterOrganisation: t.string({ required: true, description: 'The requesting organisation.' }),
    requesterContact: t.string({ required: true, description: 'Contact at the requester.' }),
    purpose: t.string({ required: true, description: 'What they need it for.' }),
    legalBasis: t.field({ type: LegalBasisEnum, required: true, description: 'The basis claimed.' }),
    itemIds: t.idList({ required: true, description: 'The notes requested.' }),
    receivedOn: t.string({ required: true, description: 'Date received, YYYY-MM-DD.' }),
    identityCheck: t.field({
      type: IdentityCheckEnum,
      required: true,
      description: 'How the requester was verified.',
    }),
    partnerId: t.id({
      required: false,
      description: 'The partner agency whose app will receive it, if any.',
    }),
  }),
});

const ReleaseInput = builder.inputType('ReleaseDisclosureInput', {
  description: 'What is released, how, and until when the partner may read it.',
  fields: (t) => ({
    serviceUserId: t.id({ required: true, description: 'Whom it is about.' }),
    requestId: t.string({ required: true, description: 'The approved request.' }),
    itemIds: t.idList({ required: true, description: 'The notes released (a subset of those approved).' }),
    redactions: t.stringList({
      required: false,
      description: 'Phrases replaced by [REDACTED] in the bundle.',
    }),
    method: t.field({ type: ReleaseMethodEnum, required: true, description: 'How it is sent.' }),
    grantExpiresAt: t.field({
      type: 'DateTime',
      required: false,
      description: 'Until when the partner app may read it (required for PARTNER_APP; at most 90 days).',
    }),
  }),
});

const ExceptionalInput = builder.inputType('ExceptionalDisclosureInput', {
  description: 'A disclosure without consent under a duty to share (JRH “Exceptional Breaches”).',
  fields: (t) => ({
    serviceUserId: t.id({ required: true, description: 'Whom it is about.' }),
    recipient: t.string({ required: true, description: 'Who received it.' }),
    legalBasis: t.field({ type: LegalBasisEnum, required: true, description: 'The basis (not CONSENT).' }),
    reasoning: t.string({ required: true, description: 'Why sharing without consent was necessary.' }),
    itemIds: t.idList({ required: true, description: 'What was shared.' }),
    clientInformed: t.boolean({
      required: true,
      description: 'Whether the person was told (they are, unless that would increase risk).',
    }),
    reasonNotInformed: t.string({
      required: false,
      description:
        'Required when not told: why telling would increase risk. The person then does not see the disclosure in their own register or subject access export.',
    }),
  }),
});

function noteIds(client: ServiceUserRecord, ids: readonly (string | number)[]): string[] {
  return validate.nonEmptyUnique(['input', 'itemIds'], ids).map((id) => {
    const { clientId, noteId } = noteLocalId(id);
    if (clientId !== client.clientId) throw notFound('Note');
    return noteId;
  });
}

builder.mutationFields((t) => ({
  receiveDisclosureRequest: t.field({
    type: [RegisterEntryRef],
    description:
      'Records a written disclosure request in the register (the service’s managers, the Caldicott Guardian).',
    authScopes: { staff: true },
    args: { input: t.arg({ type: ReceiveInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const client = await clientFor(context, input.serviceUserId, 'receiveDisclosureRequest');
      await requireDisclosureRole(context, client, 'receiveDisclosureRequest');
      const itemIds = noteIds(client, input.itemIds);
      await notesFor(context, client, itemIds);
      const partnerId = input.partnerId == null ? undefined : String(input.partnerId);
      if (
        partnerId &&
        !(await context.services.partners.list(callerScope(context))).some((p) => p.partnerId === partnerId)
      ) {
        throw notFound('Partner agency');
      }
      const entry = await appendEntry(context, client, 'receiveDisclosureRequest', {
        requestId: context.services.disclosures.newRequestId(),
        sequence: 1,
        kind: 'RECEIVED',
        requesterOrganisation: validate.text(
          ['input', 'requesterOrganisation'],
          input.requesterOrganisation,
          { max: 200 },
        ),
        partnerId,
        legalBasis: input.legalBasis,
        identityCheck: input.identityCheck,
        receivedOn: validate.pastDate(
          ['input', 'receivedOn'],
          input.receivedOn,
          context.services.clock.now(),
        ),
        itemIds,
        sealed: {
          requesterContact: validate.text(['input', 'requesterContact'], input.requesterContact, {
            max: 500,
          }),
          purpose: validate.text(['input', 'purpose'], input.purpose, { max: 2000, multiline: true }),
        },
      });
      return [{ client, entry }];
    },
  }),
  escalateDisclosureRequest: t.field({
    type: RegisterEntryRef,
    description: 'Escalates a doubtful request to the Caldicott Guardian, who alone may then decide it.',
    authScopes: { staff: true },
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'Whom it is about.' }),
      requestId: t.arg.string({ required: true, description: 'The request.' }),
      reasoning: t.arg.string({ required: true, description: 'Why it is doubtful.' }),
    },
    resolve: async (_root, args, context) => {
      const client = await clientFor(context, args.serviceUserId, 'escalateDisclosureRequest');
      await requireDisclosureRole(context, client, 'escalateDisclosureRequest');
      const { entries, next } = await requestEntries(context, client, args.requestId);
      if (entries.some((e) => ['APPROVED', 'REFUSED', 'ESCALATED'].includes(e.kind))) {
        throw new ConfideError(ErrorCode.CONFLICT, 'The request is already escalated or decided.');
      }
      const entry = await appendEntry(context, client, 'escalateDisclosureRequest', {
        requestId: args.requestId,
        sequence: next,
        kind: 'ESCALATED',
        flaggedForGuardian: true,
        sealed: { reasoning: validate.text(['reasoning'], args.reasoning, { max: 2000, multiline: true }) },
      });
      return { client, entry };
    },
  }),
  decideDisclosureRequest: t.field({
    type: RegisterEntryRef,
    description:
      'Approves or refuses a request with reasoning (SERVICE_MANAGER of the service; the CALDICOTT_GUARDIAN, who alone decides escalated ones). Approval needs a current consent, or a legal basis other than consent — which flags it for the Guardian.',
    authScopes: { staff: true },
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'Whom it is about.' }),
      requestId: t.arg.string({ required: true, description: 'The request.' }),
      approve: t.arg.boolean({ required: true, description: 'Approve or refuse.' }),
      reasoning: t.arg.string({ required: true, description: 'Why.' }),
    },
    resolve: async (_root, args, context) => {
      const client = await clientFor(context, args.serviceUserId, 'decideDisclosureRequest');
      await requireDisclosureRole(context, client, 'decideDisclosureRequest');
      const { entries, received, next } = await requestEntries(context, client, args.requestId);
      if (entries.some((e) => e.kind === 'APPROVED' || e.kind === 'REFUSED')) {
        throw new ConfideError(ErrorCode.CONFLICT, 'The request is already decided.');
      }
      if (entries.some((e) => e.kind === 'ESCALATED') && !hasRole(context, 'CALDICOTT_GUARDIAN')) {
        throw forbidden('An escalated request is decided by the Caldicott Guardian.');
      }
      const reasoning = validate.text(['reasoning'], args.reasoning, { max: 2000, multiline: true });
      let consentId: string | undefined;
      if (args.approve) {
        if (received.legalBasis === 'CONSENT') {
          consentId = (await sharingConsent(context, client))?.consentId;
          if (!consentId) {
            throw new ConfideError(
              ErrorCode.CONSENT_REQUIRED,
              'There is no current consent to share; a legal basis is needed instead.',
            );
          }
        }
        requireAuthorAuthority(await notesFor(context, client, received.itemIds));
      }
      const entry = await appendEntry(
        context,
        client,
        'decideDisclosureRequest',
        {
          requestId: args.requestId,
          sequence: next,
          kind: args.approve ? 'APPROVED' : 'REFUSED',
          consentId,
          legalBasis: received.legalBasis,
          flaggedForGuardian: args.approve && received.legalBasis !== 'CONSENT',
          sealed: { reasoning },
        },
        args.approve ? 'disclosure.approved' : 'disclosure.refused',
      );
      return { client, entry };
    },
  }),
  releaseDisclosure: t.field({
    type: RegisterEntryRef,
    description:
      'Releases approved items: records a SHA-256 digest of exactly what left (redactions applied), who released it, how and when, and — for PARTNER_APP — grants the partner those items until the expiry.',
    authScopes: { staff: true },
    args: { input: t.arg({ type: ReleaseInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const client = await clientFor(context, input.serviceUserId, 'releaseDisclosure');
      await requireDisclosureRole(context, client, 'releaseDisclosure');
      const { entries, received, next } = await requestEntries(context, client, input.requestId);
      const approval = entries.find((e) => e.kind === 'APPROVED');
      if (!approval) {
        throw new ConfideError(
          ErrorCode.FORBIDDEN,
          'Only an approved request can be released; without consent a recorded legal basis and a decision are needed.',
        );
      }
      if (entries.some((e) => e.kind === 'RELEASED'))
        throw new ConfideError(ErrorCode.CONFLICT, 'The request was already released.');
      const itemIds = noteIds(client, input.itemIds);
      if (itemIds.some((id) => !received.itemIds.includes(id))) {
        throw validate.badInputError(
          ['input', 'itemIds'],
          'Only items that were requested and approved can be released.',
        );
      }
      if (received.legalBasis === 'CONSENT' && !(await sharingConsent(context, client))) {
        throw new ConfideError(
          ErrorCode.CONSENT_REQUIRED,
          'The consent this release relied on has been withdrawn.',
        );
      }
      const notes = await notesFor(context, client, itemIds);
      requireAuthorAuthority(notes);
      const now = context.services.clock.now();
      let grantExpiresAt: string | undefined;
      if (input.method === 'PARTNER_APP') {
        if (!received.partnerId)
          throw validate.badInputError(['input', 'method'], 'The request names no partner agency app.');
        const expiry = input.grantExpiresAt;
        if (!expiry || expiry <= now || expiry.getTime() - now.getTime() > 90 * 86_400_000) {
          throw validate.badInputError(
            ['input', 'grantExpiresAt'],
            'A partner grant ends in the future, within 90 days.',
          );
        }
        grantExpiresAt = expiry.toISOString();
      }
      const redactions = (input.redactions ?? []).map((r, i) =>
        validate.text(['input', 'redactions', String(i)], r, { max: 200 }),
      );
      const key = await context.access.clientKey(client);
      const bundle = notes.map((note) => {
        let body = context.services.caseNotes.openBody(key, note);
        for (const phrase of redactions) body = body.split(phrase).join('[REDACTED]');
        return { noteId: note.noteId, kind: note.kind, recordedAt: note.recordedAt, body };
      });
      const snapshotDigest = createHash('sha256').update(JSON.stringify(bundle)).digest('hex');
      const entry = await appendEntry(
        context,
        client,
        'releaseDisclosure',
        {
          requestId: input.requestId,
          sequence: next,
          kind: 'RELEASED',
          partnerId: input.method === 'PARTNER_APP' ? received.partnerId : undefined,
          itemIds,
          consentId: approval.consentId,
          legalBasis: received.legalBasis,
          snapshotDigest,
          method: input.method,
          grantExpiresAt,
          flaggedForGuardian: received.legalBasis !== 'CONSENT',
          sealed: redactions.length > 0 ? { redactions: redactions.join('\n') } : {},
        },
        `disclosure.released.${received.legalBasis}`,
      );
      return { client, entry };
    },
  }),
  correctDisclosureEntry: t.field({
    type: RegisterEntryRef,
    description: 'Appends a correction to a request’s history; entries are never edited or deleted.',
    authScopes: { staff: true },
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'Whom it is about.' }),
      requestId: t.arg.string({ required: true, description: 'The request.' }),
      reasoning: t.arg.string({ required: true, description: 'What was wrong and what is right.' }),
    },
    resolve: async (_root, args, context) => {
      const client = await clientFor(context, args.serviceUserId, 'correctDisclosureEntry');
      await requireDisclosureRole(context, client, 'correctDisclosureEntry');
      const { next } = await requestEntries(context, client, args.requestId);
      const entry = await appendEntry(context, client, 'correctDisclosureEntry', {
        requestId: args.requestId,
        sequence: next,
        kind: 'CORRECTION',
        sealed: { reasoning: validate.text(['reasoning'], args.reasoning, { max: 2000, multiline: true }) },
      });
      return { client, entry };
    },
  }),
  recordExceptionalDisclosure: t.field({
    type: RegisterEntryRef,
    description:
      'Records a disclosure made without consent under a duty to share (JRH “Exceptional Breaches”), by the staff member who made it (anyone who supports the person, their service’s managers) or the Caldicott Guardian: reasoning and legal basis recorded, flagged for the Caldicott Guardian, and a review raised for the service’s managers and the Guardian (`disclosureReviews`). The person is told unless that would increase risk, and the reason is recorded.',
    authScopes: { staff: true },
    args: { input: t.arg({ type: ExceptionalInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const operation = 'recordExceptionalDisclosure';
      const client = await clientFor(context, input.serviceUserId, operation);
      // Everything the caller sent is checked before anything is recorded: bad input changes nothing.
      if ((input.legalBasis as LegalBasis) === 'CONSENT') {
        throw validate.badInputError(
          ['input', 'legalBasis'],
          'An exceptional disclosure is made without consent: give its legal basis.',
        );
      }
      const recipient = validate.text(['input', 'recipient'], input.recipient, { max: 200 });
      const reasoning = validate.text(['input', 'reasoning'], input.reasoning, {
        max: 2000,
        multiline: true,
      });
      const reasonNotInformed = input.clientInformed
        ? undefined
        : input.reasonNotInformed == null
          ? undefined
          : validate.text(['input', 'reasonNotInformed'], input.reasonNotInformed, {
              max: 2000,
              multiline: true,
            });
      if (!input.clientInformed && !reasonNotInformed) {
        throw validate.badInputError(
          ['input', 'reasonNotInformed'],
          'Say why telling the person would increase risk.',
        );
      }
      const itemIds = noteIds(client, input.itemIds);
      await authoriseExceptionalDisclosure(context, client, input.legalBasis);
      await notesFor(context, client, itemIds);
      const scope = callerScope(context);
      const staffId = staffPrincipal(context).staffId;
      const requestId = context.services.disclosures.newRequestId();
      const review = context.services.disclosureReviews.newReview(scope, {
        clientId: client.clientId,
        serviceId: client.serviceId,
        requestId,
        legalBasis: input.legalBasis,
        clientInformed: input.clientInformed,
        recordedBy: staffId,
      });
      const entry = await context.services.disclosures.append(
        scope,
        await context.access.clientKey(client),
        {
          requestId,
          clientId: client.clientId,
          sequence: 1,
          kind: 'EXCEPTIONAL_DISCLOSURE',
          by: staffId,
          legalBasis: input.legalBasis,
          itemIds,
          flaggedForGuardian: true,
          clientInformed: input.clientInformed,
          sealed: { recipient, reasoning, reasonNotInformed },
        },
        [review.item],
      );
      context.access.audit.record({
        action: 'ADMIN',
        operation: 'openDisclosureReview',
        subjectId: client.clientId,
        outcome: 'ALLOWED',
        rule: input.clientInformed ? 'review.client-informed' : 'review.client-not-informed',
      });
      return { client, entry };
    },
  }),
  recordAuthorAuthority: t.field({
    type: 'Boolean',
    description: 'Records another organisation’s authority to disclose correspondence it wrote (Azure 4.1).',
    authScopes: { staff: true },
    args: {
      noteId: t.arg.id({ required: true, description: 'The correspondence.' }),
      reference: t.arg.string({
        required: true,
        description: 'Reference of the author’s written authority.',
      }),
    },
    resolve: async (_root, args, context) => {
      const { clientId, noteId } = noteLocalId(args.noteId);
      const client = await context.access.visibleClient(clientId, 'recordAuthorAuthority');
      await requireDisclosureRole(context, client, 'recordAuthorAuthority');
      const note = await context.services.caseNotes.get(
        callerScope(context),
        clientId,
        noteId,
        context.access.loader,
      );
      if (!note?.authorOrganisation) throw notFound('Correspondence from another organisation');
      const reference = validate.text(['reference'], args.reference, { max: 200 });
      await context.access.audit.recordBeforeChange({
        action: 'WRITE',
        operation: 'recordAuthorAuthority',
        subjectId: clientId,
        classification: 'CONSENT',
        outcome: 'ALLOWED',
      });
      await context.services.caseNotes.recordAuthorAuthority(
        note,
        reference,
        staffPrincipal(context).staffId,
      );
      return true;
    },
  }),
}));

// ── What a partner agency sees ─────────────────────────────────────────────────────────────────────────────

builder.queryFields((t) => ({
  releasedToMe: t.field({
    type: [CaseNoteInterface],
    description:
      'For a partner agency’s app: exactly the items released to it whose grant has not expired and whose consent still stands. Nothing else of the organisation is visible to partners.',
    authScopes: { authenticated: true },
    resolve: async (_root, _args, context) => {
      const principal = context.auth?.principal;
      if (principal?.kind !== 'PARTNER') throw forbidden('Only partner agencies have releases.');
      const scope = callerScope(context);
      const { loader } = context.access;
      // Exactly the granted items, read by key: clients, notes and keys all in one batch.
      const reads = [...(await context.access.partnerItems())].flatMap(([clientId, noteIds]) => {
        loader.prefetchSubjectKey(scope.orgId, clientId);
        return [...noteIds].map(async (noteId) => {
          const [client, note] = await Promise.all([
            context.services.serviceUsers.get(scope, clientId, loader),
            context.services.caseNotes.get(scope, clientId, noteId, loader),
          ]);
          return client && note ? [{ client, note }] : [];
        });
      });
      const results: NoteInContext[] = (await Promise.all(reads)).flat();
      return results.sort(
        (a, b) =>
          a.client.clientId.localeCompare(b.client.clientId) ||
          b.note.recordedAt.localeCompare(a.note.recordedAt),
      );
    },
  }),
}));
