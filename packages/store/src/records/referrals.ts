import { type Clock, newId, notFound, toEpochSeconds } from '@confide/domain';
import { attr, type Item, read, requireS } from '../attributes';
import { mapPage, type Page, type PageRequest } from '../paging';
import type { TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable } from '../tenant-table';

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
    private readonly access: TableAccess,
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
    const written = await this.#gateway(scope).put(item, { ConditionExpression: 'attribute_not_exists(pk)' });
    // A fresh random id never collides; if it did, nothing was overwritten.
    if (!written.written) throw new Error('A new referral id collided.');
    return toReferral(item);
  }

  /** Records (or moves) the initial appointment of a referral of this client. */
  async bookAppointment(
    scope: TenantScope,
    clientId: string,
    referralId: string,
    booking: { appointmentAt: Date; recordedBy: string },
  ): Promise<Referral> {
    const result = await this.#gateway(scope).update(
      { pk: scope.key('CLIENT', clientId), sk: `${SORT_PREFIX}${referralId}` },
      {
        UpdateExpression: 'SET appointmentAt = :at, appointmentRecordedBy = :by',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(expiresAt) OR expiresAt > :now)',
        ExpressionAttributeValues: {
          ':at': attr.s(booking.appointmentAt.toISOString()),
          ':by': attr.s(booking.recordedBy),
          ':now': attr.n(toEpochSeconds(this.clock.now())),
        },
        ReturnValues: 'ALL_NEW',
      },
    );
    if (!result.written || !result.attributes) throw notFound('Referral');
    return toReferral(result.attributes);
  }

  /** A client's referrals, oldest first. */
  /** One page of the person's referrals in the order they are stored (by referral id), read with DynamoDB's `Limit`. */
  async pageOfClient(scope: TenantScope, clientId: string, request: PageRequest): Promise<Page<Referral>> {
    const gateway = this.#gateway(scope);
    const page = await gateway.queryPrefixPage(
      scope.key('CLIENT', clientId),
      SORT_PREFIX,
      request,
      this.clock.now(),
    );
    return mapPage(page, toReferral);
  }

  async ofClient(scope: TenantScope, clientId: string): Promise<Referral[]> {
    const items = await this.#gateway(scope).queryPrefix(
      scope.key('CLIENT', clientId),
      SORT_PREFIX,
      this.clock.now(),
    );
    return items.map(toReferral).sort((a, b) => a.recordedAt.localeCompare(b.recordedAt));
  }

  async get(scope: TenantScope, clientId: string, referralId: string): Promise<Referral | undefined> {
    return (await this.ofClient(scope, clientId)).find((referral) => referral.referralId === referralId);
  }

  /** One page of the referrals one partner made, by its reference, read with DynamoDB's `Limit` (issue 19). */
  async byPartnerPage(scope: TenantScope, partnerId: string, request: PageRequest): Promise<Page<Referral>> {
    const page = await this.#gateway(scope).queryPage(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': attr.s(scope.key('PARTNER', partnerId, 'REFERRALS')) },
      },
      request,
      { now: this.clock.now() },
    );
    return mapPage(page, toReferral);
  }

  /** The referrals one partner made, optionally only those it gave `referrerReference`. */
  async byPartner(scope: TenantScope, partnerId: string, referrerReference?: string): Promise<Referral[]> {
    const { items } = await this.#gateway(scope).query(
      {
        IndexName: 'gsi1',
        KeyConditionExpression:
          referrerReference === undefined
            ? 'gsi1pk = :pk'
            : 'gsi1pk = :pk AND begins_with(gsi1sk, :reference)',
        ExpressionAttributeValues: {
          ':pk': attr.s(scope.key('PARTNER', partnerId, 'REFERRALS')),
          ...(referrerReference === undefined ? {} : { ':reference': attr.s(`${referrerReference}#`) }),
        },
      },
      { now: this.clock.now() },
    );
    return items.map(toReferral);
  }

  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
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
