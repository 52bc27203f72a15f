import type { OrgId } from '@confide/domain';
import type { StoredAuditEvent } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { ownAccessEntries, sentence } from './plain-words';

let counter = 0;
function event(overrides: Partial<StoredAuditEvent> = {}): StoredAuditEvent {
  counter++;
  return {
    orgId: 'org_x' as OrgId,
    requestId: `req-${counter}`,
    eventId: `req-${counter}.0`,
    at: '2026-03-04T10:00:00.000Z',
    actor: { kind: 'STAFF', id: 'stf_a', roles: ['SUPPORT_WORKER'] },
    action: 'READ',
    operation: 'serviceUser',
    subjectId: 'su_me',
    fields: ['ServiceUser.phone'],
    classifications: ['CONTACT'],
    relationship: 'ALLOCATED',
    purpose: undefined,
    emergency: false,
    outcome: 'ALLOWED',
    rule: undefined,
    ...overrides,
  };
}

const me = { clientId: 'su_me', investigations: [] };

describe('ownAccessEntries', () => {
  it('says who, what and why in plain words', () => {
    const [entry] = ownAccessEntries(me, [
      event({ classifications: ['HEALTH', 'CONTACT', 'IDENTIFYING'], purpose: 'Booking a GP visit' }),
    ]);

    expect(entry).toMatchObject({
      who: 'A support worker who supports you',
      did: 'looked at',
      what: 'your health information, your contact details and your name and personal details',
      why: 'Reason given: “Booking a GP visit”',
    });
    expect(sentence(entry as NonNullable<typeof entry>, undefined)).toBe(
      'A support worker who supports you looked at your health information, your contact details and your name and personal details. Reason given: “Booking a GP visit”',
    );
  });

  it('explains an access without a stated purpose by what it rests on, and names staff only when given a name', () => {
    const [entry] = ownAccessEntries(me, [
      event({
        relationship: 'EMERGENCY',
        action: 'EMERGENCY_ACCESS',
        emergency: true,
        actor: { kind: 'STAFF', id: 's', roles: ['CHIEF_EXECUTIVE'] },
      }),
    ]);

    expect(sentence(entry as NonNullable<typeof entry>, 'Sam Smith')).toBe(
      'A member of staff, in an emergency (Sam Smith) looked at, in an emergency, your contact details. Emergency access, which is always reviewed afterwards.',
    );
  });

  it('leaves out the person’s own reads, refusals, administration, other people and open investigations', () => {
    const entries = ownAccessEntries(
      {
        clientId: 'su_me',
        investigations: [{ investigationId: 'inv', investigatorId: 's', status: 'OPEN' }],
      },
      [
        event({ actor: { kind: 'SERVICE_USER', id: 'su_me', roles: [] }, relationship: 'SELF' }),
        event({ action: 'DENIED', outcome: 'FORBIDDEN' }),
        event({ action: 'ADMIN', operation: 'openSafeguardingInvestigation' }),
        event({ subjectId: 'su_other' }),
        event({
          relationship: 'INVESTIGATION',
          actor: { kind: 'STAFF', id: 'l', roles: ['SAFEGUARDING_LEAD'] },
        }),
        event({ purpose: 'Shown' }),
      ],
    );

    expect(entries.map((entry) => entry.why)).toEqual(['Reason given: “Shown”']);
  });

  it('shows investigation accesses once every investigation is closed', () => {
    const entries = ownAccessEntries(
      {
        clientId: 'su_me',
        investigations: [{ investigationId: 'inv', investigatorId: 's', status: 'CLOSED' }],
      },
      [
        event({
          relationship: 'INVESTIGATION',
          actor: { kind: 'STAFF', id: 'l', roles: ['SAFEGUARDING_LEAD'] },
        }),
      ],
    );

    expect(entries.map((entry) => entry.who)).toEqual(['A safeguarding lead']);
  });
});
