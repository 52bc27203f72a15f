import { type Clock, conflict, newId, notFound, toEpochSeconds } from '@confide/domain';
import { attr, type Item, read, requireS, tableKey } from '../attributes';
import { mapPage, type Page, type PageRequest } from '../paging';
import type { TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable } from '../tenant-table';
import { writeWithProfileDate } from './profile-date';

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
const CLAIM = 'REFERRER_REFERENCE';

/**
 * Where a partner's reference is claimed: one item per partner and reference, outside the person's partition, so that a
 * conditional write can hold a reference to one referral (a check of the partner's index and then a write could not).
 */
function referenceClaimKey(
  scope: TenantScope,
  partnerId: string,
  reference: string,
): { pk: string; sk: string } {
  return { pk: scope.key(CLAIM, partnerId, reference), sk: CLAIM };
}

/**
 * The claims of a person's referrals that are theirs, from the referral items of their partition (`partnerId` and
 * `referrerReference` read with them): for their retention schedule and erasure (`RetentionSchedules.clientItems`).
 * A claim another person's referral holds (two recorded before claims were kept) stays with that referral.
 */
export async function referenceClaimKeys(
  gateway: TenantTable,
  scope: TenantScope,
  clientId: string,
  partitionItems: readonly Item[],
): Promise<{ pk: string; sk: string }[]> {
  const keys = partitionItems.flatMap((item) => {
    const partnerId = read.s(item, 'partnerId');
    const reference = read.s(item, 'referrerReference');
    return read.s(item, 'sk')?.startsWith(SORT_PREFIX) && partnerId && reference
      ? [referenceClaimKey(scope, partnerId, reference)]
      : [];
  });
  if (keys.length === 0) return [];
  const claims = await gateway.batchGet(keys);
  return claims
    .filter((claim) => read.s(claim, 'clientId') === clientId)
    .map((claim) => ({ pk: requireS(claim, 'pk'), sk: requireS(claim, 'sk') }));
}

/** Referrals received from partner agencies, and the initial appointment booked for each. */
export class Referrals {
  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  /**
   * Records a referral, and claims its reference for the partner in the same transaction: CONFLICT when a live
   * referral of the partner holds it already. Both items carry the person's date as their profile has it when written
   * (`expiresAt`, the date read; decision 0085), so a referral recorded as the case closes still goes with the
   * person's records, and its reference is free again once they are gone.
   */
  async record(
    scope: TenantScope,
    input: {
      clientId: string;
      partnerId: string;
      referrerReference: string;
      receivedOn: string;
      recordedBy: string;
      /** The person's scheduled expiry as read (a closed case). */
      expiresAt?: number | undefined;
    },
  ): Promise<Referral> {
    const referralId = newId('referral');
    const now = this.clock.now();
    const referral = (expiresAt: number | undefined): Item => ({
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
      recordedAt: attr.s(now.toISOString()),
      ...(expiresAt === undefined ? {} : { expiresAt: attr.n(expiresAt) }),
    });
    const claim = (expiresAt: number | undefined): Item => ({
      ...tableKey(referenceClaimKey(scope, input.partnerId, input.referrerReference)),
      clientId: attr.s(input.clientId),
      referralId: attr.s(referralId),
      ...(expiresAt === undefined ? {} : { expiresAt: attr.n(expiresAt) }),
    });
    const written = await writeWithProfileDate(
      this.#gateway(scope),
      scope,
      input.clientId,
      input.expiresAt,
      (expiresAt) => [
        // A fresh random id never collides; if it did, nothing would be overwritten.
        { Put: { Item: referral(expiresAt), ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Put: {
            Item: claim(expiresAt),
            // An expired claim is one DynamoDB's TTL has not deleted yet: its referral has gone with its person.
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
            ExpressionAttributeValues: { ':now': attr.n(toEpochSeconds(now)) },
          },
        },
      ],
    );
    if (written.refused?.[1] === 'ConditionalCheckFailed') {
      throw conflict('That partner already has a referral with this reference.');
    }
    if (!written.written)
      throw conflict('The person’s record changed while the referral was recorded; try again.');
    return toReferral(referral(written.expiresAt));
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
