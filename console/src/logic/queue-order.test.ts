import { describe, expect, it } from 'vitest';
import { inWorkingOrder, oldestSince } from './queue-order';

describe('the order a reviewer works a queue in', () => {
  it('puts overdue first, then urgent, then the nearest deadline, then the longest waiting', () => {
    // Prepare
    const entries = [
      { name: 'recent', since: '2026-12-03T10:00:00Z' },
      { name: 'old', since: '2026-12-01T10:00:00Z' },
      { name: 'urgent', since: '2026-12-03T11:00:00Z', urgent: true },
      { name: 'due-later', since: '2026-12-03T11:30:00Z', deadline: '2026-12-10T00:00:00Z' },
      { name: 'due-soon', since: '2026-12-03T11:30:00Z', deadline: '2026-12-04T00:00:00Z' },
      { name: 'overdue', since: '2026-12-03T11:45:00Z', overdue: true },
    ];

    // Act
    const ordered = inWorkingOrder(entries).map((entry) => entry.name);

    // Assess
    expect(ordered).toEqual(['overdue', 'urgent', 'due-soon', 'due-later', 'old', 'recent']);
    expect(entries[0]?.name).toBe('recent');
  });

  it('names the oldest entry’s start for the queue’s heading, and nothing for an empty queue', () => {
    expect(
      oldestSince([
        { since: '2026-12-03T10:00:00Z' },
        { since: '2026-11-30T08:00:00Z' },
        { since: '2026-12-02T00:00:00Z' },
      ]),
    ).toBe('2026-11-30T08:00:00Z');
    expect(oldestSince([])).toBeUndefined();
  });
});
