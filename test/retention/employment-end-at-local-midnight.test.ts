import { describe, expect, it } from 'vitest';
import { expectNoErrors } from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { MovableClock } from '../support/movable-clock';
import { type TestApi, testApi } from '../support/test-api';

/**
 * A leaver's records are kept `staffYearsAfterEmployment` from the end of their last day, and a last day is a date on
 * the organisation's calendar (its monitoring time zone, Europe/London until changed): it ends at midnight there, not
 * at midnight UTC. West of Greenwich, UTC midnight came hours before the day was over, and the records were due that
 * much early.
 */

const ENDED = `mutation ($input: RecordEmploymentEndedInput!) {
  recordEmploymentEnded(input: $input) { endedOn expiresAt }
}`;
const SET_RULES = 'mutation ($input: RetentionRulesInput!) { setRetentionRules(input: $input) { complete } }';
const SETTINGS =
  'mutation ($i: AccessMonitoringSettingsInput!) { setAccessMonitoringSettings(input: $i, expectedVersion: 0) { timeZone } }';
const EMPLOYMENT = 'query ($id: ID!) { staffMember(id: $id) { employment { expiresAt } } }';

/** An organisation (in `timeZone`, if given) and a leaver whose last day was 31 July 2026. */
async function world(api: TestApi, timeZone?: string) {
  const org = await onboardTestOrganisation(api);
  if (timeZone) {
    expectNoErrors(await api.graphql(SETTINGS, { token: org.adminToken, variables: { i: { timeZone } } }));
  }
  const leaver = await addStaff(api, org, ['SUPPORT_WORKER']);
  const ended = await api.graphql<{ recordEmploymentEnded: { endedOn: string; expiresAt: string } }>(ENDED, {
    token: org.adminToken,
    variables: { input: { staffId: leaver.globalId, endedOn: '2026-07-31' } },
  });
  return { org, leaver, ended };
}

describe('a leaver’s records are kept from midnight after their last day, on the organisation’s calendar', () => {
  const clock = new MovableClock();
  const api = testApi({ clock });

  it('in London in summer: from midnight British Summer Time, 23:00 UTC', async () => {
    // Prepare
    clock.set(new Date('2026-08-10T12:00:00Z'));

    // Act
    const { ended } = await world(api);

    // Assess
    expectNoErrors(ended);
    expect(ended.data?.recordEmploymentEnded).toEqual({
      endedOn: '2026-07-31',
      expiresAt: '2032-07-31T23:00:00.000Z',
    });
  });

  it('in New York: from midnight there, 04:00 UTC, not four hours before the day ended', async () => {
    // Prepare
    clock.set(new Date('2026-08-10T12:00:00Z'));

    // Act
    const { ended } = await world(api, 'America/New_York');

    // Assess
    expectNoErrors(ended);
    expect(ended.data?.recordEmploymentEnded.expiresAt).toBe('2032-08-01T04:00:00.000Z');
  });

  it('a change of the rules dates the leaver again from the same midnight', async () => {
    // Prepare
    clock.set(new Date('2026-08-10T12:00:00Z'));
    const { org, leaver, ended } = await world(api, 'America/New_York');
    expectNoErrors(ended);
    const read = await api.graphql<{ organisation: { version: number } }>('{ organisation { version } }', {
      token: org.adminToken,
    });

    // Act
    const changed = await api.graphql(SET_RULES, {
      token: org.adminToken,
      variables: {
        input: { staffYearsAfterEmployment: 10, expectedVersion: read.data?.organisation.version },
      },
    });

    // Assess
    expectNoErrors(changed);
    const employment = await api.graphql<{ staffMember: { employment: { expiresAt: string } } }>(EMPLOYMENT, {
      token: org.adminToken,
      variables: { id: leaver.globalId },
    });
    expectNoErrors(employment);
    expect(employment.data?.staffMember.employment.expiresAt).toBe('2036-08-01T04:00:00.000Z');
  });
});
