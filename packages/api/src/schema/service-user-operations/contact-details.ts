import { validate } from '@confide/domain';
import { CONTACT_FIELDS, type ContactField } from '@confide/store';
import { builder } from '../../builder';
import { ServiceUserRef } from '../service-users';
import { clientById } from '../subjects';
import { reload } from './shared';

// ── Correcting a client's contact details (CONTACT) ─────────────────────────────────────────────────────────

const CorrectContactDetailsInput = builder.inputType('CorrectContactDetailsInput', {
  description:
    'New contact details for a service user: each value given replaces the recorded one, values left out are kept.',
  fields: (t) => ({
    serviceUserId: t.id({ required: true, description: 'The service user.' }),
    phone: t.string({ required: false, description: 'Phone number.' }),
    email: t.string({ required: false, description: 'Email address.' }),
    preferredContact: t.string({ required: false, description: 'How they prefer to be contacted.' }),
    expectedVersion: t.int({ required: true, description: 'The version read; a stale one gets CONFLICT.' }),
  }),
});

interface ContactInput {
  readonly phone?: string | null | undefined;
  readonly email?: string | null | undefined;
  readonly preferredContact?: string | null | undefined;
}

/** The values to write, validated (BAD_USER_INPUT naming the field); at least one must be given. */
function contactOf(input: ContactInput): Partial<Record<ContactField, string>> {
  const at = (field: string) => ['input', field];
  const contact: Partial<Record<ContactField, string>> = {};
  if (input.phone != null) contact.phone = validate.phone(at('phone'), input.phone);
  if (input.email != null) contact.email = validate.email(at('email'), input.email);
  if (input.preferredContact != null) {
    contact.preferredContact = validate.text(at('preferredContact'), input.preferredContact, { max: 200 });
  }
  if (Object.keys(contact).length === 0) {
    throw validate.badInputError(['input'], 'Give at least one of phone, email and preferredContact.');
  }
  return contact;
}

builder.mutationFields((t) => ({
  correctContactDetails: t.field({
    type: ServiceUserRef,
    description:
      'Corrects a service user’s contact details (phone, email, preferred contact): a CONTACT write, decided by the W cells — the ADMINISTRATOR of the person’s service, their allocated support worker, the service’s managers. Audited before it happens, naming the fields changed, never their values.',
    args: { input: t.arg({ type: CorrectContactDetailsInput, required: true }) },
    operation: {
      policy: 'client.contact.correct',
      subject: clientById((args) => args.input.serviceUserId),
      change: () => ({ classification: 'CONTACT' }),
      validate: ({ input }) => {
        contactOf(input);
      },
      // The fields given, by name (bad values are refused by `validate`, once the caller is admitted).
      record: ({ input }) => ({
        fields: CONTACT_FIELDS.filter((field) => input[field] != null).map((field) => `ServiceUser.${field}`),
      }),
      audit: 'before',
    },
    resolve: async (operation, { input }, context) => {
      const client = operation.client;
      const key = await context.access.clientKey(client);
      await context.services.serviceUsers.setContactDetails(
        operation.scope,
        client.clientId,
        key,
        contactOf(input),
        input.expectedVersion,
      );
      return reload(context, operation.scope, client.clientId);
    },
  }),
}));
