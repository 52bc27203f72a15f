import { newId, type OrgId } from '@confide/domain';
import { DEFAULT_MONITORING_SETTINGS, type MonitoringSettings, type StoredAuditEvent } from '@confide/store';
import { describe, expect, it } from 'vitest';
import {
  accessAlerts,
  isReadOutsideCaseload,
  manyClientsOutsideCaseload,
  outOfHours,
  overdueReviews,
  repeatedDenials,
  withinWorkingHours,
} from './alert-rules';

const T0 = Date.parse('2026-03-04T10:00:00Z'); // a Wednesday
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
let counter = 0;

function event(overrides: Partial<StoredAuditEvent> & { minutes?: number } = {}): StoredAuditEvent {
  const { minutes = 0, ...rest } = overrides;
  counter++;
  return {
    orgId: 'org_x' as OrgId,
    requestId: `req-${counter}`,
    eventId: `req-${counter}.0`,
    at: at(minutes),
    actor: { kind: 'STAFF', id: 'stf_a', roles: ['SENIOR_MANAGER'] },
    action: 'READ',
    operation: 'serviceUser',
    subjectId: newId('serviceUser'),
    fields: ['ServiceUser.name'],
    classifications: ['IDENTIFYING'],
    relationship: 'ORG_WIDE',
    purpose: undefined,
    emergency: false,
    outcome: 'ALLOWED',
    rule: undefined,
    ...rest,
  };
}

const settings: MonitoringSettings = {
  ...DEFAULT_MONITORING_SETTINGS,
  workingHours: { start: '08:00', end: '18:00', timeZone: 'Europe/London', days: [1, 2, 3, 4, 5] },
};

describe('manyClientsOutsideCaseload', () => {
  it('flags ten distinct clients outside the caseload within an hour, with every read as evidence', () => {
    const reads = Array.from({ length: 10 }, (_, index) => event({ minutes: index * 5 }));

    const alerts = manyClientsOutsideCaseload(reads, settings);

    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ rule: 'MANY_CLIENTS_OUTSIDE_CASELOAD', actorId: 'stf_a', count: 10 });
    expect(alerts[0]?.evidence).toEqual(reads.map((e) => e.eventId));
  });

  it('stays silent for the same reads spread over more than the window, or under an allocation', () => {
    const spread = Array.from({ length: 10 }, (_, index) => event({ minutes: index * 10 }));
    const allocated = Array.from({ length: 20 }, (_, index) =>
      event({ minutes: index, relationship: 'ALLOCATED' }),
    );
    const sameClient = Array.from({ length: 20 }, (_, index) =>
      event({ minutes: index, subjectId: 'su_same' }),
    );

    expect(manyClientsOutsideCaseload([...spread, ...allocated, ...sameClient], settings)).toEqual([]);
  });
});

describe('isReadOutsideCaseload', () => {
  it('counts a read of a record, not a governance work list naming the person', () => {
    const review = event({ fields: ['EmergencyAccessReview'], classifications: [], relationship: undefined });
    const queued = event({
      fields: ['DisclosureQueueItem'],
      classifications: ['CONSENT'],
      relationship: undefined,
    });
    const record = event({ relationship: undefined });
    const both = event({ fields: ['EmergencyAccessReview', 'ServiceUser.name'], relationship: undefined });

    expect([review, queued, record, both].map(isReadOutsideCaseload)).toEqual([false, false, true, true]);
  });
});

describe('outOfHours', () => {
  it('handles a window running past midnight', () => {
    const night = { start: '22:00', end: '06:00', timeZone: 'UTC', days: [1] };
    expect(withinWorkingHours('2026-03-02T23:00:00Z', night)).toBe(true); // Monday night
    expect(withinWorkingHours('2026-03-03T05:00:00Z', night)).toBe(true); // …into Tuesday morning
    expect(withinWorkingHours('2026-03-03T23:00:00Z', night)).toBe(false); // Tuesday night: not a working day
    expect(withinWorkingHours('2026-03-02T12:00:00Z', night)).toBe(false);
  });

  it('flags access at night and at the weekend, one alert per person per day, not refusals', () => {
    const night = event({ minutes: 12 * 60, relationship: 'ALLOCATED' }); // 22:00 London
    const nightToo = event({ minutes: 12 * 60 + 5, relationship: 'ALLOCATED' });
    const saturday = event({ minutes: 3 * 24 * 60, relationship: 'ALLOCATED' });
    const refused = event({ minutes: 12 * 60, action: 'DENIED', outcome: 'FORBIDDEN' });
    const daytime = event({ minutes: 60 });

    const alerts = outOfHours([night, nightToo, saturday, refused, daytime], settings);

    expect(alerts.map((a) => [a.count, a.evidence])).toEqual([
      [2, [night.eventId, nightToo.eventId]],
      [1, [saturday.eventId]],
    ]);
  });
});

describe('repeatedDenials', () => {
  it('flags five refusals within the hour and ignores requests for a stated purpose', () => {
    const refusals = Array.from({ length: 5 }, (_, index) =>
      event({ minutes: index, action: 'DENIED', outcome: index % 2 ? 'NOT_FOUND' : 'FORBIDDEN' }),
    );
    const purposes = Array.from({ length: 10 }, (_, index) =>
      event({
        minutes: index,
        action: 'DENIED',
        outcome: 'JUSTIFICATION_REQUIRED',
        actor: { kind: 'STAFF', id: 'stf_b', roles: [] },
      }),
    );

    const alerts = repeatedDenials([...refusals, ...purposes], settings);

    expect(alerts.map((a) => [a.actorId, a.count])).toEqual([['stf_a', 5]]);
  });

  it('stays silent for four', () => {
    const refusals = Array.from({ length: 4 }, (_, index) =>
      event({ minutes: index, action: 'DENIED', outcome: 'FORBIDDEN' }),
    );
    expect(repeatedDenials(refusals, settings)).toEqual([]);
  });
});

describe('overdueReviews', () => {
  const opened = at(0);
  const review = { reviewId: 'emg_1', staffId: 'stf_c', openedAt: opened, status: 'PENDING' as const };
  const access = event({ action: 'EMERGENCY_ACCESS', emergency: true });

  it('flags a review still pending after the limit, with the accesses under it as evidence', () => {
    const alerts = overdueReviews([{ review, events: [access] }], settings, new Date(T0 + 8 * 86_400_000));

    expect(alerts).toEqual([
      expect.objectContaining({
        rule: 'EMERGENCY_REVIEW_OVERDUE',
        actorId: 'stf_c',
        reference: 'emg_1',
        count: 8,
        evidence: [access.eventId],
      }),
    ]);
  });

  it('stays silent within the limit and once completed', () => {
    const now = new Date(T0 + 8 * 86_400_000);
    expect(overdueReviews([{ review, events: [] }], settings, new Date(T0 + 6 * 86_400_000))).toEqual([]);
    expect(
      overdueReviews([{ review: { ...review, status: 'COMPLETED' }, events: [] }], settings, now),
    ).toEqual([]);
  });
});

describe('accessAlerts', () => {
  it('gives the same id to the same finding, and carries no personal data', () => {
    const reads = Array.from({ length: 10 }, (_, index) =>
      event({ minutes: index, purpose: 'Ada Lovelace' }),
    );

    const first = accessAlerts(reads, [], settings, new Date(T0));
    const again = accessAlerts(reads, [], settings, new Date(T0));

    expect(first.map((a) => a.id)).toEqual(again.map((a) => a.id));
    expect(JSON.stringify(first)).not.toContain('Ada');
  });
});
