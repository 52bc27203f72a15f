import { integrityMac } from '@confide/keys';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { codes, expectNoErrors, registerServiceUser } from '../support/care-fixtures';
import { expectTamperedState } from '../support/fixtures';
import { MovableClock } from '../support/movable-clock';
import { rawItem, rawUpdate } from '../support/raw-table';
import { localIdOf } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';
import { closeCase, type RetentionWorld, readClient, retentionWorld } from './retention-support';

/**
 * The date of a case's closure on the organisation's calendar, on which the age at closure is taken, is a fact of the
 * closure: kept with it (under the case's MAC) and never taken again in the time zone of the day. It was re-derived
 * on every change of the rules in the zone of then, which the IG lead or an admin changes alone: a child at closure
 * in UTC became an adult in London, and a change of the audit period, which shortens nothing and so was not checked,
 * dated the case into the past, an erasure nobody decided. A change that would bring any case's date to the past,
 * however it comes to, is refused, as a shortening that does is.
 */

const SET_RULES = 'mutation ($input: RetentionRulesInput!) { setRetentionRules(input: $input) { complete } }';
const SETTINGS = `mutation ($i: AccessMonitoringSettingsInput!, $v: Int!) {
  setAccessMonitoringSettings(input: $i, expectedVersion: $v) { timeZone }
}`;

/** 18 on 15 July 2026, 25 on 15 July 2033. */
const DATE_OF_BIRTH = '2008-07-15';
/** 23:30 UTC on 14 July 2026: still the 14th in UTC (17), already the 15th in London (18). */
const AT_NIGHT = new Date('2026-07-14T23:30:00Z');

async function setRules(api: TestApi, adminToken: string, rules: Record<string, number>) {
  const read = await api.graphql<{ organisation: { version: number } }>('{ organisation { version } }', {
    token: adminToken,
  });
  return api.graphql<{ setRetentionRules: { complete: boolean } }>(SET_RULES, {
    token: adminToken,
    variables: { input: { ...rules, expectedVersion: read.data?.organisation.version } },
  });
}

async function setTimeZone(api: TestApi, token: string, timeZone: string, version: number) {
  expectNoErrors(await api.graphql(SETTINGS, { token, variables: { i: { timeZone }, v: version } }));
}

/** An organisation in UTC keeping adults 6 years after closure and children to 25, with a client of its service. */
async function organisationInUtc(api: TestApi, dateOfBirth: string) {
  const world = await retentionWorld(api);
  await setTimeZone(api, world.org.adminToken, 'UTC', 0);
  expectNoErrors(
    await setRules(api, world.org.adminToken, { clientYearsAfterClosure: 6, childUntilAge: 25 }),
  );
  const id = await registerServiceUser(api, world.manager, world.serviceId, { dateOfBirth });
  return { world, id, clientId: localIdOf(id) };
}

async function retentionOf(api: TestApi, world: RetentionWorld, id: string) {
  const read = await readClient(api, world.manager.token, id);
  expectNoErrors(read);
  return read.data?.serviceUser.retention;
}

const profileKey = (world: RetentionWorld, clientId: string) => ({
  pk: tenantScope(world.org.orgId).key('CLIENT', clientId),
  sk: 'PROFILE',
});

describe('the date of a closure is kept with the case', () => {
  const clock = new MovableClock();
  const api = testApi({ clock });

  it('a child at closure in UTC stays one when the IG lead moves the organisation to London: a later change of the audit period expires nothing', async () => {
    // Prepare: closed at 23:30 UTC on the eve of the 18th birthday (a child: kept to 15 July 2033), then the IG lead
    // moves the organisation to London, where that instant was the birthday itself.
    clock.set(AT_NIGHT);
    const { world, id } = await organisationInUtc(api, DATE_OF_BIRTH);
    const closed = await closeCase(api, world.manager, id);
    expectNoErrors(closed);
    expect(closed.data?.closeCase.retention?.expiresAt).toBe('2033-07-15T00:00:00.000Z');
    await setTimeZone(api, world.ig.token, 'Europe/London', 1);
    clock.set(new Date('2032-12-01T00:00:00Z'));

    // Act: an admin lengthens the audit period, which shortens nothing.
    const changed = await setRules(api, world.org.adminToken, { auditYears: 9 });

    // Assess: still a child's schedule, kept to the start of the 25th birthday in London (BST), not expired.
    expectNoErrors(changed);
    expect(await retentionOf(api, world, id)).toEqual({
      expiresAt: '2033-07-14T23:00:00.000Z',
      basis: 'CHILD_AGE',
      legalHold: false,
    });
  });

  it('a closure kept before its date was, takes the age on the UTC date of its instant, as its schedule did', async () => {
    // Prepare: a closure as written before the date was kept: no closedOn, and the case's MAC of then (v1).
    clock.set(AT_NIGHT);
    const { world, id, clientId } = await organisationInUtc(api, DATE_OF_BIRTH);
    expectNoErrors(await closeCase(api, world.manager, id));
    const closedAt = (await rawItem(api, profileKey(world, clientId)))?.closedAt?.S ?? '';
    const scope = tenantScope(world.org.orgId);
    const caseMacOfBefore = integrityMac(await api.services.directory.integrityKey(scope), [
      'confide.client-case.v1',
      world.org.orgId,
      clientId,
      'CLOSED',
      closedAt,
    ]);
    await rawUpdate(api, profileKey(world, clientId), 'SET caseMac = :mac REMOVE closedOn', {
      ':mac': { S: caseMacOfBefore },
    });
    await setTimeZone(api, world.ig.token, 'Europe/London', 1);
    clock.set(new Date('2032-12-01T00:00:00Z'));

    // Act
    const changed = await setRules(api, world.org.adminToken, { auditYears: 9 });

    // Assess: 17 on 14 July in UTC, as when it was scheduled; not an adult on London's 15th.
    expectNoErrors(changed);
    expect(await retentionOf(api, world, id)).toEqual({
      expiresAt: '2033-07-14T23:00:00.000Z',
      basis: 'CHILD_AGE',
      legalHold: false,
    });
  });

  it.each([
    ['moved a day on, making the child an adult', 'SET closedOn = :on', { ':on': { S: '2026-07-15' } }],
    ['taken off, leaving the UTC date', 'REMOVE closedOn', undefined],
  ])(
    'the date %s by a raw write fails the case’s MAC: the record is not served, an incident',
    async (_how, expression, values) => {
      // Prepare
      clock.set(AT_NIGHT);
      const { world, id, clientId } = await organisationInUtc(api, DATE_OF_BIRTH);
      expectNoErrors(await closeCase(api, world.manager, id));

      // Act
      await rawUpdate(api, profileKey(world, clientId), expression, values);
      const read = await readClient(api, world.manager.token, id);

      // Assess
      expect(codes(read)).toEqual(['INTERNAL']);
      await expectTamperedState(api, world.org.orgId, 'PROFILE', clientId);
    },
  );

  it('west of UTC, a change of the rules moves a child’s date later, to the start of the birthday there', async () => {
    // Prepare: closed in UTC, kept to UTC midnight on the 25th birthday; the organisation then moves to New York.
    clock.set(AT_NIGHT);
    const { world, id } = await organisationInUtc(api, DATE_OF_BIRTH);
    expectNoErrors(await closeCase(api, world.manager, id));
    await setTimeZone(api, world.ig.token, 'America/New_York', 1);

    // Act
    expectNoErrors(await setRules(api, world.org.adminToken, { auditYears: 9 }));

    // Assess: midnight on 15 July 2033 in New York (EDT), four hours after UTC's.
    expect(await retentionOf(api, world, id)).toEqual({
      expiresAt: '2033-07-15T04:00:00.000Z',
      basis: 'CHILD_AGE',
      legalHold: false,
    });
  });

  it('east of UTC, a change of the rules that would bring a child’s date to the past is refused: an erasure', async () => {
    // Prepare: closed in UTC (15 at closure), kept to UTC midnight on 1 March 2035, the 25th birthday; the
    // organisation moves to Tokyo, where that birthday began at 15:00 UTC the day before. It is now 20:00 UTC then.
    clock.set(new Date('2026-01-10T12:00:00Z'));
    const { world, id } = await organisationInUtc(api, '2010-03-01');
    expectNoErrors(await closeCase(api, world.manager, id));
    await setTimeZone(api, world.ig.token, 'Asia/Tokyo', 1);
    clock.set(new Date('2035-02-28T20:00:00Z'));

    // Act: a change that shortens nothing, which would date the case at 15:00 UTC, five hours ago.
    const changed = await setRules(api, world.org.adminToken, { auditYears: 9 });

    // Assess: refused as any change that would expire records at once; the rules and the case stay as they were.
    expect(codes(changed)).toEqual(['FORBIDDEN']);
    const organisation = await api.graphql<{ organisation: { retention: { auditYears: number } } }>(
      '{ organisation { retention { auditYears } } }',
      { token: world.org.adminToken },
    );
    expect(organisation.data?.organisation.retention.auditYears).toBe(8);
    expect(await retentionOf(api, world, id)).toEqual({
      expiresAt: '2035-03-01T00:00:00.000Z',
      basis: 'CHILD_AGE',
      legalHold: false,
    });
    const events = await api.services.auditLog.byActor(tenantScope(world.org.orgId), world.org.adminStaffId);
    expect(events).toContainEqual(
      expect.objectContaining({
        operation: 'setRetentionRules',
        action: 'DENIED',
        rule: 'retention.immediate-expiry-is-erasure',
      }),
    );
  });
});
