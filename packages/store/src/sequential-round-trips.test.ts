import { describe, expect, it } from 'vitest';
import { type CallSpan, sequentialRoundTrips } from './request-counters';

const span = (startedAt: number, endedAt: number, operation = 'BatchGetItem'): CallSpan => ({
  service: 'DynamoDB',
  operation,
  startedAt,
  endedAt,
});

describe('sequentialRoundTrips', () => {
  it('is zero with no calls and one for a single call', () => {
    expect(sequentialRoundTrips([])).toBe(0);
    expect(sequentialRoundTrips([span(0, 5)])).toBe(1);
  });

  it('counts calls in flight together as one round trip', () => {
    expect(sequentialRoundTrips([span(0, 5), span(1, 6), span(2, 4)])).toBe(1);
  });

  it('counts a call that starts after another ended as the next round trip', () => {
    expect(sequentialRoundTrips([span(0, 5), span(5, 9), span(10, 12)])).toBe(3);
  });

  it('is the longest chain, not the number of calls: two parallel reads then a write is two', () => {
    expect(sequentialRoundTrips([span(0, 5), span(0, 8), span(8, 10, 'TransactWriteItems')])).toBe(2);
  });

  it('follows the longest dependency chain when chains of different lengths overlap', () => {
    // a (0–2) → b (2–4) → c (4–6) runs beside one long call d (0–6): three sequential steps.
    expect(sequentialRoundTrips([span(0, 2), span(0, 6), span(2, 4), span(4, 6)])).toBe(3);
  });

  it('considers only the service asked for', () => {
    const kms = { ...span(5, 6), service: 'KMS', operation: 'Decrypt' };
    expect(sequentialRoundTrips([span(0, 5), kms, span(6, 7)], 'DynamoDB')).toBe(2);
    expect(sequentialRoundTrips([span(0, 5), kms, span(6, 7)])).toBe(3);
  });
});
