import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  addYears,
  type Clock,
  conflict,
  type EmergencyReason,
  newId,
  notFound,
  toEpochSeconds,
} from '@confide/domain';
import { integrityMac, type KeyHierarchy, type SubjectKey } from '@confide/keys';
import { attr, type Item, read, requireS } from '../attributes';
import { organisationIntegrityKey, requireItemMac } from '../item-macs';
import { mapPage, type Page, type PageRequest } from '../paging';
import { itemKeyOf, openField, sealFields } from '../sealed-fields';
import type { TenantScope } from '../tenant-scope';
import type { TableAccess, TenantTable, TenantTransactItem, TransactResult } from '../tenant-table';
import { TamperedItemError } from './integrity-incidents';
import { scopeOfItem } from './item-scope';
import type { ReleaseSchedule, RetentionSchedules } from './retention-schedule';
import { ReviewQueue } from './review-queue';

export type ReviewOutcome = 'JUSTIFIED' | 'UNJUSTIFIED';

/** The review a break-glass access raises for the service manager and the Caldicott Guardian (JRH). */
export interface EmergencyReview {
  readonly reviewId: string;
  readonly staffId: string;
  readonly clientId: string;
  readonly serviceId: string;
  readonly reason: EmergencyReason;
  readonly openedAt: string;
  readonly until: string;
  readonly status: 'PENDING' | 'COMPLETED';
  readonly outcome: ReviewOutcome | undefined;
  readonly reviewedBy: string | undefined;
  readonly reviewedAt: string | undefined;
  readonly pk: string;
  readonly sk: string;
  readonly item: Item;
}

/**
 * Emergency-access reviews. The free-text detail is sealed under the client's key (it may describe them);
 * everything a notification could carry is a reference only (Lets connect 5.6). A pending review holds the person's
 * records: its id sits on their profile from the review's opening to its completion, in the same transactions, and
 * keeps them off their retention schedule and out of an erasure (decision 0074). Each review carries `reviewMac` over
 * who broke the glass on whom, until when, and its finding (decision 0098), checked on every read: a review planted or
 * rewritten in the table throws {@link TamperedItemError}.
 */
export class EmergencyReviews {
  readonly #queue: ReviewQueue;

  constructor(
    access: TableAccess,
    table: string,
    private readonly clock: Clock,
    private readonly holds: Pick<RetentionSchedules, 'reviewHoldPlaced' | 'reviewHoldReleased'>,
    private readonly keys: KeyHierarchy,
  ) {
    this.#queue = new ReviewQueue(access, table, clock);
  }

  async open(
    scope: TenantScope,
    key: SubjectKey,
    input: {
      staffId: string;
      clientId: string;
      serviceId: string;
      reason: EmergencyReason;
      detail: string;
      until: Date;
    },
    alongside: (reviewId: string) => readonly TenantTransactItem[] = () => [],
  ): Promise<EmergencyReview> {
    const reviewId = newId('emergency');
    const openedAt = this.clock.now().toISOString();
    const pk = scope.key('EMERGENCY_REVIEWS');
    const sk = `${openedAt}#${reviewId}`;
    const item: Item = {
      pk: attr.s(pk),
      sk: attr.s(sk),
      gsi1pk: attr.s(scope.key('EMERGENCY_REVIEW', reviewId)),
      gsi1sk: attr.s('REVIEW'),
      reviewId: attr.s(reviewId),
      staffId: attr.s(input.staffId),
      clientId: attr.s(input.clientId),
      serviceId: attr.s(input.serviceId),
      reason: attr.s(input.reason),
      openedAt: attr.s(openedAt),
      until: attr.s(input.until.toISOString()),
      status: attr.s('PENDING'),
      ...sealFields(key, itemKeyOf(pk, sk), { detail: input.detail }),
    };
    item[REVIEW_MAC] = attr.s(
      integrityMac(await this.#integrityKey(scope), reviewParts(scope, toReview(item))),
    );
    const opened = await transact(this.#queue.gateway(scope), [
      { Put: { Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
      ...(await this.holds.reviewHoldPlaced(scope, input.clientId, reviewId)),
      ...alongside(reviewId),
    ]);
    if (!opened.written) {
      const [review, profile, erasure, state] = opened.reasons;
      // A fresh random id never collides; if it did, nothing was overwritten.
      if (review === 'ConditionalCheckFailed') throw new Error('A new review id collided.');
      if (profile === 'ConditionalCheckFailed') throw notFound('Service user');
      if (erasure === 'ConditionalCheckFailed') throw conflict('The person’s records are being erased.');
      // The person's retention state written by another request since it was read (decision 0141).
      if (state === 'ConditionalCheckFailed') throw conflict(CHANGED_AT_ONCE);
      throw new Error('The review was not written.');
    }
    return toReview(item);
  }

  /** A transaction's check that the review is still pending (the grant of its access is written with it). */
  stillPending(review: EmergencyReview): TenantTransactItem {
    return {
      ConditionCheck: {
        Key: { pk: attr.s(review.pk), sk: attr.s(review.sk) },
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pending': attr.s('PENDING') },
      },
    };
  }

  /** Reviews, newest first; `status` narrows to pending or completed ones. */
  async list(scope: TenantScope, status?: 'PENDING' | 'COMPLETED'): Promise<EmergencyReview[]> {
    const [items, integrityKey] = await Promise.all([
      this.#queue.list(scope, scope.key('EMERGENCY_REVIEWS')),
      this.#integrityKey(scope),
    ]);
    const reviews = items.map((item) => verifiedReview(scope, item, integrityKey));
    return status ? reviews.filter((review) => review.status === status) : reviews;
  }

  /** One page of the reviews, newest first (issue 19); `status` narrows to pending or completed ones. */
  async page(
    scope: TenantScope,
    status: 'PENDING' | 'COMPLETED' | undefined,
    request: PageRequest,
  ): Promise<Page<EmergencyReview>> {
    const [page, integrityKey] = await Promise.all([
      this.#queue.page(scope, scope.key('EMERGENCY_REVIEWS'), status, request),
      this.#integrityKey(scope),
    ]);
    return mapPage(page, (item) => verifiedReview(scope, item, integrityKey));
  }

  async get(scope: TenantScope, reviewId: string): Promise<EmergencyReview | undefined> {
    const [item, integrityKey] = await Promise.all([
      this.#queue.find(scope, scope.key('EMERGENCY_REVIEW', reviewId)),
      this.#integrityKey(scope),
    ]);
    return item ? verifiedReview(scope, item, integrityKey) : undefined;
  }

  async #integrityKey(scope: TenantScope): Promise<Buffer> {
    return organisationIntegrityKey(this.keys, scope.orgId);
  }

  openDetail(key: SubjectKey, review: EmergencyReview): string {
    return openField(key, itemKeyOf(review.pk, review.sk), review.item, 'detail') ?? '';
  }

  /**
   * Records the finding and, in the same transaction, takes the review's hold off the person's profile and writes
   * `alongside` (the breach entry an UNJUSTIFIED finding opens): all of it or none. With `release` (the last pending
   * review of a closed case), the profile's schedule goes on in that transaction too (decision 0076); should the
   * profile have changed since it was read, the review is completed without it (`scheduled` false) and the caller
   * schedules from a fresh read. A review whose person has no profile left (erased before reviews held records) is
   * completed without the profile.
   */
  async complete(
    review: EmergencyReview,
    outcome: {
      outcome: ReviewOutcome;
      reviewedBy: string;
      /**
       * How long the organisation keeps its audit (its retention rules' `auditYears`). A completed review is an
       * accountability record kept with the audit trail (decision 0011): it expires that long after its finding. A
       * pending one carries no date: it holds the person's records until it is completed (decision 0074).
       */
      auditYears: number;
    },
    options: { alongside?: readonly TenantTransactItem[]; release?: ReleaseSchedule | undefined } = {},
  ): Promise<{ review: EmergencyReview; scheduled: boolean }> {
    // The review was read under the request's organisation (`get`, `list`): its key is that organisation's.
    const scope = scopeOfItem(review.pk);
    const gateway = this.#queue.gateway(scope);
    const now = this.clock.now();
    const reviewedAt = now.toISOString();
    const alongside = options.alongside ?? [];
    const integrityKey = await this.#integrityKey(scope);
    const completedReview: EmergencyReview = {
      ...review,
      status: 'COMPLETED',
      outcome: outcome.outcome,
      reviewedBy: outcome.reviewedBy,
      reviewedAt,
    };
    // The finding goes only on the review as it was read (its MAC), and carries the MAC of the completed review.
    const finding = {
      UpdateExpression:
        'SET #status = :done, outcome = :outcome, reviewedBy = :by, reviewedAt = :at, expiresAt = :expires, #mac = :mac',
      ConditionExpression: '#status = :pending AND #mac = :previous',
      ExpressionAttributeNames: { '#status': 'status', '#mac': REVIEW_MAC },
      ExpressionAttributeValues: {
        ':done': attr.s('COMPLETED'),
        ':pending': attr.s('PENDING'),
        ':outcome': attr.s(outcome.outcome),
        ':by': attr.s(outcome.reviewedBy),
        ':at': attr.s(reviewedAt),
        ':expires': attr.n(toEpochSeconds(addYears(now, outcome.auditYears))),
        ':mac': attr.s(integrityMac(integrityKey, reviewParts(scope, completedReview))),
        ':previous': attr.s(integrityMac(integrityKey, reviewParts(scope, review))),
      },
    };
    const recorded: TenantTransactItem = {
      Update: { Key: { pk: attr.s(review.pk), sk: attr.s(review.sk) }, ...finding },
    };
    const attempts = [
      ...(options.release
        ? [this.holds.reviewHoldReleased(scope, review.clientId, review.reviewId, options.release)]
        : []),
      this.holds.reviewHoldReleased(scope, review.clientId, review.reviewId),
      [],
    ];
    let scheduled = false;
    for (const [index, released] of attempts.entries()) {
      const completed = await transact(gateway, [recorded, ...released, ...alongside]);
      if (completed.written) {
        scheduled = options.release !== undefined && index === 0;
        break;
      }
      const [findingCheck] = completed.reasons;
      if (findingCheck === 'ConditionalCheckFailed') throw conflict('The review is already completed.');
      // What goes alongside changed since it was read: the staff member's grants (another opening, decision 0126).
      if (completed.reasons.slice(1 + released.length).includes('ConditionalCheckFailed')) {
        throw conflict('The emergency access this review ends changed meanwhile; complete the review again.');
      }
      // The profile, or the person's retention state (decision 0141), changed since it was read: next without it.
      if (!completed.reasons.slice(1, 1 + released.length).includes('ConditionalCheckFailed')) {
        throw new Error('The review was not completed.');
      }
    }
    const completed = toReview({
      ...review.item,
      status: attr.s('COMPLETED'),
      outcome: attr.s(outcome.outcome),
      reviewedBy: attr.s(outcome.reviewedBy),
      reviewedAt: attr.s(reviewedAt),
      [REVIEW_MAC]: attr.s(integrityMac(integrityKey, reviewParts(scope, completedReview))),
    });
    return { review: completed, scheduled };
  }
}

/**
 * A transaction with the person's profile. Another write to the profile at the same moment (a note recorded, the case
 * closed) cancels it with DynamoDB's TransactionConflict: nothing was written, and the caller is told to try again.
 */
async function transact(gateway: TenantTable, items: readonly TenantTransactItem[]): Promise<TransactResult> {
  try {
    return await gateway.transactWrite(items);
  } catch (error) {
    if (error instanceof TransactionCanceledException) throw conflict(CHANGED_AT_ONCE);
    throw error;
  }
}

/** What a transaction cancelled by another write of the person's record at the same moment answers. */
const CHANGED_AT_ONCE = 'The person’s record changed at the same moment; try again.';

/** The review attribute holding its MAC (decision 0098). */
const REVIEW_MAC = 'reviewMac';

/** Who broke the glass on whom, why, from when until when, and the finding: the parts a review's MAC covers. */
function reviewParts(scope: TenantScope, review: Omit<EmergencyReview, 'item'>): string[] {
  return [
    'confide.emergency-review.v1',
    scope.orgId,
    review.pk,
    review.sk,
    review.reviewId,
    review.staffId,
    review.clientId,
    review.serviceId,
    review.reason,
    review.openedAt,
    review.until,
    review.status,
    review.outcome ?? '',
    review.reviewedBy ?? '',
    review.reviewedAt ?? '',
  ];
}

function verifiedReview(scope: TenantScope, item: Item, integrityKey: Buffer): EmergencyReview {
  const review = toReview(item);
  requireItemMac(integrityKey, item, REVIEW_MAC, reviewParts(scope, review), {
    subjectId: review.clientId,
    itemKind: 'EMERGENCY_REVIEW',
  });
  return review;
}

function toReview(item: Item): EmergencyReview {
  return {
    reviewId: requireS(item, 'reviewId'),
    staffId: requireS(item, 'staffId'),
    clientId: requireS(item, 'clientId'),
    serviceId: requireS(item, 'serviceId'),
    reason: requireS(item, 'reason') as EmergencyReason,
    openedAt: requireS(item, 'openedAt'),
    until: requireS(item, 'until'),
    status: requireS(item, 'status') as 'PENDING' | 'COMPLETED',
    outcome: read.s(item, 'outcome') as ReviewOutcome | undefined,
    reviewedBy: read.s(item, 'reviewedBy'),
    reviewedAt: read.s(item, 'reviewedAt'),
    pk: requireS(item, 'pk'),
    sk: requireS(item, 'sk'),
    item,
  };
}
