import { BREAK_GLASS_REVIEWERS, relationshipsOf } from '@confide/access';
import {
  ConfideError,
  EMERGENCY_REASONS,
  type EmergencyReason,
  ErrorCode,
  isIdOf,
  notFound,
  validate,
} from '@confide/domain';
import type { EmergencyReview, ServiceUserRecord, TenantScope } from '@confide/store';
import type { Operation, OperationSubject } from '../../access/operation-plugin';
import { recordAboutPerson, textAboutPerson } from '../../access/text-about-a-person';
import { builder } from '../../builder';
import { authenticated, type ConfideContext } from '../../context';
import { confideMetrics, publishMetric } from '../../metrics';
import {
  rulesOf,
  scheduleAfterEmergencyReview,
  scheduleOnReviewRelease,
} from '../../use-cases/retention-schedule';
import { unjustifiedFindingBreach } from '../breaches';
import { localId } from '../ids';
import { listPositions, storeConnection } from '../store-paging';
import { AccessActorRef, actorOfStaff } from './actors';
import { namesCaller, oncePerRequest } from './shared';

// ── Break-glass ────────────────────────────────────────────────────────────────────────────────────────────

const EMERGENCY_WINDOW_MS = 60 * 60 * 1000;

const EmergencyReasonEnum = builder.enumType('EmergencyReason', {
  description:
    'Why break-glass access was opened. Sealed items open only for IMMINENT_DANGER or SAFEGUARDING (ACCESS-MODEL.md).',
  values: EMERGENCY_REASONS,
});

const ReviewOutcomeEnum = builder.enumType('ReviewOutcome', {
  description: 'The reviewer’s finding on an emergency access.',
  values: ['JUSTIFIED', 'UNJUSTIFIED'] as const,
});

const EmergencyReviewRef = builder.objectRef<EmergencyReview>('EmergencyAccessReview');
EmergencyReviewRef.implement({
  // Its detail is the person's (decision 0152).
  ...recordAboutPerson(
    'id staffId actor serviceUserId reason openedAt until status outcome reviewedAt reviewedBy reviewedByActor',
  ),
  description:
    'The review an emergency access raises for the service manager and the Caldicott Guardian. References only, and the detail stated.',
  fields: (t) => ({
    id: t.exposeID('reviewId', {
      description:
        'The review: an opaque id (not a Node global id), as `completeEmergencyAccessReview(reviewId:)` takes it.',
    }),
    staffId: t.globalID({
      description: 'Who broke the glass.',
      resolve: (r) => ({ type: 'StaffMember', id: r.staffId }),
    }),
    actor: t.field({
      type: AccessActorRef,
      description: 'Who broke the glass, in words: name, handle and current role.',
      resolve: (r) => actorOfStaff(r.staffId),
    }),
    serviceUserId: t.globalID({
      description: 'Whose record was opened.',
      resolve: (r) => ({ type: 'ServiceUser', id: r.clientId }),
    }),
    reason: t.field({
      type: EmergencyReasonEnum,
      description: 'The stated reason.',
      resolve: (r) => r.reason,
    }),
    detail: t.string({
      ...textAboutPerson<EmergencyReview>(
        (review) => review.clientId,
        (review, key, context) => context.services.emergencyReviews.openDetail(key, review),
      ),
      description: 'The stated detail, for the reviewers.',
    }),
    openedAt: t.field({ type: 'DateTime', description: 'When opened.', resolve: (r) => r.openedAt }),
    until: t.field({
      type: 'DateTime',
      description: 'When the access ends (at most one hour).',
      resolve: (r) => r.until,
    }),
    status: t.string({ description: 'PENDING or COMPLETED.', resolve: (r) => r.status }),
    outcome: t.field({
      type: ReviewOutcomeEnum,
      nullable: true,
      description: 'The finding.',
      resolve: (r) => r.outcome ?? null,
    }),
    reviewedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the finding was recorded; null while the review is pending.',
      resolve: (r) => r.reviewedAt ?? null,
    }),
    reviewedBy: t.globalID({
      nullable: true,
      description: 'Who recorded the finding; null while the review is pending.',
      resolve: (r) => (r.reviewedBy ? { type: 'StaffMember', id: r.reviewedBy } : null),
    }),
    reviewedByActor: t.field({
      type: AccessActorRef,
      nullable: true,
      description: 'Who recorded the finding, in words; null while pending.',
      resolve: (r) => (r.reviewedBy ? actorOfStaff(r.reviewedBy) : null),
    }),
  }),
});

/** The client a break-glass opens, which must exist (NOT_FOUND, recorded as a refusal). */
function emergencyClient(
  args: { readonly serviceUserId: string | number },
  context: ConfideContext,
): Promise<ServiceUserRecord> {
  const clientId = localId(args.serviceUserId, 'ServiceUser', 'serviceUser', 'Service user');
  return oncePerRequest(context, `emergency:${clientId}`, async () => {
    const client = await context.access.findClient(clientId);
    if (!client) throw notFound('Service user');
    return client;
  });
}

/**
 * The caller's own opening of emergency access to the client, for the same reason, that a fault cut off before its
 * grant: a review still pending and within its window, holding the person's records, with no grant recorded for it,
 * and the caller's latest opening for the client. An earlier review whose grant a later opening replaced is not one
 * (it must not come back after a reviewer ended the later access). Read only when the profile names a pending review
 * that is not the caller's grant (rare), so an opening costs nothing more.
 */
async function interruptedOpening(
  context: ConfideContext,
  scope: TenantScope,
  staffId: string,
  client: ServiceUserRecord,
  reason: EmergencyReason,
): Promise<EmergencyReview | undefined> {
  const granted = authenticated(context).staff?.emergencyGrants.get(client.clientId)?.grantId;
  const now = context.services.clock.now().getTime();
  for (const reviewId of context.services.retention.reviewHoldsOn(client)) {
    if (reviewId === granted) continue;
    const review = await context.services.emergencyReviews.get(scope, reviewId);
    if (
      review?.staffId === staffId &&
      review.reason === reason &&
      review.status === 'PENDING' &&
      Date.parse(review.until) > now &&
      (await latestOpening(context, scope, staffId, client.clientId)) === review.reviewId
    )
      return review;
  }
  return undefined;
}

/** The id of the caller's latest opening of emergency access to the client, completed or not. */
async function latestOpening(
  context: ConfideContext,
  scope: TenantScope,
  staffId: string,
  clientId: string,
): Promise<string | undefined> {
  const own = (await context.services.emergencyReviews.list(scope)).filter(
    (review) => review.staffId === staffId && review.clientId === clientId,
  );
  const latest = own.reduce<EmergencyReview | undefined>(
    (newest, review) =>
      !newest ||
      review.openedAt > newest.openedAt ||
      (review.openedAt === newest.openedAt && review.reviewId > newest.reviewId)
        ? review
        : newest,
    undefined,
  );
  return latest?.reviewId;
}

/** The review with this id, visible to the caller or not: NOT_FOUND for an id that names none. */
function reviewById(context: ConfideContext, reviewId: string | number): Promise<EmergencyReview> {
  const id = String(reviewId);
  return oncePerRequest(context, `emergency-review:${id}`, async () => {
    const review = isIdOf('emergency', id)
      ? await context.services.emergencyReviews.get(context.access.scope, id)
      : undefined;
    if (!review) throw notFound('Review');
    return review;
  });
}

/** The reviews a staff member sees: all for the Caldicott Guardian and the IG lead, their services’ for a manager. */
const reviews = (operation: Operation, context: ConfideContext, review: EmergencyReview): boolean =>
  operation.staff.roles.some((role) => BREAK_GLASS_REVIEWERS.includes(role)) ||
  context.access.managesService(review.serviceId);

const detailOf = (detail: string) => validate.text(['detail'], detail, { max: 2000, multiline: true });

builder.mutationFields((t) => ({
  openEmergencyAccess: t.field({
    type: EmergencyReviewRef,
    description:
      'Break-glass: opens access to one client for at most one hour, with a reason. Every read under it is audited as emergency and a review is raised. Staff who already have a relationship never need it (CONFLICT); a declared conflict of interest still bars the client. Until its review is completed, a closed case of the person stays off its retention schedule. A review completed before the access is granted grants nothing (CONFLICT). Audited as EMERGENCY_ACCESS.',
    args: {
      serviceUserId: t.arg.id({ required: true, description: 'The client.' }),
      reason: t.arg({ type: EmergencyReasonEnum, required: true, description: 'Why.' }),
      detail: t.arg.string({ required: true, description: 'What is happening (kept for the reviewers).' }),
    },
    operation: {
      policy: 'emergency.open',
      // The client is not the caller's to know (that is why the glass is broken), so it is not the subject: the
      // policy gets the caller's relationship to it as the change's `clients` (policies/governance-access.ts).
      subject: async (args, context) => {
        await emergencyClient(args, context);
        return { kind: 'NONE' };
      },
      change: async (args, context) => ({
        clients: [await context.access.relationTo(await emergencyClient(args, context))],
        detail: args.reason,
      }),
      validate: async (args, context) => {
        detailOf(args.detail);
        const relation = await context.access.relationTo(await emergencyClient(args, context));
        const caller = context.access.callerFacts();
        // "Staff who already hold a relationship are never asked" (ACCESS-MODEL.md): a relationship of their own, as
        // STRICT counts them. Seeing the person through a role row (an administrator, the Caldicott Guardian) or the
        // GROUP_WIDE preset is not one: they may still need what only an emergency opens (decision 0008).
        if (!relationshipsOf(caller, { ...relation, emergency: undefined }, 'STRICT').includes('NONE')) {
          throw new ConfideError(
            ErrorCode.CONFLICT,
            'You already have access to this client; no emergency access is needed.',
          );
        }
      },
      record: (args) => ({ subjectId: localId(args.serviceUserId, 'ServiceUser', 'serviceUser') }),
      // Recorded when the grant is open and written before the response leaves: the opening is the first access
      // of the grant's window (from the review's openedAt), which the emergency report and alerts count as
      // evidence. Every read under the grant is audited in its turn.
      audit: 'after',
      action: 'EMERGENCY_ACCESS',
    },
    resolve: async (operation, args, context) => {
      const client = await emergencyClient(args, context);
      const staffId = operation.staff.staffId;
      const until = new Date(context.services.clock.now().getTime() + EMERGENCY_WINDOW_MS);
      const reason = args.reason as EmergencyReason;
      const key = await context.access.clientKey(client);
      // The review holds the person's records from its opening (decision 0074): the profile at once, the other
      // items before the grant, so that a failure part-way leaves no access while a record is still dated. The
      // governance contacts' notice of the opening (by reference only, decision 0035) is written with the review. A
      // retry after such a failure carries on with the review it interrupted rather than open a second one.
      const review =
        (await interruptedOpening(context, operation.scope, staffId, client, reason)) ??
        (await context.services.emergencyReviews.open(
          operation.scope,
          key,
          {
            staffId,
            clientId: client.clientId,
            serviceId: client.serviceId,
            reason,
            detail: detailOf(args.detail),
            until,
          },
          (reviewId) => [
            context.services.notifications.outboxItem(operation.scope, 'EMERGENCY_ACCESS_OPENED', reviewId),
          ],
        ));
      await context.services.retention.clearForReview(operation.scope, client.clientId, key);
      // Only while the review is pending: one completed meanwhile grants nothing.
      await context.services.directory.recordEmergencyGrant(
        operation.scope,
        staffId,
        client.clientId,
        { grantId: review.reviewId, reason: review.reason, until: review.until },
        context.services.emergencyReviews.stillPending(review),
      );
      // The operators' `emergency-access-opened` alarm (ids only; the review says who and why).
      publishMetric(confideMetrics.emergencyAccessOpened, 1, {
        level: 'INFO',
        message: 'emergency-access.opened',
        orgId: operation.scope.orgId,
        reviewId: review.reviewId,
      });
      return review;
    },
  }),
  completeEmergencyAccessReview: t.field({
    type: EmergencyReviewRef,
    description:
      'Records the review’s finding (the service manager, the Caldicott Guardian or the IG lead; never the person who broke the glass). It ends the emergency access it reviews, if it is still open: a further need opens a new one, with its own review. CONFLICT when the person opened or ended another emergency access at the same moment: complete it again. An UNJUSTIFIED finding opens a breach register entry. The last pending review of a closed case puts it back on its retention schedule, unless its date has passed meanwhile (the records then leave by `eraseServiceUser`). Audited before it happens.',
    args: {
      reviewId: t.arg.id({ required: true, description: 'The review.' }),
      outcome: t.arg({ type: ReviewOutcomeEnum, required: true, description: 'The finding.' }),
    },
    operation: {
      policy: 'emergency.review.complete',
      subject: (args, context) => reviewedClient(context, args.reviewId),
      change: async (args, context) => ({
        namesCaller: namesCaller(context, (await reviewById(context, args.reviewId)).staffId),
        detail: args.outcome,
      }),
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (operation, args, context) => {
      const review = await reviewById(context, args.reviewId);
      const staffId = operation.staff.staffId;
      // An unjustified emergency access is a breach discovered now, recorded with the finding.
      const breach =
        args.outcome === 'UNJUSTIFIED'
          ? unjustifiedFindingBreach(context, operation.scope, {
              source: 'EMERGENCY_REVIEW_UNJUSTIFIED',
              nature: 'Emergency access found unjustified on review.',
              reviewId: review.reviewId,
              recordedBy: staffId,
            })
          : undefined;
      // The last pending review of a closed case puts it back on its schedule, in the same transaction (0076).
      const { client } = operation;
      const release = await scheduleOnReviewRelease(context, operation.scope, client, review.reviewId);
      // The access it reviews ends with the finding, whatever it is: reads after it would never be reviewed.
      const accessEnded = await context.services.directory.emergencyGrantEnded(
        operation.scope,
        review.staffId,
        review.clientId,
        review.reviewId,
      );
      const completed = await context.services.emergencyReviews.complete(
        review,
        { outcome: args.outcome, reviewedBy: staffId, auditYears: rulesOf(context).auditYears },
        { alongside: [...(breach ? [breach.put] : []), ...(accessEnded ? [accessEnded] : [])], release },
      );
      await scheduleAfterEmergencyReview(
        context,
        operation.scope,
        review.clientId,
        completed.scheduled && release ? { client, schedule: release } : undefined,
      );
      return completed.review;
    },
  }),
}));

/** The person a review is about, as an operation's subject; a review of records since erased is NOT_FOUND. */
async function reviewedClient(context: ConfideContext, reviewId: string): Promise<OperationSubject> {
  const client = await context.access.findClient((await reviewById(context, reviewId)).clientId);
  if (!client) throw notFound('Review');
  return { kind: 'CLIENT', client };
}

/** Each review is about a person (its detail is sealed under their key): recorded against each one listed. */
function recordListed(operation: Operation, context: ConfideContext, listed: readonly EmergencyReview[]) {
  context.access.audit.recordListed(
    operation,
    listed.map((review) => review.clientId),
    'EmergencyAccessReview',
  );
}

/** The status a list is filtered by: none, PENDING or COMPLETED; anything else is BAD_USER_INPUT, never ignored. */
const reviewStatus = (status: string | null | undefined) => {
  if (status == null) return undefined;
  if (status === 'PENDING' || status === 'COMPLETED') return status;
  throw validate.badInputError(['status'], 'The status is PENDING or COMPLETED.');
};

builder.queryFields((t) => ({
  emergencyAccessReview: t.field({
    type: EmergencyReviewRef,
    description:
      'One review, to whoever `emergencyAccessReviewsConnection` lists it; NOT_FOUND otherwise. Recorded against its person.',
    args: { reviewId: t.arg.id({ required: true, description: 'The review.' }) },
    operation: {
      policy: 'emergency.review.read',
      subject: (args, context) => reviewedClient(context, args.reviewId),
      // Named as the lists name it: a reviewer's work item, recorded against its person (recordListed).
      record: () => ({ fields: ['EmergencyAccessReview'] }),
      audit: 'after',
    },
    resolve: (_operation, args, context) => reviewById(context, args.reviewId),
  }),
  emergencyAccessReviews: t.field({
    type: [EmergencyReviewRef],
    description:
      'Emergency accesses to review: all for the Caldicott Guardian and the IG lead, their services’ for a service manager, none for anyone else. Each review listed is recorded against its person.',
    deprecationReason:
      'A list that grows (issue 19): use `emergencyAccessReviewsConnection`, which pages with cursors.',
    args: { status: t.arg.string({ required: false, description: 'PENDING or COMPLETED.' }) },
    operation: {
      policy: 'emergency.review.list',
      audit: 'after',
      validate: ({ status }) => {
        reviewStatus(status);
      },
    },
    resolve: async (operation, args, context) => {
      const all = await context.services.emergencyReviews.list(operation.scope, reviewStatus(args.status));
      const visible = await context.access.withoutConflicts(
        all.filter((review) => reviews(operation, context, review)),
        (review) => review.clientId,
      );
      recordListed(operation, context, visible);
      return visible;
    },
  }),
  emergencyAccessReviewsConnection: t.connection({
    type: EmergencyReviewRef,
    description:
      'Emergency accesses to review, newest first, as a cursor connection paged in the store: all for the Caldicott Guardian and the IG lead, their services’ for a service manager, none for anyone else. Each review on the page is recorded against its person.',
    args: { status: t.arg.string({ required: false, description: 'PENDING or COMPLETED.' }) },
    operation: {
      policy: 'emergency.review.list',
      audit: 'after',
      validate: ({ status }) => {
        reviewStatus(status);
      },
    },
    resolve: (operation, args, context) =>
      storeConnection(
        args,
        listPositions(context, 'emergencyAccessReviewsConnection'),
        (page) => context.services.emergencyReviews.page(operation.scope, reviewStatus(args.status), page),
        async (listed) => {
          const visible = await context.access.withoutConflicts(
            listed.filter((review) => reviews(operation, context, review)),
            (review) => review.clientId,
          );
          recordListed(operation, context, visible);
          return listed.map((review) => (visible.includes(review) ? review : undefined));
        },
      ),
  }),
}));
