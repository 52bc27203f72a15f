import { newId, type OrgId } from '@confide/domain';
import type { StoredAuditEvent } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { heatMapCells, heatMapDays, heatMapServiceCells, heatMapStaffCount } from './access-heat-map';

const HOURS = { start: '08:00', end: '18:00', timeZone: 'Europe/London', days: [1, 2, 3, 4, 5] };
let counter = 0;

function event(at: string, overrides: Partial<StoredAuditEvent> = {}): StoredAuditEvent {
  counter++;
  return {
    orgId: 'org_x' as OrgId,
    requestId: `req-${counter}`,
    eventId: `req-${counter}.0`,
    at,
    actor: { kind: 'STAFF', id: 'stf_a', roles: ['SUPPORT_WORKER'] },
    action: 'READ',
    operation: 'serviceUser',
    subjectId: newId('serviceUser'),
    fields: ['ServiceUser.name'],
    classifications: ['IDENTIFYING'],
    relationship: 'ALLOCATED',
    purpose: undefined,
    emergency: false,
    outcome: 'ALLOWED',
    rule: undefined,
    ...overrides,
  };
}

describe('heatMapStaffCount', () => {
  it('counts the staff rows heatMapCells draws: not a staff member with nothing to show, nor another principal', () => {
    // Prepare: stf_a reads; stf_b is refused; stf_c only writes in working hours (no cell); a service user reads
    const events = [
      event('2026-03-04T10:00:00Z'),
      event('2026-03-05T10:00:00Z'),
      event('2026-03-04T12:00:00Z', {
        actor: { kind: 'STAFF', id: 'stf_b', roles: ['SUPPORT_WORKER'] },
        action: 'DENIED',
        outcome: 'NOT_FOUND',
      }),
      event('2026-03-04T12:00:00Z', {
        actor: { kind: 'STAFF', id: 'stf_c', roles: ['SUPPORT_WORKER'] },
        action: 'WRITE',
        operation: 'recordNote',
      }),
      event('2026-03-04T12:40:00Z', { actor: { kind: 'SERVICE_USER', id: 'cli_x', roles: [] } }),
    ];

    // Act
    const count = heatMapStaffCount(events, HOURS);

    // Assess
    expect(count).toBe(2);
    expect(count).toBe(new Set(heatMapCells(events, HOURS).map((cell) => cell.staffId)).size);
  });
});

describe('heatMapCells', () => {
  it('counts reads, reads outside the caseload, out-of-hours accesses and refusals per staff member and local day', () => {
    // Prepare: Wednesday 4 March 2026 (GMT) and the early hours of Thursday
    const events = [
      event('2026-03-04T10:00:00Z'),
      event('2026-03-04T11:00:00Z', { relationship: 'ORG_WIDE' }),
      event('2026-03-04T23:30:00Z'),
      event('2026-03-04T12:00:00Z', { action: 'DENIED', outcome: 'NOT_FOUND', relationship: undefined }),
      event('2026-03-04T12:00:00Z', { action: 'WRITE', operation: 'recordNote' }),
      event('2026-03-04T12:30:00Z', { actor: { kind: 'STAFF', id: 'stf_b', roles: ['IG_LEAD'] } }),
      event('2026-03-04T12:40:00Z', { actor: { kind: 'SERVICE_USER', id: 'cli_x', roles: [] } }),
      event('2026-03-04T12:50:00Z', { subjectId: undefined, operation: 'accessAlerts' }),
    ];

    // Act
    const cells = heatMapCells(events, HOURS);

    // Assess
    expect(cells).toEqual([
      { staffId: 'stf_a', day: '2026-03-04', reads: 3, offCaseload: 1, outOfHours: 1, denied: 1 },
      { staffId: 'stf_b', day: '2026-03-04', reads: 1, offCaseload: 0, outOfHours: 0, denied: 0 },
    ]);
  });

  it('files an access under the organisation’s local day, not the UTC one', () => {
    // 23:30 UTC on 30 June is 00:30 on 1 July in London (BST), and out of hours
    const cells = heatMapCells([event('2026-06-30T23:30:00Z')], HOURS);

    expect(cells).toEqual([
      { staffId: 'stf_a', day: '2026-07-01', reads: 1, offCaseload: 0, outOfHours: 1, denied: 0 },
    ]);
  });

  it('counts a Saturday write as out of hours, as the OUT_OF_HOURS rule does, but not as a read', () => {
    const cells = heatMapCells(
      [event('2026-03-07T10:00:00Z', { action: 'WRITE', operation: 'recordNote' })],
      HOURS,
    );

    expect(cells).toEqual([
      { staffId: 'stf_a', day: '2026-03-07', reads: 0, offCaseload: 0, outOfHours: 1, denied: 0 },
    ]);
  });
});

describe('heatMapDays', () => {
  it('lists every local day of the period, first to last', () => {
    expect(heatMapDays('2026-03-28T12:00:00Z', '2026-04-01T09:00:00Z', 'Europe/London')).toEqual([
      '2026-03-28',
      '2026-03-29',
      '2026-03-30',
      '2026-03-31',
      '2026-04-01',
    ]);
  });

  it('starts from the local day of `from`, which may be the UTC day after', () => {
    expect(heatMapDays('2026-06-30T23:30:00Z', '2026-07-01T10:00:00Z', 'Europe/London')).toEqual([
      '2026-07-01',
    ]);
  });
});

describe('heatMapServiceCells', () => {
  it('counts each access under the service of the client it was about, by service then local day', () => {
    // Prepare: two clients of one service, one of another; an access about no client
    const [north, north2, south] = [newId('serviceUser'), newId('serviceUser'), newId('serviceUser')];
    const serviceOf = new Map([
      [north, 'svc_north'],
      [north2, 'svc_north'],
      [south, 'svc_south'],
    ]);
    const events = [
      event('2026-03-04T10:00:00Z', { subjectId: north }),
      event('2026-03-04T10:05:00Z', { subjectId: north2, relationship: 'ORG_WIDE' }),
      event('2026-03-04T23:30:00Z', { subjectId: south }),
      event('2026-03-04T12:00:00Z', {
        subjectId: south,
        action: 'DENIED',
        outcome: 'NOT_FOUND',
        relationship: undefined,
        actor: { kind: 'STAFF', id: 'stf_b', roles: ['SUPPORT_WORKER'] },
      }),
      event('2026-03-04T12:50:00Z', { subjectId: undefined, operation: 'accessAlerts' }),
      event('2026-03-04T12:40:00Z', {
        subjectId: north,
        actor: { kind: 'SERVICE_USER', id: 'cli_x', roles: [] },
      }),
    ];

    // Act
    const cells = heatMapServiceCells(events, HOURS, serviceOf);

    // Assess: staff members are summed into their clients' services; the rest has no row
    expect(cells).toEqual([
      { serviceId: 'svc_north', day: '2026-03-04', reads: 2, offCaseload: 1, outOfHours: 0, denied: 0 },
      { serviceId: 'svc_south', day: '2026-03-04', reads: 1, offCaseload: 0, outOfHours: 1, denied: 1 },
    ]);
  });
});
