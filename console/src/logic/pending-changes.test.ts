import { describe, expect, it } from 'vitest';
import { pendingChangeWords, pendingRuleWords } from './pending-changes';

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
});
