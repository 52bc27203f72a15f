import type { ChangeFacts } from '@confide/access';
import {
  ConfideError,
  DISTRIBUTED_NOTE_KINDS,
  ErrorCode,
  notFound,
  validate,
  wallClockMs,
} from '@confide/domain';
import type { RegisterEntry, ServiceUserRecord } from '@confide/store';
import type { OperationSubject } from '../../access/operation-plugin';
import { builder } from '../../builder';
import type { ConfideContext } from '../../context';
import { clientSubject } from '../../use-cases/sharing-subjects';
import { oncePerRequest } from '../access-governance/shared';
import { mayReadEveryNote } from '../case-notes';
import { noteLocalId } from '../ids';
import { organisationTimeZone, organisationToday } from '../monitoring/settings';
import { clientById } from '../subjects';
import { consentFactsFor, consentRelied, disclosureConsentMethods } from './consent-facts';
import {
  appendEntry,
  entriesOf,
  noteIds,
  notesFor,
  reliedConsentStands,
  requestEntries,
  requireAuthorAuthority,
} from './helpers';
import {
  DisclosurePurposeEnum,
  IdentityCheckEnum,
  LegalBasisEnum,
  RegisterEntryRef,
  ReleaseMethodEnum,
  RequesterKindEnum,
} from './register';
import { releasedItems } from './release-snapshot';

/**
 * A disclosure request's life in the register (Azure 4.1): received in writing with the requester verified,
 * escalated when doubtful, decided, released with a digest of exactly what left, corrected by a later entry.
 * Each is decided by the sharing policies (`disclosure.*`: the service's managers and the Caldicott Guardian)
 * and audited by the operation plugin as a CONSENT write before it is appended.
 */

/** Every register write is a CONSENT write; `detail` names the rule's qualifier (a decision, a legal basis). */
const consentWrite = (sharing: ChangeFacts['sharing'] = {}): ChangeFacts => ({
  classification: 'CONSENT',
  sharing,
});

/** The facts of an existing request the policy needs: whether it was escalated, and its legal basis. */
async function requestFacts(
  context: ConfideContext,
  subject: OperationSubject,
  requestId: string,
): Promise<{ escalated: boolean; legalBasis: string | undefined }> {
  if (subject.kind !== 'CLIENT') return { escalated: false, legalBasis: undefined };
  const entries = await entriesOf(context, subject.client, requestId);
  return {
    escalated: entries.some((entry) => entry.kind === 'ESCALATED'),
    legalBasis: entries.find((entry) => entry.kind === 'RECEIVED')?.legalBasis,
  };
}

/** Whether a request is urgent now: as received, unless a later URGENCY_CHANGED entry says otherwise. */
function currentUrgency(entries: readonly RegisterEntry[]): boolean {
  return entries
    .filter((entry) => entry.kind === 'RECEIVED' || entry.kind === 'URGENCY_CHANGED')
    .reduce((_, entry) => entry.urgent, false);
}

// ── Inputs ───────────────────────────────────────────────────────────────────────────────────────────────

const ReceiveInput = builder.inputType('ReceiveDisclosureRequestInput', {
  description: 'A request for information received in writing (Azure 4.1), with the requester verified.',
  fields: (t) => ({
    serviceUserId: t.id({ required: true, description: 'Whom it is about.' }),
    requesterOrganisation: t.string({ required: true, description: 'The requesting organisation.' }),
    requesterContact: t.string({ required: true, description: 'Contact at the requester.' }),
    purpose: t.string({ required: true, description: 'What they need it for, in their words (sealed).' }),
    purposeCategory: t.field({
      type: DisclosurePurposeEnum,
      required: false,
      description:
        'What they need it for, as a category: required on the CONSENT basis (BAD_USER_INPUT without it), where only a consent naming this purpose authorises the disclosure.',
    }),
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
      description:
        'The partner agency whose app will receive it, if any. On the CONSENT basis the consent must then name this agency (by its `partnerId`, or by the name it is registered under): the app is who receives it, whatever `requesterOrganisation` says.',
    }),
    requesterKind: t.field({
      type: RequesterKindEnum,
      required: false,
      description: 'Who asks (default ORGANISATION): a consent covers only the recipients its scope names.',
    }),
    urgent: t.boolean({ required: false, description: 'Mark the request urgent (default false).' }),
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

/**
 * A received request's written details, checked: BAD_USER_INPUT names the field at fault. `today` is the organisation's
 * date (`organisationToday`).
 */
function receivedDetails(
  input: {
    requesterOrganisation: string;
    receivedOn: string;
    requesterContact: string;
    purpose: string;
  },
  today: string,
) {
  return {
    requesterOrganisation: validate.text(['input', 'requesterOrganisation'], input.requesterOrganisation, {
      max: 200,
    }),
    receivedOn: validate.pastDate(['input', 'receivedOn'], input.receivedOn, today),
    requesterContact: validate.text(['input', 'requesterContact'], input.requesterContact, { max: 500 }),
    purpose: validate.text(['input', 'purpose'], input.purpose, { max: 2000, multiline: true }),
  };
}

/** A request's reasoning as written: BAD_USER_INPUT for none or too long. */
const reasoningOf = (text: string) => validate.text(['reasoning'], text, { max: 2000, multiline: true });

/** The reference of an author's written authority: BAD_USER_INPUT for none or too long. */
const authorityReferenceOf = (text: string) => validate.text(['reference'], text, { max: 200 });

/**
 * What a release would release, checked: the request approved and not yet released (FORBIDDEN, CONFLICT), only
 * requested items, a consent that still stands (CONSENT_REQUIRED), authors' authority, and for a partner app a named
 * partner, a grant ending within 90 days and no sealed or distributed note (BAD_USER_INPUT).
 */
async function releasePlan(
  context: ConfideContext,
  client: ServiceUserRecord,
  input: {
    requestId: string;
    itemIds: readonly (string | number)[];
    method: string;
    grantExpiresAt?: Date | null;
    redactions?: readonly string[] | null;
  },
) {
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
  if (
    received.legalBasis === 'CONSENT' &&
    !(await reliedConsentStands(context, client, approval.consentId, await disclosureConsentMethods(context)))
  ) {
    throw new ConfideError(
      ErrorCode.CONSENT_REQUIRED,
      'The consent this release relied on has been withdrawn, or was given by a method the organisation no longer accepts.',
    );
  }
  const notes = await notesFor(context, client, itemIds);
  requireAuthorAuthority(notes);
  if (received.legalBasis === 'CONSENT') {
    // A consent covers what the person agreed to share, whatever the method: not a note they asked to keep (sealed),
    // nor a handover or meeting note open only to its list.
    if (notes.some((note) => note.sealed || DISTRIBUTED_NOTE_KINDS.includes(note.kind))) {
      throw validate.badInputError(
        ['input', 'itemIds'],
        'A sealed note, or a handover or meeting note, is not released on the person’s consent.',
      );
    }
    // Approved with the partner agency's app as the recipient the consent names: released to that app only, never
    // to whoever the request's contact is.
    if (received.partnerId && input.method !== 'PARTNER_APP') {
      throw validate.badInputError(
        ['input', 'method'],
        'A request approved on the person’s consent for a partner agency’s app is released to that app (PARTNER_APP).',
      );
    }
  }
  const now = context.services.clock.now();
  let grantExpiresAt: string | undefined;
  if (input.method === 'PARTNER_APP') {
    if (!received.partnerId)
      throw validate.badInputError(['input', 'method'], 'The request names no partner agency app.');
    const expiry = input.grantExpiresAt;
    // 90 days on the organisation's calendar, as the console's picker offers them: a clock change adds or takes no hour.
    const timeZone = await organisationTimeZone(context);
    if (
      !expiry ||
      expiry <= now ||
      wallClockMs(expiry, timeZone) - wallClockMs(now, timeZone) > 90 * 86_400_000
    ) {
      throw validate.badInputError(
        ['input', 'grantExpiresAt'],
        'A partner grant ends in the future, within 90 days.',
      );
    }
    grantExpiresAt = expiry.toISOString();
    // A grant never lowers the floor: a note sealed at the person's request, or a handover or meeting note
    // open only to its distribution list, is one the partner could never read. Refused, not recorded as released.
    if (notes.some((note) => note.sealed || DISTRIBUTED_NOTE_KINDS.includes(note.kind))) {
      throw validate.badInputError(
        ['input', 'itemIds'],
        'A sealed note, or a handover or meeting note, cannot be released to a partner app.',
      );
    }
  }
  const redactions = (input.redactions ?? []).map((r, i) =>
    validate.text(['input', 'redactions', String(i)], r, { max: 200 }),
  );
  return { received, next, approval, itemIds, notes, grantExpiresAt, redactions };
}

/** {@link releasePlan}, read and checked once per request: `validate` and the resolver share it. */
function checkedRelease(
  context: ConfideContext,
  client: ServiceUserRecord,
  input: Parameters<typeof releasePlan>[2],
): ReturnType<typeof releasePlan> {
  const key = `release-plan:${client.clientId}:${JSON.stringify(input)}`;
  return oncePerRequest(context, key, () => releasePlan(context, client, input));
}

// ── Mutations ────────────────────────────────────────────────────────────────────────────────────────────

builder.mutationFields((t) => ({
  receiveDisclosureRequest: t.field({
    type: [RegisterEntryRef],
    description:
      'Records a written disclosure request in the register (the service’s managers, the Caldicott Guardian).',
    args: { input: t.arg({ type: ReceiveInput, required: true }) },
    operation: {
      policy: 'disclosure.receive',
      subject: clientById(({ input }) => input.serviceUserId),
      change: () => consentWrite(),
      // A request resting on consent names its purpose: a consent authorises only the purposes it names.
      // Checked before the audit event: bad input records nothing, not a request about to be recorded.
      // The items must be the person's notes and a named partner registered (NOT_FOUND), checked here too.
      validate: async ({ input }, context, subject) => {
        if (input.legalBasis === 'CONSENT' && input.purposeCategory == null) {
          throw validate.badInputError(
            ['input', 'purposeCategory'],
            'A request on the CONSENT basis states its purpose category.',
          );
        }
        receivedDetails(input, await organisationToday(context));
        validate.nonEmptyUnique(['input', 'itemIds'], input.itemIds);
        if (subject.kind === 'CLIENT') {
          await notesFor(context, subject.client, noteIds(subject.client, input.itemIds));
        }
        const partnerId = input.partnerId == null ? undefined : String(input.partnerId);
        if (
          partnerId &&
          !(await context.services.partners.list(context.access.scope)).some((p) => p.partnerId === partnerId)
        ) {
          throw notFound('Partner agency');
        }
      },
      audit: 'before',
    },
    resolve: async (operation, { input }, context) => {
      const client = operation.client;
      const details = receivedDetails(input, await organisationToday(context));
      const itemIds = noteIds(client, input.itemIds);
      const partnerId = input.partnerId == null ? undefined : String(input.partnerId);
      const entry = await appendEntry(operation, context, {
        requestId: context.services.disclosures.newRequestId(),
        sequence: 1,
        kind: 'RECEIVED',
        requesterOrganisation: details.requesterOrganisation,
        partnerId,
        legalBasis: input.legalBasis,
        identityCheck: input.identityCheck,
        requesterKind: input.requesterKind ?? 'ORGANISATION',
        urgent: input.urgent === true,
        purposeCategory: input.purposeCategory ?? undefined,
        receivedOn: details.receivedOn,
        itemIds,
        sealed: { requesterContact: details.requesterContact, purpose: details.purpose },
      });
      return [entry];
    },
  }),
  escalateDisclosureRequest: t.field({
    type: RegisterEntryRef,
    description: 'Escalates a doubtful request to the Caldicott Guardian, who alone may then decide it.',
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'Whom it is about.' }),
      requestId: t.arg.string({ required: true, description: 'The request.' }),
      reasoning: t.arg.string({ required: true, description: 'Why it is doubtful.' }),
    },
    operation: {
      policy: 'disclosure.escalate',
      subject: clientById((args) => args.serviceUserId),
      change: () => consentWrite(),
      // Checked before the audit event: bad input records nothing.
      validate: (args) => {
        reasoningOf(args.reasoning);
      },
      audit: 'before',
    },
    resolve: async (operation, args, context) => {
      const reasoning = reasoningOf(args.reasoning);
      const { entries, next } = await requestEntries(context, operation.client, args.requestId);
      if (entries.some((e) => ['APPROVED', 'REFUSED', 'ESCALATED'].includes(e.kind))) {
        throw new ConfideError(ErrorCode.CONFLICT, 'The request is already escalated or decided.');
      }
      // The Guardian alone may now decide it: the governance contacts are told, by reference (decision 0035), in the
      // entry's own transaction, so that a retry after a fault is not refused as already escalated with nobody told.
      const notice = context.services.notifications.outboxItem(
        operation.scope,
        'DISCLOSURE_ESCALATED',
        args.requestId,
      );
      return appendEntry(
        operation,
        context,
        {
          requestId: args.requestId,
          sequence: next,
          kind: 'ESCALATED',
          flaggedForGuardian: true,
          sealed: { reasoning },
        },
        [notice.Put.Item],
      );
    },
  }),
  decideDisclosureRequest: t.field({
    type: RegisterEntryRef,
    description:
      'Approves or refuses a request with reasoning (SERVICE_MANAGER of the service; the CALDICOTT_GUARDIAN, who alone decides escalated ones). Approval needs a current consent, or a legal basis other than consent — which flags it for the Guardian.',
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'Whom it is about.' }),
      requestId: t.arg.string({ required: true, description: 'The request.' }),
      approve: t.arg.boolean({ required: true, description: 'Approve or refuse.' }),
      reasoning: t.arg.string({ required: true, description: 'Why.' }),
    },
    operation: {
      policy: 'disclosure.decide',
      subject: clientById((args) => args.serviceUserId),
      change: async (args, context, subject) => {
        const facts = await requestFacts(context, subject, args.requestId);
        // Approval on the CONSENT basis: the policy decides whether a current consent authorises this request.
        const received =
          args.approve && subject.kind === 'CLIENT' && facts.legalBasis === 'CONSENT'
            ? (await entriesOf(context, subject.client, args.requestId)).find((e) => e.kind === 'RECEIVED')
            : undefined;
        return consentWrite({
          detail: args.approve ? 'approved' : 'refused',
          escalated: facts.escalated,
          ...(received && subject.kind === 'CLIENT'
            ? await consentFactsFor(context, subject.client, received)
            : {}),
        });
      },
      // Checked before the audit event: bad input records nothing.
      validate: (args) => {
        reasoningOf(args.reasoning);
      },
      audit: 'before',
    },
    resolve: async (operation, args, context) => {
      const client = operation.client;
      const { entries, received, next } = await requestEntries(context, client, args.requestId);
      if (entries.some((e) => e.kind === 'APPROVED' || e.kind === 'REFUSED')) {
        throw new ConfideError(ErrorCode.CONFLICT, 'The request is already decided.');
      }
      // Escalated since the policy read it: the Caldicott Guardian alone decides it now. (An escalation landing after
      // this read takes the same sequence number, and one of the two writes is refused.)
      if (
        entries.some((e) => e.kind === 'ESCALATED') &&
        !operation.staff.roles.includes('CALDICOTT_GUARDIAN')
      ) {
        throw new ConfideError(
          ErrorCode.CONFLICT,
          'The request was escalated meanwhile: the Caldicott Guardian decides it.',
        );
      }
      const reasoning = reasoningOf(args.reasoning);
      let consent: { consentId: string; method: string } | undefined;
      if (args.approve) {
        if (received.legalBasis === 'CONSENT') {
          // The consent the policy found to authorise exactly this request; the decision names it.
          consent = await consentRelied(context, client, received);
          if (!consent) {
            throw new ConfideError(
              ErrorCode.CONSENT_REQUIRED,
              'There is no current consent to share; a legal basis is needed instead.',
            );
          }
        }
        requireAuthorAuthority(await notesFor(context, client, received.itemIds));
      }
      return appendEntry(operation, context, {
        requestId: args.requestId,
        sequence: next,
        kind: args.approve ? 'APPROVED' : 'REFUSED',
        consentId: consent?.consentId,
        consentMethod: consent?.method,
        purposeCategory: received.purposeCategory,
        legalBasis: received.legalBasis,
        flaggedForGuardian: args.approve && received.legalBasis !== 'CONSENT',
        sealed: { reasoning },
      });
    },
  }),
  releaseDisclosure: t.field({
    type: RegisterEntryRef,
    description:
      'Releases approved items: records a SHA-256 digest of exactly what left (redactions applied), who released it, how and when, and — for PARTNER_APP — grants the partner those items until the expiry. On the person’s consent, a sealed, handover or meeting note is not released by any method (BAD_USER_INPUT on `itemIds`), and a request approved for a partner agency’s app is released only to that app (BAD_USER_INPUT on `method`).',
    args: { input: t.arg({ type: ReleaseInput, required: true }) },
    operation: {
      policy: 'disclosure.release',
      subject: clientById(({ input }) => input.serviceUserId),
      change: async ({ input }, context, subject) =>
        consentWrite({
          detail: (await requestFacts(context, subject, input.requestId)).legalBasis,
          redactsUnreadNotes:
            (input.redactions ?? []).length > 0 &&
            subject.kind === 'CLIENT' &&
            !(await mayReadEveryNote(
              context,
              subject.client,
              await notesFor(context, subject.client, noteIds(subject.client, input.itemIds)),
            )),
        }),
      // Every check of what is released runs before the audit event: refused input records nothing, and a refusal
      // (not approved, consent withdrawn) only as DENIED. The resolver writes the plan checked here; a release
      // racing this one is refused by the register's own condition on the entry's sequence.
      validate: async ({ input }, context, subject) => {
        if (subject.kind !== 'CLIENT') return;
        const { notes, redactions } = await checkedRelease(context, subject.client, input);
        // A redaction that matches nothing is refused here too (decision 0075), not after the release is audited.
        if (redactions.length > 0) {
          releasedItems(context.services, await context.access.clientKey(subject.client), notes, redactions);
        }
      },
      record: ({ input }) => ({ disclosureId: input.requestId }),
      audit: 'before',
    },
    resolve: async (operation, { input }, context) => {
      const client = operation.client;
      const { received, next, approval, itemIds, notes, grantExpiresAt, redactions } = await checkedRelease(
        context,
        client,
        input,
      );
      // The snapshot of what leaves: the register records its digest, the partner's grant keeps it sealed.
      const key = await context.access.clientKey(client);
      const released = releasedItems(context.services, key, notes, redactions);
      const appended = await appendEntry(operation, context, {
        requestId: input.requestId,
        sequence: next,
        kind: 'RELEASED',
        partnerId: input.method === 'PARTNER_APP' ? received.partnerId : undefined,
        itemIds,
        consentId: approval.consentId,
        consentMustStand: received.legalBasis === 'CONSENT',
        legalBasis: received.legalBasis,
        released,
        method: input.method,
        grantExpiresAt,
        flaggedForGuardian: received.legalBasis !== 'CONSENT',
        sealed: redactions.length > 0 ? { redactions: redactions.join('\n') } : {},
      });
      // Its sender is given what left, redactions applied: sent by email, post or in person, it is theirs to send.
      return { ...appended, released };
    },
  }),
  correctDisclosureEntry: t.field({
    type: RegisterEntryRef,
    description: 'Appends a correction to a request’s history; entries are never edited or deleted.',
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'Whom it is about.' }),
      requestId: t.arg.string({ required: true, description: 'The request.' }),
      reasoning: t.arg.string({ required: true, description: 'What was wrong and what is right.' }),
    },
    operation: {
      policy: 'disclosure.correct',
      subject: clientById((args) => args.serviceUserId),
      change: () => consentWrite(),
      // Checked before the audit event: bad input records nothing.
      validate: (args) => {
        reasoningOf(args.reasoning);
      },
      audit: 'before',
    },
    resolve: async (operation, args, context) => {
      const reasoning = reasoningOf(args.reasoning);
      const { next } = await requestEntries(context, operation.client, args.requestId);
      return appendEntry(operation, context, {
        requestId: args.requestId,
        sequence: next,
        kind: 'CORRECTION',
        sealed: { reasoning },
      });
    },
  }),
  setDisclosureRequestUrgency: t.field({
    type: RegisterEntryRef,
    description:
      'Marks a request urgent, or no longer urgent, after it was received (the service’s managers, the Caldicott Guardian): appends an URGENCY_CHANGED entry (the register is never edited) and moves the request in the work queue, where urgent work comes first. CONFLICT when it already is so, or the request is refused or released. Audited before it is recorded.',
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'Whom it is about.' }),
      requestId: t.arg.string({ required: true, description: 'The request.' }),
      urgent: t.arg.boolean({ required: true, description: 'Urgent from now on, or not.' }),
    },
    operation: {
      policy: 'disclosure.urgency',
      subject: clientById((args) => args.serviceUserId),
      change: (args) => consentWrite({ detail: args.urgent ? 'urgent' : 'not-urgent' }),
      validate: async (args, context, subject) => {
        if (subject.kind !== 'CLIENT') return;
        const { entries } = await requestEntries(context, subject.client, args.requestId);
        if (entries.some((e) => e.kind === 'REFUSED' || e.kind === 'RELEASED')) {
          throw new ConfideError(ErrorCode.CONFLICT, 'The request is already refused or released.');
        }
        if (currentUrgency(entries) === args.urgent) {
          throw new ConfideError(ErrorCode.CONFLICT, 'The request is already marked so.');
        }
      },
      audit: 'before',
    },
    resolve: async (operation, args, context) => {
      const { next } = await requestEntries(context, operation.client, args.requestId);
      return appendEntry(operation, context, {
        requestId: args.requestId,
        sequence: next,
        kind: 'URGENCY_CHANGED',
        urgent: args.urgent,
      });
    },
  }),
  recordAuthorAuthority: t.field({
    type: 'Boolean',
    description: 'Records another organisation’s authority to disclose correspondence it wrote (Azure 4.1).',
    args: {
      noteId: t.arg.id({ required: true, description: 'The correspondence.' }),
      reference: t.arg.string({
        required: true,
        description: 'Reference of the author’s written authority.',
      }),
    },
    operation: {
      policy: 'disclosure.author-authority',
      subject: (args, context) => clientSubject(context, noteLocalId(args.noteId).clientId),
      change: () => consentWrite(),
      // Checked before the audit event: bad input records nothing.
      validate: (args) => {
        authorityReferenceOf(args.reference);
      },
      audit: 'before',
    },
    resolve: async (operation, args, context) => {
      const { noteId } = noteLocalId(args.noteId);
      const reference = authorityReferenceOf(args.reference);
      const note = await context.services.caseNotes.get(
        operation.scope,
        operation.client.clientId,
        noteId,
        context.access.loader,
      );
      if (!note?.authorOrganisation) throw notFound('Correspondence from another organisation');
      await context.services.caseNotes.recordAuthorAuthority(note, reference, operation.staff.staffId);
      context.access.forgetNotes(operation.client.clientId);
      return true;
    },
  }),
}));
