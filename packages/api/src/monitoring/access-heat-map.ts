import { localDate } from '@confide/domain';
import type { MonitoringSettings, StoredAuditEvent } from '@confide/store';
import { isAccessOutOfHours, isReadOutsideCaseload } from './alert-rules';

/**
 * Access at a glance (issue 19): a window's audit events counted per staff member and local day, with the counts
 * the alert rules look at — reads outside the caseload, accesses out of hours, refused attempts — so that a cell is
 * the evidence behind an alert, and a reviewer opens the events behind it in `staffAccessReport`. Pure: events and
 * working hours in, counts out. Counts and ids only, never personal data.
 */
export interface HeatMapCell {
  /** The staff member (local id). */
  readonly staffId: string;
  /** The organisation's local date, `YYYY-MM-DD`, in its working hours' time zone. */
  readonly day: string;
  /** Allowed reads of a person's record (emergency reads included). */
  readonly reads: number;
  /** Of those, reads of a client outside the reader's caseload (MANY_CLIENTS_OUTSIDE_CASELOAD's evidence). */
  readonly offCaseload: number;
  /** Accesses (reads, writes, disclosures) outside working hours (OUT_OF_HOURS's evidence). */
  readonly outOfHours: number;
  /** Refused attempts of any kind, as `deniedAccessReport` lists them. */
  readonly denied: number;
}

type WorkingHours = MonitoringSettings['workingHours'];

/** How much a heat-map reads: a service setting, so tests reach the truncated path without 20,000 events. */
export interface HeatMapLimits {
  /** The most audit events one heat-map counts; beyond it the oldest days are incomplete (`truncated`). */
  readonly heatMapEvents: number;
  /** The most service rows one heat-map by service draws; beyond it the caller narrows (REPORT_TOO_LARGE). */
  readonly heatMapServices: number;
}

export const DEFAULT_HEAT_MAP_LIMITS: HeatMapLimits = { heatMapEvents: 20_000, heatMapServices: 100 };

const isRead = (event: StoredAuditEvent) =>
  (event.action === 'READ' || event.action === 'EMERGENCY_ACCESS') &&
  event.outcome === 'ALLOWED' &&
  event.subjectId !== undefined;

/** The counts of one row (a staff member, or a service) on one day. */
type Counts = { reads: number; offCaseload: number; outOfHours: number; denied: number };

/** The counts an event adds to its cell, or undefined when it has nothing to show (nor makes a cell). */
function countsOf(event: StoredAuditEvent, hours: WorkingHours): Counts | undefined {
  if (event.actor.kind !== 'STAFF') return undefined;
  const read = isRead(event);
  const outOfHours = isAccessOutOfHours(event, hours);
  const denied = event.action === 'DENIED';
  if (!read && !outOfHours && !denied) return undefined;
  return {
    reads: read ? 1 : 0,
    offCaseload: isReadOutsideCaseload(event) ? 1 : 0,
    outOfHours: outOfHours ? 1 : 0,
    denied: denied ? 1 : 0,
  };
}

/**
 * Counts a window's staff events per row and local day: `rowOf` names an event's row, or undefined to leave it out.
 * Only events with anything to show make a cell.
 */
function countByRowAndDay(
  events: readonly StoredAuditEvent[],
  hours: WorkingHours,
  rowOf: (event: StoredAuditEvent) => string | undefined,
): { row: string; day: string; counts: Counts }[] {
  const cells = new Map<string, { row: string; day: string; counts: Counts }>();
  for (const event of events) {
    const counts = countsOf(event, hours);
    if (!counts) continue;
    const row = rowOf(event);
    if (row === undefined) continue;
    const day = localDate(event.at, hours.timeZone);
    const key = `${row}|${day}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = { row, day, counts: { reads: 0, offCaseload: 0, outOfHours: 0, denied: 0 } };
      cells.set(key, cell);
    }
    cell.counts.reads += counts.reads;
    cell.counts.offCaseload += counts.offCaseload;
    cell.counts.outOfHours += counts.outOfHours;
    cell.counts.denied += counts.denied;
  }
  return [...cells.values()].sort((a, b) => a.row.localeCompare(b.row) || a.day.localeCompare(b.day));
}

/** The cells of a window's events that have anything to show, by staff member then day. */
export function heatMapCells(events: readonly StoredAuditEvent[], hours: WorkingHours): HeatMapCell[] {
  return countByRowAndDay(events, hours, (event) => event.actor.id).map(({ row, day, counts }) => ({
    staffId: row,
    day,
    ...counts,
  }));
}

/** The staff members with anything to show in the window: the rows {@link heatMapCells} would draw, uncounted. */
export function heatMapStaffCount(events: readonly StoredAuditEvent[], hours: WorkingHours): number {
  return new Set(
    events.filter((event) => countsOf(event, hours) !== undefined).map((event) => event.actor.id),
  ).size;
}

/** One service on one day: the same counts as a staff member's cell, of accesses to the service's clients. */
export interface HeatMapServiceCell extends Omit<HeatMapCell, 'staffId'> {
  /** The service (local id) of the client accessed. */
  readonly serviceId: string;
}

/**
 * The cells by service then day: an access counts under the service of the client it was about (`serviceOf`, by
 * client id). An access about no client of a service (a report, a staff record) has no service row.
 */
export function heatMapServiceCells(
  events: readonly StoredAuditEvent[],
  hours: WorkingHours,
  serviceOf: ReadonlyMap<string, string>,
): HeatMapServiceCell[] {
  return countByRowAndDay(events, hours, (event) =>
    event.subjectId === undefined ? undefined : serviceOf.get(event.subjectId),
  ).map(({ row, day, counts }) => ({ serviceId: row, day, ...counts }));
}

const SIX_HOURS_MS = 6 * 60 * 60 * 1000;

/** Every local date from `from` to `to` in a time zone, oldest first (6-hour steps: no clock change skips a day). */
export function heatMapDays(from: string, to: string, timeZone: string): string[] {
  const days = new Set<string>();
  const end = Date.parse(to);
  for (let at = Date.parse(from); at < end; at += SIX_HOURS_MS) {
    days.add(localDate(new Date(at), timeZone));
  }
  days.add(localDate(new Date(end), timeZone));
  return [...days].sort();
}
