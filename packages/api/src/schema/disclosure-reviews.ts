import { isIdOf, notFound, validate } from '@confide/domain';
import { type DisclosureReview, disclosureMaker } from '@confide/store';
import type { Operation } from '../access/operation-plugin';
import { recordAboutPerson, textAboutPerson } from '../access/text-about-a-person';
import { builder } from '../builder';
import type { ConfideContext } from '../context';
import { clientSubject } from '../use-cases/sharing-subjects';
import { AccessActorRef, actorOfStaff } from './access-governance/actors';
import { unjustifiedFindingBreach } from './breaches';
import { LegalBasisEnum } from './disclosures';
import { listPositions, storeConnection } from './store-paging';

/**
 * The review an exceptional disclosure raises (JRH “Exceptional Breaches”: the staff member "should inform
 * their manager of what has happened as soon afterwards as possible"). The service’s managers and the Caldicott
 * Guardian see it and close it with a finding; nobody reviews a disclosure they made or recorded (decision 0142: the
 * Guardian may record one for the staff member who made it). A review carries references only: the disclosure
 * itself is read in the person’s register.
 */

const DisclosureReviewStatusEnum = builder.enumType('DisclosureReviewStatus', {
  description: 'Whether a disclosure review is waiting for its finding.',
  values: ['PENDING', 'COMPLETED'] as const,
});

const DisclosureReviewOutcomeEnum = builder.enumType('DisclosureReviewOutcome', {
  description:
    'The finding: JUSTIFIED, or UNJUSTIFIED — which opens a breach register entry with its 72-hour clock running.',
  values: ['JUSTIFIED', 'UNJUSTIFIED'] as const,
});

const DisclosureReviewRef = builder.objectRef<DisclosureReview>('DisclosureReview');
DisclosureReviewRef.implement({
  // Its notes are the person's (decision 0152).
  ...recordAboutPerson(
    'id serviceUserId requestId legalBasis clientInformed recordedBy recordedByActor madeBy madeByActor openedAt status outcome reviewedBy reviewedByActor reviewedAt',
  ),
  description:
    'The review an exceptional disclosure raised for the service’s managers and the Caldicott Guardian. References only; the reasoning is in the person’s disclosure register.',
  fields: (t) => ({
    id: t.exposeID('reviewId', { description: 'The review.' }),
    serviceUserId: t.globalID({
      description: 'Whom the disclosure was about.',
      resolve: (r) => ({ type: 'ServiceUser', id: r.clientId }),
    }),
    requestId: t.exposeString('requestId', {
      description: 'The disclosure register request it reviews.',
    }),
    legalBasis: t.field({
      type: LegalBasisEnum,
      description: 'The legal basis the disclosure rested on.',
      resolve: (r) => r.legalBasis,
    }),
    clientInformed: t.exposeBoolean('clientInformed', {
      description:
        'Whether the person was told when the disclosure was recorded; if not, the register entry says why, and a later CLIENT_INFORMED entry of the register (`recordDisclosureToldToPerson`) records that they have been told since.',
    }),
    recordedBy: t.globalID({
      description:
        'Who recorded the disclosure: who made it, or the Caldicott Guardian recording it for them (`madeBy`).',
      resolve: (r) => ({ type: 'StaffMember', id: r.recordedBy }),
    }),
    recordedByActor: t.field({
      type: AccessActorRef,
      description:
        'Who recorded the disclosure, in words: name, handle and current role (for the review’s readers).',
      resolve: (r) => actorOfStaff(r.recordedBy),
    }),
    madeBy: t.globalID({
      description:
        'Who made the disclosure: the staff member the Caldicott Guardian named when recording it for them, otherwise `recordedBy`. Neither completes the review.',
      resolve: (r) => ({ type: 'StaffMember', id: disclosureMaker(r) }),
    }),
    madeByActor: t.field({
      type: AccessActorRef,
      description:
        'Who made the disclosure, in words: name, handle and current role (for the review’s readers).',
      resolve: (r) => actorOfStaff(disclosureMaker(r)),
    }),
    openedAt: t.field({ type: 'DateTime', description: 'When raised.', resolve: (r) => r.openedAt }),
    status: t.field({
      type: DisclosureReviewStatusEnum,
      description: 'PENDING or COMPLETED.',
      resolve: (r) => r.status,
    }),
    outcome: t.field({
      type: DisclosureReviewOutcomeEnum,
      nullable: true,
      description: 'The finding.',
      resolve: (r) => r.outcome ?? null,
    }),
    reviewedBy: t.globalID({
      nullable: true,
      description: 'Who reviewed it.',
      resolve: (r) => (r.reviewedBy ? { type: 'StaffMember', id: r.reviewedBy } : null),
    }),
    reviewedByActor: t.field({
      type: AccessActorRef,
      nullable: true,
      description: 'Who reviewed it, in words: name, handle and current role; null while pending.',
      resolve: (r) => (r.reviewedBy ? actorOfStaff(r.reviewedBy) : null),
    }),
    reviewedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When reviewed.',
      resolve: (r) => r.reviewedAt ?? null,
    }),
    notes: t.string({
      ...textAboutPerson<DisclosureReview>(
        (review) => (review.reviewedAt ? review.clientId : undefined),
        (review, key, context) => context.services.disclosureReviews.openNotes(key, review),
      ),
      description: 'The reviewer’s notes, for the reviewers; null while pending.',
    }),
  }),
});

/** The Caldicott Guardian reviews every exceptional disclosure; a service manager those of their services. */
function mayReview(operation: Operation, context: ConfideContext, review: DisclosureReview): boolean {
  return (
    operation.staff.roles.includes('CALDICOTT_GUARDIAN') || context.access.managesService(review.serviceId)
  );
}

/** The review named by id, or NOT_FOUND (an id of another kind never names one). */
async function reviewById(context: ConfideContext, reviewId: string) {
  const review = isIdOf('disclosureReview', reviewId)
    ? await context.services.disclosureReviews.get(context.access.scope, reviewId)
    : undefined;
  if (!review) throw notFound('Review');
  return review;
}

/** Each review is about a person (its notes are sealed under their key): recorded against each one listed. */
function recordListed(operation: Operation, context: ConfideContext, listed: readonly DisclosureReview[]) {
  context.access.audit.recordListed(
    operation,
    listed.map((review) => review.clientId),
    'DisclosureReview',
    'CONSENT',
  );
}

builder.queryFields((t) => {
  const status = t.arg({
    type: DisclosureReviewStatusEnum,
    required: false,
    description: 'Only pending or only completed reviews.',
  });
  return {
    disclosureReviews: t.field({
      type: [DisclosureReviewRef],
      description:
        'Exceptional disclosures to review, newest first: all for the Caldicott Guardian, their services’ for a service manager, none for anyone else.',
      deprecationReason:
        'A list that grows (issue 19): use `disclosureReviewsConnection`, which pages with cursors.',
      args: { status },
      operation: { policy: 'disclosure-review.list', audit: 'after' },
      resolve: async (operation, args, context) => {
        const reviews = await context.services.disclosureReviews.list(
          operation.scope,
          args.status ?? undefined,
        );
        const visible = await context.access.withoutConflicts(
          reviews.filter((review) => mayReview(operation, context, review)),
          (review) => review.clientId,
        );
        recordListed(operation, context, visible);
        return visible;
      },
    }),
    disclosureReviewsConnection: t.connection({
      type: DisclosureReviewRef,
      description:
        'Exceptional disclosures to review, newest first, as a cursor connection paged in the store: all for the Caldicott Guardian, their services’ for a service manager, none for anyone else. Each review on the page is recorded against its person.',
      args: { status },
      operation: { policy: 'disclosure-review.list', audit: 'after' },
      resolve: (operation, args, context) =>
        storeConnection(
          args,
          listPositions(context, 'disclosureReviewsConnection'),
          (page) => context.services.disclosureReviews.page(operation.scope, args.status ?? undefined, page),
          async (reviews) => {
            const visible = await context.access.withoutConflicts(
              reviews.filter((review) => mayReview(operation, context, review)),
              (review) => review.clientId,
            );
            recordListed(operation, context, visible);
            return reviews.map((review) => (visible.includes(review) ? review : undefined));
          },
        ),
    }),
  };
});

/** A reviewer's notes as written: BAD_USER_INPUT for none or too long. */
const reviewNotesOf = (text: string) => validate.text(['notes'], text, { max: 2000, multiline: true });

builder.mutationFields((t) => ({
  completeDisclosureReview: t.field({
    type: DisclosureReviewRef,
    description:
      'Closes an exceptional disclosure’s review with a finding and notes (a manager of the service or the Caldicott Guardian; never the person who made the disclosure, `madeBy`, nor the one who recorded it, `recordedBy`: FORBIDDEN). An UNJUSTIFIED finding opens a breach register entry. Audited.',
    args: {
      reviewId: t.arg.id({ required: true, description: 'The review.' }),
      outcome: t.arg({ type: DisclosureReviewOutcomeEnum, required: true, description: 'The finding.' }),
      notes: t.arg.string({ required: true, description: 'What the reviewer found and did.' }),
    },
    operation: {
      policy: 'disclosure-review.complete',
      subject: async (args, context) =>
        clientSubject(context, (await reviewById(context, String(args.reviewId))).clientId),
      change: async (args, context) => {
        const review = await reviewById(context, String(args.reviewId));
        const principal = context.auth?.principal;
        const caller = principal?.kind === 'STAFF' ? principal.staffId : undefined;
        return {
          sharing: {
            detail: args.outcome,
            callerRecorded: caller === review.recordedBy,
            callerMade: caller === disclosureMaker(review),
          },
        };
      },
      // Checked before the audit event: bad input records nothing.
      validate: (args) => {
        reviewNotesOf(args.notes);
      },
      audit: 'before',
      action: 'ADMIN',
    },
    resolve: async (operation, args, context) => {
      const notes = reviewNotesOf(args.notes);
      const scope = operation.scope;
      const review = await reviewById(context, String(args.reviewId));
      const reviewer = operation.staff.staffId;
      const key = await context.access.loader.subjectKey(scope.orgId, review.clientId);
      if (!key) throw notFound('Review');
      // An unjustified disclosure is a breach discovered now, recorded with the finding.
      const breach =
        args.outcome === 'UNJUSTIFIED'
          ? unjustifiedFindingBreach(context, scope, {
              source: 'DISCLOSURE_REVIEW_UNJUSTIFIED',
              nature: 'Exceptional disclosure found unjustified on review.',
              reviewId: review.reviewId,
              recordedBy: reviewer,
            })
          : undefined;
      const completed = await context.services.disclosureReviews.complete(
        review,
        key,
        { outcome: args.outcome, reviewedBy: reviewer, notes },
        breach ? [breach.put] : [],
      );
      if (breach) {
        context.access.audit.record({
          action: 'ADMIN',
          operation: 'reportBreach',
          outcome: 'ALLOWED',
          rule: 'breach.disclosure-review',
        });
      }
      return completed;
    },
  }),
}));
