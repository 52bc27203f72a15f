import {
  clientRecordExpiry,
  conflict,
  DEFAULT_RETENTION_RULES,
  isExpired,
  notFound,
  type RetentionBasis,
  type RetentionRules,
  staffRecordExpiryAfter,
} from '@confide/domain';
import {
  type Closure,
  closureOf,
  correctionWindowEnd,
  type ReleaseSchedule,
  type ServiceUserRecord,
  type TenantScope,
  type TenantTransactItem,
} from '@confide/store';
import { authenticated, type ConfideContext } from '../context';
import { organisationTimeZone } from '../schema/monitoring/settings';

/**
 * Retention use cases shared by the case-management and retention schema modules: the organisation's rules,
 * scheduling on closure and unscheduling on reopening, and the test every routine change passes — that it
 * lets nothing expire at once (that would be an erasure in effect: DATA-PROTECTION.md, Erasure; issue 14).
 */

export function rulesOf(context: ConfideContext): RetentionRules {
  return authenticated(context).organisation?.retention ?? DEFAULT_RETENTION_RULES;
}

async function freshProfile(
  context: ConfideContext,
  scope: TenantScope,
  clientId: string,
): Promise<ServiceUserRecord | undefined> {
  context.access.loader.forget(context.services.config.tables.data, scope.key('CLIENT', clientId), 'PROFILE');
  return context.services.serviceUsers.get(scope, clientId, context.access.loader);
}

/** A record whose retention passed the moment it closed: pseudonymous facts only, nothing sealed. */
function expiredView(client: ServiceUserRecord, expiresAt: number, basis: RetentionBasis): ServiceUserRecord {
  const item = Object.fromEntries(Object.entries(client.item).filter(([name]) => !name.startsWith('enc_')));
  item.retentionBasis = { S: basis };
  return { ...client, expiresAt, latestNoteId: undefined, item };
}

/** What `closeCase` writes with the closure itself (decision 0076): the profile's date and the state record. */
export async function closureSchedule(
  context: ConfideContext,
  scope: TenantScope,
  client: ServiceUserRecord,
  closure: Closure,
): Promise<ReleaseSchedule | undefined> {
  const key = await context.access.clientKey(client);
  const timeZone = await organisationTimeZone(context);
  return context.services.retention.closureSchedule(scope, client, key, closure, rulesOf(context), timeZone);
}

/**
 * After `closeCase` has closed the case: puts the schedule on every item of the client and returns the record. With
 * `dated`, the closure already dated the profile; otherwise (a hold, a record that changed) the whole schedule is put
 * on here. (closeCase refuses a closure that would expire at once; should the schedule have passed anyway, the
 * response carries only pseudonymous facts.) A legal hold or a pending emergency review keeps it off.
 */
export async function scheduleClosedCase(
  context: ConfideContext,
  scope: TenantScope,
  clientId: string,
  dated?: ReleaseSchedule,
): Promise<ServiceUserRecord> {
  const closed = await freshProfile(context, scope, clientId);
  if (!closed) throw notFound('Service user');
  const key = await context.access.clientKey(closed);
  const outcome = dated
    ? await context.services.retention.scheduleTheRest(scope, closed, key, dated)
    : await context.services.retention.schedule(
        scope,
        closed,
        key,
        rulesOf(context),
        await organisationTimeZone(context),
      );
  if (outcome.status === 'SCHEDULED' && isExpired(outcome.expiresAt, context.services.clock.now())) {
    return expiredView(closed, outcome.expiresAt, outcome.basis);
  }
  const scheduled = await freshProfile(context, scope, clientId);
  if (!scheduled) throw notFound('Service user');
  return underTheRulesInForce(context, scope, scheduled);
}

/**
 * A closure is dated under the rules its request read when it began. A change of the rules that ran meanwhile did not
 * see the case (still open when its loop read the schedule), and would leave it under the rules it replaced. If the
 * organisation's rules are no longer those, the case is dated again under the rules now in force, only while they
 * still are (a third change wins, and reschedules it itself).
 */
/**
 * The organisation's retention rules now, with the check that they are still in force, when they are no longer
 * `rules` (the rules a request read when it began); undefined while `rules` are still in force. A change replacing
 * these too, meanwhile, is CONFLICT: that change's own loop dates what it finds.
 */
export async function rulesReplacingThose(
  context: ConfideContext,
  scope: TenantScope,
  rules: RetentionRules,
): Promise<{ rules: RetentionRules; inForce: TenantTransactItem } | undefined> {
  const { directory } = context.services;
  if (await directory.retentionRulesInForce(scope, rules)) return undefined;
  const current = (await directory.organisation(scope.orgId))?.retention ?? DEFAULT_RETENTION_RULES;
  const inForce = await directory.retentionRulesInForce(scope, current);
  if (!inForce) throw conflict('The organisation’s retention rules changed meanwhile; reload.');
  return { rules: current, inForce };
}

async function underTheRulesInForce(
  context: ConfideContext,
  scope: TenantScope,
  closed: ServiceUserRecord,
): Promise<ServiceUserRecord> {
  if (closed.expiresAt === undefined) return closed;
  const replaced = await rulesReplacingThose(context, scope, rulesOf(context));
  if (!replaced) return closed;
  const key = await context.access.clientKey(closed);
  const timeZone = await organisationTimeZone(context);
  await context.services.retention.schedule(scope, closed, key, replaced.rules, timeZone, replaced.inForce);
  const redated = await freshProfile(context, scope, closed.clientId);
  if (!redated) throw notFound('Service user');
  return redated;
}

/**
 * What completing the last pending emergency review of a closed case (no legal hold on it) writes in its own
 * transaction: the profile's schedule (decision 0076). Undefined otherwise, or when the date has passed.
 */
export async function scheduleOnReviewRelease(
  context: ConfideContext,
  scope: TenantScope,
  client: ServiceUserRecord,
  reviewId: string,
): Promise<ReleaseSchedule | undefined> {
  const { retention } = context.services;
  const pending = retention.reviewHoldsOn(client);
  if (
    client.caseStatus !== 'CLOSED' ||
    retention.holdOn(client) ||
    pending.length !== 1 ||
    pending[0] !== reviewId
  ) {
    return undefined;
  }
  const key = await context.access.clientKey(client);
  return retention.releaseSchedule(scope, client, key, rulesOf(context), await organisationTimeZone(context));
}

/**
 * After a review’s completion took its hold off the profile (decision 0074). When the completion put the profile's
 * schedule on (`released`), the other items take it now. Otherwise a closed case with nothing else holding it goes
 * back on its schedule from a fresh read (`schedule` refuses while a legal hold or another review is on): two reviews
 * completed at once each see the other's hold. A schedule that would already have passed is not put back: as after
 * a closure or a lift, records past their retention leave only by an erasure, which takes two people.
 */
export async function scheduleAfterEmergencyReview(
  context: ConfideContext,
  scope: TenantScope,
  clientId: string,
  released?: { client: ServiceUserRecord; schedule: ReleaseSchedule },
): Promise<void> {
  if (released) {
    const key = await context.access.clientKey(released.client);
    await context.services.retention.scheduleTheRest(scope, released.client, key, released.schedule);
    return;
  }
  const client = await freshProfile(context, scope, clientId);
  if (client?.caseStatus !== 'CLOSED' || client.expiresAt !== undefined) return;
  await putScheduleBack(context, scope, client);
}

/**
 * Schedules a closed case again under the current rules, as read afresh by the caller: not while a legal hold or a
 * pending review keeps it off, and not when its date has already passed (records past their retention leave only by
 * an erasure, which takes two people).
 */
async function putScheduleBack(
  context: ConfideContext,
  scope: TenantScope,
  client: ServiceUserRecord,
): Promise<void> {
  const { retention } = context.services;
  if (retention.held(client) || (await liftExpiresImmediately(context, client))) return;
  const key = await context.access.clientKey(client);
  await retention.schedule(scope, client, key, rulesOf(context), await organisationTimeZone(context));
}

/**
 * Before `reopenCase` reopens the case: takes the schedule off every item (the profile last). Refuses a stale
 * version first, read afresh, so a reopening that is going to fail leaves the schedule alone.
 */
export async function unscheduleBeforeReopening(
  context: ConfideContext,
  scope: TenantScope,
  client: ServiceUserRecord,
  expectedVersion: number,
): Promise<void> {
  const current = await freshProfile(context, scope, client.clientId);
  if (!current) throw notFound('Service user');
  if (current.version !== expectedVersion || current.caseStatus !== 'CLOSED') throw conflict();
  const key = await context.access.loader.subjectKey(scope.orgId, client.clientId);
  await context.services.retention.unschedule(scope, current, key);
}

/**
 * After a reopening that failed on its version: the case was reopened and closed again by others while this one took
 * the schedule off, so a later closure's schedule may have lost items (or the profile) to it. Puts the schedule back
 * on a case that is closed now, as that closure left it; a held case stays off, and one whose date has passed is not
 * put back (it leaves by an erasure). Every interleaving with the other closure ends scheduled: both write the same
 * date, taken from the profile's closure.
 */
export async function rescheduleAfterFailedReopening(
  context: ConfideContext,
  scope: TenantScope,
  clientId: string,
): Promise<void> {
  const client = await freshProfile(context, scope, clientId);
  if (client?.caseStatus === 'CLOSED') await putScheduleBack(context, scope, client);
}

/**
 * After `reopenCase` reopened the case: takes off any schedule a concurrent `closeCase` wrote between the first
 * unscheduling and the reopening (its own re-check covers writes after this). A closure that comes after the
 * reopening, while this pass runs, keeps its schedule: the pass finds the case closed and puts it back in full.
 */
export async function unscheduleAfterReopening(
  context: ConfideContext,
  scope: TenantScope,
  client: ServiceUserRecord,
): Promise<void> {
  const key = await context.access.loader.subjectKey(scope.orgId, client.clientId);
  const stillOpen = await context.services.retention.unschedule(scope, client, key, { whileOpen: true });
  if (!stillOpen) await rescheduleAfterFailedReopening(context, scope, client.clientId);
}

// ── Would it expire at once? ────────────────────────────────────────────────────────────────────────────────

/** Whether a client closed by `closure` would be past its retention now under `rules`. */
export async function closureExpiresImmediately(
  context: ConfideContext,
  client: ServiceUserRecord,
  closure: Closure,
  rules: RetentionRules,
): Promise<boolean> {
  const key = await context.access.loader.subjectKey(context.access.scope.orgId, client.clientId);
  const dateOfBirth = key ? context.services.serviceUsers.openDetail(key, client, 'dateOfBirth') : undefined;
  const timeZone = await organisationTimeZone(context);
  const { expiresAt } = clientRecordExpiry({ ...closure, dateOfBirth, rules, timeZone });
  return expiresAt.getTime() <= context.services.clock.now().getTime();
}

/** Whether lifting the hold on a closed case would schedule it in the past. */
export async function liftExpiresImmediately(
  context: ConfideContext,
  client: ServiceUserRecord,
): Promise<boolean> {
  const closure = closureOf(client);
  return closure !== undefined && closureExpiresImmediately(context, client, closure, rulesOf(context));
}

const SCAN_PAGE = 50;

/**
 * Whether recomputing the organisation's schedules under `rules` would put any closed case or former staff
 * member in the past: walks the cases' schedules, and the staff's when some period would be shorter than a schedule
 * may already rest on (a staff date inside the correction window is never brought forward). A case already expired is
 * not in the schedule and is left out.
 */
export async function rulesExpireImmediately(
  context: ConfideContext,
  scope: TenantScope,
  rules: RetentionRules,
  options: { always: boolean } = { always: false },
): Promise<boolean> {
  const current = rulesOf(context);
  const shorter =
    rules.clientYearsAfterClosure < current.clientYearsAfterClosure ||
    rules.childUntilAge < current.childUntilAge ||
    rules.staffYearsAfterEmployment < current.staffYearsAfterEmployment;
  const now = context.services.clock.now();
  const timeZone = await organisationTimeZone(context);
  const { retention, staffRetention } = context.services;
  let after: string | undefined;
  // Whatever the change: one that shortens no period still moves a child's date to the start of the birthday in the
  // time zone of now, hours earlier east of UTC than the UTC midnight an older schedule rests on.
  do {
    const page = await retention.scheduled(scope, { limit: SCAN_PAGE, after });
    const clients = await context.access.loadClients(page.cases.map((scheduled) => scheduled.clientId));
    for (const client of clients) {
      const closure = closureOf(client);
      if (closure && (await closureExpiresImmediately(context, client, closure, rules))) return true;
    }
    after = page.next;
  } while (after);
  if (!shorter && !options.always) return false;
  do {
    const page = await staffRetention.scheduled(scope, { limit: SCAN_PAGE, after });
    for (const schedule of page.schedules) {
      const expiry = staffRecordExpiryAfter(schedule.endedOn, rules, timeZone);
      // A leaver already in the correction window (decision 0068) expires when it ends, whatever the rule says.
      const windowed = schedule.expiresAt <= correctionWindowEnd(now);
      if (expiry && expiry.getTime() <= now.getTime() && !windowed) return true;
    }
    after = page.next;
  } while (after);
  return false;
}
