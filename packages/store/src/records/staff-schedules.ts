import {
  type Clock,
  conflict,
  type RetentionRules,
  STAFF_SCHEDULE_HORIZON_YEARS,
  staffRecordExpiryAfter,
  toEpochSeconds,
} from '@confide/domain';
import type { KeyHierarchy } from '@confide/keys';
import { attr, type Item, read, requireS, tableKey } from '../attributes';
import {
  identityLinkKey,
  type OrganisationDirectory,
  type StaffMember,
  staffAccountKey,
} from '../organisation-directory';
import type { TenantScope } from '../tenant-scope';
import { type TableAccess, TenantTable, type TenantTransactItem } from '../tenant-table';
import {
  type ItemKey,
  readScheduleIndex,
  scheduleIndexCursor,
  scheduleIndexSort,
  setItemsExpiry,
  setSubjectKeyExpiry,
} from './retention-schedule';
import { RetentionStates } from './retention-state';

/** A former staff member's retention schedule: pseudonymous facts only (no name, no handle). */
export interface StaffSchedule {
  readonly staffId: string;
  /** The last day of employment, YYYY-MM-DD. */
  readonly endedOn: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

/** What the staff member's employment record says: when employment ended (and the schedule), or nothing. */
export interface EmploymentRecord {
  readonly staffId: string;
  readonly endedOn: string | undefined;
  readonly expiresAt: number | undefined;
  readonly recordedAt: string;
  readonly recordedBy: string;
  readonly reemployedAt: string | undefined;
}

const EMPLOYMENT = 'EMPLOYMENT';
/** How long a leaver's records whose schedule has already passed are kept, for a mistaken date to be corrected. */
export const CORRECTION_WINDOW_DAYS = 30;
/** The end of a correction window that starts `now`, in epoch seconds. */
export const correctionWindowEnd = (now: Date): number =>
  toEpochSeconds(now) + CORRECTION_WINDOW_DAYS * 86_400;
const NOT_EXPIRED = '(attribute_not_exists(expiresAt) OR expiresAt > :now)';
const CHANGED = 'The staff member’s employment record changed meanwhile; reload it.';

export function staffScheduleIndexPartition(scope: TenantScope, year: number): string {
  return scope.key('RETENTION_DUE', 'STAFF', String(year));
}

/** A cursor that continues the staff schedule right after this entry. */
export function staffScheduleCursor(schedule: StaffSchedule): string {
  return scheduleIndexCursor(schedule.expiresAt, scheduleIndexSort(schedule.expiresAt, schedule.staffId));
}

/**
 * Retention of staff records (DATA-PROTECTION.md: staff records 6 years after employment ends; decision 0017).
 * Recording that employment ended writes the employment record (`ORG#o#STAFF#s`/`EMPLOYMENT`, which enters the
 * staff schedule index, gsi2) first, then puts the same `expiresAt` on every other item of the staff member —
 * their account, personnel record, reference permissions and released references, handle entry and identity
 * link — and on their data key. Re-employment takes it all off again, the employment record last. As for
 * clients, nothing already expired is ever brought back.
 *
 * What remains of a former staff member once expired is what the retention handler leaves: non-identifying
 * tombstones under their pseudonymous id, and the audit events (kept for the audit period) naming that id.
 */
export class StaffSchedules {
  readonly states: RetentionStates;

  constructor(
    private readonly access: TableAccess,
    private readonly table: string,
    private readonly keys: KeyHierarchy,
    private readonly directory: OrganisationDirectory,
    private readonly clock: Clock,
  ) {
    this.states = new RetentionStates(access, table, keys, clock);
  }

  /** The staff member's employment record; undefined when none was ever written or it has expired. */
  async employment(scope: TenantScope, staffId: string): Promise<EmploymentRecord | undefined> {
    const item = await this.#gateway(scope).get(
      { pk: scope.key('STAFF', staffId), sk: EMPLOYMENT },
      { now: this.clock.now() },
    );
    return item ? toEmployment(item) : undefined;
  }

  /** When a staff member whose last day was `endedOn` in the organisation's `timeZone` is due under the rules. */
  expiryOf(endedOn: string, rules: RetentionRules, timeZone: string): number {
    const expiry = staffRecordExpiryAfter(endedOn, rules, timeZone);
    if (!expiry) throw new TypeError('An end of employment is a date YYYY-MM-DD.');
    return toEpochSeconds(expiry);
  }

  /**
   * When a leaver's records expire: `staffYearsAfterEmployment` after their last day, but never sooner than
   * {@link CORRECTION_WINDOW_DAYS} from now (decision 0068). A date whose schedule has passed (a historic leaver, or
   * a slip of the year) would otherwise delete everything at once on one admin's word, beyond any correction.
   */
  #scheduledExpiry(endedOn: string, rules: RetentionRules, timeZone: string, current?: number): number {
    const earliest = correctionWindowEnd(this.clock.now());
    // A schedule already inside the window keeps its date: recomputing never postpones it, nor brings it forward.
    return Math.max(this.expiryOf(endedOn, rules, timeZone), Math.min(current ?? earliest, earliest));
  }

  /**
   * Records (or corrects) the end of employment and schedules every item of the staff member. A schedule
   * already past expires the records when the correction window ends.
   */
  async recordEnded(
    scope: TenantScope,
    staff: StaffMember,
    input: { endedOn: string; recordedBy: string; rules: RetentionRules; timeZone: string },
  ): Promise<StaffSchedule> {
    const expiresAt = this.#scheduledExpiry(input.endedOn, input.rules, input.timeZone);
    const written = await this.#writeEmployment(
      scope,
      staff.staffId,
      {
        expression:
          'SET staffId = :staff, endedOn = :ended, recordedAt = :at, recordedBy = :by, expiresAt = :expiresAt, gsi2pk = :due, gsi2sk = :order REMOVE reemployedAt, reemployedBy',
        condition: NOT_EXPIRED,
        values: {
          ':staff': attr.s(staff.staffId),
          ':ended': attr.s(input.endedOn),
          ':at': attr.s(this.clock.now().toISOString()),
          ':by': attr.s(input.recordedBy),
          ...this.#scheduleValues(scope, staff.staffId, expiresAt),
        },
      },
      // Only over the account as it was read, deactivated: a re-employment meanwhile (which activates it) wins, and
      // an active employee's records are never scheduled.
      {
        ConditionCheck: {
          Key: tableKey(staffAccountKey(scope, staff.staffId)),
          ConditionExpression: '#status = :deactivated AND version = :version',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':deactivated': attr.s('DEACTIVATED'),
            ':version': attr.n(staff.version),
          },
        },
      },
    );
    if (!written) throw conflict(CHANGED);
    await this.#setExpiry(scope, staff, expiresAt);
    // A re-employment that landed after the employment record and before the items' dates took the dates off too
    // early: dated now, an employee would lose their account and records. Read again, and take them off if so.
    if (!(await this.employment(scope, staff.staffId))?.endedOn)
      await this.#setExpiry(scope, staff, undefined);
    return { staffId: staff.staffId, endedOn: input.endedOn, expiresAt };
  }

  /**
   * Re-employment, up to its record: every item loses its expiry, and what is returned is the employment record's
   * write, for the caller's transaction with the account's activation. A fault before that transaction leaves the
   * employment ended and the account as it was, so the same request can be made again (taking the expiry off is
   * idempotent). Written one after the other, a fault between them left the employment reopened with the account still
   * deactivated, and every retry was CONFLICT.
   */
  async reemployment(
    scope: TenantScope,
    staff: StaffMember,
    input: { recordedBy: string },
  ): Promise<TenantTransactItem> {
    const employment = await this.employment(scope, staff.staffId);
    if (!employment?.endedOn) throw conflict('The staff member’s employment has not ended.');
    await this.#setExpiry(scope, staff, undefined);
    return {
      Update: {
        Key: { pk: attr.s(scope.key('STAFF', staff.staffId)), sk: attr.s(EMPLOYMENT) },
        UpdateExpression:
          'SET reemployedAt = :at, reemployedBy = :by REMOVE endedOn, expiresAt, gsi2pk, gsi2sk',
        ConditionExpression: `attribute_exists(endedOn) AND ${NOT_EXPIRED}`,
        ExpressionAttributeValues: {
          ':at': attr.s(this.clock.now().toISOString()),
          ':by': attr.s(input.recordedBy),
          ':now': attr.n(toEpochSeconds(this.clock.now())),
        },
      },
    };
  }

  /**
   * After a re-employment whose transaction failed: the employment is still ended (the transaction would have taken
   * its end off), so its items take back the date the record holds, which `reemployment` took off them first. Left
   * undated, a leaver's records would be kept for ever if nobody asked again.
   */
  async restoreAfterFailedReemployment(scope: TenantScope, staff: StaffMember): Promise<void> {
    const employment = await this.employment(scope, staff.staffId);
    if (!employment?.endedOn || employment.expiresAt === undefined) return;
    await this.#setExpiry(scope, staff, employment.expiresAt);
    // A re-employment that landed meanwhile took the end off: dated now, an employee would lose their account and
    // records. Read again, and take the dates off if so (as recordEnded does).
    if (!(await this.employment(scope, staff.staffId))?.endedOn)
      await this.#setExpiry(scope, staff, undefined);
  }

  /**
   * After the re-employment's transaction: its items' dates are taken off once more. An end of employment recorded
   * just before it may have dated them between this re-employment's first taking-off and its transaction; that
   * request reads the employment record again only once, and may have read it before the transaction.
   */
  async settleReemployment(scope: TenantScope, staff: StaffMember): Promise<void> {
    if ((await this.employment(scope, staff.staffId))?.endedOn) return;
    await this.#setExpiry(scope, staff, undefined);
  }

  /** What expires when: former staff in expiry order, one page at a time (the staff schedule index). */
  async scheduled(
    scope: TenantScope,
    page: { limit: number; after?: string | undefined },
  ): Promise<{ schedules: StaffSchedule[]; next: string | undefined }> {
    const { entries, next } = await readScheduleIndex(this.#gateway(scope), {
      partitionOf: (year) => staffScheduleIndexPartition(scope, year),
      horizonYears: STAFF_SCHEDULE_HORIZON_YEARS,
      now: this.clock.now(),
      page,
      toEntry: toSchedule,
    });
    return { schedules: entries, next };
  }

  /**
   * Recomputes staff schedules under new rules, `limit` at a time from the cursor; returns the next cursor
   * while schedules remain. A schedule whose new date has passed expires the records when the correction window
   * ends (`setRetentionRules` refuses such a change as an erasure, unless the schedule is already in the window).
   */
  async reschedule(
    scope: TenantScope,
    rules: RetentionRules,
    timeZone: string,
    page: { limit: number; after?: string | undefined },
    rulesInForce: () => Promise<TenantTransactItem | undefined>,
  ): Promise<{ examined: number; rescheduled: number; next: string | undefined }> {
    const { schedules, next } = await this.scheduled(scope, page);
    // Each date is written on the condition that these rules are still the organisation's (as for cases).
    let inForce = await rulesInForce();
    let rescheduled = 0;
    for (const listed of schedules) {
      let schedule: StaffSchedule | undefined = listed;
      for (let attempt = 1; schedule && inForce; attempt++) {
        const outcome = await this.#redate(scope, schedule, rules, timeZone, inForce);
        if (outcome === 'REDATED') rescheduled += 1;
        if (outcome !== 'CHANGED') break;
        // Changed after it was read (the schedule index lags; another change of the rules, a correction or a
        // re-employment came meanwhile): once more from the record itself, only while these rules are still the
        // organisation's. A correction or a re-employment stands.
        if (attempt > 1) break;
        inForce = await rulesInForce();
        schedule = await this.#scheduleOf(scope, schedule.staffId);
      }
    }
    return { examined: schedules.length, rescheduled, next };
  }

  /**
   * Dates a former staff member's records again under `rules`, in force (`inForce`): their end of employment as
   * recorded, the date recorded, the date the rules give. For an end recorded under rules that a change replaced
   * before the record was written, so that the change's loop did not see it. False when nothing was to change.
   */
  async redate(
    scope: TenantScope,
    staffId: string,
    rules: RetentionRules,
    timeZone: string,
    inForce: TenantTransactItem,
  ): Promise<boolean> {
    const schedule = await this.#scheduleOf(scope, staffId);
    return (
      schedule !== undefined && (await this.#redate(scope, schedule, rules, timeZone, inForce)) === 'REDATED'
    );
  }

  async #scheduleOf(scope: TenantScope, staffId: string): Promise<StaffSchedule | undefined> {
    const employment = await this.employment(scope, staffId);
    return employment?.endedOn && employment.expiresAt !== undefined
      ? { staffId: employment.staffId, endedOn: employment.endedOn, expiresAt: employment.expiresAt }
      : undefined;
  }

  /** One schedule dated again under `rules`, only over the schedule as read and while `inForce` holds. */
  async #redate(
    scope: TenantScope,
    schedule: StaffSchedule,
    rules: RetentionRules,
    timeZone: string,
    inForce: TenantTransactItem,
  ): Promise<'REDATED' | 'UNCHANGED' | 'CHANGED'> {
    const expiresAt = this.#scheduledExpiry(schedule.endedOn, rules, timeZone, schedule.expiresAt);
    if (expiresAt === schedule.expiresAt) return 'UNCHANGED';
    const staff = await this.directory.staff(scope, schedule.staffId);
    if (!staff) return 'UNCHANGED';
    // Only over the schedule as it was read: the date and the end of employment it was computed from.
    const written = await this.#writeEmployment(
      scope,
      staff.staffId,
      {
        expression: 'SET expiresAt = :expiresAt, gsi2pk = :due, gsi2sk = :order',
        condition: `endedOn = :ended AND expiresAt = :was AND ${NOT_EXPIRED}`,
        values: {
          ':ended': attr.s(schedule.endedOn),
          ':was': attr.n(schedule.expiresAt),
          ...this.#scheduleValues(scope, staff.staffId, expiresAt),
        },
      },
      inForce,
    );
    if (!written) return 'CHANGED';
    await this.#setExpiry(scope, staff, expiresAt);
    return 'REDATED';
  }

  /**
   * Every item of a staff member but the employment record: their partition (account, personnel record,
   * reference permissions and releases), their handle entry and their identity link.
   */
  async staffItems(scope: TenantScope, staff: StaffMember): Promise<ItemKey[]> {
    // Expired items too (no `now`): setting the expiry leaves them as they are, by its condition.
    const { items: partition } = await this.#gateway(scope).query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': attr.s(scope.key('STAFF', staff.staffId)) },
      ProjectionExpression: 'pk, sk',
      ConsistentRead: true,
    });
    return [
      ...partition
        .map((item) => ({ pk: requireS(item, 'pk'), sk: requireS(item, 'sk') }))
        .filter((item) => item.sk !== EMPLOYMENT),
      await this.directory.staffHandleItem(scope, staff.handle),
      identityLinkKey(scope, staff.externalSubject),
    ];
  }

  /**
   * Schedules (or, with no date, unschedules) every item and the key. The authenticated retention state goes
   * first when scheduling and last when unscheduling, so that it never explains an expiry the items do not have.
   */
  async #setExpiry(scope: TenantScope, staff: StaffMember, expiresAt: number | undefined): Promise<void> {
    const now = toEpochSeconds(this.clock.now());
    if (expiresAt !== undefined) await this.states.markScheduled(scope, staff.staffId, expiresAt);
    const gateway = this.#gateway(scope);
    await setItemsExpiry(gateway, await this.staffItems(scope, staff), expiresAt, now);
    await setSubjectKeyExpiry(gateway, this.keys, staff.staffId, expiresAt, now);
    if (expiresAt === undefined) await this.states.markUnscheduled(scope, staff.staffId);
  }

  #scheduleValues(scope: TenantScope, staffId: string, expiresAt: number): Item {
    return {
      ':expiresAt': attr.n(expiresAt),
      ':due': attr.s(staffScheduleIndexPartition(scope, new Date(expiresAt * 1000).getUTCFullYear())),
      ':order': attr.s(scheduleIndexSort(expiresAt, staffId)),
    };
  }

  /** Updates the employment record; false when its condition failed (it changed, or expired, meanwhile). */
  /** Writes the employment record; with `check`, in one transaction with it (all or nothing). */
  async #writeEmployment(
    scope: TenantScope,
    staffId: string,
    update: { expression: string; condition: string; values: Item },
    check?: TenantTransactItem,
  ): Promise<boolean> {
    const key = { pk: scope.key('STAFF', staffId), sk: EMPLOYMENT };
    const write = {
      UpdateExpression: update.expression,
      ConditionExpression: update.condition,
      ExpressionAttributeValues: { ...update.values, ':now': attr.n(toEpochSeconds(this.clock.now())) },
    };
    const gateway = this.#gateway(scope);
    const result = check
      ? await gateway.transactWrite([{ Update: { Key: tableKey(key), ...write } }, check])
      : await gateway.update(key, write);
    return result.written;
  }

  #gateway(scope: TenantScope): TenantTable {
    return new TenantTable(scope, this.access, this.table);
  }
}

function toEmployment(item: Item): EmploymentRecord {
  return {
    staffId: requireS(item, 'staffId'),
    endedOn: read.s(item, 'endedOn'),
    expiresAt: read.n(item, 'expiresAt'),
    recordedAt: requireS(item, 'recordedAt'),
    recordedBy: requireS(item, 'recordedBy'),
    reemployedAt: read.s(item, 'reemployedAt'),
  };
}

function toSchedule(item: Item): StaffSchedule | undefined {
  const expiresAt = read.n(item, 'expiresAt');
  const endedOn = read.s(item, 'endedOn');
  const staffId = read.s(item, 'staffId');
  if (expiresAt === undefined || !endedOn || !staffId) return undefined;
  return { staffId, endedOn, expiresAt };
}
