import { createHash } from 'node:crypto';
import { isIdOf, localDate, localTime } from '@confide/domain';
import type { MonitoringSettings, StoredAuditEvent } from '@confide/store';
import { GOVERNANCE_LIST_ITEMS } from '../access/audit-trail';

/**
 * Unusual-access rules (DATA-PROTECTION.md "Access audit"; Lets connect 4.3, 5.2), computed on read from audit
 * events already fetched (docs/decisions/0013). Pure: events and settings in, alerts out. Alerts carry references
 * only — the staff id, event ids, a review id — never personal data.
 */

export const ALERT_RULES = [
  'MANY_CLIENTS_OUTSIDE_CASELOAD',
  'OUT_OF_HOURS',
  'REPEATED_DENIALS',
  'EMERGENCY_REVIEW_OVERDUE',
] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

export interface AccessAlert {
  readonly id: string;
  readonly rule: AlertRule;
  /** The staff member whose access it concerns. */
  readonly actorId: string;
  readonly from: string;
  readonly to: string;
  /** How many things counted: distinct clients, accesses, denials, or days overdue. */
  readonly count: number;
  /** Ids of the audit events that are the evidence (at most {@link MAX_EVIDENCE}). */
  readonly evidence: readonly string[];
  /** An emergency review, for EMERGENCY_REVIEW_OVERDUE. */
  readonly reference: string | undefined;
  /** The finding in plain words, without personal data. */
  readonly description: string;
}

export const MAX_EVIDENCE = 50;
const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** Relationships that are a staff member's own caseload: their allocations and the services they manage. */
const CASELOAD_RELATIONSHIPS = new Set(['ALLOCATED', 'MANAGES_SERVICE', 'SELF']);
/** Refusals that suggest looking where one should not; a request for a stated purpose is ordinary. */
const SUSPICIOUS_DENIALS = new Set(['FORBIDDEN', 'NOT_FOUND']);
const ACCESS_ACTIONS = new Set(['READ', 'WRITE', 'EMERGENCY_ACCESS', 'DISCLOSURE']);

const GOVERNANCE_ITEMS: ReadonlySet<string> = new Set(GOVERNANCE_LIST_ITEMS);

/**
 * What a governance reader must read of a person to do their oversight, beyond the work lists' items: the purposes
 * stated and the recipients named in the audit reports (decisions 0150, 0152), and why a change they decide was
 * proposed (0149).
 */
const GOVERNANCE_FIELDS: ReadonlySet<string> = new Set([
  'AccessEvent.purpose',
  'AccessEvent.recipient',
  'PendingChange.reason',
]);

/** A field of a governance work list's item, or one a governance reader must read (above). */
const isGovernanceField = (field: string): boolean =>
  GOVERNANCE_FIELDS.has(field) || GOVERNANCE_ITEMS.has(field.split('.')[0] ?? '');

/**
 * A read of a client's record outside the reader's caseload: the MANY_CLIENTS_OUTSIDE_CASELOAD rule's evidence. A
 * governance work list naming the person (an emergency access review, a queued disclosure request, a legal hold) is
 * a reviewer's duty, not a read of the record: counted, it raised the alert against the IG lead and the service's
 * managers for working through their reviews. So is reading what its items say of the person (`LegalHold.reason`,
 * decision 0152), and the other governance fields: reading a person's access log is still counted, by its own event.
 */
export const isReadOutsideCaseload = (event: StoredAuditEvent): boolean =>
  (event.action === 'READ' || event.action === 'EMERGENCY_ACCESS') &&
  event.outcome === 'ALLOWED' &&
  event.subjectId !== undefined &&
  isIdOf('serviceUser', event.subjectId) &&
  !CASELOAD_RELATIONSHIPS.has(event.relationship ?? 'NONE') &&
  !(event.fields.length > 0 && event.fields.every(isGovernanceField));

/** An access to a person's record outside working hours: the OUT_OF_HOURS rule's evidence. */
export const isAccessOutOfHours = (
  event: StoredAuditEvent,
  hours: MonitoringSettings['workingHours'],
): boolean =>
  ACCESS_ACTIONS.has(event.action) &&
  event.outcome === 'ALLOWED' &&
  event.subjectId !== undefined &&
  !withinWorkingHours(event.at, hours);

function alert(
  rule: AlertRule,
  actorId: string,
  events: readonly StoredAuditEvent[],
  count: number,
  description: string,
  reference?: string,
): AccessAlert {
  const ordered = [...events].sort((a, b) => a.at.localeCompare(b.at));
  const first = ordered[0];
  const last = ordered.at(-1);
  const id = createHash('sha256')
    .update([rule, actorId, reference ?? '', first?.eventId ?? ''].join('|'))
    .digest('base64url')
    .slice(0, 22);
  return {
    id,
    rule,
    actorId,
    from: first?.at ?? '',
    to: last?.at ?? '',
    count,
    evidence: ordered.slice(0, MAX_EVIDENCE).map((event) => event.eventId),
    reference,
    description,
  };
}

function byActor(events: readonly StoredAuditEvent[]): Map<string, StoredAuditEvent[]> {
  const groups = new Map<string, StoredAuditEvent[]>();
  for (const event of events) {
    if (event.actor.kind !== 'STAFF') continue;
    const group = groups.get(event.actor.id) ?? [];
    group.push(event);
    groups.set(event.actor.id, group);
  }
  for (const group of groups.values()) group.sort((a, b) => a.at.localeCompare(b.at));
  return groups;
}

/**
 * Bursts in which `count(key)` distinct keys occur within `windowMs`: a sliding window over time-ordered events;
 * once a window reaches the threshold, the burst extends while the window stays at or above it.
 */
function bursts(
  events: readonly StoredAuditEvent[],
  key: (event: StoredAuditEvent) => string,
  threshold: number,
  windowMs: number,
): StoredAuditEvent[][] {
  const found: StoredAuditEvent[][] = [];
  const counts = new Map<string, number>();
  let start = 0;
  let burst: StoredAuditEvent[] | undefined;
  for (let end = 0; end < events.length; end++) {
    const current = events[end] as StoredAuditEvent;
    counts.set(key(current), (counts.get(key(current)) ?? 0) + 1);
    while (Date.parse(current.at) - Date.parse((events[start] as StoredAuditEvent).at) > windowMs) {
      const old = key(events[start] as StoredAuditEvent);
      const left = (counts.get(old) ?? 0) - 1;
      if (left <= 0) counts.delete(old);
      else counts.set(old, left);
      start++;
    }
    if (counts.size >= threshold) {
      if (!burst) {
        burst = events.slice(start, end + 1);
        found.push(burst);
      } else {
        burst.push(current);
      }
    } else {
      burst = undefined;
    }
  }
  return found;
}

/** A staff member read many clients outside their caseload within a short window. */
export function manyClientsOutsideCaseload(
  events: readonly StoredAuditEvent[],
  settings: MonitoringSettings,
): AccessAlert[] {
  const alerts: AccessAlert[] = [];
  const relevant = events.filter(isReadOutsideCaseload);
  const { threshold, windowMinutes } = settings.manyClients;
  for (const [actorId, own] of byActor(relevant)) {
    for (const burst of bursts(own, (event) => event.subjectId ?? '', threshold, windowMinutes * MINUTE_MS)) {
      const clients = new Set(burst.map((event) => event.subjectId)).size;
      alerts.push(
        alert(
          'MANY_CLIENTS_OUTSIDE_CASELOAD',
          actorId,
          burst,
          clients,
          `Read the records of ${clients} clients outside their caseload within ${windowMinutes} minutes.`,
        ),
      );
    }
  }
  return alerts;
}

/** `HH:MM` to minutes since midnight. */
export function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/** Whether an instant falls inside the organisation's working hours (a window may run past midnight). */
export function withinWorkingHours(at: string, hours: MonitoringSettings['workingHours']): boolean {
  const local = localTime(at, hours.timeZone);
  const start = minutesOf(hours.start);
  const end = minutesOf(hours.end);
  if (start === end) return hours.days.includes(local.weekday);
  if (start < end) return hours.days.includes(local.weekday) && local.minutes >= start && local.minutes < end;
  // Overnight: the part after midnight belongs to the previous day's shift.
  if (local.minutes >= start) return hours.days.includes(local.weekday);
  const previous = local.weekday === 1 ? 7 : local.weekday - 1;
  return local.minutes < end && hours.days.includes(previous);
}

/** Staff access outside the configured working hours: one alert per staff member per local day. */
export function outOfHours(events: readonly StoredAuditEvent[], settings: MonitoringSettings): AccessAlert[] {
  const alerts: AccessAlert[] = [];
  const relevant = events.filter((event) => isAccessOutOfHours(event, settings.workingHours));
  for (const [actorId, own] of byActor(relevant)) {
    const days = new Map<string, StoredAuditEvent[]>();
    for (const event of own) {
      const day = localDate(event.at, settings.workingHours.timeZone);
      days.set(day, [...(days.get(day) ?? []), event]);
    }
    for (const [day, group] of days) {
      alerts.push(
        alert(
          'OUT_OF_HOURS',
          actorId,
          group,
          group.length,
          `${group.length} access(es) to client records outside working hours (${settings.workingHours.start}–${settings.workingHours.end}, ${settings.workingHours.timeZone}) on ${day}.`,
        ),
      );
    }
  }
  return alerts;
}

/** Repeated refusals (FORBIDDEN or NOT_FOUND) for one staff member within a short window. */
export function repeatedDenials(
  events: readonly StoredAuditEvent[],
  settings: MonitoringSettings,
): AccessAlert[] {
  const alerts: AccessAlert[] = [];
  const relevant = events.filter(
    (event) => event.action === 'DENIED' && SUSPICIOUS_DENIALS.has(event.outcome),
  );
  const { threshold, windowMinutes } = settings.deniedAttempts;
  for (const [actorId, own] of byActor(relevant)) {
    for (const burst of bursts(own, (event) => event.eventId, threshold, windowMinutes * MINUTE_MS)) {
      alerts.push(
        alert(
          'REPEATED_DENIALS',
          actorId,
          burst,
          burst.length,
          `${burst.length} refused attempts to reach client records within ${windowMinutes} minutes.`,
        ),
      );
    }
  }
  return alerts;
}

export interface PendingReview {
  readonly reviewId: string;
  readonly staffId: string;
  readonly openedAt: string;
  readonly status: 'PENDING' | 'COMPLETED';
}

/** Emergency accesses whose review is still not completed N days after the glass was broken. */
export function overdueReviews(
  reviews: readonly { review: PendingReview; events: readonly StoredAuditEvent[] }[],
  settings: MonitoringSettings,
  now: Date,
): AccessAlert[] {
  const alerts: AccessAlert[] = [];
  for (const { review, events } of reviews) {
    if (review.status !== 'PENDING') continue;
    const age = now.getTime() - Date.parse(review.openedAt);
    if (age < settings.emergencyReviewDays * DAY_MS) continue;
    const days = Math.floor(age / DAY_MS);
    const evidence = events.length > 0 ? events : [];
    const base = alert(
      'EMERGENCY_REVIEW_OVERDUE',
      review.staffId,
      evidence,
      days,
      `Emergency access not reviewed ${days} days after it was opened (limit ${settings.emergencyReviewDays} days).`,
      review.reviewId,
    );
    alerts.push({ ...base, from: review.openedAt, to: base.to || review.openedAt });
  }
  return alerts;
}

/** Every rule over a window's events and the organisation's pending reviews, newest alert first. */
export function accessAlerts(
  events: readonly StoredAuditEvent[],
  reviews: readonly { review: PendingReview; events: readonly StoredAuditEvent[] }[],
  settings: MonitoringSettings,
  now: Date,
): AccessAlert[] {
  return [
    ...manyClientsOutsideCaseload(events, settings),
    ...outOfHours(events, settings),
    ...repeatedDenials(events, settings),
    ...overdueReviews(reviews, settings, now),
  ].sort((a, b) => b.to.localeCompare(a.to) || a.id.localeCompare(b.id));
}
