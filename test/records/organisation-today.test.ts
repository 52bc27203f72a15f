import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  allocate,
  codes,
  createServiceWithManager,
  expectNoErrors,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation, type TestOrganisation } from '../support/fixtures';
import { MovableClock } from '../support/movable-clock';
import { serviceUserToken } from '../support/records-fixtures';
import type { GraphqlResult, TestApi } from '../support/test-api';
import { testApi } from '../support/test-api';

/**
 * A date someone gives as today (told on, received on, born on, the last day of employment, a case closed later today)
 * is the organisation's today: the calendar date in its time zone (its monitoring settings' working hours, Europe/London
 * until changed), not the UTC date. From midnight to 01:00 British Summer Time UTC is still on the day before, and a
 * manager recording "told today" was refused as "in the future".
 */

// 23:30 UTC on 14 July 2026 is 00:30 on 15 July in London (British Summer Time, UTC+1).
const NIGHT = new Date('2026-07-14T23:30:00Z');
const TODAY = '2026-07-15';
const TOMORROW = '2026-07-16';
const YESTERDAY = '2026-07-14';

const TELL = `mutation ($c: ID!, $r: String!, $on: String!) {
  recordDisclosureToldToPerson(serviceUserId: $c, requestId: $r, toldOn: $on, how: "Told in person.") { toldOn }
}`;
const EXCEPTIONAL = `mutation ($input: ExceptionalDisclosureInput!) { recordExceptionalDisclosure(input: $input) { requestId } }`;
const REQUEST_ACCESS = `mutation ($c: ID!, $on: String!, $check: SubjectAccessIdentityCheck) {
  requestSubjectAccess(serviceUserId: $c, receivedOn: $on, identityCheck: $check) { id receivedOn deadline overdue }
}`;
const OVERDUE = `{ subjectAccessRequestsConnection(first: 50, overdueOnly: true) { edges { node { id overdue } } } }`;
const SUMMARY = `query ($p: ReportPeriod!) { informationGovernanceSummary(period: $p) {
  subjectAccessRequests { received open overdue }
} }`;
const CLOSE = `mutation ($input: CloseCaseInput!) { closeCase(input: $input) { caseStatus closedAt } }`;
const VERSION = 'query ($id: ID!) { serviceUser(id: $id) { version } }';
const REGISTER = `mutation ($input: RegisterServiceUserInput!) { registerServiceUser(input: $input) { id } }`;
const ENDED = `mutation ($input: RecordEmploymentEndedInput!) { recordEmploymentEnded(input: $input) { endedOn } }`;
const RECEIVE = `mutation ($input: ReceiveDisclosureRequestInput!) { receiveDisclosureRequest(input: $input) { requestId } }`;
const REFERRAL = `mutation ($input: RecordReferralInput!) { recordReferral(input: $input) { id receivedOn } }`;
const BOOK = `mutation ($c: ID!, $r: ID!, $at: DateTime!) {
  recordReferralAppointment(serviceUserId: $c, referralId: $r, appointmentAt: $at) { appointmentAt }
}`;
const SETTINGS = `mutation ($input: AccessMonitoringSettingsInput!) {
  setAccessMonitoringSettings(input: $input, expectedVersion: 0) { timeZone }
}`;

/** Refused as bad input naming the field, with a message like `message`. */
function expectRefused(result: GraphqlResult<unknown>, field: string[], message: RegExp): void {
  expect(codes(result)).toEqual(['BAD_USER_INPUT']);
  expect(result.errors?.[0]?.extensions?.field).toEqual(field);
  expect(result.errors?.[0]?.message).toMatch(message);
}

/** An organisation with a service, its manager, an ORG_ADMIN, an IG lead and a worker supporting one person. */
async function scene(api: TestApi) {
  const org = await onboardTestOrganisation(api);
  const { serviceId, manager, senior } = await createServiceWithManager(api, org);
  const [worker, ig] = await Promise.all([
    addStaff(api, org, ['SUPPORT_WORKER']),
    addStaff(api, org, ['IG_LEAD']),
  ]);
  const client = await registerServiceUser(api, manager, serviceId);
  await allocate(api, manager, client, worker);
  const note = await recordNote(
    api,
    worker,
    client,
    'SAFEGUARDING_CONCERN',
    'Said he would hurt a neighbour.',
  );
  return { org, serviceId, manager, senior, worker, ig, client, note };
}

async function versionOf(api: TestApi, token: string, id: string): Promise<number> {
  const read = await api.graphql<{ serviceUser: { version: number } }>(VERSION, { token, variables: { id } });
  expectNoErrors(read);
  return read.data?.serviceUser.version ?? 0;
}

async function partner(api: TestApi, org: TestOrganisation): Promise<string> {
  const clientId = `pa-${randomBytes(4).toString('hex')}`;
  const registered = await api.graphql<{ registerPartnerAgency: { id: string } }>(
    'mutation ($c: String!) { registerPartnerAgency(name: "Community mental health team", clientId: $c) { id } }',
    { token: org.adminToken, variables: { c: clientId } },
  );
  expectNoErrors(registered);
  return registered.data?.registerPartnerAgency.id ?? '';
}

describe('a date given as today is the organisation’s today, not the UTC date', () => {
  const clock = new MovableClock();
  const api = testApi({ clock });

  it('recordDisclosureToldToPerson takes today’s date at 00:30 British Summer Time, and refuses tomorrow', async () => {
    // Prepare: a disclosure the person was not told of, recorded at 00:30 in London on 15 July
    clock.set(NIGHT);
    const s = await scene(api);
    const disclose = async () => {
      const result = await api.graphql<{ recordExceptionalDisclosure: { requestId: string } }>(EXCEPTIONAL, {
        token: s.worker.token,
        variables: {
          input: {
            serviceUserId: s.client,
            recipient: 'PC Smith',
            legalBasis: 'SAFEGUARDING',
            reasoning: 'Threats to a neighbour.',
            itemIds: [s.note],
            clientInformed: false,
            reasonNotInformed: 'Telling him would put the neighbour at risk.',
          },
        },
      });
      expectNoErrors(result);
      return result.data?.recordExceptionalDisclosure.requestId ?? '';
    };
    const [first, second] = [await disclose(), await disclose()];
    const tell = (r: string, on: string) =>
      api.graphql<{ recordDisclosureToldToPerson: { toldOn: string } }>(TELL, {
        token: s.manager.token,
        variables: { c: s.client, r, on },
      });

    // Act
    const today = await tell(first, TODAY);
    const tomorrow = await tell(second, TOMORROW);

    // Assess
    expectNoErrors(today);
    expect(today.data?.recordDisclosureToldToPerson.toldOn).toBe(TODAY);
    expectRefused(tomorrow, ['toldOn'], /future/);
  });

  it('recordDisclosureToldToPerson refuses the day before the disclosure was recorded, in local dates', async () => {
    // Prepare: recorded at 00:30 on 15 July in London (still 14 July in UTC)
    clock.set(NIGHT);
    const s = await scene(api);
    const recorded = await api.graphql<{ recordExceptionalDisclosure: { requestId: string } }>(EXCEPTIONAL, {
      token: s.worker.token,
      variables: {
        input: {
          serviceUserId: s.client,
          recipient: 'PC Smith',
          legalBasis: 'SAFEGUARDING',
          reasoning: 'Threats to a neighbour.',
          itemIds: [s.note],
          clientInformed: false,
          reasonNotInformed: 'Telling him would put the neighbour at risk.',
        },
      },
    });
    expectNoErrors(recorded);

    // Act: told on 14 July, the day before it was recorded in London
    const before = await api.graphql(TELL, {
      token: s.manager.token,
      variables: { c: s.client, r: recorded.data?.recordExceptionalDisclosure.requestId, on: YESTERDAY },
    });

    // Assess
    expectRefused(before, ['toldOn'], /on or after/);
  });

  it('requestSubjectAccess: staff record one received today and not tomorrow; the person’s own is dated today', async () => {
    // Prepare
    clock.set(NIGHT);
    const s = await scene(api);
    const person = await serviceUserToken(api, s.org.orgId, s.client);
    const request = (token: string, on: string, check?: string) =>
      api.graphql<{ requestSubjectAccess: { receivedOn: string; deadline: string; overdue: boolean } }>(
        REQUEST_ACCESS,
        { token, variables: { c: s.client, on, check } },
      );

    // Act
    const byStaff = await request(s.ig.token, TODAY, 'PHOTO_ID');
    const byStaffTomorrow = await request(s.ig.token, TOMORROW, 'PHOTO_ID');
    const ownToday = await request(person, TODAY);
    const ownUtcDate = await request(person, YESTERDAY);
    const ownTomorrow = await request(person, TOMORROW);

    // Assess
    expectNoErrors(byStaff);
    expect(byStaff.data?.requestSubjectAccess).toMatchObject({
      receivedOn: TODAY,
      deadline: '2026-08-15',
      overdue: false,
    });
    expectRefused(byStaffTomorrow, ['receivedOn'], /future/);
    expectNoErrors(ownToday);
    expect(ownToday.data?.requestSubjectAccess.receivedOn).toBe(TODAY);
    expectRefused(ownUtcDate, ['receivedOn'], /today/);
    expectRefused(ownTomorrow, ['receivedOn'], /future/);
  });

  it('a subject access request whose deadline was yesterday in London is overdue, in the register and the summary', async () => {
    // Prepare: received 14 June (due 14 July, yesterday in London), 15 June (due today) and 30 June (before a
    // period starting at midnight on 1 July in London, 23:00 UTC on 30 June)
    clock.set(NIGHT);
    const s = await scene(api);
    const record = async (on: string) => {
      const result = await api.graphql<{ requestSubjectAccess: { id: string; overdue: boolean } }>(
        REQUEST_ACCESS,
        {
          token: s.ig.token,
          variables: { c: s.client, on, check: 'PHOTO_ID' },
        },
      );
      expectNoErrors(result);
      return result.data?.requestSubjectAccess;
    };
    const dueYesterday = await record('2026-06-14');
    const dueToday = await record('2026-06-15');
    await record('2026-06-30');

    // Act
    const overdue = await api.graphql<{
      subjectAccessRequestsConnection: { edges: { node: { id: string; overdue: boolean } }[] };
    }>(OVERDUE, { token: s.ig.token });
    const summary = await api.graphql<{
      informationGovernanceSummary: { subjectAccessRequests: Record<string, number> };
    }>(SUMMARY, {
      token: s.ig.token,
      variables: { p: { from: '2026-07-01T00:00:00+01:00', to: NIGHT.toISOString() } },
    });

    // Assess
    expect(dueYesterday?.overdue).toBe(true);
    expect(dueToday?.overdue).toBe(false);
    expectNoErrors(overdue);
    expect(overdue.data?.subjectAccessRequestsConnection.edges.map((edge) => edge.node)).toEqual([
      { id: dueYesterday?.id, overdue: true },
    ]);
    expectNoErrors(summary);
    expect(summary.data?.informationGovernanceSummary.subjectAccessRequests).toEqual({
      received: 0,
      open: 3,
      overdue: 1,
    });
  });

  it('closeCase takes a closure later today in London as now, and refuses one tomorrow', async () => {
    // Prepare
    clock.set(NIGHT);
    const s = await scene(api);
    const other = await registerServiceUser(api, s.manager, s.serviceId);
    const close = async (serviceUserId: string, closedAt: string) =>
      api.graphql<{ closeCase: { caseStatus: string; closedAt: string } }>(CLOSE, {
        token: s.manager.token,
        variables: {
          input: {
            serviceUserId,
            closedAt,
            expectedVersion: await versionOf(api, s.manager.token, serviceUserId),
          },
        },
      });

    // Act: 09:00 on 15 July and on 16 July, London time
    const laterToday = await close(s.client, '2026-07-15T09:00:00+01:00');
    const tomorrow = await close(other, '2026-07-16T09:00:00+01:00');

    // Assess
    expectNoErrors(laterToday);
    expect(laterToday.data?.closeCase).toEqual({ caseStatus: 'CLOSED', closedAt: NIGHT.toISOString() });
    expectRefused(tomorrow, ['input', 'closedAt'], /future/);
  });

  it('registerServiceUser takes a date of birth of today, and refuses tomorrow', async () => {
    // Prepare
    clock.set(NIGHT);
    const s = await scene(api);
    const register = (dateOfBirth: string) =>
      api.graphql(REGISTER, {
        token: s.manager.token,
        variables: { input: { serviceId: s.serviceId, name: 'Baby Canary', dateOfBirth } },
      });

    // Act
    const bornToday = await register(TODAY);
    const bornTomorrow = await register(TOMORROW);

    // Assess
    expectNoErrors(bornToday);
    expectRefused(bornTomorrow, ['input', 'dateOfBirth'], /future/);
  });

  it('recordEmploymentEnded takes today as the last day, and refuses tomorrow', async () => {
    // Prepare
    clock.set(NIGHT);
    const s = await scene(api);
    const [leaver, other] = await Promise.all([
      addStaff(api, s.org, ['SUPPORT_WORKER']),
      addStaff(api, s.org, ['SUPPORT_WORKER']),
    ]);
    const ended = (staffId: string, endedOn: string) =>
      api.graphql<{ recordEmploymentEnded: { endedOn: string } }>(ENDED, {
        token: s.senior.token,
        variables: { input: { staffId, endedOn } },
      });

    // Act
    const today = await ended(leaver.globalId, TODAY);
    const tomorrow = await ended(other.globalId, TOMORROW);

    // Assess
    expectNoErrors(today);
    expect(today.data?.recordEmploymentEnded.endedOn).toBe(TODAY);
    expectRefused(tomorrow, ['input', 'endedOn'], /future/);
  });

  it('receiveDisclosureRequest takes a request received today, and refuses tomorrow', async () => {
    // Prepare
    clock.set(NIGHT);
    const s = await scene(api);
    const receive = (receivedOn: string) =>
      api.graphql(RECEIVE, {
        token: s.manager.token,
        variables: {
          input: {
            serviceUserId: s.client,
            requesterOrganisation: 'County Council',
            requesterContact: 'Safeguarding team',
            purpose: 'Section 42 enquiry',
            legalBasis: 'SAFEGUARDING',
            identityCheck: 'CALLBACK_TO_KNOWN_NUMBER',
            itemIds: [s.note],
            receivedOn,
          },
        },
      });

    // Act
    const today = await receive(TODAY);
    const tomorrow = await receive(TOMORROW);

    // Assess
    expectNoErrors(today);
    expectRefused(tomorrow, ['input', 'receivedOn'], /future/);
  });

  it('recordReferral takes a referral received today, and refuses tomorrow', async () => {
    // Prepare
    clock.set(NIGHT);
    const s = await scene(api);
    const partnerId = await partner(api, s.org);
    const refer = (receivedOn: string) =>
      api.graphql<{ recordReferral: { receivedOn: string } }>(REFERRAL, {
        token: s.manager.token,
        variables: {
          input: {
            serviceUserId: s.client,
            partnerId,
            referrerReference: `CMHT/${randomBytes(3).toString('hex')}`,
            receivedOn,
          },
        },
      });

    // Act
    const today = await refer(TODAY);
    const tomorrow = await refer(TOMORROW);

    // Assess
    expectNoErrors(today);
    expect(today.data?.recordReferral.receivedOn).toBe(TODAY);
    expectRefused(tomorrow, ['input', 'receivedOn'], /future/);
  });

  it('recordReferralAppointment takes an appointment at 00:30 London time on the day the referral was received', async () => {
    // Prepare: a referral received on 14 July
    clock.set(NIGHT);
    const s = await scene(api);
    const partnerId = await partner(api, s.org);
    const referral = await api.graphql<{ recordReferral: { id: string } }>(REFERRAL, {
      token: s.manager.token,
      variables: {
        input: {
          serviceUserId: s.client,
          partnerId,
          referrerReference: `CMHT/${randomBytes(3).toString('hex')}`,
          receivedOn: YESTERDAY,
        },
      },
    });
    expectNoErrors(referral);
    const book = (at: string) =>
      api.graphql(BOOK, {
        token: s.worker.token,
        variables: { c: s.client, r: referral.data?.recordReferral.id, at },
      });

    // Act: 23:30 on 13 July in London, the day before; then 00:30 on 14 July (23:30 UTC on 13 July)
    const dayBefore = await book('2026-07-13T23:30:00+01:00');
    const sameDay = await book('2026-07-14T00:30:00+01:00');

    // Assess
    expectRefused(dayBefore, ['appointmentAt'], /before the referral was received/);
    expectNoErrors(sameDay);
  });

  it('follows the organisation’s own time zone: in New York 02:00 UTC on 15 July is still 14 July', async () => {
    // Prepare: an organisation whose working hours are in New York
    clock.set(new Date('2026-07-15T02:00:00Z'));
    const s = await scene(api);
    expectNoErrors(
      await api.graphql(SETTINGS, {
        token: s.ig.token,
        variables: { input: { timeZone: 'America/New_York' } },
      }),
    );
    const request = (on: string) =>
      api.graphql(REQUEST_ACCESS, { token: s.ig.token, variables: { c: s.client, on, check: 'PHOTO_ID' } });

    // Act
    const fifteenth = await request('2026-07-15');
    const fourteenth = await request('2026-07-14');

    // Assess
    expectRefused(fifteenth, ['receivedOn'], /future/);
    expectNoErrors(fourteenth);
  });
});
