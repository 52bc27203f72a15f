import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type Clock, isExpired, newId, notFound, toEpochSeconds } from '@confide/domain';
import { attr, type Item, read, requireS } from '../attributes';
import { queryAll } from '../query-all';
import type { TenantScope } from '../tenant-scope';

/**
 * A referral of a client by a partner agency, with the reference the referrer gave it. Kept in the client's
 * partition, so it follows the client's retention and erasure; indexed under the partner (gsi1), so the
 * referrer can ask about its own referrals and nothing else (Lets connect 4.3).
 */
export interface Referral {
  readonly referralId: string;
  readonly clientId: string;
  readonly partnerId: string;
  /** The referrer's own case reference: pseudonymous by its format, never a name. */
  readonly referrerReference: string;
  /** Date the referral was received, YYYY-MM-DD. */
  readonly receivedOn: string;
  readonly recordedBy: string;
  readonly recordedAt: string;
  /** The initial appointment, once booked. */
  readonly appointmentAt: string | undefined;
  readonly appointmentRecordedBy: string | undefined;
}

const SORT_PREFIX = 'REFERRAL#';

/** Referrals received from partner agencies, and the initial appointment booked for each. */
export class Referrals {
  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  async record(
    scope: TenantScope,
    input: {
      clientId: string;
      partnerId: string;
      referrerReference: string;
      receivedOn: string;
      recordedBy: string;
    },
  ): Promise<Referral> {
    const referralId = newId('referral');
    const item: Item = {
      pk: attr.s(scope.key('CLIENT', input.clientId)),
      sk: attr.s(`${SORT_PREFIX}${referralId}`),
      gsi1pk: attr.s(scope.key('PARTNER', input.partnerId, 'REFERRALS')),
      gsi1sk: attr.s(`${input.referrerReference}#${referralId}`),
      referralId: attr.s(referralId),
      clientId: attr.s(input.clientId),
      partnerId: attr.s(input.partnerId),
      referrerReference: attr.s(input.referrerReference),
      receivedOn: attr.s(input.receivedOn),
      recordedBy: attr.s(input.recordedBy),
      recordedAt: attr.s(this.clock.now().toISOString()),
    };
    await this.dynamo.send(
      new PutItemCommand({
        TableName: this.table,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return toReferral(item);
  }

  /** Records (or moves) the initial appointment of a referral of this client. */
  async bookAppointment(
    scope: TenantScope,
    clientId: string,
    referralId: string,
    booking: { appointmentAt: Date; recordedBy: string },
  ): Promise<Referral> {
    try {
      const result = await this.dynamo.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: {
            pk: attr.s(scope.key('CLIENT', clientId)),
            sk: attr.s(`${SORT_PREFIX}${referralId}`),
          },
          UpdateExpression: 'SET appointmentAt = :at, appointmentRecordedBy = :by',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(expiresAt) OR expiresAt > :now)',
          ExpressionAttributeValues: {
            ':at': attr.s(booking.appointmentAt.toISOString()),
            ':by': attr.s(booking.recordedBy),
            ':now': attr.n(toEpochSeconds(this.clock.now())),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (!result.Attributes) throw notFound('Referral');
      return toReferral(result.Attributes);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw notFound('Referral');
      throw error;
    }
  }

  /** A client's referrals, oldest first. */
  async ofClient(scope: TenantScope, clientId: string): Promise<Referral[]> {
    const items = await queryAll(this.dynamo, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': attr.s(scope.key('CLIENT', clientId)),
        ':prefix': attr.s(SORT_PREFIX),
      },
      ConsistentRead: true,
    });
    return this.#live(items).sort((a, b) => a.recordedAt.localeCompare(b.recordedAt));
  }

  async get(scope: TenantScope, clientId: string, referralId: string): Promise<Referral | undefined> {
    return (await this.ofClient(scope, clientId)).find((referral) => referral.referralId === referralId);
  }

  /** The referrals one partner made, optionally only those it gave `referrerReference`. */
  async byPartner(scope: TenantScope, partnerId: string, referrerReference?: string): Promise<Referral[]> {
    const items = await queryAll(this.dynamo, {
      TableName: this.table,
      IndexName: 'gsi1',
      KeyConditionExpression:
        referrerReference === undefined ? 'gsi1pk = :pk' : 'gsi1pk = :pk AND begins_with(gsi1sk, :reference)',
      ExpressionAttributeValues: {
        ':pk': attr.s(scope.key('PARTNER', partnerId, 'REFERRALS')),
        ...(referrerReference === undefined ? {} : { ':reference': attr.s(`${referrerReference}#`) }),
      },
    });
    return this.#live(items);
  }

  #live(items: readonly Item[]): Referral[] {
    const now = this.clock.now();
    return items.filter((item) => !isExpired(read.n(item, 'expiresAt'), now)).map(toReferral);
  }
}

function toReferral(item: Item): Referral {
  return {
    referralId: requireS(item, 'referralId'),
    clientId: requireS(item, 'clientId'),
    partnerId: requireS(item, 'partnerId'),
    referrerReference: requireS(item, 'referrerReference'),
    receivedOn: requireS(item, 'receivedOn'),
    recordedBy: requireS(item, 'recordedBy'),
    recordedAt: requireS(item, 'recordedAt'),
    appointmentAt: read.s(item, 'appointmentAt'),
    appointmentRecordedBy: read.s(item, 'appointmentRecordedBy'),
  };
}
