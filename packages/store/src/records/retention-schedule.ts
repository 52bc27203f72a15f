import {
  type AttributeValue,
  type DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  type ClientExpiry,
  type Clock,
  clientRecordExpiry,
  conflict,
  isExpired,
  notFound,
  type RetentionBasis,
  type RetentionRules,
  SCHEDULE_HORIZON_YEARS,
  toEpochSeconds,
} from '@confide/domain';
import { integrityMac, type KeyHierarchy, type SubjectKey } from '@confide/keys';
import { attr, changeCount, type Item, read, requireS, tableKey } from '../attributes';
import { ItemLoader } from '../item-loader';
import { organisationIntegrityKey } from '../item-macs';
import { itemKeyOf, openField, sealFields } from '../sealed-fields';
import type { TenantScope } from '../tenant-scope';
import {
  type TableAccess,
  TenantTable,
  type TenantTransactItem,
  transactWriteOrCancelled,
} from '../tenant-table';
import {
  clientBeaconPartitions,
  isBeaconKey,
  partitionNamedItems,
  profileNamedItems,
} from './client-outside-items';
import { RetentionStates } from './retention-state';
import {
  erasureMacParts,
  erasureRecordKey,
  KEY_QUARANTINE_FACTS,
  keyQuarantineKey,
  keyQuarantineMacParts,
  subjectKeyExpiry,
} from './retention-tombstones';
import { LEGAL_HOLD_MAC, legalHoldParts, type ServiceUserRecord, type ServiceUsers } from './service-users';

export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/** A closed case in the retention schedule: pseudonymous facts only. */
export interface ScheduledCase {
  readonly clientId: string;
  readonly serviceId: string;
  readonly reference: string;
  readonly closedAt: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
  readonly basis: RetentionBasis;
  /** Its place in the schedule's index ({@link scheduleOrder}), which its cursor continues from. */
  readonly order: string;
}

/** A case's closure: when, and its date on the organisation's calendar then (the day the age at closure is taken on). */
export interface Closure {
  readonly closedAt: Date;
  readonly closedOn: string;
}

/** A closed case's closure as its profile keeps it; undefined for an open case. */
export function closureOf(client: ServiceUserRecord): Closure | undefined {
  return client.caseStatus === 'CLOSED' && client.closedAt && client.closedOn
    ? { closedAt: new Date(client.closedAt), closedOn: client.closedOn }
    : undefined;
}

export type ScheduleOutcome =
  | { readonly status: 'SCHEDULED'; readonly expiresAt: number; readonly basis: RetentionBasis }
  /** Open cases have no schedule; held ones keep none; UNCHANGED: the profile changed (or expired) meanwhile. */
  | { readonly status: 'OPEN' | 'HELD' | 'UNCHANGED' };

/**
 * A closed case's schedule as the write that closes the case, or ends its last hold, carries it in its own
 * transaction (decision 0076): the profile's date (`set`, `condition` and `values`, merged into that write's update of
 * the profile) and the retention state record.
 */
export interface ReleaseSchedule {
  readonly expiresAt: number;
  readonly basis: RetentionBasis;
  readonly set: string;
  readonly condition: string;
  readonly values: Record<string, AttributeValue>;
  readonly state: TenantTransactItem;
}

/** A legal hold: the client's records are kept past any schedule and cannot be erased until it is lifted. */
export interface LegalHold {
  readonly clientId: string;
  readonly serviceId: string;
  readonly reference: string;
  readonly placedAt: string;
  readonly placedBy: string;
  readonly liftedAt: string | undefined;
  readonly liftedBy: string | undefined;
  readonly pk: string;
  readonly sk: string;
  readonly item: Item;
}

export type SealedHoldField = 'reason' | 'liftReason';

const PROFILE = 'PROFILE';
const HOLD_PREFIX = 'LEGAL_HOLD#';
/** The schedule index: closed, unheld profiles by expiry year, sorted by expiry (gsi2). */
const SCHEDULE_INDEX = 'gsi2';
const HOLD_INDEX = 'gsi1';
/** Concurrent item updates while (re)scheduling one client. */
const UPDATE_CONCURRENCY = 16;
const NOT_EXPIRED = '(attribute_not_exists(expiresAt) OR expiresAt > :now)';
/** The profile's schedule: its date, its place in the schedule index and the basis it rests on. */
const SCHEDULE_SET = 'expiresAt = :expiresAt, gsi2pk = :due, gsi2sk = :order, retentionBasis = :basis';
/**
 * The profile's marker of the emergency reviews of the person still pending: a string set of review ids (decision
 * 0074). Like `legalHold`, it keeps the records off their schedule and bars an erasure, in the writes' own
 * conditions; DynamoDB removes the attribute when its last id is deleted.
 */
const REVIEW_HOLDS = 'reviewHolds';

/**
 * Retention schedules of client records (DATA-PROTECTION.md, Retention): closing a case puts `expiresAt` on every
 * item of the client — its partition (profile, notes and their history, consents, allocations, media, holds),
 * its reference, identity and blind-index entries, and its data key in the key table — and enters the profile
 * in the schedule index; reopening, a legal hold or a pending emergency review takes it all off again. Nothing
 * already expired is ever brought back: every update is conditional on the item not having expired.
 *
 * Emergency-access reviews are not scheduled with the client: they are accountability records of an access
 * (kept with the audit trail), carry only the pseudonymous client id in clear, and their sealed detail becomes
 * unreadable when the client's key is deleted. While one is pending, it holds the client's records (decision 0074).
 */
export class RetentionSchedules {
  /** The authenticated record of whether each client is scheduled: what the retention handler believes. */
  readonly states: RetentionStates;

  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
    private readonly keys: KeyHierarchy,
    private readonly serviceUsers: ServiceUsers,
    private readonly clock: Clock,
  ) {
    this.states = new RetentionStates(access, table, keys, clock);
  }

  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
  }

  /** A per-call loader that reads with the organisation's client. */
  #loader(scope: TenantScope): ItemLoader {
    const client: DynamoDBClient = 'forOrg' in this.access ? this.access.forOrg(scope.orgId) : this.access;
    return new ItemLoader(client, this.keys);
  }

  /**
   * When a closed client's records expire under the given rules: the age at closure taken on the date of the closure
   * the profile keeps (never recomputed, so a change of time zone moves no case across a birthday), a child kept to
   * the start of the birthday in the organisation's `timeZone`; undefined for an open case.
   */
  expiryOf(
    client: ServiceUserRecord,
    key: SubjectKey,
    rules: RetentionRules,
    timeZone: string,
  ): ClientExpiry | undefined {
    const closure = closureOf(client);
    return closure && this.#closureExpiry(client, key, closure, rules, timeZone);
  }

  #closureExpiry(
    client: ServiceUserRecord,
    key: SubjectKey,
    closure: Closure,
    rules: RetentionRules,
    timeZone: string,
  ): ClientExpiry {
    const dateOfBirth = this.serviceUsers.openDetail(key, client, 'dateOfBirth');
    return clientRecordExpiry({ ...closure, dateOfBirth, rules, timeZone });
  }

  /** The active hold on a client, from its profile; undefined when there is none. */
  holdOn(client: ServiceUserRecord): { placedAt: string; sk: string } | undefined {
    const hold = client.item.legalHold?.M;
    const placedAt = hold?.placedAt?.S;
    const sk = hold?.sk?.S;
    return placedAt && sk ? { placedAt, sk } : undefined;
  }

  /** The ids of the emergency reviews of the person still pending, from its profile (decision 0074). */
  reviewHoldsOn(client: ServiceUserRecord): readonly string[] {
    return client.item[REVIEW_HOLDS]?.SS ?? [];
  }

  /** Whether anything keeps a client off its schedule: a legal hold or a pending emergency review. */
  held(client: ServiceUserRecord): boolean {
    return this.holdOn(client) !== undefined || this.reviewHoldsOn(client).length > 0;
  }

  /** The retention basis stored with a schedule. */
  basisOf(client: ServiceUserRecord): RetentionBasis | undefined {
    return read.s(client.item, 'retentionBasis') as RetentionBasis | undefined;
  }

  /**
   * Every data-table item of a client: its partition, what the profile names outside it ({@link profileNamedItems},
   * the blind-index entries recomputed from the sealed details when the key is given) and what the partition's items
   * name ({@link partitionNamedItems}). Paginated, never a Scan.
   */
  async clientItems(
    scope: TenantScope,
    client: ServiceUserRecord,
    key: SubjectKey | undefined,
  ): Promise<ItemKey[]> {
    const gateway = this.#gateway(scope);
    const name = key && this.serviceUsers.openDetail(key, client, 'name');
    const beacons =
      key && name !== undefined
        ? clientBeaconPartitions(scope, await this.keys.beaconKey(scope.orgId), {
            name,
            postcode: this.serviceUsers.openDetail(key, client, 'postcode'),
            nhsNumber: this.serviceUsers.openDetail(key, client, 'nhsNumber'),
          })
        : [];
    // The partition and what the profile names are read side by side; what the partition's items name, after it.
    const [{ items: partition }, profileNamed] = await Promise.all([
      gateway.query({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': attr.s(client.pk) },
        // A referral's partner and reference name the claim of that reference, outside the partition.
        ProjectionExpression: 'pk, sk, partnerId, referrerReference',
        ConsistentRead: true,
      }),
      profileNamedItems(gateway, scope, client.clientId, client, beacons),
    ]);
    const partitionNamed = await partitionNamedItems(gateway, scope, client.clientId, partition);
    return [
      ...partition.map((item) => ({ pk: requireS(item, 'pk'), sk: requireS(item, 'sk') })),
      ...[...profileNamed, ...partitionNamed].map((item) => item.key),
    ];
  }

  /**
   * Schedules a closed, unheld client: the profile first (it enters the schedule index, and it gates every
   * read of the client), then every other item and the data key. A schedule already past expires the client
   * at once. Held (a legal hold, or an emergency review pending) is refused by the profile's own condition.
   */
  async schedule(
    scope: TenantScope,
    client: ServiceUserRecord,
    key: SubjectKey,
    rules: RetentionRules,
    timeZone: string,
    rulesInForce?: TenantTransactItem,
  ): Promise<ScheduleOutcome> {
    const expiry = this.expiryOf(client, key, rules, timeZone);
    if (!expiry) return { status: 'OPEN' };
    if (this.held(client)) return { status: 'HELD' };
    const expiresAt = toEpochSeconds(expiry.expiresAt);
    // Only over the profile as it was read: the closure the date was computed from, and the date it then had. A
    // reopening and a new closure, or another change of the rules that dated it meanwhile, wins.
    const asRead = [
      client.closedAt === undefined ? 'attribute_not_exists(closedAt)' : 'closedAt = :closedAt',
      client.expiresAt === undefined ? 'attribute_not_exists(expiresAt)' : 'expiresAt = :was',
    ];
    const profile = { pk: client.pk, sk: PROFILE };
    const write = {
      UpdateExpression: `SET ${SCHEDULE_SET}`,
      ConditionExpression: `attribute_exists(pk) AND caseStatus = :closed AND attribute_not_exists(legalHold) AND attribute_not_exists(${REVIEW_HOLDS}) AND ${NOT_EXPIRED} AND ${asRead.join(' AND ')}`,
      ExpressionAttributeValues: {
        ...this.#scheduleValues(scope, client.clientId, expiresAt, expiry.basis),
        ':closed': attr.s('CLOSED'),
        ...(client.closedAt === undefined ? {} : { ':closedAt': attr.s(client.closedAt) }),
        ...(client.expiresAt === undefined ? {} : { ':was': attr.n(client.expiresAt) }),
      },
    };
    // A rescheduling loop's date goes in only while its rules are still the organisation's.
    const gateway = this.#gateway(scope);
    const entered = rulesInForce
      ? await transactWriteOrCancelled(gateway, [
          { Update: { Key: tableKey(profile), ...write } },
          rulesInForce,
        ])
      : await gateway.update(profile, write);
    if (!entered.written) return { status: 'UNCHANGED' };
    // Before any other item carries the date: the handler believes an expiry only when this record says so.
    await this.states.markScheduled(scope, client.clientId, expiresAt);
    return this.scheduleTheRest(scope, client, key, { expiresAt, basis: expiry.basis });
  }

  /**
   * What a release (a legal hold lifted, the last pending emergency review completed) adds to its own transaction to
   * put a closed case back on its schedule in the same write (decision 0076): the profile's date, for the release to
   * merge into its update of the profile, and the retention state record. Then {@link scheduleTheRest} dates the
   * other items. Undefined for an open case, and for one whose date has passed (records past their retention leave
   * only by an erasure, which takes two people). The release adds its own condition that nothing else holds the case.
   */
  async releaseSchedule(
    scope: TenantScope,
    client: ServiceUserRecord,
    key: SubjectKey,
    rules: RetentionRules,
    timeZone: string,
  ): Promise<ReleaseSchedule | undefined> {
    const expiry = this.expiryOf(client, key, rules, timeZone);
    if (!expiry || !client.closedAt) return undefined;
    // Closed at the moment the date was computed from: a reopening and a new closure meanwhile cancel it.
    return this.#inWrite(scope, client.clientId, expiry, `caseStatus = :closed AND closedAt = :closedAt`, {
      ':closed': attr.s('CLOSED'),
      ':closedAt': attr.s(client.closedAt),
    });
  }

  /**
   * What a `closure` writes in its own update of the profile (decision 0076): the date, its place in the schedule
   * index and the retention state record, so that no fault after the closure leaves the case closed and undated.
   * Undefined for a held case (it takes no date) and for a date already past (such a closure is an erasure).
   */
  async closureSchedule(
    scope: TenantScope,
    client: ServiceUserRecord,
    key: SubjectKey,
    closure: Closure,
    rules: RetentionRules,
    timeZone: string,
  ): Promise<ReleaseSchedule | undefined> {
    if (this.held(client)) return undefined;
    const expiry = this.#closureExpiry(client, key, closure, rules, timeZone);
    const unheld = `attribute_not_exists(legalHold) AND attribute_not_exists(${REVIEW_HOLDS})`;
    return this.#inWrite(scope, client.clientId, expiry, unheld, {});
  }

  /** The parts of a {@link ReleaseSchedule} for `expiry`; undefined when its date has already passed. */
  async #inWrite(
    scope: TenantScope,
    clientId: string,
    expiry: ClientExpiry,
    condition: string,
    values: Record<string, AttributeValue>,
  ): Promise<ReleaseSchedule | undefined> {
    const expiresAt = toEpochSeconds(expiry.expiresAt);
    if (expiresAt <= this.#nowSeconds()) return undefined;
    return {
      expiresAt,
      basis: expiry.basis,
      set: SCHEDULE_SET,
      condition: `${condition} AND ${NOT_EXPIRED}`,
      values: { ...this.#scheduleValues(scope, clientId, expiresAt, expiry.basis), ...values },
      state: await this.states.scheduledItem(scope, clientId, expiresAt),
    };
  }

  /**
   * Once the profile carries the date (and the state record says so): every other item and the data key. A reopening,
   * a legal hold or an emergency review may have come while the items were being scheduled: then the schedule comes
   * off again, so that no item of an open or held case (nor its key) is left to expire. (Each of them also clears the
   * items after its own write; between the two every interleaving ends unscheduled.)
   */
  async scheduleTheRest(
    scope: TenantScope,
    client: ServiceUserRecord,
    key: SubjectKey,
    schedule: { expiresAt: number; basis: RetentionBasis },
  ): Promise<ScheduleOutcome> {
    const items = (await this.clientItems(scope, client, key)).filter((item) => item.sk !== PROFILE);
    await this.#setExpiry(scope, items, schedule.expiresAt);
    await this.#setKeyExpiry(scope, client.clientId, schedule.expiresAt);
    const profile = await this.#gateway(scope).get({ pk: client.pk, sk: PROFILE });
    if (profile && read.s(profile, 'caseStatus') !== 'CLOSED') {
      await this.unschedule(scope, client, key);
      return { status: 'UNCHANGED' };
    }
    if (profile && (profile.legalHold !== undefined || profile[REVIEW_HOLDS] !== undefined)) {
      await this.#clearForHold(scope, client, key);
      return { status: 'HELD' };
    }
    return { status: 'SCHEDULED', ...schedule };
  }

  #scheduleValues(
    scope: TenantScope,
    clientId: string,
    expiresAt: number,
    basis: RetentionBasis,
  ): Record<string, AttributeValue> {
    return {
      ':expiresAt': attr.n(expiresAt),
      ':due': attr.s(scheduleIndexPartition(scope, new Date(expiresAt * 1000).getUTCFullYear())),
      ':order': attr.s(scheduleOrder(expiresAt, basis, clientId)),
      ':basis': attr.s(basis),
      ':now': attr.n(this.#nowSeconds()),
    };
  }

  /**
   * Takes a client off the schedule (reopening): every other item and the data key first, the profile last,
   * so that a failure part-way leaves the profile — and with it the whole record — still scheduled, never a
   * profile kept while items under it expire. With `whileOpen` (the reopening's second pass, once the case is open),
   * the profile's date is taken off only while the case is still open, and false is answered when a closure came
   * meanwhile: the caller then puts that closure's schedule back on what this pass took it off.
   */
  async unschedule(
    scope: TenantScope,
    client: ServiceUserRecord,
    key: SubjectKey | undefined,
    options: { readonly whileOpen?: boolean } = {},
  ): Promise<boolean> {
    const items = (await this.clientItems(scope, client, key)).filter((item) => item.sk !== PROFILE);
    await this.#setExpiry(scope, items, undefined);
    await this.#setKeyExpiry(scope, client.clientId, undefined);
    await this.states.markUnscheduled(scope, client.clientId);
    const cleared = await this.#gateway(scope).update(
      { pk: client.pk, sk: PROFILE },
      {
        UpdateExpression: 'REMOVE expiresAt, gsi2pk, gsi2sk, retentionBasis',
        ConditionExpression: `attribute_exists(pk) AND ${NOT_EXPIRED}${options.whileOpen ? ' AND caseStatus = :open' : ''}`,
        ExpressionAttributeValues: {
          ':now': attr.n(this.#nowSeconds()),
          ...(options.whileOpen ? { ':open': attr.s('OPEN') } : {}),
        },
      },
    );
    if (cleared.written) return true;
    if (options.whileOpen && (await this.#profile(scope, client.clientId))?.caseStatus === 'CLOSED')
      return false;
    throw notFound('Service user');
  }

  // ── Legal holds ───────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Places a legal hold: in one transaction the hold record and the profile's hold marker (which also takes
   * the profile off the schedule), refused once the client is being erased; then every other item and the key
   * lose their `expiresAt`. Placing a hold on a held client repeats the clearing (repairing a hold whose
   * clearing failed part-way) and returns the existing hold.
   */
  async placeHold(
    scope: TenantScope,
    client: ServiceUserRecord,
    key: SubjectKey,
    input: { placedBy: string; reason: string },
  ): Promise<{ hold: LegalHold; created: boolean }> {
    const existing = this.holdOn(client);
    if (existing) {
      await this.#clearForHold(scope, client, key);
      const hold = await this.#hold(scope, client.pk, existing.sk);
      if (!hold) throw notFound('Legal hold');
      return { hold, created: false };
    }
    const placedAt = this.clock.now().toISOString();
    const sk = `${HOLD_PREFIX}${placedAt}`;
    const item: Item = {
      pk: attr.s(client.pk),
      sk: attr.s(sk),
      gsi1pk: attr.s(scope.key('LEGAL_HOLDS')),
      gsi1sk: attr.s(`${placedAt}#${client.clientId}`),
      clientId: attr.s(client.clientId),
      serviceId: attr.s(client.serviceId),
      reference: attr.s(client.reference),
      placedAt: attr.s(placedAt),
      placedBy: attr.s(input.placedBy),
      ...sealFields(key, itemKeyOf(client.pk, sk), { reason: input.reason }),
    };
    const erasure = erasureRecordKey(scope, client.clientId);
    const placed = await written(this.#gateway(scope), [
      { Put: { Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Update: {
          Key: { pk: attr.s(client.pk), sk: attr.s(PROFILE) },
          UpdateExpression: `SET legalHold = :hold, ${LEGAL_HOLD_MAC} = :holdMac REMOVE expiresAt, gsi2pk, gsi2sk, retentionBasis`,
          ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(legalHold) AND ${NOT_EXPIRED}`,
          ExpressionAttributeValues: {
            ':hold': {
              M: { placedAt: attr.s(placedAt), sk: attr.s(sk), placedBy: attr.s(input.placedBy) },
            },
            ':holdMac': attr.s(await this.#legalHoldMac(scope, client.clientId, sk)),
            ':now': attr.n(this.#nowSeconds()),
          },
        },
      },
      {
        ConditionCheck: {
          Key: { pk: attr.s(erasure.pk), sk: attr.s(erasure.sk) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      // From this write on, an expiry of the person's items is an incident, not a rule: whatever fails after it.
      await this.states.unscheduledItem(scope, client.clientId),
    ]);
    if (!placed) {
      throw conflict('The record changed (or is being erased) while the hold was placed; reload it.');
    }
    await this.#clearForHold(scope, client, key);
    return { hold: toHold(item), created: true };
  }

  /**
   * Lifts the active hold (kept as history in the client's partition, off the holds index) and, for a closed
   * case, schedules the record again under the current rules.
   */
  async liftHold(
    scope: TenantScope,
    client: ServiceUserRecord,
    key: SubjectKey,
    input: { liftedBy: string; reason: string; rules: RetentionRules; timeZone: string },
  ): Promise<{ hold: LegalHold; schedule: ScheduleOutcome }> {
    const active = this.holdOn(client);
    if (!active) throw conflict('The record is not under a legal hold.');
    // The schedule goes on in the lift's own transaction (decision 0076); a case that changed since it was read is
    // lifted alone and scheduled from a fresh read.
    const release =
      this.reviewHoldsOn(client).length === 0
        ? await this.releaseSchedule(scope, client, key, input.rules, input.timeZone)
        : undefined;
    const scheduled = release !== undefined && (await this.#lift(scope, client, key, active, input, release));
    if (!scheduled && !(await this.#lift(scope, client, key, active, input, undefined))) {
      throw conflict('The hold changed while it was lifted; reload it.');
    }
    const hold = await this.#hold(scope, client.pk, active.sk);
    if (!hold) throw notFound('Legal hold');
    if (scheduled && release) {
      return { hold, schedule: await this.scheduleTheRest(scope, client, key, release) };
    }
    const profile = await this.#profile(scope, client.clientId);
    const schedule = profile
      ? await this.schedule(scope, profile, key, input.rules, input.timeZone)
      : { status: 'UNCHANGED' as const };
    return { hold, schedule };
  }

  /** The lift's transaction: the hold record closed, the profile's marker off and, with `release`, its date on. */
  async #lift(
    scope: TenantScope,
    client: ServiceUserRecord,
    key: SubjectKey,
    active: { sk: string },
    input: { liftedBy: string; reason: string },
    release: ReleaseSchedule | undefined,
  ): Promise<boolean> {
    return written(this.#gateway(scope), [
      {
        Update: {
          Key: { pk: attr.s(client.pk), sk: attr.s(active.sk) },
          UpdateExpression:
            'SET liftedAt = :at, liftedBy = :by, enc_liftReason = :reason REMOVE gsi1pk, gsi1sk',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(liftedAt)',
          ExpressionAttributeValues: {
            ':at': attr.s(this.clock.now().toISOString()),
            ':by': attr.s(input.liftedBy),
            ':reason':
              sealFields(key, itemKeyOf(client.pk, active.sk), { liftReason: input.reason }).enc_liftReason ??
              attr.s(''),
          },
        },
      },
      {
        Update: {
          Key: { pk: attr.s(client.pk), sk: attr.s(PROFILE) },
          UpdateExpression: release
            ? `SET ${release.set}, ${LEGAL_HOLD_MAC} = :holdMac REMOVE legalHold`
            : `SET ${LEGAL_HOLD_MAC} = :holdMac REMOVE legalHold`,
          ConditionExpression: release
            ? `legalHold.sk = :sk AND attribute_not_exists(${REVIEW_HOLDS}) AND ${release.condition}`
            : 'legalHold.sk = :sk',
          ExpressionAttributeValues: {
            ':sk': attr.s(active.sk),
            ':holdMac': attr.s(await this.#legalHoldMac(scope, client.clientId, undefined)),
            ...release?.values,
          },
        },
      },
      ...(release ? [release.state] : []),
    ]);
  }

  /** Active holds of the organisation, oldest first, one page at a time (the holds index). */
  async legalHolds(
    scope: TenantScope,
    page: { limit: number; after?: string | undefined },
  ): Promise<{ holds: LegalHold[]; next: string | undefined }> {
    // Expiry filtered here, not by the gateway: the cursor continues after the page's last item, expired or not.
    const { items, lastKey } = await this.#gateway(scope).query({
      IndexName: HOLD_INDEX,
      KeyConditionExpression: page.after ? 'gsi1pk = :pk AND gsi1sk > :after' : 'gsi1pk = :pk',
      ExpressionAttributeValues: {
        ':pk': attr.s(scope.key('LEGAL_HOLDS')),
        ...(page.after ? { ':after': attr.s(page.after) } : {}),
      },
      Limit: page.limit,
    });
    const now = this.clock.now();
    const holds = items.filter((item) => !isExpired(read.n(item, 'expiresAt'), now)).map(toHold);
    const last = items.at(-1);
    return { holds, next: lastKey && last ? requireS(last, 'gsi1sk') : undefined };
  }

  /** The active hold of a client, if any. */
  async activeHold(scope: TenantScope, client: ServiceUserRecord): Promise<LegalHold | undefined> {
    const active = this.holdOn(client);
    return active ? this.#hold(scope, client.pk, active.sk) : undefined;
  }

  openHold(key: SubjectKey, hold: LegalHold, field: SealedHoldField): string | undefined {
    return openField(key, itemKeyOf(hold.pk, hold.sk), hold.item, field);
  }

  async #clearForHold(scope: TenantScope, client: ServiceUserRecord, key: SubjectKey): Promise<void> {
    // The hold's own write already said so; said again for a hold placed before it did (a retry heals it).
    await this.states.markUnscheduled(scope, client.clientId);
    const items = (await this.clientItems(scope, client, key)).filter((item) => item.sk !== PROFILE);
    await this.#setExpiry(scope, items, undefined);
    await this.#setKeyExpiry(scope, client.clientId, undefined);
  }

  async #hold(scope: TenantScope, pk: string, sk: string): Promise<LegalHold | undefined> {
    const item = await this.#gateway(scope).get({ pk, sk });
    return item ? toHold(item) : undefined;
  }

  /** The MAC of a profile's legal hold marker, or of its having none (decision 0097). */
  async #legalHoldMac(scope: TenantScope, clientId: string, holdSk: string | undefined): Promise<string> {
    const integrityKey = await organisationIntegrityKey(this.keys, scope.orgId);
    return integrityMac(integrityKey, legalHoldParts(scope, clientId, holdSk));
  }

  async #profile(scope: TenantScope, clientId: string): Promise<ServiceUserRecord | undefined> {
    return this.serviceUsers.get(scope, clientId, this.#loader(scope));
  }

  // ── Emergency reviews ─────────────────────────────────────────────────────────────────────────────────────

  /**
   * What opening an emergency review of a person adds to the review's own transaction (decision 0074): the review's
   * id in the profile's marker, which takes the profile off the schedule and keeps it off, refused once the person is
   * being erased or their profile has expired, and the retention state UNSCHEDULED. After it commits,
   * `clearForReview` takes the rest off.
   */
  async reviewHoldPlaced(
    scope: TenantScope,
    clientId: string,
    reviewId: string,
  ): Promise<TenantTransactItem[]> {
    const erasure = erasureRecordKey(scope, clientId);
    return [
      {
        Update: {
          Key: { pk: attr.s(scope.key('CLIENT', clientId)), sk: attr.s(PROFILE) },
          UpdateExpression: `ADD ${REVIEW_HOLDS} :review REMOVE expiresAt, gsi2pk, gsi2sk, retentionBasis`,
          ConditionExpression: `attribute_exists(pk) AND ${NOT_EXPIRED}`,
          ExpressionAttributeValues: { ':review': { SS: [reviewId] }, ':now': attr.n(this.#nowSeconds()) },
        },
      },
      {
        ConditionCheck: {
          Key: { pk: attr.s(erasure.pk), sk: attr.s(erasure.sk) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      await this.states.unscheduledItem(scope, clientId),
    ];
  }

  /**
   * What completing an emergency review adds to its transaction: the review's id off the profile's marker and, with
   * `release` (the last pending review of a closed case with no legal hold), the profile's date on (decision 0076).
   */
  reviewHoldReleased(
    scope: TenantScope,
    clientId: string,
    reviewId: string,
    release?: ReleaseSchedule,
  ): TenantTransactItem[] {
    const profile = { pk: attr.s(scope.key('CLIENT', clientId)), sk: attr.s(PROFILE) };
    if (!release) {
      return [
        {
          Update: {
            Key: profile,
            UpdateExpression: `DELETE ${REVIEW_HOLDS} :review`,
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':review': { SS: [reviewId] } },
          },
        },
      ];
    }
    return [
      {
        Update: {
          Key: profile,
          UpdateExpression: `SET ${release.set} REMOVE ${REVIEW_HOLDS}`,
          ConditionExpression: `size(${REVIEW_HOLDS}) = :one AND contains(${REVIEW_HOLDS}, :reviewId) AND attribute_not_exists(legalHold) AND ${release.condition}`,
          ExpressionAttributeValues: { ':one': attr.n(1), ':reviewId': attr.s(reviewId), ...release.values },
        },
      },
      release.state,
    ];
  }

  /**
   * After a review's hold is on the profile: takes the schedule off every other item and the data key of a closed
   * case (an open one has none). Read afresh, so that a closure whose schedule came first is seen; one that comes
   * later is refused by the marker, or clears after itself (`schedule`'s re-check).
   */
  async clearForReview(scope: TenantScope, clientId: string, key: SubjectKey): Promise<void> {
    const profile = await this.#profile(scope, clientId);
    if (profile?.caseStatus === 'CLOSED') await this.#clearForHold(scope, profile, key);
  }

  // ── Erasure ───────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Erases a client: records the erasure (refused while a hold is on, an emergency review is pending or the case is
   * open — checked in the same transaction), deletes the blind-index entries (recomputed with the data key), crypto-
   * shreds the key, then deletes every other item, the profile last so that a retry can still find what is left. The
   * stream handler writes the tombstones.
   */
  async erase(
    scope: TenantScope,
    client: ServiceUserRecord,
    key: SubjectKey | undefined,
    input: { erasedBy: string; approvedBy?: string | undefined },
  ): Promise<{ itemsRemoved: number; erasedAt: string }> {
    const erasure = erasureRecordKey(scope, client.clientId);
    const erasedAt = this.clock.now().toISOString();
    // MACed: the retention handler takes a deletion for an erasure only on a record the API wrote.
    const erasureMac = integrityMac(
      await organisationIntegrityKey(this.keys, scope.orgId),
      erasureMacParts(scope, client.clientId, erasedAt, input.erasedBy),
    );
    const gateway = this.#gateway(scope);
    const recorded = await gateway.transactWrite([
      {
        ConditionCheck: {
          Key: { pk: attr.s(client.pk), sk: attr.s(PROFILE) },
          ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(legalHold) AND attribute_not_exists(${REVIEW_HOLDS}) AND caseStatus = :closed`,
          ExpressionAttributeValues: { ':closed': attr.s('CLOSED') },
        },
      },
      {
        Put: {
          Item: {
            pk: attr.s(erasure.pk),
            sk: attr.s(erasure.sk),
            orgId: attr.s(scope.orgId),
            subjectId: attr.s(client.clientId),
            erasedAt: attr.s(erasedAt),
            erasedBy: attr.s(input.erasedBy),
            ...(input.approvedBy ? { approvedBy: attr.s(input.approvedBy) } : {}),
            mac: attr.s(erasureMac),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
    if (!recorded.written) {
      const [profileCheck, erasureRecord] = recorded.reasons;
      if (profileCheck === 'ConditionalCheckFailed') {
        throw conflict(
          'The record is under a legal hold, awaits the review of an emergency access, or its case is open; it cannot be erased.',
        );
      }
      // Already recorded: a retried erasure carries on with whatever is left.
      if (erasureRecord !== 'ConditionalCheckFailed') throw new Error('The erasure record was not written.');
    }
    const items = await this.clientItems(scope, client, key);
    // The blind-index entries first, while the key they are recomputed with is there: a retried erasure has no key
    // to find them with.
    const beacons = items.filter((item) => isBeaconKey(scope, item));
    await gateway.batchDelete(beacons);
    await this.keys.eraseSubjectKey(scope.orgId, client.clientId);
    const rest = items.filter(
      (item) => !beacons.includes(item) && !(item.pk === client.pk && item.sk === PROFILE),
    );
    await gateway.batchDelete(rest);
    await gateway.batchDelete([{ pk: client.pk, sk: PROFILE }]);
    return { itemsRemoved: items.length, erasedAt };
  }

  // ── Key quarantine ────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Recovers a subject's data key from quarantine, within the grace period after their records expired: in one
   * transaction the quarantine record is marked recovered and loses its expiry (it stays, a non-personal note
   * of when the key was recovered, and the retention handler never deletes a recovered key), and the key loses
   * its own. The records themselves come back only from a backup (restored by an operator); this keeps them
   * readable. False when there is no quarantine in force (never quarantined, recovered already, or past its
   * grace period). The recovery is under the record's MAC, with one more change in its count (decision 0141): taken off
   * the record, or the record from before it put back, the key still stays. A record that fails its MAC is recovered
   * all the same: a recovery only keeps a key.
   */
  async recoverQuarantinedKey(scope: TenantScope, subjectId: string): Promise<boolean> {
    const quarantine = keyQuarantineKey(scope, subjectId);
    const location = this.keys.subjectKeyLocation(scope.orgId, subjectId);
    const gateway = this.#gateway(scope);
    const record = await gateway.get(quarantine);
    if (!record) return false;
    const recoveredAt = this.clock.now().toISOString();
    const count = changeCount(record, KEY_QUARANTINE_FACTS.count) + 1;
    if (!Number.isSafeInteger(count)) throw new Error('The key quarantine holds no count it can move up.');
    const mac = integrityMac(
      await organisationIntegrityKey(this.keys, scope.orgId),
      keyQuarantineMacParts(
        scope,
        subjectId,
        {
          quarantinedAt: read.s(record, 'quarantinedAt') ?? '',
          deleteAfter: read.n(record, 'deleteAfter'),
          recoveredAt,
        },
        count,
      ),
    );
    const previous = read.s(record, 'mac');
    // The key table's item is the organisation's too (`ORG#<orgId>#SUBJECT#…`): one transaction, both tables.
    return written(gateway, [
      {
        Update: {
          Key: { pk: attr.s(quarantine.pk), sk: attr.s(quarantine.sk) },
          UpdateExpression: 'SET recoveredAt = :at, #mac = :mac, #count = :count REMOVE expiresAt',
          // Only over the record as read: nothing else changed its count between the read and the write.
          ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(recoveredAt) AND expiresAt > :now AND ${
            previous === undefined ? 'attribute_not_exists(#mac)' : '#mac = :previous'
          }`,
          ExpressionAttributeNames: { '#mac': 'mac', '#count': KEY_QUARANTINE_FACTS.count },
          ExpressionAttributeValues: {
            ':now': attr.n(this.#nowSeconds()),
            ':at': attr.s(recoveredAt),
            ':mac': attr.s(mac),
            ':count': attr.n(count),
            ...(previous === undefined ? {} : { ':previous': attr.s(previous) }),
          },
        },
      },
      {
        Update: {
          TableName: location.table,
          Key: location.key,
          UpdateExpression: 'REMOVE expiresAt, quarantinedAt',
          ConditionExpression: 'attribute_exists(pk)',
        },
      },
    ]);
  }

  // ── The schedule: report and rule changes ─────────────────────────────────────────────────────────────────

  /**
   * What expires when: scheduled (closed, unheld, not yet expired) cases in expiry order, one page at a time.
   * The index is partitioned by expiry year, so no organisation's schedule sits on one partition; a page walks
   * the years from the cursor's up to the horizon the bounds allow.
   */
  async scheduled(
    scope: TenantScope,
    page: { limit: number; after?: string | undefined },
  ): Promise<{ cases: ScheduledCase[]; next: string | undefined }> {
    const { entries, next } = await readScheduleIndex(this.#gateway(scope), {
      partitionOf: (year) => scheduleIndexPartition(scope, year),
      horizonYears: SCHEDULE_HORIZON_YEARS,
      now: this.clock.now(),
      page,
      toEntry: toScheduledCase,
    });
    return { cases: entries, next };
  }

  /**
   * Recomputes the schedules of scheduled cases under new rules, `limit` cases at a time from the cursor;
   * returns the next cursor while cases remain. A case whose new date has already passed expires at once; an
   * already expired one is never brought back.
   */
  async reschedule(
    scope: TenantScope,
    rules: RetentionRules,
    timeZone: string,
    page: { limit: number; after?: string | undefined },
    rulesInForce: () => Promise<TenantTransactItem | undefined>,
  ): Promise<{ examined: number; rescheduled: number; next: string | undefined }> {
    const { cases, next } = await this.scheduled(scope, page);
    // Each date is written on the condition that these rules are still the organisation's: a change that replaced
    // them meanwhile dates every case itself, and one of these dates written after it would undo it.
    const inForce = await rulesInForce();
    if (!inForce) return { examined: cases.length, rescheduled: 0, next };
    const firstRead = this.#loader(scope);
    let rescheduled = 0;
    await inBatches(cases, UPDATE_CONCURRENCY, async (scheduled) => {
      // A write refused because the case changed after it was read (another change of the rules dated it, say) is
      // tried once more from a fresh read, but only while these rules are still the organisation's.
      let check: TenantTransactItem | undefined = inForce;
      for (const loader of [firstRead, undefined]) {
        if (!check) return;
        const reading = loader ?? this.#loader(scope);
        const [client, key] = await Promise.all([
          this.serviceUsers.get(scope, scheduled.clientId, reading),
          reading.subjectKey(scope.orgId, scheduled.clientId),
        ]);
        if (!client || !key) return;
        const expiry = this.expiryOf(client, key, rules, timeZone);
        if (!expiry || toEpochSeconds(expiry.expiresAt) === client.expiresAt) return;
        const outcome = await this.schedule(scope, client, key, rules, timeZone, check);
        if (outcome.status === 'SCHEDULED') rescheduled += 1;
        if (outcome.status !== 'UNCHANGED') return;
        check = await rulesInForce();
      }
    });
    return { examined: cases.length, rescheduled, next };
  }

  // ── Items ─────────────────────────────────────────────────────────────────────────────────────────────────

  #setExpiry(scope: TenantScope, items: readonly ItemKey[], expiresAt: number | undefined): Promise<void> {
    return setItemsExpiry(this.#gateway(scope), items, expiresAt, this.#nowSeconds());
  }

  #setKeyExpiry(scope: TenantScope, clientId: string, expiresAt: number | undefined): Promise<void> {
    return setSubjectKeyExpiry(this.#gateway(scope), this.keys, clientId, expiresAt, this.#nowSeconds());
  }

  #nowSeconds(): number {
    return toEpochSeconds(this.clock.now());
  }
}

// ── Shared by every schedule (clients here, staff in staff-schedules.ts) ────────────────────────────────────

/**
 * Sets (or, with `expiresAt` undefined, removes) the expiry of items of the gateway's organisation, concurrently.
 * Conditional on the item not having expired: nothing expired is ever brought back, and a gone item is skipped
 * (its failed condition is the gateway's `written: false`).
 */
export async function setItemsExpiry(
  gateway: TenantTable,
  items: readonly ItemKey[],
  expiresAt: number | undefined,
  now: number,
): Promise<void> {
  await inBatches(items, UPDATE_CONCURRENCY, async (item) => {
    await gateway.update(item, {
      UpdateExpression: expiresAt === undefined ? 'REMOVE expiresAt' : 'SET expiresAt = :expiresAt',
      ConditionExpression: `attribute_exists(pk) AND ${NOT_EXPIRED}`,
      ExpressionAttributeValues: {
        ':now': attr.n(now),
        ...(expiresAt === undefined ? {} : { ':expiresAt': attr.n(expiresAt) }),
      },
    });
  });
}

/**
 * The data key expires after the data (the key table has TTL too, so TTL alone also crypto-shreds), late enough
 * that the retention handler first keeps it in quarantine for the grace period (`KEY_QUARANTINE_DAYS`).
 */
export async function setSubjectKeyExpiry(
  gateway: TenantTable,
  keys: Pick<KeyHierarchy, 'subjectKeyLocation'>,
  subjectId: string,
  expiresAt: number | undefined,
  now: number,
): Promise<void> {
  // The key table's items are the organisation's too (`ORG#<orgId>#SUBJECT#…`): the same gateway, that table.
  const { table, key } = keys.subjectKeyLocation(gateway.scope.orgId, subjectId);
  // A failed condition (no key, or already expired) is `written: false`: nothing expired is brought back.
  await gateway.update(
    { pk: key.pk.S, sk: key.sk.S },
    {
      TableName: table,
      UpdateExpression: expiresAt === undefined ? 'REMOVE expiresAt' : 'SET expiresAt = :expiresAt',
      ConditionExpression: `attribute_exists(pk) AND ${NOT_EXPIRED}`,
      ExpressionAttributeValues: {
        ':now': attr.n(now),
        ...(expiresAt === undefined ? {} : { ':expiresAt': attr.n(subjectKeyExpiry(expiresAt)) }),
      },
    },
  );
}

/** What {@link readScheduleIndex} reads: the index partitions by year, how far ahead, and one page. */
export interface ScheduleIndexRead<T> {
  readonly partitionOf: (year: number) => string;
  readonly horizonYears: number;
  readonly now: Date;
  readonly page: { limit: number; after?: string | undefined };
  readonly toEntry: (item: Item) => T | undefined;
}

/**
 * Reads one page of a schedule index (gsi2, partitioned by expiry year and sorted by expiry): entries in expiry
 * order from the cursor, walking the years up to the horizon the bounds allow, skipping anything already expired.
 * The cursor continues right after the last entry returned.
 */
export async function readScheduleIndex<T extends { expiresAt: number }>(
  gateway: TenantTable,
  index: ScheduleIndexRead<T>,
): Promise<{ entries: T[]; next: string | undefined }> {
  const { now, page } = index;
  const cursor = decodeCursor(page.after);
  const lastYear = now.getUTCFullYear() + index.horizonYears;
  const entries: T[] = [];
  // Nothing before this year can still be due; a cursor from an earlier year (time moved on) restarts here.
  const stale = !cursor || cursor.year < now.getUTCFullYear();
  let year = stale ? now.getUTCFullYear() : cursor.year;
  let after = stale ? '' : cursor.sort;
  for (; year <= lastYear && entries.length < page.limit; year++, after = '') {
    let startKey: Item | undefined;
    do {
      // One page at a time, expiry filtered here: the cursor moves past expired entries too.
      const result = await gateway.query({
        IndexName: SCHEDULE_INDEX,
        KeyConditionExpression: after ? 'gsi2pk = :pk AND gsi2sk > :after' : 'gsi2pk = :pk',
        ExpressionAttributeValues: {
          ':pk': attr.s(index.partitionOf(year)),
          ...(after ? { ':after': attr.s(after) } : {}),
        },
        Limit: page.limit - entries.length,
        ExclusiveStartKey: startKey,
      });
      for (const item of result.items) {
        after = requireS(item, 'gsi2sk');
        const entry = index.toEntry(item);
        if (entry && !isExpired(entry.expiresAt, now)) entries.push(entry);
      }
      startKey = result.lastKey;
    } while (startKey && entries.length < page.limit);
    if (entries.length >= page.limit) {
      const more = startKey !== undefined || year < lastYear;
      return { entries, next: more ? encodeCursor({ year, sort: after }) : undefined };
    }
  }
  return { entries, next: undefined };
}

/** The cursor {@link readScheduleIndex} continues from right after the entry with this expiry and sort key. */
export function scheduleIndexCursor(expiresAt: number, sort: string): string {
  return encodeCursor({ year: new Date(expiresAt * 1000).getUTCFullYear(), sort });
}

/** The schedule index's sort key: expiry, then the subject's id. */
export function scheduleIndexSort(expiresAt: number, subjectId: string): string {
  return `${new Date(expiresAt * 1000).toISOString()}#${subjectId}`;
}

export function scheduleIndexPartition(scope: TenantScope, year: number): string {
  return scope.key('RETENTION_DUE', String(year));
}

/**
 * A closed case's place in the schedule's index: its expiry, or for a CHILD_AGE expiry the start of its year. The
 * schedule shows a child's expiry (their birthday at the child age) to the year only; placed by the day, the child
 * would sit between adults whose exact expiries are shown, which narrows the birthday to the days between them.
 */
export function scheduleOrder(expiresAt: number, basis: RetentionBasis, clientId: string): string {
  if (basis !== 'CHILD_AGE') return scheduleIndexSort(expiresAt, clientId);
  const yearStart = Date.UTC(new Date(expiresAt * 1000).getUTCFullYear(), 0, 1) / 1000;
  return scheduleIndexSort(yearStart, clientId);
}

/** A cursor that continues the schedule right after this case (see {@link RetentionSchedules.scheduled}). */
export function scheduleCursor(scheduled: ScheduledCase): string {
  return scheduleIndexCursor(scheduled.expiresAt, scheduled.order);
}

function encodeCursor(cursor: { year: number; sort: string }): string {
  return Buffer.from(`${cursor.year}|${cursor.sort}`, 'utf8').toString('base64url');
}

function decodeCursor(value: string | undefined): { year: number; sort: string } | undefined {
  if (!value) return undefined;
  const decoded = Buffer.from(value, 'base64url').toString('utf8');
  const separator = decoded.indexOf('|');
  const year = Number(decoded.slice(0, separator));
  if (separator < 0 || !Number.isInteger(year)) return undefined;
  return { year, sort: decoded.slice(separator + 1) };
}

function toScheduledCase(item: Item): ScheduledCase | undefined {
  const expiresAt = read.n(item, 'expiresAt');
  const closedAt = read.s(item, 'closedAt');
  if (expiresAt === undefined || !closedAt) return undefined;
  return {
    clientId: requireS(item, 'clientId'),
    serviceId: requireS(item, 'serviceId'),
    reference: requireS(item, 'reference'),
    closedAt,
    expiresAt,
    basis: (read.s(item, 'retentionBasis') ?? 'AFTER_CLOSURE') as RetentionBasis,
    order: requireS(item, 'gsi2sk'),
  };
}

function toHold(item: Item): LegalHold {
  return {
    clientId: requireS(item, 'clientId'),
    serviceId: requireS(item, 'serviceId'),
    reference: requireS(item, 'reference'),
    placedAt: requireS(item, 'placedAt'),
    placedBy: requireS(item, 'placedBy'),
    liftedAt: read.s(item, 'liftedAt'),
    liftedBy: read.s(item, 'liftedBy'),
    pk: requireS(item, 'pk'),
    sk: requireS(item, 'sk'),
    item,
  };
}

/**
 * Runs a transaction through the gateway; false when it was cancelled — by a failed condition or by a concurrent
 * transaction on the same items (DynamoDB's TransactionConflict): both mean the record changed meanwhile.
 */
async function written(gateway: TenantTable, items: readonly TenantTransactItem[]): Promise<boolean> {
  try {
    return (await gateway.transactWrite(items)).written;
  } catch (error) {
    if (error instanceof TransactionCanceledException) return false;
    throw error;
  }
}

/** Runs `task` over `items`, at most `width` at a time. */
async function inBatches<T>(
  items: readonly T[],
  width: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  for (let start = 0; start < items.length; start += width) {
    await Promise.all(items.slice(start, start + width).map(task));
  }
}
