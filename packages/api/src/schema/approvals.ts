import { APPROVER_ROLE_RULE } from '@confide/access';
import { ConfideError, ErrorCode, forbidden, type IdKind, isIdOf, notFound } from '@confide/domain';
import type { PendingApproval } from '@confide/store';
import { needToKnow } from '../access/need-to-know';
import { governedOperations, mayApprove, proposerMayStill } from '../access/operation-plugin';
import { structuralFields } from '../access/personal-data';
import { builder } from '../builder';
import type { ConfideContext } from '../context';
import { AccessActorRef, actorOfStaff } from './access-governance/actors';
import { listPositions, storeConnection } from './store-paging';

/**
 * The two-person rule (ACCESS-MODEL.md): a change one person may not make alone — a role that opens client
 * records, a wider access preset, an erasure — is recorded as pending when proposed (the proposer gets
 * APPROVAL_REQUIRED with `extensions.approvalId`) and runs, exactly as proposed, when a second person with
 * authority approves it. Both steps are audited.
 */
export const PendingChangeRef = builder.objectRef<PendingApproval>('PendingChange');

/** What a pending change can be about, by the kind of its subject's id: the GraphQL type its global id names. */
const SUBJECT_KINDS = [
  ['serviceUser', 'SERVICE_USER', 'ServiceUser'],
  ['staff', 'STAFF_MEMBER', 'StaffMember'],
  ['service', 'SERVICE', 'Service'],
] as const satisfies readonly (readonly [IdKind, string, string])[];

const PendingChangeSubjectKind = builder.enumType('PendingChangeSubjectKind', {
  description: 'The kind of record a pending change is about: its `subjectId` is a global id of that type.',
  values: {
    SERVICE_USER: { description: 'A person supported (ServiceUser).' },
    STAFF_MEMBER: { description: 'A staff account (StaffMember).' },
    SERVICE: { description: 'A service (Service).' },
  } as const,
});

/** The change's subject by kind, or undefined for a change about the organisation as a whole (or nothing yet). */
const subjectOf = (approval: PendingApproval) => {
  const id = approval.subjectId;
  const kind = id ? SUBJECT_KINDS.find(([idKind]) => isIdOf(idKind, id)) : undefined;
  return id && kind ? { id, kind: kind[1], type: kind[2] } : undefined;
};

/** The reason its proposer gave, for an operation that takes one (today `eraseServiceUser`). */
const reasonOf = (approval: PendingApproval) =>
  typeof approval.args.reason === 'string' ? approval.args.reason : null;

/**
 * A reason is the person's CONSENT data, read and audited as theirs (decision 0149); only the lists, which hold just
 * the changes the caller may decide, give one out. No operation about another subject takes a reason yet.
 */
const reasonRead = needToKnow<PendingApproval>('CONSENT', async (approval, context) => {
  const client = await context.access.findClient(approval.subjectId ?? '');
  if (!client) throw forbidden();
  return { client };
});

PendingChangeRef.implement({
  // Everything but the reason is about the change, not its subject.
  ...structuralFields(
    'id operation proposedBy proposedByActor proposedAt status rule subjectKind subjectId',
    'the change, not its subject',
  ),
  description: 'A change proposed under the two-person rule: the operation, who proposed it, and why.',
  fields: (t) => ({
    id: t.exposeID('approvalId', { description: 'The pending change (opaque id).' }),
    operation: t.exposeString('operation', { description: 'The mutation proposed, e.g. `assignRoles`.' }),
    proposedBy: t.globalID({
      description: 'The staff member who proposed it.',
      resolve: (approval) => ({ type: 'StaffMember', id: approval.proposedBy }),
    }),
    proposedByActor: t.field({
      type: AccessActorRef,
      description: 'Who proposed it, in words: name, handle and current role.',
      resolve: (approval) => actorOfStaff(approval.proposedBy),
    }),
    proposedAt: t.field({ type: 'DateTime', description: 'When proposed.', resolve: (a) => a.proposedAt }),
    status: t.exposeString('status', { description: 'PENDING, APPROVED or REJECTED.' }),
    rule: t.exposeString('rule', { description: 'The policy rule that asked for a second person.' }),
    subjectKind: t.field({
      type: PendingChangeSubjectKind,
      nullable: true,
      description:
        'What the change is about, by kind (a person, a staff account, a service); null for a change to the organisation as a whole or to an account not yet created. Tells two changes of the same operation apart.',
      resolve: (approval) => subjectOf(approval)?.kind ?? null,
    }),
    subjectId: t.globalID({
      nullable: true,
      description:
        'What the change is about: an id only, never a name. Whoever may approve the change has authority over it and opens it there (a person’s `accessLog`, a `staffMember`).',
      resolve: (approval) => {
        const subject = subjectOf(approval);
        return subject ? { type: subject.type, id: subject.id } : null;
      },
    }),
    reason: t.string({
      ...reasonRead,
      // No reason, nothing read or recorded.
      authScopes: (approval, args, context, info) =>
        reasonOf(approval) === null || reasonRead.authScopes(approval, args, context, info),
      nullable: true,
      description: 'Why, as its proposer wrote it, for who may decide it; null if the operation takes none.',
      resolve: reasonOf,
    }),
  }),
});

async function pendingApproval(
  context: ConfideContext,
  scope: Parameters<ConfideContext['services']['approvals']['get']>[0],
  approvalId: string,
) {
  const approval = await context.services.approvals.get(scope, approvalId);
  if (approval?.status !== 'PENDING') throw notFound('Pending change');
  const operation = governedOperations().get(approval.operation);
  if (!operation) throw notFound('Pending change');
  return { approval, operation };
}

/**
 * Whether a platform operator confirmed the change as its second person (decision 0081): a change giving ORG_ADMIN
 * proposed by an organisation's only ORG_ADMIN, which that admin may then approve.
 */
const confirmedByOperator = (approval: PendingApproval): boolean =>
  approval.confirmedByOperator !== undefined && approval.rule === APPROVER_ROLE_RULE;

/**
 * Whether the proposer may approve their own change: an operator confirmed it, and they are still the organisation's
 * only active ORG_ADMIN. Once another admin exists (one such change approved, say), that admin is the second person.
 */
const ownedByCaller = (context: ConfideContext, approval: PendingApproval): boolean => {
  const principal = context.auth?.principal;
  return principal?.kind === 'STAFF' && principal.staffId === approval.proposedBy;
};

async function ownApprovalAllowed(context: ConfideContext, approval: PendingApproval): Promise<boolean> {
  if (!confirmedByOperator(approval)) return false;
  // Checked accounts (their access MACs): a second admin hidden by a raw write fails this closed.
  const roster = await context.services.directory.listStaff(context.access.scope);
  return !roster.some(
    (staff) =>
      staff.status === 'ACTIVE' && staff.roles.includes('ORG_ADMIN') && staff.staffId !== approval.proposedBy,
  );
}

/**
 * Whether the caller may approve each change: never their own proposal (unless an operator confirmed it), and only
 * with the change's authority.
 */
async function approvable(context: ConfideContext, pending: readonly PendingApproval[]): Promise<boolean[]> {
  return Promise.all(
    pending.map(async (approval) => {
      const governed = governedOperations().get(approval.operation);
      return (
        governed !== undefined &&
        (await mayApprove(
          context,
          governed,
          approval.args,
          approval.proposedBy,
          ownedByCaller(context, approval) && (await ownApprovalAllowed(context, approval)),
        ))
      );
    }),
  );
}

builder.queryFields((t) => ({
  pendingChanges: t.field({
    type: [PendingChangeRef],
    description:
      'Changes waiting for a second person that the caller may approve (never their own proposals), oldest first.',
    deprecationReason:
      'A list that grows (issue 19): use `pendingChangesConnection`, which pages with cursors.',
    operation: { policy: 'approval.review', audit: 'after' },
    resolve: async (operation, _args, context) => {
      const pending = await context.services.approvals.pending(operation.scope);
      const may = await approvable(context, pending);
      return pending.filter((_, index) => may[index]);
    },
  }),
  pendingChangesConnection: t.connection({
    type: PendingChangeRef,
    description:
      'Changes waiting for a second person that the caller may approve (never their own proposals), as a cursor connection paged in the store: in a stable order by change id, not by date (each carries `proposedAt`).',
    operation: { policy: 'approval.review', audit: 'after' },
    resolve: (operation, args, context) =>
      storeConnection(
        args,
        listPositions(context, 'pendingChangesConnection'),
        (page) => context.services.approvals.pendingPage(operation.scope, page),
        async (pending) => {
          const may = await approvable(context, pending);
          return pending.map((approval, index) => (may[index] ? approval : undefined));
        },
      ),
  }),
}));

builder.mutationFields((t) => ({
  approveChange: t.field({
    type: PendingChangeRef,
    description:
      'Approves a pending change and runs it exactly as proposed (a second person with authority, never its proposer, except the proposer of a change giving ORG_ADMIN that a platform operator confirmed as its second person: `confirmOrganisationAdministrator`, decision 0081). Audited as the change itself, marked approved once it is made. CONFLICT if already decided, or while another approval of it is running (a run that never ended is approved again two minutes after it began).',
    args: { approvalId: t.arg.id({ required: true, description: 'The pending change.' }) },
    operation: { policy: 'approval.review', audit: 'after', action: 'ADMIN' },
    resolve: async (operation, args, context, info) => {
      const { approval, operation: governed } = await pendingApproval(
        context,
        operation.scope,
        String(args.approvalId),
      );
      if (approval.proposedBy === operation.staff.staffId && !(await ownApprovalAllowed(context, approval))) {
        throw forbidden('A change you proposed is approved by someone else.');
      }
      // Two people's word: a proposer deactivated since no longer gives theirs, and the change would run on the
      // approver's alone (one admin deactivating the other, then approving what the other proposed).
      const proposer = await context.services.directory.staff(operation.scope, approval.proposedBy);
      if (proposer && proposer.status !== 'ACTIVE') {
        throw new ConfideError(
          ErrorCode.CONFLICT,
          'The person who proposed this change is no longer active: reject it, and propose it again if it is still wanted.',
        );
      }
      if (
        proposer &&
        !(await proposerMayStill(context, governed, approval.args, approval.subjectId, proposer))
      ) {
        throw new ConfideError(
          ErrorCode.CONFLICT,
          'The person who proposed this change no longer holds the role to propose it: reject it, and propose it again if it is still wanted.',
        );
      }
      // Claimed first, so two approvers at once run it once; the claim is given up if running it fails, and lapses
      // if the run never ends. Marked approved, and its arguments removed, only once the change is made.
      const { approvals } = context.services;
      const approver = operation.staff.staffId;
      await approvals.claim(operation.scope, approval.approvalId, approver);
      try {
        await governed.runApproved(approval.args, context, info, approval.proposedBy, approval.subjectId);
      } catch (error) {
        await approvals.release(operation.scope, approval.approvalId, approver);
        throw error;
      }
      return approvals.decide(operation.scope, approval.approvalId, 'APPROVED', approver);
    },
  }),
  rejectChange: t.field({
    type: PendingChangeRef,
    description:
      'Rejects a pending change: it never runs. The proposer may withdraw their own; otherwise anyone who could approve it. CONFLICT once an approval of it has begun, even one cut off (the change may have been made): approve it again to finish it.',
    args: { approvalId: t.arg.id({ required: true, description: 'The pending change.' }) },
    operation: { policy: 'approval.review', audit: 'before', action: 'ADMIN' },
    resolve: async (operation, args, context) => {
      const { approval, operation: governed } = await pendingApproval(
        context,
        operation.scope,
        String(args.approvalId),
      );
      const own = approval.proposedBy === operation.staff.staffId;
      if (!own && !(await mayApprove(context, governed, approval.args, approval.proposedBy)))
        throw forbidden();
      return context.services.approvals.decide(
        operation.scope,
        approval.approvalId,
        'REJECTED',
        operation.staff.staffId,
      );
    },
  }),
}));
