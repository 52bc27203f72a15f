import { describe, expect, it } from 'vitest';
import {
  accessSentence,
  disclosureBasisWords,
  isRefusal,
  operationDoneWords,
  operationWords,
  rolesWords,
} from './plain-words';

describe('an access in plain words', () => {
  const base = {
    actorName: 'Sam Worker',
    actorRoles: ['SUPPORT_WORKER'],
    outcome: 'ALLOWED',
    fields: [] as string[],
  };

  it.each([
    [
      'an ordinary read by an allocated worker',
      {
        action: 'READ',
        operation: 'serviceUser',
        classifications: ['CARE', 'HEALTH'],
        fields: ['ServiceUser.notes', 'ServiceUser.medication'],
      },
      'Sam Worker (support worker) read care and support notes and health information',
    ],
    [
      'a change',
      { action: 'WRITE', operation: 'correctContactDetails', classifications: ['CONTACT'] },
      'Sam Worker (support worker) changed contact details',
    ],
    [
      'a refused field',
      { action: 'DENIED', operation: 'serviceUser', classifications: ['HEALTH'], outcome: 'FORBIDDEN' },
      'Sam Worker (support worker) was refused health information',
    ],
    [
      'a refused operation, named in words',
      { action: 'DENIED', operation: 'accessLog', classifications: [], outcome: 'NOT_FOUND' },
      'Sam Worker (support worker) tried to view the access log and was refused',
    ],
    [
      'the opening of emergency access (the grant itself)',
      { action: 'EMERGENCY_ACCESS', operation: 'openEmergencyAccess', classifications: [] },
      'Sam Worker (support worker) opened emergency access to the record',
    ],
    [
      'reads under emergency access',
      {
        action: 'EMERGENCY_ACCESS',
        operation: 'serviceUser',
        classifications: ['CONTACT', 'HEALTH', 'IDENTIFYING'],
        fields: ['ServiceUser.phone', 'ServiceUser.medication', 'ServiceUser.name'],
      },
      'Sam Worker (support worker) read contact details, health information and identifying details under emergency access',
    ],
    [
      'an erasure proposed, awaiting a second person',
      { action: 'ADMIN', operation: 'eraseServiceUser', classifications: [], outcome: 'APPROVAL_REQUESTED' },
      'Sam Worker (support worker) proposed erasing the records (awaiting approval)',
    ],
    [
      'a read of the access log itself',
      { action: 'READ', operation: 'accessLog', classifications: [], fields: ['AccessEvent.purpose'] },
      'Sam Worker (support worker) viewed the access log',
    ],
    [
      'an emergency access review listed',
      {
        action: 'READ',
        operation: 'emergencyAccessReviewsConnection',
        classifications: [],
        fields: ['EmergencyAccessReview'],
      },
      'Sam Worker (support worker) viewed the person’s emergency access review',
    ],
    [
      'a disclosure review listed (its field is classified CONSENT, but nothing of their consents was read)',
      {
        action: 'READ',
        operation: 'disclosureReviewsConnection',
        classifications: ['CONSENT'],
        fields: ['DisclosureReview'],
      },
      'Sam Worker (support worker) viewed the review of a disclosure about the person',
    ],
    [
      'a legal hold listed',
      { action: 'READ', operation: 'legalHolds', classifications: [], fields: ['LegalHold'] },
      'Sam Worker (support worker) viewed the legal hold on the person’s records',
    ],
    [
      'an operation the console knows, with nothing classified touched',
      { action: 'WRITE', operation: 'closeCase', classifications: [] },
      'Sam Worker (support worker) closed the case',
    ],
    [
      'an operation the console does not know',
      { action: 'READ', operation: 'someNewReport', classifications: [] },
      'Sam Worker (support worker) read the record (in some new report)',
    ],
    [
      'someone unnamed',
      { action: 'READ', operation: 'serviceUser', classifications: [], actorName: null, actorRoles: [] },
      'Someone read the record',
    ],
  ])('%s', (_case, event, sentence) => {
    expect(accessSentence({ ...base, ...event })).toBe(sentence);
  });

  it('counts refusals, and not a proposal awaiting approval or a search that found nobody', () => {
    expect(isRefusal({ action: 'DENIED', outcome: 'FORBIDDEN' })).toBe(true);
    expect(isRefusal({ action: 'READ', outcome: 'JUSTIFICATION_REQUIRED' })).toBe(true);
    expect(isRefusal({ action: 'ADMIN', outcome: 'APPROVAL_REQUESTED' })).toBe(false);
    expect(isRefusal({ action: 'READ', outcome: 'NONE_FOUND' })).toBe(false);
    expect(isRefusal({ action: 'EMERGENCY_ACCESS', outcome: 'ALLOWED' })).toBe(false);
  });

  it('names roles and operations as people say them', () => {
    expect(rolesWords(['IG_LEAD', 'CALDICOTT_GUARDIAN'])).toBe(
      'information governance lead, Caldicott Guardian',
    );
    expect(rolesWords([])).toBe('no role');
    expect(operationWords('subjectAccessRequestsConnection')).toBe('subject access requests connection');
  });
});

describe('a disclosure register entry in words', () => {
  it.each([
    ['disclosure.released.CONSENT', 'consent'],
    ['disclosure.exceptional.SAFEGUARDING', 'safeguarding'],
    ['disclosure.exceptional.PREVENTION_OF_SERIOUS_CRIME', 'prevention of serious crime'],
    ['disclosure.released', 'not recorded'],
    ['review.client-informed', 'not recorded'],
    [null, 'not recorded'],
  ])('the rule %s gives the basis “%s”', (rule, basis) => {
    expect(disclosureBasisWords(rule)).toBe(basis);
  });

  it('says what a known operation did, and names an unknown one in words', () => {
    expect(operationDoneWords('releaseDisclosure')).toBe('released a disclosure');
    expect(operationDoneWords('recordExceptionalDisclosure')).toBe('recorded an exceptional disclosure');
    expect(operationDoneWords('shareSomethingNew')).toBe('share something new');
  });
});
