/**
 * Statistical disclosure control for aggregate reports (DATA-PROTECTION.md "Aggregated / anonymised reports";
 * ACCESS-MODEL.md "Minimum necessary"; docs/decisions/0013). Every published number — cells and every total — is
 * computed from the true counts and then, independently: suppressed below {@link SUPPRESSION_THRESHOLD} (zero
 * included, so a suppressed cell never says "at least one"), otherwise rounded to the nearest
 * {@link ROUNDING_BASE}. No unrounded number, total or cell, is ever published, so subtracting published parts
 * from a published total leaves an interval wide enough to contain every small value, never one answer.
 * Periods are whole calendar months, so no report can slide a window one event at a time.
 */

export const SUPPRESSION_THRESHOLD = 5;
export const ROUNDING_BASE = 5;

export interface PublishedCount {
  /** The rounded count, or null when suppressed. */
  readonly count: number | null;
  readonly suppressed: boolean;
}

/** Nearest multiple of the base (halves, which integers never are at base 5, go up). */
export function roundToBase(value: number, base = ROUNDING_BASE): number {
  return Math.round(value / base) * base;
}

export function publish(value: number): PublishedCount {
  if (!Number.isInteger(value) || value < 0) throw new RangeError('Counts are whole and not negative.');
  if (value < SUPPRESSION_THRESHOLD) return { count: null, suppressed: true };
  return { count: roundToBase(value), suppressed: false };
}

/** The true counts of a report: service × month × category, every combination present (zero when none). */
export interface AggregateGrid {
  readonly services: readonly { readonly id: string; readonly name: string }[];
  readonly months: readonly string[];
  readonly categories: readonly string[];
  /** True counts by {@link cellKey}; absent keys are zero. */
  readonly counts: ReadonlyMap<string, number>;
}

export const cellKey = (serviceId: string, month: string, category: string) =>
  `${serviceId}|${month}|${category}`;

export interface PublishedCell extends PublishedCount {
  /** Undefined in a total over all services (or months, or categories). */
  readonly serviceId: string | undefined;
  readonly serviceName: string | undefined;
  readonly month: string | undefined;
  readonly category: string | undefined;
}

export interface PublishedAggregate {
  readonly cells: readonly PublishedCell[];
  readonly byService: readonly PublishedCell[];
  readonly byMonth: readonly PublishedCell[];
  readonly byCategory: readonly PublishedCell[];
  readonly total: PublishedCell;
}

/** Publishes a grid: every cell, every marginal total and the grand total, each controlled on its own. */
export function publishAggregate(grid: AggregateGrid): PublishedAggregate {
  const count = (service?: string, month?: string, category?: string) => {
    let sum = 0;
    for (const s of grid.services) {
      if (service !== undefined && s.id !== service) continue;
      for (const m of grid.months) {
        if (month !== undefined && m !== month) continue;
        for (const c of grid.categories) {
          if (category !== undefined && c !== category) continue;
          sum += grid.counts.get(cellKey(s.id, m, c)) ?? 0;
        }
      }
    }
    return sum;
  };
  const cell = (
    service: { id: string; name: string } | undefined,
    month: string | undefined,
    category: string | undefined,
  ): PublishedCell => ({
    serviceId: service?.id,
    serviceName: service?.name,
    month,
    category,
    ...publish(count(service?.id, month, category)),
  });
  return {
    cells: grid.services.flatMap((service) =>
      grid.months.flatMap((month) => grid.categories.map((category) => cell(service, month, category))),
    ),
    byService: grid.services.map((service) => cell(service, undefined, undefined)),
    byMonth: grid.months.map((month) => cell(undefined, month, undefined)),
    byCategory: grid.categories.map((category) => cell(undefined, undefined, category)),
    total: cell(undefined, undefined, undefined),
  };
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Calendar months `YYYY-MM` from `from` to `to` inclusive; undefined when either is malformed or out of order. */
export function monthsBetween(from: string, to: string): string[] | undefined {
  const start = MONTH.exec(from);
  const end = MONTH.exec(to);
  if (!start || !end || from > to) return undefined;
  const months: string[] = [];
  let year = Number(start[1]);
  let month = Number(start[2]);
  while (`${year}-${String(month).padStart(2, '0')}` <= to) {
    months.push(`${year}-${String(month).padStart(2, '0')}`);
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
  return months;
}

/** The first instant of a month and of the month after it, as ISO strings (UTC). */
export function monthBounds(month: string): { start: string; end: string } {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return {
    start: new Date(Date.UTC(year, number - 1, 1)).toISOString(),
    end: new Date(Date.UTC(year, number, 1)).toISOString(),
  };
}
