import { disclosureQueueAudiences } from '@confide/access';
import { DISCLOSURE_QUEUE_AUDIENCES, DISCLOSURE_QUEUE_KINDS, queueOrder } from '@confide/store';
import { describe, expect, it } from 'vitest';

/**
 * The kept disclosure queue (issue 19, decision 0044) writes, for each item, the capacities in which anyone is told
 * of it; the policy decides who is told. The two must name the same capacities, or an item would be kept out of (or
 * in) the index of someone the policy tells (or does not).
 */
describe('the kept queue’s audiences', () => {
  it.each(DISCLOSURE_QUEUE_KINDS)('are the policy’s for %s, for a viewer told in every capacity', (kind) => {
    // Act
    const told = disclosureQueueAudiences(kind, {
      roles: ['SERVICE_MANAGER', 'CALDICOTT_GUARDIAN', 'SENIOR_MANAGER'],
      managesClientService: true,
    });

    // Assess
    expect([...DISCLOSURE_QUEUE_AUDIENCES[kind]].sort()).toEqual([...told].sort());
  });

  it('orders urgent work first, then the longest waiting, then by request id, as the index sorts keys', () => {
    // Prepare
    const items = [
      { urgent: false, since: '2026-12-01T09:00:00.000Z', requestId: 'b' },
      { urgent: true, since: '2026-12-02T09:00:00.000Z', requestId: 'c' },
      { urgent: false, since: '2026-12-01T09:00:00.000Z', requestId: 'a' },
      { urgent: true, since: '2026-11-30T09:00:00.000Z', requestId: 'd' },
    ];

    // Act
    const ordered = [...items].sort((x, y) => (queueOrder(x) < queueOrder(y) ? -1 : 1));

    // Assess
    expect(ordered.map((item) => item.requestId)).toEqual(['d', 'c', 'a', 'b']);
  });
});
