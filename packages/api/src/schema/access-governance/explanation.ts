import { type ClassificationExplanation, explain } from '@confide/access';
import { isIdOf } from '@confide/domain';
import { PURPOSE_ERASED, type StoredAuditEvent } from '@confide/store';
import { resolveArrayConnection } from '@pothos/plugin-relay';
import { needToKnow } from '../../access/need-to-know';
import { structuralFields } from '../../access/personal-data';
import { builder } from '../../builder';
import type { ConfideContext } from '../../context';
import { recipientOf } from '../disclosures/helpers';
import { clientById } from '../subjects';
import { ClassificationEnum, RelationshipEnum } from '../vocabulary';
import { AccessActorRef, actorOfEvent } from './actors';
import { oncePerRequest } from './shared';

// ── Explain and access log ───────────────────────────────────────────────────────────────────────────────

const AccessEffectEnum = builder.enumType('AccessEffect', {
  description: 'What the caller gets when reading fields of a classification.',
  values: ['ALLOW', 'JUSTIFICATION_REQUIRED', 'FORBIDDEN', 'NOT_FOUND', 'POLICY_NOT_ACKNOWLEDGED'] as const,
});

const ClassificationAccessRef = builder.objectRef<ClassificationExplanation>('ClassificationAccess');
ClassificationAccessRef.implement({
  description: 'Why the caller can or cannot read one classification of a client’s data.',
  fields: (t) => ({
    classification: t.field({
      type: ClassificationEnum,
      description: 'The classification.',
      resolve: (e) => e.classification,
    }),
    effect: t.field({
      type: AccessEffectEnum,
      description: 'What the caller gets.',
      resolve: (e) => e.effect,
    }),
    relationship: t.field({
      type: RelationshipEnum,
      nullable: true,
      description: 'The relationship it rests on.',
      resolve: (e) => e.relationship ?? null,
    }),
    rule: t.string({ description: 'The rule that decides.', resolve: (e) => e.rule }),
    reason: t.string({ description: 'The same, in plain words.', resolve: (e) => e.reason }),
  }),
});

/**
 * The person an event is about. None for an event about no client or one erased, nor for a reader a conflict of
 * interest keeps from the person (as `serviceUserId`): nothing is read or recorded then. Found once a request per
 * person: a report asks for each of its events' purpose and recipient, twice each (decided, then resolved).
 */
function personOf(e: StoredAuditEvent, context: ConfideContext) {
  const subjectId = e.subjectId;
  if (!subjectId) return Promise.resolve(undefined);
  return oncePerRequest(context, `event-person:${subjectId}`, async () => {
    const client = await context.access.findClient(subjectId);
    const [kept] = client ? await context.access.withoutConflicts([client], (c) => c.clientId) : [];
    return kept && { client: kept };
  });
}

/** The person whose register holds the recipient of the disclosure an event records; none for any other event. */
const disclosedAbout = (e: StoredAuditEvent, context: ConfideContext) =>
  e.disclosureId ? personOf(e, context) : undefined;

/** What an access event holds besides a purpose and a disclosure's recipient: the audit's own record of the access. */
const AUDITED = 'the audit record';

export const AccessEventRef = builder.objectRef<StoredAuditEvent>('AccessEvent');
AccessEventRef.implement({
  ...structuralFields(
    'id at actorKind actorId actor actorRoles action operation fields items classifications relationship emergency outcome serviceUserId rule',
    AUDITED,
  ),
  description:
    'One audited access to a record. Its personal data, `purpose` and `recipient`, is under need-to-know.',
  fields: (t) => ({
    id: t.exposeID('eventId', { description: 'The event.' }),
    at: t.field({ type: 'DateTime', description: 'When.', resolve: (e) => e.at }),
    actorKind: t.string({ description: 'STAFF, SERVICE_USER or PARTNER.', resolve: (e) => e.actor.kind }),
    actorId: t.string({
      description:
        'Who: the raw (local) staff, service user or partner id — opaque, not a global id. Use `actor.staffId` (a global id) to open the staff member.',
      deprecationReason:
        'A raw id next to global ones (issue 19): use `actor` (`actor.staffId` is a global id).',
      resolve: (e) => e.actor.id,
    }),
    actor: t.field({
      type: AccessActorRef,
      description: 'Who, in words: name, handle, role and the plain-words description.',
      resolve: (e) => actorOfEvent(e),
    }),
    actorRoles: t.stringList({
      description: 'The actor’s roles at the time.',
      resolve: (e) => [...e.actor.roles],
    }),
    action: t.string({
      description: 'READ, WRITE, DENIED, EMERGENCY_ACCESS or ADMIN.',
      resolve: (e) => e.action,
    }),
    operation: t.exposeString('operation', { description: 'The API operation.' }),
    fields: t.stringList({ description: 'Fields touched.', resolve: (e) => [...e.fields] }),
    items: t.stringList({
      description:
        'Which items were read (note or media ids, never their content): named for reads under an investigation or break-glass, or that needed a stated purpose (Azure 4.1 “make a note of which files were examined”); empty otherwise.',
      resolve: (e) => [...(e.items ?? [])],
    }),
    classifications: t.field({
      type: [ClassificationEnum],
      description: 'Their classifications.',
      resolve: (e) => [...e.classifications],
    }),
    relationship: t.field({
      type: RelationshipEnum,
      nullable: true,
      description: 'The relationship used.',
      resolve: (e) => e.relationship ?? null,
    }),
    purpose: t.string({
      // Free text typed about the person (decision 0152), in every report as in their own log.
      ...needToKnow('CONSENT', (e, context) => (e.purpose ? personOf(e, context) : undefined)),
      unauthorizedResolver: () => null,
      nullable: true,
      description:
        'The stated purpose. Null where the reader may not read it and on events about no client; `erased` after their erasure.',
      resolve: async (e, _args, context) => {
        if (await personOf(e, context)) return e.purpose ?? null;
        // Shredded with the person's key: the audit still says a purpose was stated.
        const erased =
          e.subjectId && e.purpose === PURPOSE_ERASED && !(await context.access.findClient(e.subjectId));
        return erased ? PURPOSE_ERASED : null;
      },
    }),
    emergency: t.boolean({ description: 'Under break-glass.', resolve: (e) => e.emergency }),
    outcome: t.exposeString('outcome', { description: 'ALLOWED, or the refusal given.' }),
    serviceUserId: t.globalID({
      nullable: true,
      description:
        'The person it was about; null when about no service user, or one a conflict of interest keeps from the reader. An id only: it opens nothing by itself.',
      resolve: async (e, _args, context) => {
        if (!e.subjectId || !isIdOf('serviceUser', e.subjectId)) return null;
        // A conflict hides the person from the reader everywhere (ACCESS-MODEL.md): the access is listed, not whom.
        const [kept] = await context.access.withoutConflicts([e.subjectId], (id) => id);
        return kept ? { type: 'ServiceUser', id: kept } : null;
      },
    }),
    rule: t.string({
      nullable: true,
      description:
        'For a disclosure, the rule it was made under, e.g. `disclosure.released.CONSENT` (its basis last); null for anything else.',
      // Only a disclosure's: other rules can name what the audit holds of someone (a conflict's kind of connection).
      resolve: (e) => (e.rule?.startsWith('disclosure.') ? e.rule : null),
    }),
    recipient: t.string({
      ...needToKnow('CONSENT', disclosedAbout),
      unauthorizedResolver: () => null,
      nullable: true,
      description:
        'For a disclosure, to whom it went, as the person’s register says. Null where the reader may not read it, on other events, and once the person is erased.',
      resolve: async (e, _args, context) => {
        const about = await disclosedAbout(e, context);
        return about ? recipientOf(context, about.client, e.disclosureId as string) : null;
      },
    }),
  }),
});

builder.queryFields((t) => ({
  accessExplanation: t.field({
    type: [ClassificationAccessRef],
    description:
      'Why the caller can or cannot read each classification of this client: the relationship and rule behind each, revealing nothing else. NOT_FOUND to anyone who may not know the client exists.',
    args: { serviceUserId: t.arg.id({ required: true, description: 'The client.' }) },
    // An explanation holds no personal data: only a refusal is recorded.
    operation: {
      policy: 'access.explain',
      subject: clientById((args) => args.serviceUserId),
      audit: 'fields',
    },
    resolve: async (operation, _args, context) =>
      explain(
        context.access.callerFacts(),
        await context.access.relationTo(operation.client),
        context.access.preset,
      ),
  }),
  accessLog: t.connection({
    type: AccessEventRef,
    description:
      'Every audited access to a client’s record, newest first (IG_LEAD, CALDICOTT_GUARDIAN, the service’s managers). Reading it is itself recorded against the client, as is reading the purposes stated.',
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'The client.' }),
      from: t.arg({ type: 'DateTime', required: false, description: 'From this instant.' }),
      to: t.arg({ type: 'DateTime', required: false, description: 'Up to this instant.' }),
    },
    // Reading it is an access to the person's record: the log names who looked at them. Each purpose it shows records
    // its own read (`AccessEvent.purpose`, decision 0152).
    operation: {
      policy: 'access.log',
      subject: clientById((args) => args.serviceUserId),
      audit: 'after',
    },
    resolve: async (operation, args, context) => {
      const events = await context.services.auditLog.bySubject(operation.scope, operation.client.clientId, {
        from: args.from?.toISOString(),
        to: args.to?.toISOString(),
        limit: 500,
      });
      return resolveArrayConnection({ args }, events);
    },
  }),
}));
