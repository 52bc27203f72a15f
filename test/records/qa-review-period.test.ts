import { describe, expect, it } from 'vitest';
import { codes, createServiceWithManager, expectNoErrors } from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * A QA review assignment lasts at most 90 days in the organisation's calendar (its monitoring time zone, Europe/London
 * until changed), as the console offers it: a clock change in the period neither lengthens nor shortens it. Measured
 * in milliseconds, August to the same time in November was 90 days and an hour, and refused.
 */

const ASSIGN =
  'mutation ($s: ID!, $m: ID!, $f: DateTime!, $t: DateTime!) { assignQaReview(serviceId: $s, staffId: $m, from: $f, to: $t) { id } }';
const SETTINGS =
  'mutation ($i: AccessMonitoringSettingsInput!) { setAccessMonitoringSettings(input: $i, expectedVersion: 0) { timeZone } }';

async function world(api: TestApi) {
  const org = await onboardTestOrganisation(api);
  const { serviceId, senior } = await createServiceWithManager(api, org);
  const [leader, ig] = await Promise.all([
    addStaff(api, org, ['TEAM_LEADER']),
    addStaff(api, org, ['IG_LEAD']),
  ]);
  const assign = (from: string, to: string) =>
    api.graphql(ASSIGN, {
      token: senior.token,
      variables: { s: serviceId, m: leader.globalId, f: from, t: to },
    });
  return { assign, ig };
}

describe('a QA review lasts at most 90 days in the organisation’s calendar', () => {
  const api = testApi();

  it.each([
    // The clocks go back on 25 October 2026 and forward on 28 March 2027 in London.
    [
      '10:00 on 10 August to 10:00 on 8 November, 90 days',
      '2026-08-10T10:00:00+01:00',
      '2026-11-08T10:00:00Z',
      true,
    ],
    [
      '10:00 on 10 August to 10:00 on 9 November, 91 days',
      '2026-08-10T10:00:00+01:00',
      '2026-11-09T10:00:00Z',
      false,
    ],
    [
      'the console’s days 1 to 90: 1 August to the end of 29 October',
      '2026-08-01T00:00:00+01:00',
      '2026-10-29T23:59:59Z',
      true,
    ],
    [
      'the console’s days 1 to 91: 1 August to the end of 30 October',
      '2026-08-01T00:00:00+01:00',
      '2026-10-30T23:59:59Z',
      false,
    ],
    [
      '10:00 on 10 January to 10:00 on 10 April, 90 days',
      '2027-01-10T10:00:00Z',
      '2027-04-10T10:00:00+01:00',
      true,
    ],
    [
      '10:00 on 10 January to 10:30 on 10 April, 90 days and 30 minutes',
      '2027-01-10T10:00:00Z',
      '2027-04-10T10:30:00+01:00',
      false,
    ],
    [
      '10:00 on 10 January to 10:00 on 11 April, 91 days',
      '2027-01-10T10:00:00Z',
      '2027-04-11T10:00:00+01:00',
      false,
    ],
  ])('%s across a London clock change', async (_period, from, to, accepted) => {
    // Prepare
    const w = await world(api);

    // Act
    const assigned = await w.assign(from, to);

    // Assess
    if (accepted) expectNoErrors(assigned);
    else {
      expect(codes(assigned)).toEqual(['BAD_USER_INPUT']);
      expect(assigned.errors?.[0]?.extensions?.field).toEqual(['to']);
    }
  });

  it('follows the organisation’s own time zone: New York’s clocks go back on 1 November, London’s on 25 October', async () => {
    // Prepare: an organisation in New York
    const w = await world(api);
    expectNoErrors(
      await api.graphql(SETTINGS, { token: w.ig.token, variables: { i: { timeZone: 'America/New_York' } } }),
    );

    // Act: 10:00 on 27 October to 10:00 on 25 January there, 90 days (in London, 14:00 to 15:00 GMT: 90 days and an hour)
    const assigned = await w.assign('2026-10-27T10:00:00-04:00', '2027-01-25T10:00:00-05:00');

    // Assess
    expectNoErrors(assigned);
  });
});
