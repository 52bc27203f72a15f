import { describe, expect, it } from 'vitest';
import {
  allocate,
  codes,
  createServiceWithManager,
  expectNoErrors,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { MovableClock } from '../support/movable-clock';
import { type TestApi, testApi } from '../support/test-api';
import { receiveRequest } from './disclosure-support';
import { registerPartner } from './partner-release-support';

/**
 * A grant to a partner agency's app ends in the future, within 90 days on the organisation's calendar (its monitoring
 * time zone, Europe/London until changed), as the console's date-and-time picker offers it: a clock change in between
 * neither lengthens nor shortens it. Measured in milliseconds, 10:00 in August to 10:00 in November was 90 days and an
 * hour, and refused; 10:00 in January to 10:30 in April, 90 days and 30 minutes on the clock, was let through.
 */

const SETTINGS =
  'mutation ($i: AccessMonitoringSettingsInput!) { setAccessMonitoringSettings(input: $i, expectedVersion: 0) { timeZone } }';
const RELEASE = 'mutation ($input: ReleaseDisclosureInput!) { releaseDisclosure(input: $input) { kind } }';

/**
 * At `now`, an organisation (in `timeZone`, if given) with a safeguarding request for a person's note, received today
 * (`today`, there) for a partner agency's app and approved; answers a release of it into the app until an instant.
 */
async function world(api: TestApi, clock: MovableClock, now: string, today: string, timeZone?: string) {
  clock.set(new Date(now));
  const org = await onboardTestOrganisation(api);
  if (timeZone) {
    expectNoErrors(await api.graphql(SETTINGS, { token: org.adminToken, variables: { i: { timeZone } } }));
  }
  const { serviceId, manager } = await createServiceWithManager(api, org);
  const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
  const client = await registerServiceUser(api, manager, serviceId);
  await allocate(api, manager, client, worker);
  const note = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Attended the day centre.');
  const { partnerId } = await registerPartner(api, org, 'County Council adult social care');
  const requestId = await receiveRequest(api, manager.token, client, {
    itemIds: [note],
    receivedOn: today,
    partnerId,
  });
  expectNoErrors(
    await api.graphql(
      'mutation ($c: ID!, $r: String!) { decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: true, reasoning: "Risk to the person") { kind } }',
      { token: manager.token, variables: { c: client, r: requestId } },
    ),
  );
  return (grantExpiresAt: string) =>
    api.graphql<{ releaseDisclosure: { kind: string } }>(RELEASE, {
      token: manager.token,
      variables: {
        input: { serviceUserId: client, requestId, itemIds: [note], method: 'PARTNER_APP', grantExpiresAt },
      },
    });
}

describe('a partner grant ends within 90 days on the organisation’s calendar', () => {
  const clock = new MovableClock();
  const api = testApi({ clock });

  it.each([
    // The clocks go back on 25 October 2026 and forward on 28 March 2027 in London.
    [
      '10:00 on 10 August to 10:00 on 8 November, 90 days',
      '2026-08-10T10:00:00+01:00',
      '2026-11-08T10:00:00Z',
      true,
    ],
    ['10:00 on 10 August to 10:01 on 8 November', '2026-08-10T10:00:00+01:00', '2026-11-08T10:01:00Z', false],
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
  ])('%s across a London clock change', async (_period, now, until, accepted) => {
    // Prepare
    const release = await world(api, clock, now, now.slice(0, 10));

    // Act
    const released = await release(until);

    // Assess
    if (accepted) {
      expectNoErrors(released);
      expect(released.data?.releaseDisclosure.kind).toBe('RELEASED');
    } else {
      expect(codes(released)).toEqual(['BAD_USER_INPUT']);
      expect(released.errors?.[0]?.extensions?.field).toEqual(['input', 'grantExpiresAt']);
    }
  });

  it('follows the organisation’s own time zone: New York’s clocks go back on 1 November, London’s on 25 October', async () => {
    // Prepare: 10:00 on 27 October in New York (14:00 in London, already on GMT)
    const release = await world(api, clock, '2026-10-27T10:00:00-04:00', '2026-10-27', 'America/New_York');

    // Act: to 10:00 on 25 January there, 90 days (in London, 14:00 to 15:00: 90 days and an hour)
    const released = await release('2027-01-25T10:00:00-05:00');

    // Assess
    expectNoErrors(released);
  });
});
