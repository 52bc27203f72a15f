import type { MonitoringSettings, StoredAuditEvent } from '@confide/store';
import { isAccessOutOfHours, isReadOutsideCaseload, localTime } from './alert-rules';

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

const isRead = (event: StoredAuditEvent) =>
  (event.action === 'READ' || event.action === 'EMERGENCY_ACCESS') &&
  event.outcome === 'ALLOWED' &&
  event.subjectId !== undefined;

/** The cells of a window's events that have anything to show, by staff member then day. */
export function heatMapCells(events: readonly StoredAuditEvent[], hours: WorkingHours): HeatMapCell[] {
  const cells = new Map<string, { -readonly [K in keyof HeatMapCell]: HeatMapCell[K] }>();
  for (const event of events) {
    if (event.actor.kind !== 'STAFF') continue;
    const read = isRead(event);
    const offCaseload = isReadOutsideCaseload(event);
    const outOfHours = isAccessOutOfHours(event, hours);
    const denied = event.action === 'DENIED';
    if (!read && !outOfHours && !denied) continue;
    const day = localTime(event.at, hours.timeZone).date;
    const key = `${event.actor.id}|${day}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = { staffId: event.actor.id, day, reads: 0, offCaseload: 0, outOfHours: 0, denied: 0 };
      cells.set(key, cell);
    }
    if (read) cell.reads++;
    if (offCaseload) cell.offCaseload++;
    if (outOfHours) cell.outOfHours++;
    if (denied) cell.denied++;
  }
  return [...cells.values()].sort((a, b) => a.staffId.localeCompare(b.staffId) || a.day.localeCompare(b.day));
}

const SIX_HOURS_MS = 6 * 60 * 60 * 1000;

/** Every local date from `from` to `to` in a time zone, oldest first (6-hour steps: no clock change skips a day). */
export function heatMapDays(from: string, to: string, timeZone: string): string[] {
  const days = new Set<string>();
  const end = Date.parse(to);
  for (let at = Date.parse(from); at < end; at += SIX_HOURS_MS) {
    days.add(localTime(new Date(at).toISOString(), timeZone).date);
  }
  days.add(localTime(new Date(end).toISOString(), timeZone).date);
  return [...days].sort();
}
