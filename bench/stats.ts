/** Small statistics for the benchmark: spreads over repeats, percentiles over samples. */

export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export function spread(values: readonly number[]): Spread {
  return { min: Math.min(...values), median: median(values), max: Math.max(...values) };
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

/** A p99 is printed only from at least this many samples (issue 18). */
export const P99_MIN_SAMPLES = 1000;

/** `median (min–max)` with a formatter, e.g. `12.1 ms (11.8–13.0)`. */
export function formatSpread(value: Spread, format: (n: number) => string): string {
  return `${format(value.median)} (${format(value.min)}–${format(value.max)})`;
}
