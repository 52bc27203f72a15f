import { addYears } from '@confide/domain';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { expectNoErrors } from '../support/care-fixtures';
import { interleavingDynamoClient } from '../support/failing-dynamo';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { MovableClock } from '../support/movable-clock';
import { testApi } from '../support/test-api';

/**
 * `recordEmploymentEnded` dates the leaver's records under the rules its request read when it began. A change of the
 * rules that runs to its end before the end of employment is written does not see it (its loop reads the recorded
 * ends): the leaver was left under the rules replaced, and their records would expire years before the rules allow.
 * The end of employment now checks, once dated, that its rules are still in force, and dates again under those that are.
 */

const SET_RULES = `mutation ($input: RetentionRulesInput!) { setRetentionRules(input: $input) { complete } }`;
const ENDED = `mutation ($input: RecordEmploymentEndedInput!) {
  recordEmploymentEnded(input: $input) { endedOn expiresAt }
}`;

describe('an end of employment while the retention rules change', () => {
  it('is dated under the rules raised meanwhile', async () => {
    // Prepare: a staff member; the end of employment is held just before its employment record is written while the
    // admin raises staffYearsAfterEmployment from the default 6 to 10 years.
    const clock = new MovableClock();
    const api = testApi({ clock });
    const org = await onboardTestOrganisation(api);
    const leaver = await addStaff(api, org, ['SUPPORT_WORKER']);
    const held = interleavingDynamoClient(
      api,
      (call) =>
        call.commandName === 'TransactWriteItemsCommand' &&
        JSON.stringify(call.input).includes('EMPLOYMENT') &&
        JSON.stringify(call.input).includes(':ended'),
      async () => {
        const version = await api.graphql<{ organisation: { version: number } }>(
          '{ organisation { version } }',
          {
            token: org.adminToken,
          },
        );
        expectNoErrors(
          await api.graphql(SET_RULES, {
            token: org.adminToken,
            variables: {
              input: { staffYearsAfterEmployment: 10, expectedVersion: version.data?.organisation.version },
            },
          }),
        );
      },
    );
    const endedOn = new Date(clock.now().getTime() - 30 * 86_400_000).toISOString().slice(0, 10);

    // Act
    const ended = await testApi({ clock, dynamo: held.client }).graphql<{
      recordEmploymentEnded: { endedOn: string; expiresAt: string };
    }>(ENDED, { token: org.adminToken, variables: { input: { staffId: leaver.globalId, endedOn } } });

    // Assess: the rules say 10 years after the last day, and so does the leaver's schedule.
    expect(held.interleaved()).toBe(true);
    expectNoErrors(ended);
    const employment = await api.services.staffRetention.employment(tenantScope(org.orgId), leaver.staffId);
    const tenYears = Math.floor(addYears(new Date(`${endedOn}T00:00:00Z`), 10).getTime() / 1000);
    expect(employment?.expiresAt).toBeGreaterThanOrEqual(tenYears - 86_400);
    expect(ended.data?.recordEmploymentEnded.expiresAt).toBe(
      new Date((employment?.expiresAt ?? 0) * 1000).toISOString(),
    );
  });
});
