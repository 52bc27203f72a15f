import { addYears } from '@confide/domain';
import { describe, expect, it } from 'vitest';
import { createServiceWithManager, expectNoErrors, registerServiceUser } from '../support/care-fixtures';
import { interleavingDynamoClient, updatesWith } from '../support/failing-dynamo';
import { onboardTestOrganisation } from '../support/fixtures';
import { MovableClock } from '../support/movable-clock';
import { testApi } from '../support/test-api';
import { readClient } from './retention-support';

/**
 * `closeCase` dates the case from the rules its caller authenticated with. A change of the rules that runs to its end
 * between the closure's read and its write reschedules every case already closed, not this one: the case was left
 * dated under the rules replaced, and its records would expire years before the organisation's rules allow. The
 * closure now checks, once dated, that its rules are still in force, and dates the case again under those that are.
 */

const SET_RULES = `mutation ($input: RetentionRulesInput!) { setRetentionRules(input: $input) {
  rescheduledCases complete
} }`;
const CLOSE = `mutation ($input: CloseCaseInput!) { closeCase(input: $input) { caseStatus closedAt } }`;

describe('closing a case while the retention rules change', () => {
  it('a case closed while the rules are raised to 10 years is kept for 10 years', async () => {
    // Prepare: an open case (an adult: the years after closure decide); the manager's closure is held just before its
    // write while the admin raises clientYearsAfterClosure from the default 8 to 10 years.
    const clock = new MovableClock();
    const api = testApi({ clock });
    const org = await onboardTestOrganisation(api);
    const { serviceId, manager } = await createServiceWithManager(api, org);
    const client = await registerServiceUser(api, manager, serviceId, { dateOfBirth: '1970-01-01' });
    const before = await readClient(api, manager.token, client);
    expectNoErrors(before);
    const slow = interleavingDynamoClient(
      api,
      (call) => updatesWith(call, 'SET caseStatus = :status'),
      async () => {
        const version = await api.graphql<{ organisation: { version: number } }>(
          '{ organisation { version } }',
          { token: org.adminToken },
        );
        const changed = await api.graphql<{ setRetentionRules: { complete: boolean } }>(SET_RULES, {
          token: org.adminToken,
          variables: {
            input: { clientYearsAfterClosure: 10, expectedVersion: version.data?.organisation.version },
          },
        });
        expectNoErrors(changed);
        expect(changed.data?.setRetentionRules.complete).toBe(true);
      },
    );

    // Act
    const closed = await testApi({ clock, dynamo: slow.client }).graphql<{
      closeCase: { caseStatus: string; closedAt: string };
    }>(CLOSE, {
      token: manager.token,
      variables: { input: { serviceUserId: client, expectedVersion: before.data?.serviceUser.version } },
    });

    // Assess: the rules say 10 years after closure, and so must the case...
    expect(slow.interleaved()).toBe(true);
    expectNoErrors(closed);
    const closedAt = new Date(closed.data?.closeCase.closedAt ?? '');
    const view = await readClient(api, manager.token, client);
    expect(view.data?.serviceUser.retention?.expiresAt).toBe(addYears(closedAt, 10).toISOString());
    // ...so eight years and a day on, the person's records are still held.
    clock.advanceYears(8);
    clock.advanceMs(86_400_000);
    const later = await readClient(api, manager.token, client);
    expect(later.errors).toBeUndefined();
  });
});
