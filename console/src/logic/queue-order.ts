/** One item waiting in a queue on the Today screen, reduced to what orders it. */
export interface QueueEntry {
  /** When it began waiting. */
  readonly since: string;
  /** Past its deadline (a review limit, the 72-hour clock, a subject access month). */
  readonly overdue?: boolean;
  /** Marked urgent (a disclosure request). */
  readonly urgent?: boolean;
  /** When it must be done by, if it has a deadline. */
  readonly deadline?: string | null;
}

const time = (at: string | null | undefined) => (at ? new Date(at).getTime() : Number.POSITIVE_INFINITY);

/**
 * The order a reviewer works a queue in: overdue first, then urgent, then the nearest deadline, then the longest
 * waiting. A new array; the input is left as it was.
 */
export function inWorkingOrder<T extends QueueEntry>(entries: readonly T[]): T[] {
  return [...entries].sort(
    (a, b) =>
      Number(Boolean(b.overdue)) - Number(Boolean(a.overdue)) ||
      Number(Boolean(b.urgent)) - Number(Boolean(a.urgent)) ||
      time(a.deadline) - time(b.deadline) ||
      time(a.since) - time(b.since),
  );
}

/** The oldest entry's start, for a queue's heading ("oldest waiting 3 days"); undefined for an empty queue. */
export function oldestSince(entries: readonly QueueEntry[]): string | undefined {
  let oldest: string | undefined;
  for (const entry of entries) if (!oldest || time(entry.since) < time(oldest)) oldest = entry.since;
  return oldest;
}
