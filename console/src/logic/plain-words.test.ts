import { describe, expect, it } from 'vitest';
import { accessSentence, operationWords, rolesWords } from './plain-words';

describe('an access in plain words', () => {
  const base = { actorName: 'Sam Worker', actorRoles: ['SUPPORT_WORKER'], outcome: 'ALLOWED' };

  it.each([
    [
      { action: 'READ', classifications: ['CARE', 'HEALTH'] },
      'Sam Worker (support worker) read care and support notes, health information',
    ],
    [
      { action: 'WRITE', classifications: ['CONTACT'] },
      'Sam Worker (support worker) changed contact details',
    ],
    [
      { action: 'DENIED', classifications: ['HEALTH'], outcome: 'FORBIDDEN' },
      'Sam Worker (support worker) was refused health information',
    ],
    [
      { action: 'EMERGENCY_ACCESS', classifications: [] },
      'Sam Worker (support worker) opened emergency access to the record',
    ],
    [
      { action: 'READ', classifications: [], operation: 'emergencyAccessReviews' },
      'Sam Worker (support worker) read the record (in emergency access reviews)',
    ],
    [{ action: 'READ', classifications: [], actorName: null, actorRoles: [] }, 'Someone read the record'],
  ])('%j', (event, sentence) => {
    expect(accessSentence({ ...base, ...event })).toBe(sentence);
  });

  it('names roles and operations as people say them', () => {
    expect(rolesWords(['IG_LEAD', 'CALDICOTT_GUARDIAN'])).toBe(
      'information governance lead, Caldicott Guardian',
    );
    expect(rolesWords([])).toBe('no role');
    expect(operationWords('subjectAccessRequestsConnection')).toBe('subject access requests connection');
  });
});
