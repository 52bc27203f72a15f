import type { Role } from '@confide/domain';
import { describe, expect, it } from 'vitest';
import type { ClientRelationFacts } from '../../facts';
import { OPERATION_POLICIES } from '../catalogue';
import type { OperationFacts, SharingFacts } from '../facts';
import { decidesDisclosures } from './sharing';

/**
 * Subject access (issue 14, side door 1) as a table: who may compile a person's export, and who may approve it.
 * The person always gets their own; staff only the IG lead, for an open request whose export a second person —
 * not the compiler — approved; the approver is the Caldicott Guardian or another IG lead, never the recorder.
 */

const NONE: ClientRelationFacts = {
  allocated: false,
  managesService: false,
  qaReview: false,
  investigation: false,
  serviceMember: false,
  emergency: undefined,
  self: false,
  conflict: false,
};

const staff = (roles: Role[], sharing: SharingFacts, relation: Partial<ClientRelationFacts> = {}) =>
  ({
    caller: { kind: 'STAFF', roles, acknowledgedPolicy: true },
    preset: 'STRICT',
    approved: false,
    relation: { ...NONE, ...relation },
    change: { sharing },
  }) satisfies OperationFacts;

const APPROVED = { openRequest: true, exportApproved: true, callerApproved: false, callerRecorded: false };

describe('subject-access.export', () => {
  const decide = OPERATION_POLICIES['subject-access.export'].decide;

  it.each([
    [
      'an IG lead, approved by someone else',
      staff(['IG_LEAD'], APPROVED),
      'ALLOW',
      'subject-access.export-approved',
    ],
    [
      'an IG lead who recorded the request, approved by someone else',
      staff(['IG_LEAD'], { ...APPROVED, callerRecorded: true }),
      'ALLOW',
      'subject-access.export-approved',
    ],
    [
      'an IG lead, not yet approved',
      staff(['IG_LEAD'], { ...APPROVED, exportApproved: false }),
      'FORBIDDEN',
      'subject-access.export-not-approved',
    ],
    [
      'the IG lead who approved it',
      staff(['IG_LEAD'], { ...APPROVED, callerApproved: true }),
      'FORBIDDEN',
      'subject-access.approver-compiles',
    ],
    [
      'an IG lead, no open request',
      staff(['IG_LEAD'], { openRequest: false }),
      'FORBIDDEN',
      'subject-access.no-open-request',
    ],
    [
      'the Caldicott Guardian',
      staff(['CALDICOTT_GUARDIAN'], APPROVED),
      'FORBIDDEN',
      'subject-access.compiler',
    ],
    [
      'the service’s manager',
      staff(['SERVICE_MANAGER'], APPROVED, { managesService: true, serviceMember: true }),
      'FORBIDDEN',
      'subject-access.compiler',
    ],
    [
      'an IG lead who has not acknowledged the policy',
      {
        ...staff(['IG_LEAD'], APPROVED),
        caller: { kind: 'STAFF', roles: ['IG_LEAD'], acknowledgedPolicy: false },
      },
      'POLICY_NOT_ACKNOWLEDGED',
      'policy.acknowledgement',
    ],
    [
      'the person themself',
      {
        caller: { kind: 'SERVICE_USER' },
        preset: 'STRICT',
        approved: false,
        relation: { ...NONE, self: true },
      },
      'ALLOW',
      'subject-access.self',
    ],
    [
      'another person',
      { caller: { kind: 'SERVICE_USER' }, preset: 'STRICT', approved: false, relation: NONE },
      'NOT_FOUND',
      'existence.no-relationship',
    ],
  ] as [string, OperationFacts, string, string][])('%s: %s', (_name, facts, effect, rule) => {
    expect(decide(facts)).toMatchObject({ effect, rule });
  });
});

describe('subject-access.approve-export', () => {
  const decide = OPERATION_POLICIES['subject-access.approve-export'].decide;

  it.each([
    ['the Caldicott Guardian', staff(['CALDICOTT_GUARDIAN'], {}), 'ALLOW'],
    ['another IG lead', staff(['IG_LEAD'], {}), 'ALLOW'],
    ['the IG lead who recorded it', staff(['IG_LEAD'], { callerRecorded: true }), 'FORBIDDEN'],
    ['a Guardian who recorded it', staff(['CALDICOTT_GUARDIAN'], { callerRecorded: true }), 'FORBIDDEN'],
    [
      'the service’s manager',
      staff(['SERVICE_MANAGER'], {}, { managesService: true, serviceMember: true }),
      'FORBIDDEN',
    ],
    ['a senior manager', staff(['SENIOR_MANAGER'], {}), 'FORBIDDEN'],
  ] as [string, OperationFacts, string][])('%s: %s', (_name, facts, effect) => {
    expect(decide(facts).effect).toBe(effect);
  });
});

describe('subject-access.request', () => {
  const decide = OPERATION_POLICIES['subject-access.request'].decide;

  it.each([
    ['an IG lead', staff(['IG_LEAD'], {}), 'ALLOW'],
    [
      'the service’s manager',
      staff(['SERVICE_MANAGER'], {}, { managesService: true, serviceMember: true }),
      'ALLOW',
    ],
    [
      'an allocated worker',
      staff(['SUPPORT_WORKER'], {}, { allocated: true, serviceMember: true }),
      'FORBIDDEN',
    ],
    [
      'the person themself',
      {
        caller: { kind: 'SERVICE_USER' },
        preset: 'STRICT',
        approved: false,
        relation: { ...NONE, self: true },
      },
      'ALLOW',
    ],
  ] as [string, OperationFacts, string][])('%s: %s', (_name, facts, effect) => {
    expect(decide(facts).effect).toBe(effect);
  });
});

describe('disclosure-review.complete (JRH Exceptional Breaches: nobody reviews a disclosure they made or recorded)', () => {
  const decide = OPERATION_POLICIES['disclosure-review.complete'].decide;
  const MANAGES = { managesService: true, serviceMember: true };

  it.each([
    ['the service’s manager', staff(['SERVICE_MANAGER'], {}, MANAGES), 'ALLOW', 'review.completed'],
    [
      'the service’s manager, with a finding',
      staff(['SERVICE_MANAGER'], { detail: 'JUSTIFIED' }, MANAGES),
      'ALLOW',
      'review.JUSTIFIED',
    ],
    ['the Caldicott Guardian', staff(['CALDICOTT_GUARDIAN'], {}), 'ALLOW', 'review.completed'],
    [
      'the manager who recorded it (and so made it)',
      staff(['SERVICE_MANAGER'], { callerRecorded: true, callerMade: true }, MANAGES),
      'FORBIDDEN',
      'review.own',
    ],
    [
      'the manager who made it, recorded by the Guardian',
      staff(['SERVICE_MANAGER'], { callerMade: true }, MANAGES),
      'FORBIDDEN',
      'review.maker',
    ],
    [
      'the Guardian who recorded it for the manager who made it',
      staff(['CALDICOTT_GUARDIAN'], { callerRecorded: true }),
      'FORBIDDEN',
      'review.own',
    ],
    [
      'a Guardian named as its maker',
      staff(['CALDICOTT_GUARDIAN'], { callerMade: true }),
      'FORBIDDEN',
      'review.maker',
    ],
    [
      'the allocated worker who made it',
      staff(['SUPPORT_WORKER'], { callerMade: true }, { allocated: true, serviceMember: true }),
      'NOT_FOUND',
      'review.not-reviewer',
    ],
    [
      'a manager of another service',
      staff(['SERVICE_MANAGER'], {}),
      'NOT_FOUND',
      'existence.no-relationship',
    ],
  ] as [string, OperationFacts, string, string][])('%s: %s', (_name, facts, effect, rule) => {
    expect(decide(facts)).toMatchObject({ effect, rule });
  });
});

describe('disclosure.exceptional: recorded by the one who made it, or for them by the Caldicott Guardian', () => {
  const decide = OPERATION_POLICIES['disclosure.exceptional'].decide;
  const ALLOCATED = { allocated: true, serviceMember: true };
  const MANAGES = { managesService: true, serviceMember: true };

  it.each([
    [
      'the allocated worker, their own',
      staff(['SUPPORT_WORKER'], { detail: 'SAFEGUARDING' }, ALLOCATED),
      'ALLOW',
      'disclosure.exceptional.SAFEGUARDING',
    ],
    [
      'the service’s manager, their own',
      staff(['SERVICE_MANAGER'], { detail: 'SAFEGUARDING' }, MANAGES),
      'ALLOW',
      'disclosure.exceptional.SAFEGUARDING',
    ],
    [
      'the Caldicott Guardian, for the manager who made it',
      staff(['CALDICOTT_GUARDIAN'], { detail: 'SAFEGUARDING', recordedForAnother: true }),
      'ALLOW',
      'disclosure.exceptional.SAFEGUARDING',
    ],
    [
      'the Caldicott Guardian who manages the service, for another',
      staff(
        ['CALDICOTT_GUARDIAN', 'SERVICE_MANAGER'],
        { detail: 'SAFEGUARDING', recordedForAnother: true },
        MANAGES,
      ),
      'ALLOW',
      'disclosure.exceptional.SAFEGUARDING',
    ],
    [
      'the service’s manager, for a worker',
      staff(['SERVICE_MANAGER'], { detail: 'SAFEGUARDING', recordedForAnother: true }, MANAGES),
      'FORBIDDEN',
      'disclosure.exceptional.for-another',
    ],
    [
      'the allocated worker, for a colleague',
      staff(['SUPPORT_WORKER'], { detail: 'SAFEGUARDING', recordedForAnother: true }, ALLOCATED),
      'FORBIDDEN',
      'disclosure.exceptional.for-another',
    ],
    [
      'a worker with no relationship, for a colleague',
      staff(['SUPPORT_WORKER'], { detail: 'SAFEGUARDING', recordedForAnother: true }),
      'NOT_FOUND',
      'existence.no-relationship',
    ],
  ] as [string, OperationFacts, string, string][])('%s: %s', (_name, facts, effect, rule) => {
    expect(decide(facts)).toMatchObject({ effect, rule });
  });
});

describe('disclosure.client-informed: the person told later, recorded by those who review the disclosure', () => {
  const decide = OPERATION_POLICIES['disclosure.client-informed'].decide;
  const MANAGES = { managesService: true, serviceMember: true };
  const ALLOCATED = { allocated: true, serviceMember: true };

  it.each([
    [
      'the service’s manager',
      staff(['SERVICE_MANAGER'], {}, MANAGES),
      'ALLOW',
      'disclosure.client-informed.service-manager',
    ],
    [
      'the service’s manager who made the disclosure (telling hides nothing: no second person needed)',
      staff(['SERVICE_MANAGER'], { callerMade: true, callerRecorded: true }, MANAGES),
      'ALLOW',
      'disclosure.client-informed.service-manager',
    ],
    [
      'the Caldicott Guardian',
      staff(['CALDICOTT_GUARDIAN'], {}),
      'ALLOW',
      'disclosure.client-informed.caldicott-guardian',
    ],
    [
      'the allocated worker who made it',
      staff(['SUPPORT_WORKER'], { callerMade: true }, ALLOCATED),
      'FORBIDDEN',
      'disclosure.role',
    ],
    ['the IG lead', staff(['IG_LEAD'], {}), 'FORBIDDEN', 'disclosure.role'],
    ['a senior manager', staff(['SENIOR_MANAGER'], {}), 'FORBIDDEN', 'disclosure.role'],
    [
      'a manager of another service',
      staff(['SERVICE_MANAGER'], {}),
      'NOT_FOUND',
      'existence.no-relationship',
    ],
    [
      'a Guardian who has not acknowledged the policy',
      {
        ...staff(['CALDICOTT_GUARDIAN'], {}),
        caller: { kind: 'STAFF', roles: ['CALDICOTT_GUARDIAN'], acknowledgedPolicy: false },
      },
      'POLICY_NOT_ACKNOWLEDGED',
      'policy.acknowledgement',
    ],
    [
      'the person themself',
      {
        caller: { kind: 'SERVICE_USER' },
        preset: 'STRICT',
        approved: false,
        relation: { ...NONE, self: true },
      },
      'FORBIDDEN',
      'disclosure.client-informed.principal',
    ],
  ] as [string, OperationFacts, string, string][])('%s: %s', (_name, facts, effect, rule) => {
    const policy = OPERATION_POLICIES['disclosure.client-informed'];
    // A principal the policy never admits is refused by the operation plugin before the policy is asked.
    const decision = policy.principals.includes(facts.caller.kind)
      ? decide(facts)
      : { effect: 'FORBIDDEN', rule: 'disclosure.client-informed.principal' };
    expect(decision).toMatchObject({ effect, rule });
  });

  it('is a write of the person’s record', () => {
    expect(OPERATION_POLICIES['disclosure.client-informed'].effects.writes).toBe(true);
  });
});

describe('disclosure.decide on the CONSENT basis (issue 15: consent authorises exactly what it names)', () => {
  const decide = OPERATION_POLICIES['disclosure.decide'].decide;
  const consent = (over: Partial<NonNullable<SharingFacts['consents']>[number]> = {}) => ({
    consentId: 'cns_1',
    method: 'SIGNED_FORM',
    coversRecipient: true,
    coversInformation: true,
    purposes: ['HOUSING'],
    ...over,
  });
  const manager = (sharing: SharingFacts) =>
    staff(
      ['SERVICE_MANAGER'],
      { detail: 'approved', purpose: 'HOUSING', ...sharing },
      { managesService: true },
    );

  it.each([
    [
      'a written consent naming the requester and the items',
      { consents: [consent()] },
      'ALLOW',
      'disclosure.approved',
    ],
    ['no current consent', { consents: [] }, 'CONSENT_REQUIRED', 'disclosure.consent-not-covering'],
    [
      'a consent naming another recipient (family, another agency)',
      { consents: [consent({ coversRecipient: false })] },
      'CONSENT_REQUIRED',
      'disclosure.consent-not-covering',
    ],
    [
      'a consent not naming the information requested',
      { consents: [consent({ coversInformation: false })] },
      'CONSENT_REQUIRED',
      'disclosure.consent-not-covering',
    ],
    [
      'a witnessed verbal consent, by default',
      { consents: [consent({ method: 'VERBAL_WITNESSED' })] },
      'CONSENT_REQUIRED',
      'disclosure.consent-not-covering',
    ],
    [
      'a witnessed verbal consent, where the organisation accepts it',
      {
        consents: [consent({ method: 'VERBAL_WITNESSED' })],
        consentMethods: ['SIGNED_FORM', 'EMAIL', 'VERBAL_WITNESSED'],
      },
      'ALLOW',
      'disclosure.approved',
    ],
    [
      'a consent naming another purpose (housing, asked for benefits)',
      { consents: [consent()], purpose: 'BENEFITS' },
      'CONSENT_REQUIRED',
      'disclosure.consent-purpose-not-covering',
    ],
    [
      'a consent naming no purpose',
      { consents: [consent({ purposes: [] })] },
      'CONSENT_REQUIRED',
      'disclosure.consent-purpose-not-covering',
    ],
    [
      'a request stating no purpose category',
      { consents: [consent({ purposes: ['HOUSING', 'OTHER'] })], purpose: undefined },
      'CONSENT_REQUIRED',
      'disclosure.consent-purpose-not-covering',
    ],
    [
      'one consent naming the purpose among several that do not',
      {
        consents: [
          consent({ consentId: 'cns_0', purposes: ['LEGAL'] }),
          consent({ purposes: ['LEGAL', 'HOUSING'] }),
        ],
      },
      'ALLOW',
      'disclosure.approved',
    ],
    [
      'the purpose named by one consent, the recipient by another',
      {
        consents: [consent({ coversRecipient: false }), consent({ consentId: 'cns_2', purposes: ['LEGAL'] })],
      },
      'CONSENT_REQUIRED',
      'disclosure.consent-purpose-not-covering',
    ],
    [
      'a consent naming the purpose but not the recipient',
      { consents: [consent({ coversRecipient: false })] },
      'CONSENT_REQUIRED',
      'disclosure.consent-not-covering',
    ],
  ] as const)('%s: %s', (_name, sharing, effect, rule) => {
    expect(decide(manager(sharing))).toMatchObject({ effect, rule });
  });

  it('refuses a caller without the role before looking at consent', () => {
    expect(
      decide(staff(['SUPPORT_WORKER'], { detail: 'approved', consents: [] }, { allocated: true })),
    ).toMatchObject({
      effect: 'FORBIDDEN',
      rule: 'disclosure.role',
    });
  });
});

describe('disclosure.urgency (issue 15: urgency after receipt)', () => {
  const decide = OPERATION_POLICIES['disclosure.urgency'].decide;

  it.each([
    [
      'the service’s manager',
      staff(['SERVICE_MANAGER'], { detail: 'urgent' }, { managesService: true, serviceMember: true }),
      'ALLOW',
      'disclosure.urgency.urgent',
    ],
    [
      'the Caldicott Guardian',
      staff(['CALDICOTT_GUARDIAN'], { detail: 'not-urgent' }),
      'ALLOW',
      'disclosure.urgency.not-urgent',
    ],
    [
      'a manager of another service',
      staff(['SERVICE_MANAGER'], { detail: 'urgent' }),
      'NOT_FOUND',
      'existence.no-relationship',
    ],
    [
      'the allocated worker',
      staff(['SUPPORT_WORKER'], { detail: 'urgent' }, { allocated: true, serviceMember: true }),
      'FORBIDDEN',
      'disclosure.role',
    ],
    [
      'a worker with no relationship',
      staff(['SUPPORT_WORKER'], { detail: 'urgent' }),
      'NOT_FOUND',
      'existence.no-relationship',
    ],
  ] as [string, OperationFacts, string, string][])('%s: %s', (_name, facts, effect, rule) => {
    expect(decide(facts)).toMatchObject({ effect, rule });
  });
});

describe('who is told of every note a disclosure names', () => {
  const caller = (roles: Role[]) => ({ kind: 'STAFF' as const, roles, acknowledgedPolicy: true });

  it('is the service’s managers, the Caldicott Guardian and the IG lead; not the care team', () => {
    expect(decidesDisclosures(caller(['SERVICE_MANAGER']), { ...NONE, managesService: true })).toBe(true);
    expect(decidesDisclosures(caller(['CALDICOTT_GUARDIAN']), NONE)).toBe(true);
    expect(decidesDisclosures(caller(['IG_LEAD']), NONE)).toBe(true);
    expect(decidesDisclosures(caller(['SERVICE_MANAGER']), NONE)).toBe(false);
    expect(decidesDisclosures(caller(['VOLUNTEER']), { ...NONE, allocated: true })).toBe(false);
    expect(decidesDisclosures(caller(['SUPPORT_WORKER']), { ...NONE, allocated: true })).toBe(false);
    expect(decidesDisclosures({ kind: 'SERVICE_USER' }, { ...NONE, self: true })).toBe(false);
  });
});
