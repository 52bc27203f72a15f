import { ConfideError, classificationOf, ErrorCode, forbidden, notFound, validate } from '@confide/domain';
import {
  SEALED_PROFILE_FIELDS,
  type ServiceUserRecord,
  type SubjectAccessRequest,
  visibleToSubject,
} from '@confide/store';
import { builder } from '../builder';
import { authenticated, type ConfideContext, callerScope, hasRole } from '../context';
import { localId } from './ids';

/**
 * Subject access (DATA-PROTECTION.md): everything held about a service user, in readable form, with the
 * disclosure history and a summary of who accessed the record — excluding items withheld under a recorded
 * exemption. The one-month deadline is tracked and overdue requests listed.
 */

const SarRef = builder.objectRef<SubjectAccessRequest>('SubjectAccessRequest');
SarRef.implement({
  description: 'A subject access request and its one-month deadline.',
  fields: (t) => ({
    id: t.exposeID('requestId', { description: 'The request.' }),
    serviceUserId: t.globalID({
      description: 'Whose data.',
      resolve: (r) => ({ type: 'ServiceUser', id: r.clientId }),
    }),
    receivedOn: t.exposeString('receivedOn', { description: 'Date received.' }),
    deadline: t.exposeString('deadline', { description: 'One calendar month later.' }),
    status: t.exposeString('status', { description: 'OPEN or COMPLETED.' }),
    overdue: t.boolean({
      description: 'Still open after the deadline.',
      resolve: (r, _a, context) =>
        r.status === 'OPEN' && r.deadline < context.services.clock.now().toISOString().slice(0, 10),
    }),
  }),
});

const ExportRef = builder.objectRef<{ requestId: string | null; generatedAt: string; document: string }>(
  'SubjectAccessExport',
);
ExportRef.implement({
  description:
    'Everything held about the person, as a readable JSON document (profile, notes, consents, disclosure history, referrals, access summary). Produced only for the person (SELF) or, for an open request, the IG lead; audited as a read of every classification.',
  fields: (t) => ({
    requestId: t.string({
      nullable: true,
      description: 'The request it answers.',
      resolve: (e) => e.requestId,
    }),
    generatedAt: t.field({ type: 'DateTime', description: 'When produced.', resolve: (e) => e.generatedAt }),
    document: t.exposeString('document', { description: 'The export, as JSON.' }),
  }),
});

async function subjectClient(context: ConfideContext, serviceUserId: string | number, operation: string) {
  const clientId = localId(serviceUserId, 'ServiceUser', 'serviceUser', 'Service user');
  const { principal } = authenticated(context);
  if (principal.kind === 'SERVICE_USER') {
    if (principal.serviceUserId !== clientId) throw notFound('Service user');
    const client = await context.services.serviceUsers.get(
      callerScope(context),
      clientId,
      context.access.loader,
    );
    if (!client) throw notFound('Service user');
    return client;
  }
  return context.access.visibleClient(clientId, operation);
}

async function buildExport(context: ConfideContext, client: ServiceUserRecord): Promise<string> {
  const scope = callerScope(context);
  const key = await context.access.clientKey(client);
  const profile: Record<string, string | undefined> = {
    reference: client.reference,
    caseStatus: client.caseStatus,
    openedAt: client.openedAt,
    closedAt: client.closedAt,
  };
  for (const field of SEALED_PROFILE_FIELDS)
    profile[field] = context.services.serviceUsers.openDetail(key, client, field);
  const notes = (await context.services.caseNotes.list(scope, client.clientId))
    .filter((note) => !note.withheld)
    .map((note) => ({
      kind: note.kind,
      classification: classificationOf(note.kind),
      recordedAt: note.recordedAt,
      amendedAt: note.amendedAt,
      authorOrganisation: note.authorOrganisation,
      text: context.services.caseNotes.openBody(key, note),
    }));
  const consents = (await context.services.consents.list(scope, client.clientId)).map((consent) => ({
    scope: consent.scope,
    method: consent.method,
    givenBy: consent.givenBy,
    recordedAt: consent.recordedAt,
    withdrawnAt: consent.withdrawnAt,
  }));
  // An exceptional disclosure the person was not told of (telling them would increase risk) stays withheld.
  const disclosures = visibleToSubject(
    await context.services.disclosures.register(scope, client.clientId),
  ).map((entry) => ({
    kind: entry.kind,
    at: entry.at,
    requesterOrganisation: entry.requesterOrganisation,
    legalBasis: entry.legalBasis,
    method: entry.method,
    snapshotDigest: entry.snapshotDigest,
  }));
  const partnerNames = new Map(
    (await context.services.partners.list(scope)).map((partner) => [partner.partnerId, partner.name]),
  );
  const referrals = (await context.services.referrals.ofClient(scope, client.clientId)).map((referral) => ({
    referrer: partnerNames.get(referral.partnerId),
    referrerReference: referral.referrerReference,
    receivedOn: referral.receivedOn,
    appointmentAt: referral.appointmentAt,
  }));
  const events = await context.services.auditLog.bySubject(scope, client.clientId, { limit: 1000 });
  const summary = new Map<string, { roles: string; purpose: string | null; count: number; lastAt: string }>();
  for (const event of events) {
    if (event.action === 'DENIED' || event.relationship === 'INVESTIGATION') continue;
    const roles = event.actor.kind === 'STAFF' ? event.actor.roles.join(', ') : event.actor.kind;
    const key2 = `${roles}|${event.purpose ?? ''}`;
    const entry = summary.get(key2) ?? { roles, purpose: event.purpose ?? null, count: 0, lastAt: event.at };
    entry.count += 1;
    if (event.at > entry.lastAt) entry.lastAt = event.at;
    summary.set(key2, entry);
  }
  return JSON.stringify(
    { profile, notes, consents, disclosures, referrals, accessSummary: [...summary.values()] },
    null,
    2,
  );
}

builder.queryFields((t) => ({
  subjectAccessRequests: t.field({
    type: [SarRef],
    description:
      'Subject access requests and their deadlines (IG_LEAD); `overdueOnly` lists those past the deadline.',
    authScopes: { role: 'IG_LEAD' },
    args: { overdueOnly: t.arg.boolean({ required: false, description: 'Only overdue ones.' }) },
    resolve: async (_root, args, context) => {
      const today = context.services.clock.now().toISOString().slice(0, 10);
      const all = await context.services.subjectAccess.list(callerScope(context));
      return args.overdueOnly ? all.filter((r) => r.status === 'OPEN' && r.deadline < today) : all;
    },
  }),
  subjectAccessExport: t.field({
    type: ExportRef,
    description:
      'Everything held about the person, for the person themself, or for the IG lead answering an open request.',
    authScopes: { authenticated: true },
    args: { serviceUserId: t.arg.id({ required: true, description: 'The person.' }) },
    resolve: async (_root, args, context) => {
      const client = await subjectClient(context, args.serviceUserId, 'subjectAccessExport');
      const { principal } = authenticated(context);
      let requestId: string | null = null;
      if (principal.kind !== 'SERVICE_USER') {
        if (!hasRole(context, 'IG_LEAD'))
          throw forbidden('The export is produced for the person or by the IG lead.');
        const open = (await context.services.subjectAccess.list(callerScope(context))).find(
          (r) => r.clientId === client.clientId && r.status === 'OPEN',
        );
        if (!open) throw forbidden('There is no open subject access request for this person.');
        requestId = open.requestId;
      }
      const document = await buildExport(context, client);
      context.access.audit.record({
        action: 'READ',
        operation: 'subjectAccessExport',
        subjectId: client.clientId,
        outcome: 'ALLOWED',
        rule: 'subject-access',
        relationship: principal.kind === 'SERVICE_USER' ? 'SELF' : undefined,
      });
      return { requestId, generatedAt: context.services.clock.now().toISOString(), document };
    },
  }),
}));

builder.mutationFields((t) => ({
  requestSubjectAccess: t.field({
    type: SarRef,
    description:
      'Opens a subject access request: by the person, or by staff (managers, IG lead) on their behalf.',
    authScopes: { authenticated: true },
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'The person.' }),
      receivedOn: t.arg.string({ required: true, description: 'Date received, YYYY-MM-DD.' }),
    },
    resolve: async (_root, args, context) => {
      const client = await subjectClient(context, args.serviceUserId, 'requestSubjectAccess');
      const { principal } = authenticated(context);
      if (
        principal.kind === 'STAFF' &&
        !hasRole(context, 'IG_LEAD') &&
        !(await context.access.relationTo(client)).managesService
      ) {
        throw forbidden();
      }
      if (principal.kind === 'PARTNER' || principal.kind === 'OPERATOR') throw forbidden();
      const receivedOn = validate.pastDate(['receivedOn'], args.receivedOn, context.services.clock.now());
      const by = principal.kind === 'STAFF' ? principal.staffId : principal.serviceUserId;
      await context.access.audit.recordBeforeChange({
        action: 'WRITE',
        operation: 'requestSubjectAccess',
        subjectId: client.clientId,
        outcome: 'ALLOWED',
      });
      const request = await context.services.subjectAccess.open(
        callerScope(context),
        client.clientId,
        receivedOn,
        by,
      );
      return request;
    },
  }),
  completeSubjectAccessRequest: t.field({
    type: SarRef,
    description: 'Marks a request answered (IG_LEAD).',
    authScopes: { role: 'IG_LEAD' },
    args: { requestId: t.arg.string({ required: true, description: 'The request.' }) },
    resolve: async (_root, args, context) => {
      const request = (await context.services.subjectAccess.list(callerScope(context))).find(
        (r) => r.requestId === args.requestId,
      );
      if (!request) throw notFound('Subject access request');
      await context.access.audit.recordBeforeChange({
        action: 'WRITE',
        operation: 'completeSubjectAccessRequest',
        subjectId: request.clientId,
        outcome: 'ALLOWED',
      });
      const completed = await context.services.subjectAccess.complete(callerScope(context), request);
      if (!completed) throw new ConfideError(ErrorCode.INTERNAL, 'Not completed.');
      return completed;
    },
  }),
}));
