import { ConfideError, ErrorCode, localDate, notFound, validate } from '@confide/domain';
import { type LegalBasis, type ServiceUserRecord, untoldRequests } from '@confide/store';
import { builder } from '../../builder';
import type { ConfideContext } from '../../context';
import { namedStaff, oncePerRequest, staffConcerned } from '../access-governance/shared';
import { organisationTimeZone } from '../monitoring/settings';
import { clientById } from '../subjects';
import { appendEntry, entriesOf, noteIds, notesFor } from './helpers';
import { LegalBasisEnum, RegisterEntryRef } from './register';

/**
 * Exceptional disclosure (JRH “Exceptional Breaches”): a disclosure made without consent under a duty to share,
 * recorded by the staff member who made it (anyone whose relationship lets them write the person’s CARE record)
 * or the Caldicott Guardian (policy `disclosure.exceptional`), with a review raised for the service’s managers
 * and the Guardian in the same transaction. The Guardian recording one for the staff member who made it names them
 * (`madeBy`): the review is then completed by neither of the two (decision 0142). A disclosure the person was not told
 * of, because telling them would then have increased risk, is followed by a CLIENT_INFORMED entry once they have been
 * told (`recordDisclosureToldToPerson`, policy `disclosure.client-informed`): they see it from then on (decision 0145).
 */

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
    madeBy: t.id({
      required: false,
      description:
        'Who made the disclosure, when the Caldicott Guardian records it for them: an active staff member of this organisation (BAD_USER_INPUT otherwise). Left out, the one recording it made it; nobody else records one for someone else (FORBIDDEN). The review it raises is completed by neither who made it nor who recorded it.',
    }),
  }),
});

/**
 * The staff member the input names as the disclosure's maker, by local id (none when it names nobody), or
 * BAD_USER_INPUT on `input.madeBy`: an id that is not of an active staff member of this organisation.
 */
async function namedMaker(
  context: ConfideContext,
  madeBy: string | number | null | undefined,
): Promise<string | undefined> {
  if (madeBy == null) return undefined;
  const staffId = namedStaff(madeBy);
  const member = staffId ? await context.services.directory.staff(context.access.scope, staffId) : undefined;
  if (!staffId || member?.status !== 'ACTIVE') {
    throw validate.badInputError(
      ['input', 'madeBy'],
      'Name the staff member who made the disclosure: an active member of this organisation.',
    );
  }
  return staffId;
}

/** An exceptional disclosure's basis and written details, checked: BAD_USER_INPUT names the field at fault. */
function exceptionalDetails(input: {
  legalBasis: string;
  recipient: string;
  reasoning: string;
  clientInformed: boolean;
  reasonNotInformed?: string | null;
}) {
  if ((input.legalBasis as LegalBasis) === 'CONSENT') {
    throw validate.badInputError(
      ['input', 'legalBasis'],
      'An exceptional disclosure is made without consent: give its legal basis.',
    );
  }
  const recipient = validate.text(['input', 'recipient'], input.recipient, { max: 200 });
  const reasoning = validate.text(['input', 'reasoning'], input.reasoning, { max: 2000, multiline: true });
  const reasonNotInformed =
    input.clientInformed || input.reasonNotInformed == null
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
  return { recipient, reasoning, reasonNotInformed };
}

/**
 * What recording that the person has now been told of an exceptional disclosure would append, checked: the request is
 * one of the person's (NOT_FOUND otherwise, as for any id naming nothing of theirs), an exceptional disclosure
 * (BAD_USER_INPUT on `requestId`: a request received from a third party is not kept from the person), which they were
 * not told of and have not been told of since (CONFLICT); told on a real date, not in the future and not before the
 * disclosure was recorded, both as dates in the organisation's time zone, and how (BAD_USER_INPUT on `toldOn` or `how`).
 * Read once per request: `validate` and the resolver share it.
 */
function toldLater(
  context: ConfideContext,
  client: ServiceUserRecord,
  args: { requestId: string; toldOn: string; how: string },
) {
  const key = `told-later:${client.clientId}:${JSON.stringify(args)}`;
  return oncePerRequest(context, key, async () => {
    const how = validate.text(['how'], args.how, { max: 2000, multiline: true });
    // Dates in the organisation's time zone: a manager telling the person at 00:30 British Summer Time tells them today.
    const timeZone = await organisationTimeZone(context);
    const toldOn = validate.pastDate(
      ['toldOn'],
      args.toldOn,
      localDate(context.services.clock.now(), timeZone),
    );
    const entries = await entriesOf(context, client, args.requestId);
    if (entries.length === 0) throw notFound('Disclosure request');
    const disclosure = entries.find((entry) => entry.kind === 'EXCEPTIONAL_DISCLOSURE');
    if (!disclosure) {
      throw validate.badInputError(
        ['requestId'],
        'Only an exceptional disclosure is kept from the person: name the request of one.',
      );
    }
    if (!untoldRequests(entries).has(args.requestId)) {
      throw new ConfideError(ErrorCode.CONFLICT, 'The person has already been told of this disclosure.');
    }
    if (toldOn < localDate(disclosure.at, timeZone)) {
      throw validate.badInputError(
        ['toldOn'],
        'The person was not told of it when it was recorded: give a date on or after that.',
      );
    }
    return { how, toldOn, next: Math.max(...entries.map((entry) => entry.sequence)) + 1 };
  });
}

builder.mutationFields((t) => ({
  recordDisclosureToldToPerson: t.field({
    type: RegisterEntryRef,
    description:
      'Records that the person has now been told of an exceptional disclosure they were not told of when it was recorded, because telling them would then have increased risk (DATA-PROTECTION.md: the client is told unless that would increase risk): appends a CLIENT_INFORMED entry (the register is never edited), after which the person sees the disclosure in their own register and subject access export. Why they were not told at first stays hidden from them. By the service’s managers or the Caldicott Guardian, who judge that the risk has passed (FORBIDDEN for anyone else). NOT_FOUND when the request is not one of the person’s; BAD_USER_INPUT on `requestId` when it is not an exceptional disclosure, on `toldOn` or `how` for what was written; CONFLICT when the person was told already. Audited before it is recorded; a refusal writes nothing.',
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'Whom the disclosure is about.' }),
      requestId: t.arg.string({ required: true, description: 'The exceptional disclosure’s request.' }),
      toldOn: t.arg.string({
        required: true,
        description:
          'The date the person was told, YYYY-MM-DD, in the organisation’s time zone: not in the future, nor before the disclosure was recorded.',
      }),
      how: t.arg.string({
        required: true,
        description:
          'How and by whom they were told (sealed; the entry’s `reasoning`). The person reads it in their own register.',
      }),
    },
    operation: {
      policy: 'disclosure.client-informed',
      subject: clientById((args) => args.serviceUserId),
      change: () => ({ classification: 'CONSENT', sharing: {} }),
      // Checked before the audit event: bad input and a disclosure told already record nothing; a request that is not
      // the person's is recorded as refused (NOT_FOUND), as any id naming nothing of theirs.
      validate: async (args, context, subject) => {
        if (subject.kind === 'CLIENT') await toldLater(context, subject.client, args);
      },
      audit: 'before',
    },
    resolve: async (operation, args, context) => {
      const { how, toldOn, next } = await toldLater(context, operation.client, args);
      // A second record racing this one takes the same sequence number: the register's condition refuses one.
      return appendEntry(operation, context, {
        requestId: args.requestId,
        sequence: next,
        kind: 'CLIENT_INFORMED',
        clientInformed: true,
        toldOn,
        sealed: { reasoning: how },
      });
    },
  }),
  recordExceptionalDisclosure: t.field({
    type: RegisterEntryRef,
    description:
      'Records a disclosure made without consent under a duty to share (JRH “Exceptional Breaches”), by the staff member who made it (anyone who supports the person, their service’s managers) or the Caldicott Guardian, who names the staff member who made it (`madeBy`) when recording it for them: reasoning and legal basis recorded, flagged for the Caldicott Guardian, and a review raised for the service’s managers and the Guardian (`disclosureReviews`), which neither who made it nor who recorded it completes. The person is told unless that would increase risk, and the reason is recorded.',
    args: { input: t.arg({ type: ExceptionalInput, required: true }) },
    operation: {
      policy: 'disclosure.exceptional',
      subject: clientById(({ input }) => input.serviceUserId),
      change: ({ input }, context) => {
        const principal = context.auth?.principal;
        const caller = principal?.kind === 'STAFF' ? principal.staffId : undefined;
        return {
          classification: 'CONSENT',
          sharing: {
            detail: input.legalBasis,
            subjectNotTold: input.clientInformed === false,
            // Read from the id alone, before the policy: a malformed one names someone other than the caller too.
            recordedForAnother: input.madeBy != null && namedStaff(input.madeBy) !== caller,
          },
        };
      },
      // Checked before the audit event: bad input records nothing, not a disclosure about to be recorded. That
      // includes items that are not the person's notes (NOT_FOUND).
      validate: async ({ input }, context, subject) => {
        exceptionalDetails(input);
        await namedMaker(context, input.madeBy);
        validate.nonEmptyUnique(['input', 'itemIds'], input.itemIds);
        if (subject.kind === 'CLIENT') {
          await notesFor(context, subject.client, noteIds(subject.client, input.itemIds));
        }
      },
      // The event names the staff member recorded as its maker, "who changed what for whom", and the disclosure by
      // the id its register entry is given (decision 0150).
      record: ({ input }, _subject, context) => ({
        ...staffConcerned(input.madeBy == null ? undefined : namedStaff(input.madeBy)),
        disclosureId: context.services.disclosures.newRequestId(),
      }),
      audit: 'before',
    },
    resolve: async (operation, { input }, context) => {
      const client = operation.client;
      const { recipient, reasoning, reasonNotInformed } = exceptionalDetails(input);
      const itemIds = noteIds(client, input.itemIds);
      const scope = operation.scope;
      const staffId = operation.staff.staffId;
      // Checked in `validate`; none named, the recorder made it.
      const madeBy = input.madeBy == null ? undefined : namedStaff(input.madeBy);
      // The id `record` gave, which the audit event written before this names.
      const requestId = operation.disclosureId as string;
      const review = await context.services.disclosureReviews.newReview(scope, {
        clientId: client.clientId,
        serviceId: client.serviceId,
        requestId,
        legalBasis: input.legalBasis,
        clientInformed: input.clientInformed,
        recordedBy: staffId,
        madeBy,
        expiresAt: client.expiresAt,
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
          madeBy,
          legalBasis: input.legalBasis,
          itemIds,
          flaggedForGuardian: true,
          clientInformed: input.clientInformed,
          sealed: { recipient, reasoning, reasonNotInformed },
          clientExpiresAt: client.expiresAt,
        },
        [review.item],
      );
      // The review raised with it is its own event, naming whether the person was told.
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
}));
