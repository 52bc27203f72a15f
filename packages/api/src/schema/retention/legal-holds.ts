import { conflict, validate } from '@confide/domain';
import type { LegalHold } from '@confide/store';
import { recordAboutPerson, textAboutPerson } from '../../access/text-about-a-person';
import { builder } from '../../builder';
import type { ConfideContext } from '../../context';
import { liftExpiresImmediately, rulesOf } from '../../use-cases/retention-schedule';
import { AccessActorRef, actorOfStaff } from '../access-governance/actors';
import { organisationTimeZone } from '../monitoring/settings';
import { clientById } from '../subjects';

export const LegalHoldRef = builder.objectRef<LegalHold>('LegalHold');
LegalHoldRef.implement({
  // Its reasons are the person's (decision 0152).
  ...recordAboutPerson(
    'serviceUserId reference placedAt placedBy placedByActor liftedAt liftedBy liftedByActor',
  ),
  description:
    'A legal hold: the person’s records are kept past any retention date and cannot be erased until it is lifted.',
  fields: (t) => ({
    serviceUserId: t.globalID({
      description: 'Whose records are held.',
      resolve: (hold) => ({ type: 'ServiceUser', id: hold.clientId }),
    }),
    reference: t.string({
      description: 'The pseudonymous case reference.',
      resolve: (hold) => hold.reference,
    }),
    placedAt: t.field({ type: 'DateTime', description: 'When placed.', resolve: (hold) => hold.placedAt }),
    placedBy: t.globalID({
      description: 'Who placed it.',
      resolve: (hold) => ({ type: 'StaffMember', id: hold.placedBy }),
    }),
    placedByActor: t.field({
      type: AccessActorRef,
      description: 'Who placed it, in words: name, handle and current role.',
      resolve: (hold) => actorOfStaff(hold.placedBy),
    }),
    reason: t.string({
      ...textAboutPerson<LegalHold>(
        (hold) => hold.clientId,
        (hold, key, context) => context.services.retention.openHold(key, hold, 'reason'),
      ),
      description: 'Why (the proceedings it is material to).',
    }),
    liftedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When lifted, if it has been.',
      resolve: (hold) => hold.liftedAt ?? null,
    }),
    liftedBy: t.globalID({
      nullable: true,
      description: 'Who lifted it.',
      resolve: (hold) => (hold.liftedBy ? { type: 'StaffMember', id: hold.liftedBy } : null),
    }),
    liftedByActor: t.field({
      type: AccessActorRef,
      nullable: true,
      description: 'Who lifted it, in words: name, handle and current role; null while it holds.',
      resolve: (hold) => (hold.liftedBy ? actorOfStaff(hold.liftedBy) : null),
    }),
    liftReason: t.string({
      ...textAboutPerson<LegalHold>(
        (hold) => (hold.liftedAt ? hold.clientId : undefined),
        (hold, key, context) => context.services.retention.openHold(key, hold, 'liftReason'),
      ),
      description: 'Why it was lifted.',
    }),
  }),
});

/** A reason given for a retention decision: validated, and stated as the purpose its audit event records. */
export function statedReason(context: ConfideContext, value: string): string {
  const reason = validate.text(['reason'], value, { max: 1000, multiline: true });
  context.access.statePurpose(reason);
  return reason;
}

builder.mutationFields((t) => ({
  placeLegalHold: t.field({
    type: LegalHoldRef,
    description:
      'Keeps every record of the person past any retention date and blocks erasure, e.g. while material to legal proceedings (Lets connect 5). The service’s managers, SENIOR_MANAGER, IG_LEAD, CALDICOTT_GUARDIAN. Placing it again repeats the clearing and returns the hold. Audited with the reason.',
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'The person.' }),
      reason: t.arg.string({ required: true, description: 'Why (kept sealed on the hold).' }),
    },
    operation: {
      policy: 'retention.place-hold',
      subject: clientById((args) => args.serviceUserId),
      change: (args, context) => {
        statedReason(context, args.reason);
        return {};
      },
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (operation, args, context) => {
      const { client } = operation;
      const key = await context.access.clientKey(client);
      const { hold } = await context.services.retention.placeHold(operation.scope, client, key, {
        placedBy: operation.staff.staffId,
        reason: statedReason(context, args.reason),
      });
      return hold;
    },
  }),
  liftLegalHold: t.field({
    type: LegalHoldRef,
    description:
      'Lifts the legal hold (SENIOR_MANAGER, IG_LEAD, CALDICOTT_GUARDIAN); a closed case is scheduled again under the current rules (once no emergency access to the person awaits its review). A lift that would let the records expire at once is refused (FORBIDDEN, rule `retention.immediate-expiry-is-erasure`): erase them with `eraseServiceUser` instead. Audited with the reason.',
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'The person.' }),
      reason: t.arg.string({ required: true, description: 'Why the hold ends.' }),
    },
    operation: {
      policy: 'retention.lift-hold',
      subject: clientById((args) => args.serviceUserId),
      change: async (args, context, subject) => {
        statedReason(context, args.reason);
        return {
          expiresImmediately:
            subject.kind === 'CLIENT' && (await liftExpiresImmediately(context, subject.client)),
        };
      },
      // No hold to lift records no lifting.
      validate: (_args, context, subject) => {
        if (subject.kind === 'CLIENT' && !context.services.retention.holdOn(subject.client)) {
          throw conflict('The record is not under a legal hold.');
        }
      },
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (operation, args, context) => {
      const { client } = operation;
      const key = await context.access.clientKey(client);
      const { hold } = await context.services.retention.liftHold(operation.scope, client, key, {
        liftedBy: operation.staff.staffId,
        reason: statedReason(context, args.reason),
        rules: rulesOf(context),
        timeZone: await organisationTimeZone(context),
      });
      // Lifting schedules a closed case again; a pending emergency review keeps it off (decision 0074).
      return hold;
    },
  }),
}));

function pageArgs(args: { first?: number | null; after?: string | null }) {
  return { limit: Math.min(Math.max(args.first ?? 50, 1), 100), after: args.after ?? undefined };
}

builder.queryFields((t) => ({
  legalHolds: t.connection({
    type: LegalHoldRef,
    description:
      'The organisation’s active legal holds, oldest first (SENIOR_MANAGER, IG_LEAD, CALDICOTT_GUARDIAN). Each person listed on a page is recorded as read.',
    operation: { policy: 'retention.legal-holds', audit: 'after' },
    resolve: async (operation, args, context) => {
      const page = await context.services.retention.legalHolds(operation.scope, pageArgs(args));
      const holds = await context.access.withoutConflicts(page.holds, (hold) => hold.clientId);
      // Each hold names its person and carries its reasons, sealed under their key: recorded against each person
      // listed, as the other governance lists record theirs.
      context.access.audit.recordListed(
        operation,
        holds.map((hold) => hold.clientId),
        'LegalHold',
      );
      const edges = holds.map((hold) => ({ node: hold, cursor: `${hold.placedAt}#${hold.clientId}` }));
      return {
        edges,
        pageInfo: {
          hasNextPage: page.next !== undefined,
          hasPreviousPage: args.after != null,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: page.next ?? edges.at(-1)?.cursor ?? null,
        },
      };
    },
  }),
}));
