/**
 * How much of a request's latency its audit takes (issue 18's budget: a caseload of 50's audit ≤ 10% of its latency),
 * in two measures computed from the request's DynamoDB call spans:
 *
 * - **time in audit calls** (`covered`): the time during which at least one audit write call of the request was in
 *   flight, whatever else the request was doing meanwhile (the bench's measure until decision 0054);
 * - **audit time on the critical path** (`exclusive`): the time during which an audit write call was in flight and no
 *   other DynamoDB call of the request was. An audit write made while the request waits for its reads costs the
 *   response nothing; one it waits for alone does. It is an upper bound of the time the response waited for its audit:
 *   the request's own CPU work is not seen in the spans, so an audit call still in flight while the request computed
 *   counts as waited for.
 */

export interface Span {
  readonly startedAt: number;
  readonly endedAt: number;
}

/** Time covered by spans (ms): spans in flight together count once. */
export function coveredTime(spans: readonly Span[]): number {
  const sorted = [...spans].sort((a, b) => a.startedAt - b.startedAt);
  let covered = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const { startedAt, endedAt } of sorted) {
    if (endedAt <= end) continue;
    covered += endedAt - Math.max(startedAt, end);
    end = endedAt;
  }
  return covered;
}

/** Time covered by `spans` and by none of `others` (ms). */
export function exclusiveTime(spans: readonly Span[], others: readonly Span[]): number {
  const both = [...spans, ...others];
  // Covered by the union minus covered by the others alone: what only `spans` cover.
  return coveredTime(both) - coveredTime(others);
}

/** A request's audit time in both measures, from its DynamoDB calls (audit = a write carrying audit items). */
export function auditTimes(calls: readonly (Span & { readonly audit: boolean })[]): {
  covered: number;
  exclusive: number;
} {
  const audit = calls.filter((call) => call.audit);
  const others = calls.filter((call) => !call.audit);
  return { covered: coveredTime(audit), exclusive: exclusiveTime(audit, others) };
}
