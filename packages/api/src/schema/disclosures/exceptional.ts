import { validate } from '@confide/domain';
import type { LegalBasis } from '@confide/store';
import { builder } from '../../builder';
import { clientById } from '../subjects';
import { noteIds, notesFor } from './helpers';
import { LegalBasisEnum, RegisterEntryRef } from './register';

/**
 * Exceptional disclosure (JRH “Exceptional Breaches”): a disclosure made without consent under a duty to share,
 * recorded by the staff member who made it (anyone whose relationship lets them write the person’s CARE record)
 * or the Caldicott Guardian (policy `disclosure.exceptional`), with a review raised for the service’s managers
 * and the Guardian in the same transaction.
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
  }),
});

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

builder.mutationFields((t) => ({
  recordExceptionalDisclosure: t.field({
    type: RegisterEntryRef,
    description:
      'Records a disclosure made without consent under a duty to share (JRH “Exceptional Breaches”), by the staff member who made it (anyone who supports the person, their service’s managers) or the Caldicott Guardian: reasoning and legal basis recorded, flagged for the Caldicott Guardian, and a review raised for the service’s managers and the Guardian (`disclosureReviews`). The person is told unless that would increase risk, and the reason is recorded.',
    args: { input: t.arg({ type: ExceptionalInput, required: true }) },
    operation: {
      policy: 'disclosure.exceptional',
      subject: clientById(({ input }) => input.serviceUserId),
      change: ({ input }) => ({
        classification: 'CONSENT',
        sharing: { detail: input.legalBasis, subjectNotTold: input.clientInformed === false },
      }),
      // Checked before the audit event: bad input records nothing, not a disclosure about to be recorded. That
      // includes items that are not the person's notes (NOT_FOUND).
      validate: async ({ input }, context, subject) => {
        exceptionalDetails(input);
        validate.nonEmptyUnique(['input', 'itemIds'], input.itemIds);
        if (subject.kind === 'CLIENT') {
          await notesFor(context, subject.client, noteIds(subject.client, input.itemIds));
        }
      },
      audit: 'before',
    },
    resolve: async (operation, { input }, context) => {
      const client = operation.client;
      const { recipient, reasoning, reasonNotInformed } = exceptionalDetails(input);
      const itemIds = noteIds(client, input.itemIds);
      const scope = operation.scope;
      const staffId = operation.staff.staffId;
      const requestId = context.services.disclosures.newRequestId();
      const review = await context.services.disclosureReviews.newReview(scope, {
        clientId: client.clientId,
        serviceId: client.serviceId,
        requestId,
        legalBasis: input.legalBasis,
        clientInformed: input.clientInformed,
        recordedBy: staffId,
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
