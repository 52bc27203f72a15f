import { type Clock, conflict, newId, notFound } from '@confide/domain';
import { integrityMac, type KeyHierarchy, type SubjectKey } from '@confide/keys';
import { attr, type Item, read, requireS } from '../attributes';
import { organisationIntegrityKey, requireItemMac } from '../item-macs';
import { mapPage, type Page, type PageRequest } from '../paging';
import { itemKeyOf, openField, sealFields } from '../sealed-fields';
import { type TenantScope, tenantScope } from '../tenant-scope';
import type { TableAccess, TenantTable, TenantTransactItem } from '../tenant-table';
import type { LegalBasis } from './disclosures';
import { ReviewQueue } from './review-queue';

export type DisclosureReviewStatus = 'PENDING' | 'COMPLETED';
export type DisclosureReviewOutcome = 'JUSTIFIED' | 'UNJUSTIFIED';

/**
 * The review an exceptional disclosure raises for the service's managers and the Caldicott Guardian: the staff
 * member "should inform their manager of what has happened as soon afterwards as possible" (JRH, Exceptional
 * Breaches). It carries references only (Lets connect 5.6); the disclosure itself is in the register.
 */
export interface DisclosureReview {
  readonly reviewId: string;
  readonly clientId: string;
  readonly serviceId: string;
  /** The register request whose EXCEPTIONAL_DISCLOSURE entry this reviews. */
  readonly requestId: string;
  readonly legalBasis: LegalBasis;
  readonly clientInformed: boolean;
  readonly recordedBy: string;
  /**
   * Who made the disclosure, when someone else recorded it for them (the Caldicott Guardian, decision 0142); none
   * when its recorder made it, as on every review raised before makers were recorded. See {@link disclosureMaker}.
   */
  readonly madeBy: string | undefined;
  readonly openedAt: string;
  readonly status: DisclosureReviewStatus;
  readonly outcome: DisclosureReviewOutcome | undefined;
  readonly reviewedBy: string | undefined;
  readonly reviewedAt: string | undefined;
  readonly pk: string;
  readonly sk: string;
  readonly item: Item;
}

/** Who made the disclosure a review is of: the one named as its maker, or else its recorder. */
export function disclosureMaker(review: Pick<DisclosureReview, 'madeBy' | 'recordedBy'>): string {
  return review.madeBy ?? review.recordedBy;
}

/**
 * The keys of the reviews of a person's exceptional disclosures: kept in the organisation's list, outside the
 * person's partition, they follow the person's schedule and erasure (`RetentionSchedules.clientItems`), as the
 * register entries they review do.
 */
export async function disclosureReviewItemKeys(
  gateway: TenantTable,
  scope: TenantScope,
  clientId: string,
): Promise<{ pk: string; sk: string }[]> {
  const { items } = await gateway.query({
    KeyConditionExpression: 'pk = :pk',
    FilterExpression: 'clientId = :client',
    ExpressionAttributeValues: {
      ':pk': attr.s(scope.key('DISCLOSURE_REVIEWS')),
      ':client': attr.s(clientId),
    },
    ProjectionExpression: 'pk, sk',
    ConsistentRead: true,
  });
  return items.map((item) => ({ pk: requireS(item, 'pk'), sk: requireS(item, 'sk') }));
}

/**
 * Reviews of exceptional disclosures. The reviewer's notes are sealed under the client's key; who made and who
 * recorded the disclosure, its status and the finding are under `reviewMac` (decisions 0099, 0142), checked on
 * every read.
 */
export class DisclosureReviews {
  readonly #queue: ReviewQueue;

  constructor(
    access: TableAccess,
    table: string,
    private readonly clock: Clock,
    private readonly keys: KeyHierarchy,
  ) {
    this.#queue = new ReviewQueue(access, table, clock);
  }

  /**
   * The item of a new review, for the caller to write in the same transaction as the register entry it
   * reviews (see {@link Disclosures.append}): a disclosure is never recorded without its review.
   */
  async newReview(
    scope: TenantScope,
    input: {
      clientId: string;
      serviceId: string;
      requestId: string;
      legalBasis: LegalBasis;
      clientInformed: boolean;
      recordedBy: string;
      /** Who made the disclosure, when it is not its recorder (decision 0142). */
      madeBy?: string | undefined;
      /** The person's scheduled expiry (a closed case): the review goes with their records. */
      expiresAt?: number | undefined;
    },
  ): Promise<{ review: DisclosureReview; item: Item }> {
    const reviewId = newId('disclosureReview');
    const openedAt = this.clock.now().toISOString();
    const item: Item = {
      pk: attr.s(scope.key('DISCLOSURE_REVIEWS')),
      sk: attr.s(`${openedAt}#${reviewId}`),
      gsi1pk: attr.s(scope.key('DISCLOSURE_REVIEW', reviewId)),
      gsi1sk: attr.s('REVIEW'),
      reviewId: attr.s(reviewId),
      clientId: attr.s(input.clientId),
      serviceId: attr.s(input.serviceId),
      requestId: attr.s(input.requestId),
      legalBasis: attr.s(input.legalBasis),
      clientInformed: attr.bool(input.clientInformed),
      recordedBy: attr.s(input.recordedBy),
      // Kept only when someone else made it: a review without one reads, and is MACed, as reviews always were.
      ...(input.madeBy === undefined || input.madeBy === input.recordedBy
        ? {}
        : { madeBy: attr.s(input.madeBy) }),
      openedAt: attr.s(openedAt),
      status: attr.s('PENDING'),
      ...(input.expiresAt === undefined ? {} : { expiresAt: attr.n(input.expiresAt) }),
    };
    item[REVIEW_MAC] = attr.s(
      integrityMac(await this.#integrityKey(scope), reviewParts(scope, toReview(item))),
    );
    return { review: toReview(item), item };
  }

  /** Reviews, newest first; `status` narrows to pending or completed ones. */
  async list(scope: TenantScope, status?: DisclosureReviewStatus): Promise<DisclosureReview[]> {
    const [items, integrityKey] = await Promise.all([
      this.#queue.list(scope, scope.key('DISCLOSURE_REVIEWS')),
      this.#integrityKey(scope),
    ]);
    const reviews = items.map((item) => verifiedReview(scope, item, integrityKey));
    return status ? reviews.filter((review) => review.status === status) : reviews;
  }

  /** One page of the reviews, newest first (issue 19); `status` narrows to pending or completed ones. */
  async page(
    scope: TenantScope,
    status: DisclosureReviewStatus | undefined,
    request: PageRequest,
  ): Promise<Page<DisclosureReview>> {
    const [page, integrityKey] = await Promise.all([
      this.#queue.page(scope, scope.key('DISCLOSURE_REVIEWS'), status, request),
      this.#integrityKey(scope),
    ]);
    return mapPage(page, (item) => verifiedReview(scope, item, integrityKey));
  }

  async get(scope: TenantScope, reviewId: string): Promise<DisclosureReview | undefined> {
    const [item, integrityKey] = await Promise.all([
      this.#queue.find(scope, scope.key('DISCLOSURE_REVIEW', reviewId)),
      this.#integrityKey(scope),
    ]);
    return item ? verifiedReview(scope, item, integrityKey) : undefined;
  }

  async #integrityKey(scope: TenantScope): Promise<Buffer> {
    return organisationIntegrityKey(this.keys, scope.orgId);
  }

  /** Closes a pending review with its finding; a second completion is CONFLICT. */
  async complete(
    review: DisclosureReview,
    key: SubjectKey,
    finding: { outcome: DisclosureReviewOutcome; reviewedBy: string; notes: string },
    alongside: readonly TenantTransactItem[] = [],
  ): Promise<DisclosureReview> {
    const sealed = sealFields(key, itemKeyOf(review.pk, review.sk), { notes: finding.notes });
    const scope = tenantScope(key.orgId);
    const integrityKey = await this.#integrityKey(scope);
    const reviewedAt = this.clock.now().toISOString();
    const completed: DisclosureReview = {
      ...review,
      status: 'COMPLETED',
      outcome: finding.outcome,
      reviewedBy: finding.reviewedBy,
      reviewedAt,
    };
    const names: Record<string, string> = { '#status': 'status', '#mac': REVIEW_MAC };
    const values: Item = {
      ':done': attr.s('COMPLETED'),
      ':pending': attr.s('PENDING'),
      ':outcome': attr.s(finding.outcome),
      ':by': attr.s(finding.reviewedBy),
      ':at': attr.s(reviewedAt),
      ':mac': attr.s(integrityMac(integrityKey, reviewParts(scope, completed))),
      ':previous': attr.s(integrityMac(integrityKey, reviewParts(scope, review))),
    };
    const sets = [
      '#status = :done',
      'outcome = :outcome',
      'reviewedBy = :by',
      'reviewedAt = :at',
      '#mac = :mac',
    ];
    for (const [index, [name, value]] of Object.entries(sealed).entries()) {
      names[`#s${index}`] = name;
      values[`:s${index}`] = value;
      sets.push(`#s${index} = :s${index}`);
    }
    const update = {
      UpdateExpression: `SET ${sets.join(', ')}`,
      // Only on the review as it was read (its MAC), still pending.
      ConditionExpression: '#status = :pending AND #mac = :previous',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
    // Written under the organisation of the client's key: a review keyed elsewhere is refused by the gateway.
    const gateway = this.#queue.gateway(scope);
    if (alongside.length > 0) {
      // With what the finding opens (an UNJUSTIFIED finding's breach entry): all of it or none.
      const result = await gateway.transactWrite([
        { Update: { Key: { pk: attr.s(review.pk), sk: attr.s(review.sk) }, ...update } },
        ...alongside,
      ]);
      if (!result.written) throw conflict('The review is already completed.');
      return toReview({
        ...review.item,
        ...sealed,
        status: values[':done'],
        outcome: values[':outcome'],
        reviewedBy: values[':by'],
        reviewedAt: values[':at'],
        [REVIEW_MAC]: values[':mac'],
      } as Item);
    }
    const result = await gateway.update(
      { pk: review.pk, sk: review.sk },
      { ...update, ReturnValues: 'ALL_NEW' },
    );
    if (!result.written) throw conflict('The review is already completed.');
    if (!result.attributes) throw notFound('Review');
    return toReview(result.attributes);
  }

  openNotes(key: SubjectKey, review: DisclosureReview): string | undefined {
    return openField(key, itemKeyOf(review.pk, review.sk), review.item, 'notes');
  }
}

/** The review attribute holding its MAC (decision 0099). */
const REVIEW_MAC = 'reviewMac';

/**
 * Which disclosure, of whom, recorded and made by whom, and the finding: the parts a review's MAC covers. The maker
 * is a last part only when there is one (decision 0142), so that reviews raised before keep their MAC; each part is
 * length-prefixed, so a maker added or taken away by a raw write changes what is MACed and fails the check.
 */
function reviewParts(scope: TenantScope, review: Omit<DisclosureReview, 'item'>): string[] {
  return [
    'confide.disclosure-review.v1',
    scope.orgId,
    review.pk,
    review.sk,
    review.reviewId,
    review.clientId,
    review.serviceId,
    review.requestId,
    review.legalBasis,
    String(review.clientInformed),
    review.recordedBy,
    review.openedAt,
    review.status,
    review.outcome ?? '',
    review.reviewedBy ?? '',
    review.reviewedAt ?? '',
    ...(review.madeBy === undefined ? [] : [`madeBy=${review.madeBy}`]),
  ];
}

function verifiedReview(scope: TenantScope, item: Item, integrityKey: Buffer): DisclosureReview {
  const review = toReview(item);
  requireItemMac(integrityKey, item, REVIEW_MAC, reviewParts(scope, review), {
    subjectId: review.clientId,
    itemKind: 'DISCLOSURE_REVIEW',
  });
  return review;
}

function toReview(item: Item): DisclosureReview {
  return {
    reviewId: requireS(item, 'reviewId'),
    clientId: requireS(item, 'clientId'),
    serviceId: requireS(item, 'serviceId'),
    requestId: requireS(item, 'requestId'),
    legalBasis: requireS(item, 'legalBasis') as LegalBasis,
    clientInformed: read.bool(item, 'clientInformed') ?? false,
    recordedBy: requireS(item, 'recordedBy'),
    madeBy: read.s(item, 'madeBy'),
    openedAt: requireS(item, 'openedAt'),
    status: requireS(item, 'status') as DisclosureReviewStatus,
    outcome: read.s(item, 'outcome') as DisclosureReviewOutcome | undefined,
    reviewedBy: read.s(item, 'reviewedBy'),
    reviewedAt: read.s(item, 'reviewedAt'),
    pk: requireS(item, 'pk'),
    sk: requireS(item, 'sk'),
    item,
  };
}
