import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type Clock, conflict, type EmergencyReason, newId, notFound } from '@confide/domain';
import type { SubjectKey } from '@confide/keys';
import { attr, type Item, read, requireS } from '../attributes';
import { itemKeyOf, openField, sealFields } from '../sealed-fields';
import type { TenantScope } from '../tenant-scope';
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
 * everything a notification could carry is a reference only (Lets connect 5.6).
 */
export class EmergencyReviews {
  readonly #queue: ReviewQueue;

  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {
    this.#queue = new ReviewQueue(dynamo, table);
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
    await this.dynamo.send(
      new PutItemCommand({
        TableName: this.table,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return toReview(item);
  }

  /** Reviews, newest first; `status` narrows to pending or completed ones. */
  async list(scope: TenantScope, status?: 'PENDING' | 'COMPLETED'): Promise<EmergencyReview[]> {
    const reviews = (await this.#queue.list(scope.key('EMERGENCY_REVIEWS'))).map(toReview);
    return status ? reviews.filter((review) => review.status === status) : reviews;
  }

  async get(scope: TenantScope, reviewId: string): Promise<EmergencyReview | undefined> {
    const item = await this.#queue.find(scope.key('EMERGENCY_REVIEW', reviewId));
    return item ? toReview(item) : undefined;
  }

  openDetail(key: SubjectKey, review: EmergencyReview): string {
    return openField(key, itemKeyOf(review.pk, review.sk), review.item, 'detail') ?? '';
  }

  async complete(
    review: EmergencyReview,
    outcome: { outcome: ReviewOutcome; reviewedBy: string },
  ): Promise<EmergencyReview> {
    try {
      const result = await this.dynamo.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: attr.s(review.pk), sk: attr.s(review.sk) },
          UpdateExpression: 'SET #status = :done, outcome = :outcome, reviewedBy = :by, reviewedAt = :at',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':done': attr.s('COMPLETED'),
            ':pending': attr.s('PENDING'),
            ':outcome': attr.s(outcome.outcome),
            ':by': attr.s(outcome.reviewedBy),
            ':at': attr.s(this.clock.now().toISOString()),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (!result.Attributes) throw notFound('Review');
      return toReview(result.Attributes);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw conflict('The review is already completed.');
      throw error;
    }
  }
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
