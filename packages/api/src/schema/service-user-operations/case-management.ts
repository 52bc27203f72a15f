import { ALLOCATABLE_ROLES } from '@confide/access';
import { ConfideError, ErrorCode, localDate, notFound, validate } from '@confide/domain';
import type { Closure } from '@confide/store';
import { builder } from '../../builder';
import type { ConfideContext } from '../../context';
import { countFailedRestore } from '../../metrics-errors';
import {
  closureExpiresImmediately,
  closureSchedule,
  rescheduleAfterFailedReopening,
  rulesOf,
  scheduleClosedCase,
  unscheduleAfterReopening,
  unscheduleBeforeReopening,
} from '../../use-cases/retention-schedule';
import { namedStaff, staffConcerned } from '../access-governance/shared';
import { localId } from '../ids';
import { organisationTimeZone, organisationToday } from '../monitoring/settings';
import { AllocationKindEnum, ServiceUserRef } from '../service-users';
import { clientById } from '../subjects';
import {
  CLOSURE_BACKDATE_DAYS,
  details,
  existingService,
  idempotencyKeyOf,
  reload,
  staffOfOrganisation,
} from './shared';

const DAY_MS = 24 * 60 * 60 * 1000;

const RegisterServiceUserInput = builder.inputType('RegisterServiceUserInput', {
  description: 'A new service user and their identifying and contact details.',
  fields: (t) => ({
    serviceId: t.id({ required: true, description: 'The service that will support them.' }),
    name: t.string({ required: true, description: 'Full name.' }),
    dateOfBirth: t.string({
      required: true,
      description: 'YYYY-MM-DD, not in the future: not after today in the organisation’s time zone.',
    }),
    address: t.string({ required: false, description: 'Postal address.' }),
    postcode: t.string({ required: false, description: 'UK postcode.' }),
    nhsNumber: t.string({ required: false, description: 'NHS number; its check digit is validated.' }),
    phone: t.string({ required: false, description: 'Phone number.' }),
    email: t.string({ required: false, description: 'Email address.' }),
    preferredContact: t.string({ required: false, description: 'How they prefer to be contacted.' }),
    idempotencyKey: t.string({
      required: false,
      description:
        'Client-chosen key: retrying with the same key returns the first registration instead of a duplicate.',
    }),
  }),
});

const CloseCaseInput = builder.inputType('CloseCaseInput', {
  description: 'Closes a case.',
  fields: (t) => ({
    serviceUserId: t.id({ required: true, description: 'The service user.' }),
    closedAt: t.field({
      type: 'DateTime',
      required: false,
      description: `When the case closed: now by default. It may lie at most ${CLOSURE_BACKDATE_DAYS} days back (a case closed late); an older date is BAD_USER_INPUT — a record whose retention has run out is erased (\`eraseServiceUser\`), never closed into expiry. A later time today counts as now; a later day is BAD_USER_INPUT.`,
    }),
    expectedVersion: t.int({ required: true, description: 'The version read; a stale one gets CONFLICT.' }),
  }),
});

const ReopenCaseInput = builder.inputType('ReopenCaseInput', {
  description: 'Reopens a closed case.',
  fields: (t) => ({
    serviceUserId: t.id({ required: true, description: 'The service user.' }),
    expectedVersion: t.int({ required: true, description: 'The version read; a stale one gets CONFLICT.' }),
  }),
});

const AllocateWorkerInput = builder.inputType('AllocateWorkerInput', {
  description: 'Allocates a worker to a service user.',
  fields: (t) => ({
    serviceUserId: t.id({ required: true, description: 'The service user.' }),
    staffId: t.id({ required: true, description: 'The worker.' }),
    kind: t.field({ type: AllocationKindEnum, required: true, description: 'PRIMARY or COVER.' }),
    endsAt: t.field({
      type: 'DateTime',
      required: false,
      description: 'Required for COVER: when the cover ends.',
    }),
  }),
});

const EndAllocationInput = builder.inputType('EndAllocationInput', {
  description: 'Ends an allocation.',
  fields: (t) => ({
    serviceUserId: t.id({ required: true, description: 'The service user.' }),
    allocationId: t.string({ required: true, description: 'The allocation.' }),
  }),
});

/**
 * The closure date `closeCase` records, or BAD_USER_INPUT naming `input.closedAt`: at most
 * {@link CLOSURE_BACKDATE_DAYS} days back, and not on a later day (a later time today is taken as now). Days are the
 * organisation's, in its time zone: at 00:30 British Summer Time, 09:00 that morning is later today.
 */
export function closureDate(given: Date | null | undefined, now: Date, timeZone: string): Date {
  if (!given) return now;
  if (given.getTime() < now.getTime() - CLOSURE_BACKDATE_DAYS * DAY_MS) {
    throw validate.badInputError(
      ['input', 'closedAt'],
      `A case can be closed at most ${CLOSURE_BACKDATE_DAYS} days back. Records whose retention has run out are erased through eraseServiceUser.`,
    );
  }
  if (given.getTime() > now.getTime()) {
    if (localDate(given, timeZone) !== localDate(now, timeZone)) {
      throw validate.badInputError(['input', 'closedAt'], 'A case cannot close in the future.');
    }
    return now;
  }
  return given;
}

/** The closure `closeCase` records: {@link closureDate}, and its date on the organisation's calendar. */
async function closureAsked(given: Date | null | undefined, context: ConfideContext): Promise<Closure> {
  const timeZone = await organisationTimeZone(context);
  const closedAt = closureDate(given, context.services.clock.now(), timeZone);
  return { closedAt, closedOn: localDate(closedAt, timeZone) };
}

function allocationInput(
  input: { kind: 'PRIMARY' | 'COVER'; endsAt?: Date | null },
  context: ConfideContext,
): void {
  const now = context.services.clock.now();
  if (input.kind === 'COVER' && (!input.endsAt || input.endsAt.getTime() <= now.getTime())) {
    throw validate.badInputError(['input', 'endsAt'], 'Cover needs an end time in the future.');
  }
  if (input.kind === 'PRIMARY' && input.endsAt) {
    throw validate.badInputError(['input', 'endsAt'], 'A primary allocation runs until it is ended.');
  }
}

builder.mutationFields((t) => ({
  registerServiceUser: t.field({
    type: ServiceUserRef,
    description: 'Registers a service user to a service (its managers).',
    args: { input: t.arg({ type: RegisterServiceUserInput, required: true }) },
    operation: {
      policy: 'client.register',
      subject: existingService((args) => args.input.serviceId),
      // Validated before anything is decided or written: bad input changes nothing.
      change: async ({ input }, context) => {
        details(input, await organisationToday(context));
        idempotencyKeyOf(input.idempotencyKey);
        return { classification: 'IDENTIFYING' };
      },
      // The person's items and the events recording them are one transaction.
      audit: 'with-change',
    },
    resolve: async (operation, { input }, context) => {
      const scope = operation.scope;
      const audit = context.access.audit;
      const { clientId } = await context.services.serviceUsers.register(
        scope,
        {
          serviceId: operation.subjectId ?? '',
          details: details(input, await organisationToday(context)),
          idempotencyKey: idempotencyKeyOf(input.idempotencyKey),
          requestedBy: operation.staff.staffId,
        },
        {
          // The registration is recorded against the person registered too, in the same transaction: their own
          // audit says who wrote their details (decision 0006), beside the service's event the policy decided on.
          commit: (change, registered) => {
            audit.record({
              action: 'WRITE',
              operation: operation.name,
              subjectId: registered,
              outcome: 'ALLOWED',
              rule: operation.decision.rule,
              classification: 'IDENTIFYING',
            });
            return audit.commitWithChange(change);
          },
        },
      );
      const client = await context.services.serviceUsers.get(scope, clientId, context.access.loader);
      if (!client) throw notFound('Service user');
      return client;
    },
  }),
  closeCase: t.field({
    type: ServiceUserRef,
    description: `Closes a case (managers of the service) and schedules its retention (once no emergency access to the person awaits its review: until then the records carry no date). The closure date may lie at most ${CLOSURE_BACKDATE_DAYS} days back (CLOSURE_BACKDATE_DAYS); older is BAD_USER_INPUT and changes nothing. A closure that would let the records expire at once is refused (FORBIDDEN, rule \`retention.immediate-expiry-is-erasure\`): that is an erasure, made with \`eraseServiceUser\`.`,
    args: { input: t.arg({ type: CloseCaseInput, required: true }) },
    operation: {
      policy: 'case.close',
      subject: clientById((args) => args.input.serviceUserId),
      change: async ({ input }, context, subject) => {
        // A date outside the window is refused by `validate` (BAD_USER_INPUT), once the caller is admitted.
        let closure: Closure;
        try {
          closure = await closureAsked(input.closedAt, context);
        } catch {
          return {};
        }
        if (subject.kind !== 'CLIENT') return {};
        return {
          expiresImmediately: await closureExpiresImmediately(
            context,
            subject.client,
            closure,
            rulesOf(context),
          ),
        };
      },
      validate: async ({ input }, context) => {
        closureDate(input.closedAt, context.services.clock.now(), await organisationTimeZone(context));
      },
      audit: 'before',
    },
    resolve: async (operation, { input }, context) => {
      const client = operation.client;
      // After the audit: an attempt to close a closed case is recorded (a state rule, not bad input).
      if (client.caseStatus === 'CLOSED') {
        throw new ConfideError(ErrorCode.CONFLICT, 'The case is already closed.');
      }
      const closure = await closureAsked(input.closedAt, context);
      // Retention: the closure dates the profile in its own write (decision 0076), then every other item.
      const schedule = await closureSchedule(context, operation.scope, client, closure);
      const { scheduled } = await context.services.serviceUsers.setCaseStatus(
        operation.scope,
        client.clientId,
        { status: 'CLOSED', ...closure, expectedVersion: input.expectedVersion },
        schedule,
      );
      return scheduleClosedCase(context, operation.scope, client.clientId, scheduled ? schedule : undefined);
    },
  }),
  reopenCase: t.field({
    type: ServiceUserRef,
    description: 'Reopens a closed case (managers of the service).',
    args: { input: t.arg({ type: ReopenCaseInput, required: true }) },
    operation: {
      policy: 'case.manage',
      subject: clientById((args) => args.input.serviceUserId),
      audit: 'before',
    },
    resolve: async (operation, { input }, context) => {
      const { client, scope } = operation;
      if (client.caseStatus === 'OPEN')
        throw new ConfideError(ErrorCode.CONFLICT, 'The case is already open.');
      try {
        await unscheduleBeforeReopening(context, scope, client, input.expectedVersion);
        await context.services.serviceUsers.setCaseStatus(scope, client.clientId, {
          status: 'OPEN',
          expectedVersion: input.expectedVersion,
        });
      } catch (error) {
        // The case was not opened (another reopening and closing overtook this one, or a fault): a case still closed
        // gets its schedule back, or it would be kept for ever. The failure answered is this one's, whatever that does.
        await rescheduleAfterFailedReopening(context, scope, client.clientId).catch((restoreError: unknown) =>
          countFailedRestore('REOPENING', { orgId: scope.orgId, subjectId: client.clientId }, restoreError),
        );
        throw error;
      }
      // Once more now that the case is open: a closing that raced this one may have scheduled items meanwhile.
      await unscheduleAfterReopening(context, scope, client);
      return reload(context, scope, client.clientId);
    },
  }),
  allocateWorker: t.field({
    type: ServiceUserRef,
    description:
      'Allocates a worker (PRIMARY) or cover for sickness and holidays (COVER, with an end time). CONFLICT when the worker was deactivated after the check.',
    args: { input: t.arg({ type: AllocateWorkerInput, required: true }) },
    operation: {
      policy: 'case.allocate',
      subject: clientById((args) => args.input.serviceUserId),
      // Read from the id alone: the policy decides before anything is looked up or validated.
      change: ({ input }, context) => {
        const principal = context.auth?.principal;
        let staffId: string | undefined;
        try {
          staffId = localId(input.staffId, 'StaffMember', 'staff', 'Staff member');
        } catch {
          staffId = undefined; // a malformed id is refused by `validate`, after the policy
        }
        return { grantsCallerAccess: principal?.kind === 'STAFF' && principal.staffId === staffId };
      },
      // Bad input of an admitted caller: BAD_USER_INPUT, nothing audited, nothing changed.
      validate: async ({ input }, context) => {
        const [staffId = ''] = await staffOfOrganisation(
          context,
          context.access.scope,
          [input.staffId],
          'staffId',
        );
        // An allocation opens the record only to support staff and volunteers (decision 0014): nobody else is one.
        const member = await context.services.directory.staff(context.access.scope, staffId);
        if (!member?.roles.some((role) => ALLOCATABLE_ROLES.includes(role))) {
          throw validate.badInputError(
            ['input', 'staffId'],
            'Only support staff (SUPPORT_WORKER, TEAM_LEADER, SERVICE_MANAGER, SENIOR_MANAGER) and volunteers are allocated to a person.',
          );
        }
        allocationInput(input, context);
      },
      record: ({ input }) => staffConcerned(namedStaff(input.staffId)),
      // The allocation and the events recording it are one transaction.
      audit: 'with-change',
    },
    resolve: async (operation, { input }, context) => {
      const { client, scope } = operation;
      const audit = context.access.audit;
      await context.services.serviceUsers.allocate(
        scope,
        client.clientId,
        {
          staffId: localId(input.staffId, 'StaffMember', 'staff', 'Staff member'),
          kind: input.kind,
          endsAt: input.endsAt ?? undefined,
        },
        { commit: (change) => audit.commitWithChange(change) },
      );
      return reload(context, scope, client.clientId);
    },
  }),
  endAllocation: t.field({
    type: ServiceUserRef,
    description: 'Ends an allocation; the worker’s access ends at once.',
    args: { input: t.arg({ type: EndAllocationInput, required: true }) },
    operation: {
      policy: 'case.manage',
      subject: clientById((args) => args.input.serviceUserId),
      // Before the event that records the ending: an allocation the person does not have is ended by nobody.
      validate: ({ input }, _context, subject) => {
        const allocations = subject.kind === 'CLIENT' ? subject.client.allocations : [];
        if (!allocations.some((allocation) => allocation.allocationId === input.allocationId)) {
          throw notFound('Allocation');
        }
      },
      record: ({ input }, subject) =>
        staffConcerned(
          subject.kind === 'CLIENT'
            ? subject.client.allocations.find((allocation) => allocation.allocationId === input.allocationId)
                ?.staffId
            : undefined,
        ),
      audit: 'before',
    },
    resolve: async (operation, { input }, context) => {
      const { client, scope } = operation;
      await context.services.serviceUsers.endAllocation(scope, client.clientId, input.allocationId);
      return reload(context, scope, client.clientId);
    },
  }),
}));
