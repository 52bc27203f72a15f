import { conflict, isIdOf, localDate, notFound, validate } from '@confide/domain';
import type { Referral, ServiceUserRecord } from '@confide/store';
import { mapPage } from '@confide/store';
import { needToKnow } from '../access/need-to-know';
import type { Operation } from '../access/operation-plugin';
import { personalData } from '../access/personal-data';
import { builder } from '../builder';
import { type ConfideContext, callerScope } from '../context';
import { oncePerRequest } from './access-governance/shared';
import { organisationTimeZone, organisationToday } from './monitoring/settings';
import { ServiceUserRef } from './service-users';
import { listPositions, storeConnection } from './store-paging';
import { clientById } from './subjects';

/**
 * Referrals from partner agencies (Lets connect 4.3): "If information is requested by a referrer prior to the
 * initial appointment being carried out, the service can confirm that the referral has been received and an
 * appointment has been booked" — after confirming that the one asking is the referrer. Here the referrer is a
 * partner agency’s app (its client-credentials token is the identity check) and a referral is recorded against
 * that partner, with the partner’s own reference; the partner learns exactly those two facts for its own
 * referrals, until the initial appointment or the case’s closure, and nothing else: not the person’s details,
 * not whether they attended, and NOT_FOUND for any other reference.
 *
 * Recording a referral and its appointment is contact and appointment work (CONTACT write: the allocated
 * worker, the service’s managers, administrators).
 */

/** The referrer's case reference: letters, digits and a little punctuation, no spaces — a reference, not a name. */
const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9/_.-]{0,63}$/;
const MAX_BOOKING_AHEAD_MS = 366 * 86_400_000;

function referrerReference(field: readonly string[], value: string): string {
  const trimmed = value.trim();
  if (!REFERENCE.test(trimmed)) {
    throw validate.badInputError(
      field,
      'A referrer’s reference has 1–64 letters, digits, slashes, dots, hyphens or underscores and no spaces: a case reference, never a name.',
    );
  }
  return trimmed;
}

// ── What staff see ────────────────────────────────────────────────────────────────────────────────────────

interface ReferralInContext {
  readonly client: ServiceUserRecord;
  readonly referral: Referral;
}

const ofReferral = (parent: ReferralInContext) => ({ client: parent.client });

const ReferralRef = builder.objectRef<ReferralInContext>('Referral');
ReferralRef.implement({
  ...personalData({ id: 'an opaque id: says nothing about the person' }),
  description:
    'A referral of the person by a partner agency, and the initial appointment booked for it (CONTACT).',
  fields: (t) => ({
    id: t.id({ description: 'The referral.', resolve: (p) => p.referral.referralId }),
    partnerId: t.id({
      ...needToKnow('CONTACT', ofReferral),
      nullable: true,
      description: 'The referring partner agency.',
      resolve: (p) => p.referral.partnerId,
    }),
    referrerReference: t.string({
      ...needToKnow('CONTACT', ofReferral),
      nullable: true,
      description: 'The referrer’s own reference for it: what the referrer asks about.',
      resolve: (p) => p.referral.referrerReference,
    }),
    receivedOn: t.string({
      ...needToKnow('CONTACT', ofReferral),
      nullable: true,
      description: 'Date received, YYYY-MM-DD.',
      resolve: (p) => p.referral.receivedOn,
    }),
    appointmentAt: t.field({
      ...needToKnow('CONTACT', ofReferral),
      type: 'DateTime',
      nullable: true,
      description: 'The initial appointment, once booked.',
      resolve: (p) => p.referral.appointmentAt ?? null,
    }),
    recordedAt: t.field({
      ...needToKnow('CONTACT', ofReferral),
      type: 'DateTime',
      nullable: true,
      description: 'When the referral was recorded.',
      resolve: (p) => p.referral.recordedAt,
    }),
  }),
});

builder.objectFields(ServiceUserRef, (t) => ({
  referrals: t.field({
    ...needToKnow('CONTACT', (client: ServiceUserRecord) => ({ client })),
    type: [ReferralRef],
    nullable: true,
    description: 'Referrals of the person by partner agencies, oldest first.',
    deprecationReason: 'A list that grows (issue 19): use `referralsConnection`, which pages with cursors.',
    resolve: async (client, _args, context) =>
      (await context.services.referrals.ofClient(callerScope(context), client.clientId)).map((referral) => ({
        client,
        referral,
      })),
  }),
  referralsConnection: t.connection({
    ...needToKnow('CONTACT', (client: ServiceUserRecord) => ({ client })),
    type: ReferralRef,
    nullable: true,
    description:
      'Referrals of the person by partner agencies, as a cursor connection paged in the store, in a stable order by referral id (not by date; each carries `recordedAt`).',
    resolve: (client, args, context) =>
      storeConnection(args, listPositions(context, 'referralsConnection'), async (page) =>
        mapPage(
          await context.services.referrals.pageOfClient(callerScope(context), client.clientId, page),
          (referral) => ({ client, referral }),
        ),
      ),
  }),
}));

const RecordReferralInput = builder.inputType('RecordReferralInput', {
  description: 'A referral received from a partner agency.',
  fields: (t) => ({
    serviceUserId: t.id({ required: true, description: 'Whom it refers.' }),
    partnerId: t.id({ required: true, description: 'The referring partner agency.' }),
    referrerReference: t.string({
      required: true,
      description:
        'The referrer’s own case reference (letters, digits, / . - _; no spaces, never a name); unique per partner.',
    }),
    receivedOn: t.string({ required: true, description: 'Date received, YYYY-MM-DD.' }),
  }),
});

/**
 * The referral an appointment is booked for, and the appointment's date checked against it: NOT_FOUND for no such
 * referral of the person, BAD_USER_INPUT for a date before it was received or more than a year ahead.
 */
function bookableReferral(
  context: ConfideContext,
  clientId: string,
  args: { referralId: string | number; appointmentAt: Date },
): Promise<string> {
  // Read and checked once per request: `validate` and the resolver share it.
  return oncePerRequest(
    context,
    `bookable-referral:${clientId}:${String(args.referralId)}:${args.appointmentAt.toISOString()}`,
    () => checkBooking(context, clientId, args),
  );
}

async function checkBooking(
  context: ConfideContext,
  clientId: string,
  args: { referralId: string | number; appointmentAt: Date },
): Promise<string> {
  const referralId = String(args.referralId);
  const referral = isIdOf('referral', referralId)
    ? await context.services.referrals.get(context.access.scope, clientId, referralId)
    : undefined;
  if (!referral) throw notFound('Referral');
  // The date received is the organisation's: an appointment at 00:30 British Summer Time is on that day, not UTC's.
  if (localDate(args.appointmentAt, await organisationTimeZone(context)) < referral.receivedOn) {
    throw validate.badInputError(
      ['appointmentAt'],
      'The appointment cannot be before the referral was received.',
    );
  }
  if (args.appointmentAt.getTime() - context.services.clock.now().getTime() > MAX_BOOKING_AHEAD_MS) {
    throw validate.badInputError(['appointmentAt'], 'An appointment is booked at most a year ahead.');
  }
  return referralId;
}

/**
 * A referral's input, checked once per request (`validate` and the resolver share it): its reference and date well
 * formed, its partner registered (NOT_FOUND), and the reference not already that partner's (CONFLICT). Referrals
 * recorded before references were claimed hold theirs in the partner's index alone; the claim written with the
 * referral holds it against a recording at the same time.
 */
function checkedReferral(
  context: ConfideContext,
  input: { referrerReference: string; receivedOn: string; partnerId: string | number },
): Promise<{ reference: string; receivedOn: string; partnerId: string }> {
  return oncePerRequest(context, `referral:${JSON.stringify(input)}`, () => readReferral(context, input));
}

async function readReferral(
  context: ConfideContext,
  input: { referrerReference: string; receivedOn: string; partnerId: string | number },
): Promise<{ reference: string; receivedOn: string; partnerId: string }> {
  const reference = referrerReference(['input', 'referrerReference'], input.referrerReference);
  const receivedOn = validate.pastDate(
    ['input', 'receivedOn'],
    input.receivedOn,
    await organisationToday(context),
  );
  const scope = context.access.scope;
  const partnerId = String(input.partnerId);
  if (!(await context.services.partners.list(scope)).some((p) => p.partnerId === partnerId)) {
    throw notFound('Partner agency');
  }
  if ((await context.services.referrals.byPartner(scope, partnerId, reference)).length > 0) {
    throw conflict('That partner already has a referral with this reference.');
  }
  return { reference, receivedOn, partnerId };
}

builder.mutationFields((t) => ({
  recordReferral: t.field({
    type: ReferralRef,
    description:
      'Records that a partner agency referred the person, with the partner’s reference (CONTACT write). The partner may then learn, for that reference only, that the referral was received and whether an appointment is booked.',
    args: { input: t.arg({ type: RecordReferralInput, required: true }) },
    operation: {
      policy: 'referral.record',
      subject: clientById(({ input }) => input.serviceUserId),
      change: () => ({ classification: 'CONTACT' }),
      // Checked before the audit event (decision 0075): a refused referral is never recorded as one made.
      validate: async ({ input }, context) => {
        await checkedReferral(context, input);
      },
      audit: 'before',
    },
    resolve: async (operation, { input }, context) => {
      const client = operation.client;
      const { reference, receivedOn, partnerId } = await checkedReferral(context, input);
      const referral = await context.services.referrals.record(operation.scope, {
        clientId: client.clientId,
        partnerId,
        referrerReference: reference,
        receivedOn,
        recordedBy: operation.staff.staffId,
        expiresAt: client.expiresAt,
      });
      return { client, referral };
    },
  }),
  recordReferralAppointment: t.field({
    type: ReferralRef,
    description:
      'Records (or moves) the initial appointment booked for a referral (CONTACT write). The referrer then learns only that an appointment is booked, never when, and nothing after it has taken place.',
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'Whom it refers.' }),
      referralId: t.arg.id({ required: true, description: 'The referral.' }),
      appointmentAt: t.arg({
        type: 'DateTime',
        required: true,
        description: 'When the initial appointment is (not before the referral was received).',
      }),
    },
    operation: {
      policy: 'referral.appointment',
      subject: clientById((args) => args.serviceUserId),
      change: () => ({ classification: 'CONTACT' }),
      // Checked before the audit event: a referral that is not there (NOT_FOUND, recorded as DENIED) or a date
      // out of range (BAD_USER_INPUT) records no booking.
      validate: async (args, context, subject) => {
        if (subject.kind === 'CLIENT') await bookableReferral(context, subject.client.clientId, args);
      },
      audit: 'before',
    },
    resolve: async (operation, args, context) => {
      const client = operation.client;
      const scope = operation.scope;
      const referralId = await bookableReferral(context, client.clientId, args);
      const booked = await context.services.referrals.bookAppointment(scope, client.clientId, referralId, {
        appointmentAt: args.appointmentAt,
        recordedBy: operation.staff.staffId,
      });
      return { client, referral: booked };
    },
  }),
}));

// ── What the referrer sees ────────────────────────────────────────────────────────────────────────────────

interface ReferralStatus {
  readonly reference: string;
  readonly appointmentBooked: boolean;
}

const ReferralStatusRef = builder.objectRef<ReferralStatus>('ReferralStatus');
ReferralStatusRef.implement({
  description:
    'What a referring partner agency may learn of its own referral before the initial appointment (Lets connect 4.3): that it was received, and whether an appointment is booked. Nothing about the person.',
  fields: (t) => ({
    reference: t.exposeString('reference', { description: 'The reference the referrer gave.' }),
    received: t.boolean({ description: 'The referral was received.', resolve: () => true }),
    appointmentBooked: t.exposeBoolean('appointmentBooked', {
      description: 'An initial appointment is booked (not when).',
    }),
  }),
});

/**
 * The calling partner’s referrals that may still be confirmed: of a current (open, unexpired, unerased) client,
 * and before the initial appointment has taken place. Each answer is audited as a read of the client’s
 * appointment (CONTACT) facts by that partner.
 */
async function referrerView(operation: Operation, context: ConfideContext, reference?: string) {
  const { partnerId } = operation.partner;
  const referrals = await context.services.referrals.byPartner(operation.scope, partnerId, reference);
  return (await referrerStatuses(operation, context, referrals)).filter((status) => status !== undefined);
}

/**
 * What the referring partner may still be told of each referral (undefined where nothing): received, and whether
 * an appointment is booked, until the initial appointment and while the case is open. Each shown is recorded.
 */
async function referrerStatuses(
  operation: Operation,
  context: ConfideContext,
  referrals: readonly Referral[],
): Promise<(ReferralStatus | undefined)[]> {
  const now = context.services.clock.now().toISOString();
  const current = referrals.map((referral) => !referral.appointmentAt || referral.appointmentAt > now);
  const clients = await Promise.all(
    referrals.map((referral, index) =>
      current[index]
        ? context.services.serviceUsers.get(operation.scope, referral.clientId, context.access.loader)
        : undefined,
    ),
  );
  return referrals.map((referral, index) => {
    if (!current[index] || clients[index]?.caseStatus !== 'OPEN') return undefined;
    context.access.audit.record({
      action: 'READ',
      operation: operation.name,
      subjectId: referral.clientId,
      field: 'ReferralStatus',
      classification: 'CONTACT',
      outcome: 'ALLOWED',
      rule: operation.decision.rule,
    });
    return { reference: referral.referrerReference, appointmentBooked: referral.appointmentAt !== undefined };
  });
}

builder.queryFields((t) => ({
  myReferrals: t.field({
    type: [ReferralStatusRef],
    description:
      'For a partner agency’s app: its own referrals that the service may still confirm — received, and whether an appointment is booked — until the initial appointment. Nothing else.',
    deprecationReason: 'A list that grows (issue 19): use `myReferralsConnection`, which pages with cursors.',
    operation: { policy: 'referral.referrer-view', audit: 'fields' },
    resolve: (operation, _args, context) => referrerView(operation, context),
  }),
  myReferralsConnection: t.connection({
    type: ReferralStatusRef,
    description:
      'For a partner agency’s app: its own referrals that the service may still confirm — received, and whether an appointment is booked — until the initial appointment, as a cursor connection paged in the store in the order of its references. Nothing else.',
    operation: { policy: 'referral.referrer-view', audit: 'fields' },
    resolve: (operation, args, context) => {
      const { partnerId } = operation.partner;
      return storeConnection(
        args,
        listPositions(context, 'myReferralsConnection'),
        (page) => context.services.referrals.byPartnerPage(operation.scope, partnerId, page),
        (referrals) => referrerStatuses(operation, context, referrals),
      );
    },
  }),
  referralStatus: t.field({
    type: ReferralStatusRef,
    description:
      'For a partner agency’s app: one of its own referrals, by the reference it gave. NOT_FOUND for any reference it did not refer (or that may no longer be confirmed).',
    args: { reference: t.arg.string({ required: true, description: 'The reference the partner gave.' }) },
    operation: { policy: 'referral.referrer-view', audit: 'fields' },
    resolve: async (operation, args, context) => {
      const reference = referrerReference(['reference'], args.reference);
      const [status] = await referrerView(operation, context, reference);
      if (!status) throw notFound('Referral');
      return status;
    },
  }),
}));
