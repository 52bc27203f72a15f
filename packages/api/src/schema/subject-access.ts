import { type Classification, classificationOf, notFound, validate } from '@confide/domain';
import {
  read,
  SEALED_PROFILE_FIELDS,
  type SealedProfileField,
  type ServiceUserRecord,
  SUBJECT_IDENTITY_CHECKS,
  type SubjectAccessExportNotice,
  type SubjectAccessRequest,
  type TenantScope,
  visibleToSubject,
} from '@confide/store';
import { resolveArrayConnection } from '@pothos/plugin-relay';
import type { Operation, OperationSubject } from '../access/operation-plugin';
import { builder } from '../builder';
import type { ConfideContext } from '../context';
import { shownToPerson } from '../monitoring/plain-words';
import { clientSubject } from '../use-cases/sharing-subjects';
import { AccessActorRef, actorOfStaff } from './access-governance/actors';
import { organisationToday } from './monitoring/settings';
import { listPositions, storeConnection } from './store-paging';
import { clientById } from './subjects';
import { ClassificationEnum } from './vocabulary';

/**
 * Subject access (DATA-PROTECTION.md): everything held about a service user, in readable form, with the
 * disclosure history and a summary of who accessed the record — excluding items withheld under a recorded
 * exemption. The one-month deadline is tracked and overdue requests listed.
 *
 * Issue 14 (side door 1): a request is opened by the person, or recorded by staff with how the person's identity
 * was checked; the export staff compile is readable to them only once a second person (the Caldicott Guardian,
 * or another IG lead) has approved it; every item shown to staff is audited with its classification, appears in
 * the person's own access log, and is listed for the Caldicott Guardian (`subjectAccessExportNotices`).
 */

const SubjectIdentityCheckEnum = builder.enumType('SubjectAccessIdentityCheck', {
  description:
    'How staff checked the identity of a person asking for their data: photo identification seen, known to the staff member in person, a signed letter checked against the record, or a representative’s written authority checked.',
  values: SUBJECT_IDENTITY_CHECKS,
});

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
      // The deadline is a date of the organisation's: it passes at its midnight, not UTC's.
      resolve: async (r, _a, context) =>
        r.status === 'OPEN' && r.deadline < (await organisationToday(context)),
    }),
    openedByPerson: t.exposeBoolean('openedByPerson', {
      description: 'The person opened it themself (their sign-in is the identity check).',
    }),
    recordedBy: t.globalID({
      nullable: true,
      description:
        'The staff member who recorded it on the person’s behalf (who may not then approve its export); null when the person opened it, and when the person themself reads it.',
      resolve: (r, _args, context) =>
        !r.openedByPerson && callerStaffId(context) ? { type: 'StaffMember', id: r.requestedBy } : null,
    }),
    recordedByActor: t.field({
      type: AccessActorRef,
      nullable: true,
      description: 'Who recorded it, in words (name, handle, current role); null as `recordedBy` is.',
      resolve: (r, _args, context) =>
        !r.openedByPerson && callerStaffId(context) ? actorOfStaff(r.requestedBy) : null,
    }),
    identityCheck: t.field({
      type: SubjectIdentityCheckEnum,
      nullable: true,
      description:
        'How staff checked the person’s identity when recording it; null when the person opened it.',
      resolve: (r) => r.identityCheck ?? null,
    }),
    exportApproved: t.boolean({
      description:
        'A second person (the Caldicott Guardian or another IG lead) approved the export staff compile for it.',
      resolve: (r) => r.exportApprovedBy !== undefined,
    }),
    exportApprovedBy: t.globalID({
      nullable: true,
      description: 'Who approved the export.',
      resolve: (r) => (r.exportApprovedBy ? { type: 'StaffMember', id: r.exportApprovedBy } : null),
    }),
    exportApprovedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the export was approved.',
      resolve: (r) => r.exportApprovedAt ?? null,
    }),
  }),
});

const ExportRef = builder.objectRef<{
  requestId: string | null;
  deadline: string | null;
  generatedAt: string;
  document: string;
}>('SubjectAccessExport');
ExportRef.implement({
  description:
    'Everything held about the person, as a readable JSON document (profile, notes with their earlier versions, consents, disclosure history with each request’s purpose and the notes it named, referrals, photos and recordings, allocations, and who accessed the record as the person’s own access log shows it, with `accessSummaryComplete`). Produced for the person (SELF) or, for an open request whose export a second person approved, the IG lead; audited as one read listing every field and classification shown.',
  fields: (t) => ({
    requestId: t.string({
      nullable: true,
      description:
        'The request it answers: the person’s open request (the earliest received); null when they have none open.',
      resolve: (e) => e.requestId,
    }),
    deadline: t.string({
      nullable: true,
      description: 'The one-month deadline of the request it answers, YYYY-MM-DD; null with no open request.',
      resolve: (e) => e.deadline,
    }),
    generatedAt: t.field({ type: 'DateTime', description: 'When produced.', resolve: (e) => e.generatedAt }),
    document: t.exposeString('document', { description: 'The export, as JSON.' }),
  }),
});

const ExportNoticeRef = builder.objectRef<SubjectAccessExportNotice>('SubjectAccessExportNotice');
ExportNoticeRef.implement({
  description:
    'That staff read a person’s subject access export, for the Caldicott Guardian: references and classifications only.',
  fields: (t) => ({
    id: t.exposeID('noticeId', { description: 'The notice.' }),
    requestId: t.exposeString('requestId', { description: 'The request the export answered.' }),
    serviceUserId: t.globalID({
      description: 'Whose export.',
      resolve: (n) => ({ type: 'ServiceUser', id: n.clientId }),
    }),
    readBy: t.globalID({
      description: 'The staff member who read it.',
      resolve: (n) => ({ type: 'StaffMember', id: n.readBy }),
    }),
    approvedBy: t.globalID({
      nullable: true,
      description: 'The second person who had approved it.',
      resolve: (n) => (n.approvedBy ? { type: 'StaffMember', id: n.approvedBy } : null),
    }),
    readAt: t.field({ type: 'DateTime', description: 'When.', resolve: (n) => n.readAt }),
    classifications: t.field({
      type: [ClassificationEnum],
      description: 'The classifications of what was shown.',
      resolve: (n) => [...n.classifications],
    }),
  }),
});

const PROFILE_CLASSIFICATION: Record<SealedProfileField, Classification> = {
  name: 'IDENTIFYING',
  dateOfBirth: 'IDENTIFYING',
  address: 'IDENTIFYING',
  postcode: 'IDENTIFYING',
  nhsNumber: 'IDENTIFYING',
  phone: 'CONTACT',
  email: 'CONTACT',
  preferredContact: 'CONTACT',
};

/**
 * The most audit events about the person one export summarises, newest first: years of daily support (a few events
 * a day) fit; beyond it the document says the summary is not complete.
 */
const ACCESS_SUMMARY_EVENTS = 20_000;

/** The export document and every (field, classification) it shows, for the audit. */
async function buildExport(
  context: ConfideContext,
  operation: Operation,
  client: ServiceUserRecord,
): Promise<{ document: string; shown: [string, Classification][] }> {
  const scope = operation.scope;
  const shown: [string, Classification][] = [];
  const key = await context.access.clientKey(client);
  const profile: Record<string, string | undefined> = {
    reference: client.reference,
    caseStatus: client.caseStatus,
    openedAt: client.openedAt,
    closedAt: client.closedAt,
  };
  shown.push(['ServiceUser.reference', 'PSEUDONYMOUS']);
  for (const field of SEALED_PROFILE_FIELDS) {
    profile[field] = context.services.serviceUsers.openDetail(key, client, field);
    if (profile[field] !== undefined) shown.push([`ServiceUser.${field}`, PROFILE_CLASSIFICATION[field]]);
  }
  const heldNotes = (
    await context.services.caseNotes.list(scope, client.clientId, context.access.loader)
  ).filter((note) => !note.withheld);
  const notes = await Promise.all(
    heldNotes.map(async (note) => {
      shown.push([`CaseNote.${note.kind}`, classificationOf(note.kind)]);
      // An amended note's earlier versions are kept, so they are held about the person too.
      const history =
        note.version > 1
          ? await context.services.caseNotes.history(
              scope,
              client.clientId,
              note.noteId,
              context.access.loader,
            )
          : [];
      return {
        kind: note.kind,
        classification: classificationOf(note.kind),
        recordedAt: note.recordedAt,
        amendedAt: note.amendedAt,
        authorOrganisation: note.authorOrganisation,
        text: context.services.caseNotes.openBody(key, note),
        earlierVersions: history.map((earlier) => ({
          version: earlier.version,
          amendedAt: earlier.amendedAt,
          text: context.services.caseNotes.openBody(key, earlier),
        })),
      };
    }),
  );
  const noteById = new Map(heldNotes.map((note) => [note.noteId, note]));
  const partnerNames = new Map(
    (await context.services.partners.list(scope)).map((partner) => [partner.partnerId, partner.name]),
  );
  // The agencies a consent names (Carers Trust 2.2: all the organisation holds about the person).
  const consents = (await context.services.consents.list(scope, client.clientId)).map((consent) => {
    const partnerId = read.s(consent.item, 'partnerId');
    return {
      scope: consent.scope,
      agencyName: context.services.consents.openSealed(key, consent, 'agencyName'),
      partnerAgency: partnerId ? partnerNames.get(partnerId) : undefined,
      classifications: consent.classifications,
      purposes: consent.purposes,
      method: consent.method,
      givenBy: consent.givenBy,
      representativeName: context.services.consents.openSealed(key, consent, 'representativeName'),
      capacityNote: context.services.consents.openSealed(key, consent, 'capacityNote'),
      recordedAt: consent.recordedAt,
      withdrawnAt: consent.withdrawnAt,
    };
  });
  if (consents.length > 0) shown.push(['Consent', 'CONSENT']);
  // An exceptional disclosure the person was not told of (telling them would increase risk) stays withheld, until a
  // CLIENT_INFORMED entry records that they have been told; why they were not told at first is never exported.
  const register = visibleToSubject(await context.services.disclosures.register(scope, client.clientId));
  // Who received (or asked for) the person's information: the requester named when the request was received,
  // the partner agency released to, or the recipient of an exceptional disclosure they were told of.
  const requesterOf = new Map(
    register
      .filter((entry) => entry.kind === 'RECEIVED')
      .map((entry) => [entry.requestId, entry.requesterOrganisation]),
  );
  const disclosures = register.map((entry) => ({
    requestId: entry.requestId,
    kind: entry.kind,
    at: entry.at,
    recipient:
      entry.kind === 'EXCEPTIONAL_DISCLOSURE'
        ? context.services.disclosures.openSealed(key, entry, 'recipient')
        : requesterOf.get(entry.requestId),
    partnerAgency: entry.partnerId ? partnerNames.get(entry.partnerId) : undefined,
    requesterOrganisation: entry.requesterOrganisation,
    receivedOn: entry.receivedOn,
    purpose: context.services.disclosures.openSealed(key, entry, 'purpose'),
    purposeCategory: entry.purposeCategory,
    legalBasis: entry.legalBasis,
    // Why it was made, for an exceptional disclosure the person was told of (the untold ones are not listed), and how
    // they were told, for one they were told of later.
    reasoning:
      entry.kind === 'EXCEPTIONAL_DISCLOSURE' || entry.kind === 'CLIENT_INFORMED'
        ? context.services.disclosures.openSealed(key, entry, 'reasoning')
        : undefined,
    toldOn: entry.toldOn,
    // The notes it names that are still held and not withheld from the person, by kind and date.
    items: entry.itemIds.flatMap((itemId) => {
      const note = noteById.get(itemId);
      return note ? [{ kind: note.kind, recordedAt: note.recordedAt }] : [];
    }),
    method: entry.method,
    snapshotDigest: entry.snapshotDigest,
  }));
  if (disclosures.length > 0) shown.push(['DisclosureRegisterEntry', 'CONSENT']);
  const referrals = (await context.services.referrals.ofClient(scope, client.clientId)).map((referral) => ({
    referrer: partnerNames.get(referral.partnerId),
    referrerReference: referral.referrerReference,
    receivedOn: referral.receivedOn,
    appointmentAt: referral.appointmentAt,
  }));
  if (referrals.length > 0) shown.push(['Referral', 'CONTACT']);
  const media = (await context.services.media.list(scope, client.clientId)).map((item) => ({
    kind: item.kind,
    purpose: item.purpose,
    recordedAt: item.recordedAt,
    caption: context.services.media.openSealed(key, item, 'caption'),
    objectReference: context.services.media.openSealed(key, item, 'objectReference'),
  }));
  if (media.length > 0) shown.push(['MediaItem', 'CARE']);
  const allocations = client.allocations.map((allocation) => ({
    kind: allocation.kind,
    startsAt: allocation.startsAt,
    endsAt: allocation.endsAt,
  }));
  if (allocations.length > 0) shown.push(['ServiceUser.allocations', 'PSEUDONYMOUS']);
  const events = await context.services.auditLog.bySubject(scope, client.clientId, {
    limit: ACCESS_SUMMARY_EVENTS,
  });
  const summary = new Map<string, { roles: string; purpose: string | null; count: number; lastAt: string }>();
  // What the person's own access log shows them, by the same rule.
  for (const event of shownToPerson(client, events)) {
    const roles = event.actor.kind === 'STAFF' ? event.actor.roles.join(', ') : event.actor.kind;
    const key2 = `${roles}|${event.purpose ?? ''}`;
    const entry = summary.get(key2) ?? { roles, purpose: event.purpose ?? null, count: 0, lastAt: event.at };
    entry.count += 1;
    if (event.at > entry.lastAt) entry.lastAt = event.at;
    summary.set(key2, entry);
  }
  const document = JSON.stringify(
    {
      profile,
      notes,
      consents,
      disclosures,
      referrals,
      media,
      allocations,
      accessSummary: [...summary.values()],
      // False when the person's events outnumber what one export reads: the summary then covers the newest only.
      accessSummaryComplete: events.length < ACCESS_SUMMARY_EVENTS,
    },
    null,
    2,
  );
  return { document, shown };
}

/** The request named by id, as the subject of an operation on it: its client. */
async function requestSubject(context: ConfideContext, requestId: string) {
  const request = await context.services.subjectAccess.get(context.access.scope, requestId);
  if (!request) throw notFound('Subject access request');
  return clientSubject(context, request.clientId);
}

async function requestById(operation: Operation, context: ConfideContext, requestId: string) {
  const request = await context.services.subjectAccess.get(operation.scope, requestId);
  if (!request) throw notFound('Subject access request');
  return request;
}

/** The caller's own record, for a person Confide holds records about (SELF). */
async function ownRecord(_args: unknown, context: ConfideContext): Promise<OperationSubject> {
  const principal = context.auth?.principal;
  if (principal?.kind !== 'SERVICE_USER') throw notFound('Service user');
  const client = await context.access.findClient(principal.serviceUserId);
  if (!client) throw notFound('Service user');
  return { kind: 'CLIENT', client };
}

const callerStaffId = (context: ConfideContext) => {
  const principal = context.auth?.principal;
  return principal?.kind === 'STAFF' ? principal.staffId : undefined;
};

/** The requests, or the open ones past their deadline. */
async function subjectAccessRegister(
  scope: TenantScope,
  overdueOnly: boolean | null | undefined,
  context: ConfideContext,
) {
  // A person the caller is declared connected to is not listed (decision 0007).
  const all = await context.access.withoutConflicts(
    await context.services.subjectAccess.list(scope),
    (request) => request.clientId,
  );
  if (!overdueOnly) return all;
  const today = await organisationToday(context);
  return all.filter((r) => r.status === 'OPEN' && r.deadline < today);
}

builder.queryFields((t) => ({
  subjectAccessRequests: t.field({
    type: [SarRef],
    description:
      'Subject access requests and their deadlines (IG_LEAD, CALDICOTT_GUARDIAN); `overdueOnly` lists those past the deadline.',
    deprecationReason:
      'A list that grows (issue 19): use `subjectAccessRequestsConnection`, which pages with cursors.',
    args: { overdueOnly: t.arg.boolean({ required: false, description: 'Only overdue ones.' }) },
    operation: { policy: 'subject-access.register', audit: 'after' },
    resolve: (operation, args, context) => subjectAccessRegister(operation.scope, args.overdueOnly, context),
  }),
  subjectAccessRequestsConnection: t.connection({
    type: SarRef,
    description:
      'Subject access requests and their deadlines, as a cursor connection (IG_LEAD, CALDICOTT_GUARDIAN); `overdueOnly` lists those past the deadline.',
    args: { overdueOnly: t.arg.boolean({ required: false, description: 'Only overdue ones.' }) },
    operation: { policy: 'subject-access.register', audit: 'after' },
    resolve: async (operation, args, context) =>
      resolveArrayConnection(
        { args },
        await subjectAccessRegister(operation.scope, args.overdueOnly, context),
      ),
  }),
  subjectAccessExport: t.field({
    type: ExportRef,
    description:
      'Everything held about the person: for the person themself, or for the IG lead answering an open request once a second person (the Caldicott Guardian or another IG lead, never the compiler) approved its export (`approveSubjectAccessExport`). A staff read is audited with every classification shown, appears in the person’s `myAccessLog`, and is listed for the Caldicott Guardian (`subjectAccessExportNotices`).',
    args: { serviceUserId: t.arg.id({ required: true, description: 'The person.' }) },
    operation: {
      policy: 'subject-access.export',
      subject: clientById((args) => args.serviceUserId),
      change: async (_args, context, subject) => {
        const staffId = callerStaffId(context);
        if (!staffId || subject.kind !== 'CLIENT') return {};
        const open = await context.services.subjectAccess.openFor(
          context.access.scope,
          subject.client.clientId,
        );
        return {
          sharing: {
            openRequest: open !== undefined,
            exportApproved: open?.exportApprovedBy !== undefined,
            callerApproved: open?.exportApprovedBy === staffId,
            callerRecorded: open?.requestedBy === staffId,
          },
        };
      },
      audit: 'after',
    },
    resolve: async (operation, _args, context) => {
      const client = operation.client;
      const { document, shown } = await buildExport(context, operation, client);
      // The export answers the person's open request, whoever reads it (Carers Trust 2.2).
      const open = await context.services.subjectAccess.openFor(operation.scope, client.clientId);
      if (operation.principal.kind === 'STAFF') {
        if (!open) throw notFound('Subject access request');
        // The Caldicott Guardian is told that staff read the person's record through their request.
        await context.services.subjectAccess.recordStaffExport(
          operation.scope,
          {
            requestId: open.requestId,
            clientId: client.clientId,
            readBy: operation.staff.staffId,
            approvedBy: open.exportApprovedBy,
            classifications: [...new Set(shown.map(([, classification]) => classification))].sort(),
          },
          client.expiresAt,
        );
      }
      // One READ event listing every field and classification shown (merged with the operation's own event).
      for (const [field, classification] of shown) {
        context.access.audit.record({
          action: 'READ',
          operation: operation.name,
          subjectId: client.clientId,
          field,
          classification,
          relationship: operation.decision.relationship,
          emergency: false,
          outcome: 'ALLOWED',
          rule: operation.decision.rule,
        });
      }
      return {
        requestId: open?.requestId ?? null,
        deadline: open?.deadline ?? null,
        generatedAt: context.services.clock.now().toISOString(),
        document,
      };
    },
  }),
  mySubjectAccessRequests: t.field({
    type: [SarRef],
    description:
      'For a person Confide holds records about (SELF): their own subject access requests, with each one’s deadline and status, oldest first (Carers Trust 2.2).',
    deprecationReason:
      'A list that grows (issue 19): use `mySubjectAccessRequestsConnection`, which pages with cursors.',
    operation: { policy: 'subject-access.own-requests', subject: ownRecord, audit: 'after' },
    resolve: async (operation, _args, context) =>
      (await context.services.subjectAccess.list(operation.scope)).filter(
        (request) => request.clientId === operation.client.clientId,
      ),
  }),
  mySubjectAccessRequestsConnection: t.connection({
    type: SarRef,
    description:
      'For a person Confide holds records about (SELF): their own subject access requests, with each one’s deadline and status, oldest first, as a cursor connection paged in the store (Carers Trust 2.2).',
    operation: { policy: 'subject-access.own-requests', subject: ownRecord, audit: 'after' },
    resolve: (operation, args, context) =>
      storeConnection<SubjectAccessRequest>(
        args,
        listPositions(context, 'mySubjectAccessRequestsConnection'),
        (page) => context.services.subjectAccess.pageFor(operation.scope, operation.client.clientId, page),
      ),
  }),
  subjectAccessExportNotices: t.field({
    type: [ExportNoticeRef],
    description:
      'Every subject access export read by staff, newest first, with the classifications shown: for the Caldicott Guardian (and the IG lead).',
    deprecationReason:
      'A list that grows (issue 19): use `subjectAccessExportNoticesConnection`, which pages with cursors.',
    operation: { policy: 'subject-access.export-notices', audit: 'after' },
    resolve: (operation, _args, context) => context.services.subjectAccess.staffExports(operation.scope),
  }),
  subjectAccessExportNoticesConnection: t.connection({
    type: ExportNoticeRef,
    description:
      'Every subject access export read by staff, newest first, with the classifications shown, as a cursor connection paged in the store: for the Caldicott Guardian (and the IG lead).',
    operation: { policy: 'subject-access.export-notices', audit: 'after' },
    resolve: (operation, args, context) =>
      storeConnection<SubjectAccessExportNotice>(
        args,
        listPositions(context, 'subjectAccessExportNoticesConnection'),
        (page) => context.services.subjectAccess.staffExportsPage(operation.scope, page),
      ),
  }),
}));

/**
 * A subject access request's date received (not in the future) and, when staff record it, how the person's identity
 * was checked: BAD_USER_INPUT names the field at fault. `today` is the organisation's date (`organisationToday`).
 */
function receivedRequest(
  args: { receivedOn: string; identityCheck?: string | null },
  today: string,
  byStaff: boolean,
) {
  const receivedOn = validate.pastDate(['receivedOn'], args.receivedOn, today);
  // Staff record a letter or a call received earlier; a request the person makes themself is received as they make
  // it. Another date would move the one-month deadline the register tracks (into the past, overdue at once).
  if (!byStaff && receivedOn !== today) {
    throw validate.badInputError(
      ['receivedOn'],
      'A request you make yourself is received today: give today’s date.',
    );
  }
  if (byStaff && !args.identityCheck) {
    throw validate.badInputError(
      ['identityCheck'],
      'Say how the person’s identity was checked before recording their request.',
    );
  }
  return receivedOn;
}

builder.mutationFields((t) => ({
  requestSubjectAccess: t.field({
    type: SarRef,
    description:
      'Opens a subject access request: by the person themself, or recorded by staff (the IG lead, the service’s managers) on their behalf with `identityCheck`, how the person’s identity was checked (required for staff).',
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'The person.' }),
      receivedOn: t.arg.string({
        required: true,
        description:
          'Date received, YYYY-MM-DD, a date in the organisation’s time zone: when staff record it, the day it reached the organisation; when the person opens it themself, today there (BAD_USER_INPUT otherwise).',
      }),
      identityCheck: t.arg({
        type: SubjectIdentityCheckEnum,
        required: false,
        description: 'How staff checked the person’s identity: required when staff record the request.',
      }),
    },
    operation: {
      policy: 'subject-access.request',
      subject: clientById((args) => args.serviceUserId),
      // Checked before the audit event: bad input records nothing.
      validate: async (args, context) => {
        receivedRequest(args, await organisationToday(context), context.auth?.principal?.kind === 'STAFF');
      },
      audit: 'before',
    },
    resolve: async (operation, args, context) => {
      const principal = operation.tenantPrincipal;
      const byStaff = principal.kind === 'STAFF';
      const receivedOn = receivedRequest(args, await organisationToday(context), byStaff);
      return context.services.subjectAccess.open(operation.scope, {
        clientId: operation.client.clientId,
        receivedOn,
        requestedBy: byStaff ? principal.staffId : operation.client.clientId,
        openedByPerson: !byStaff,
        identityCheck: byStaff ? (args.identityCheck ?? undefined) : undefined,
        expiresAt: operation.client.expiresAt,
      });
    },
  }),
  approveSubjectAccessExport: t.field({
    type: SarRef,
    description:
      'Approves the export staff compile for an open request, as the second person: the Caldicott Guardian, or another IG lead — never the one who recorded the request; the approver may not then compile it. Audited. CONFLICT if already approved or completed.',
    args: { requestId: t.arg.id({ required: true, description: 'The request.' }) },
    operation: {
      policy: 'subject-access.approve-export',
      subject: (args, context) => requestSubject(context, String(args.requestId)),
      change: async (args, context) => {
        const request = await context.services.subjectAccess.get(
          context.access.scope,
          String(args.requestId),
        );
        return { sharing: { callerRecorded: request?.requestedBy === callerStaffId(context) } };
      },
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (operation, args, context) => {
      const request = await requestById(operation, context, String(args.requestId));
      return context.services.subjectAccess.approveExport(operation.scope, request, operation.staff.staffId);
    },
  }),
  completeSubjectAccessRequest: t.field({
    type: SarRef,
    description: 'Marks a request answered (IG_LEAD).',
    args: { requestId: t.arg.string({ required: true, description: 'The request.' }) },
    operation: {
      policy: 'subject-access.complete',
      subject: (args, context) => requestSubject(context, args.requestId),
      audit: 'before',
    },
    resolve: async (operation, args, context) =>
      context.services.subjectAccess.complete(
        operation.scope,
        await requestById(operation, context, args.requestId),
      ),
  }),
}));
