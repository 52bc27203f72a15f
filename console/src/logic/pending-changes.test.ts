import { describe, expect, it } from 'vitest';
import {
  irreversibleChange,
  pendingChangeWords,
  pendingRuleWords,
  pendingSubjectWords,
} from './pending-changes';

describe('a pending change in words', () => {
  it('says what kind of change an erasure proposal is, and why it waits', () => {
    expect(pendingChangeWords('eraseServiceUser')).toBe('Erase a person’s records');
    expect(pendingRuleWords('retention.erasure.two-person')).toBe(
      'an erasure needs a second person: the Caldicott Guardian or another IG lead',
    );
  });

  it('names an operation or rule it does not know as the API does, rather than hiding it', () => {
    expect(pendingChangeWords('someNewMutation')).toBe('Change: someNewMutation');
    expect(pendingRuleWords('some.rule')).toBe('rule some.rule');
  });

  it('tells two changes of a kind apart by their subject’s label, from the end of its global id', () => {
    expect(pendingSubjectWords('SERVICE_USER', 'U2VydmljZVVzZXI6c3VfQUJDREVGR0g=')).toBe('person …DREVGR0g');
    expect(pendingSubjectWords('STAFF_MEMBER', 'U3RhZmZNZW1iZXI6c3RmXzAxMjM0NTY3')).toBe(
      'staff account …MjM0NTY3',
    );
    expect(pendingSubjectWords('SOME_NEW_KIND', 'abcdefghij')).toBe('some new kind …cdefghij');
  });

  it('has no label for a change about the organisation as a whole', () => {
    expect(pendingSubjectWords(null, null)).toBeUndefined();
    expect(pendingSubjectWords('SERVICE', undefined)).toBeUndefined();
  });

  it('asks to confirm an erasure, which cannot be undone, and no change that can', () => {
    expect(irreversibleChange('eraseServiceUser')).toMatchObject({
      what: 'the erasure',
      consequence: expect.stringMatching(/It cannot be undone\.$/),
      confirm: 'Erase for good',
    });
    expect(irreversibleChange('setAccessPreset')).toBeUndefined();
    expect(irreversibleChange('someNewMutation')).toBeUndefined();
  });
});
