import { localInputInstant } from './time-words';

/**
 * Access at a glance: how a heat-map cell is shaded, marked and said. Pure, so the screen only draws. A cell never
 * relies on colour alone (WCAG 1.4.1): the read count is its text, each finding is a letter with its count, and
 * the whole cell is said in words to a screen reader.
 */

export interface HeatCounts {
  readonly reads: number;
  readonly offCaseload: number;
  readonly outOfHours: number;
  readonly denied: number;
}

/** The shade of a cell, 0 (no reads) to 4, in quarters of the busiest cell's reads. */
export function heatLevel(reads: number, busiest: number): 0 | 1 | 2 | 3 | 4 {
  if (reads <= 0 || busiest <= 0) return 0;
  return Math.min(4, Math.max(1, Math.ceil((reads / busiest) * 4))) as 1 | 2 | 3 | 4;
}

/** The letters a cell carries beside its read count, with the legend's meaning of each. */
export const FLAG_LEGEND: readonly (readonly [string, string])[] = [
  ['C', 'reads outside the person’s caseload'],
  ['H', 'accesses out of working hours'],
  ['R', 'refused attempts'],
];

/** The findings of a cell as marks: `C3` (three reads outside the caseload), `H1`, `R2`; none for none. */
export function flagMarks(counts: Omit<HeatCounts, 'reads'>): string[] {
  return [
    counts.offCaseload > 0 ? `C${counts.offCaseload}` : '',
    counts.outOfHours > 0 ? `H${counts.outOfHours}` : '',
    counts.denied > 0 ? `R${counts.denied}` : '',
  ].filter(Boolean);
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** A local date (YYYY-MM-DD) as a column heading: "Mon 30 Nov". */
export function dayHeadingWords(day: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  })
    .format(new Date(`${day}T12:00:00Z`))
    .replace(',', '');
}

/** The whole cell in words: "Sam Worker on Wed 4 Mar: 12 reads, 3 outside their caseload, 1 access out of hours." */
export function cellWords(who: string, day: string, counts: HeatCounts): string {
  const parts = [
    count(counts.reads, 'read', 'reads'),
    counts.offCaseload > 0 ? `${counts.offCaseload} outside their caseload` : '',
    counts.outOfHours > 0 ? count(counts.outOfHours, 'access out of hours', 'accesses out of hours') : '',
    counts.denied > 0 ? count(counts.denied, 'refused attempt', 'refused attempts') : '',
  ].filter(Boolean);
  return `${who} on ${dayHeadingWords(day)}: ${parts.join(', ')}.`;
}

/** A local day as the window of instants a report takes: its midnight to the next. */
export function dayBounds(day: string, timeZone: string): { from: string; to: string } {
  const next = new Date(Date.parse(`${day}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return {
    from: localInputInstant(day, timeZone),
    to: localInputInstant(next, timeZone),
  };
}
