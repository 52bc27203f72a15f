import { describe, expect, it } from 'vitest';
import { expectNoErrors, registerServiceUser } from '../support/care-fixtures';
import { MovableClock } from '../support/movable-clock';
import { serviceWorld } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';
import { closeCase, readClient } from './retention-support';

/**
 * A client's age at closure, which decides whether they were a child, is taken on the organisation's calendar date of
 * the closure (its monitoring time zone, Europe/London until changed), not the UTC date. Closed between 00:00 and
 * 01:00 British Summer Time on their 18th birthday, someone counted as 17, and was kept to the child age instead of
 * the adult period; closed on the evening before their 18th birthday in New York, they counted as 18 already.
 *
 * The organisation keeps adults 6 years after closure and children to their 30th birthday, so the rule that decides
 * shows which age was taken.
 */

const SET_RULES = 'mutation ($input: RetentionRulesInput!) { setRetentionRules(input: $input) { complete } }';
const SETTINGS =
  'mutation ($i: AccessMonitoringSettingsInput!) { setAccessMonitoringSettings(input: $i, expectedVersion: 0) { timeZone } }';

/** Born on 15 July 2008: 18 on 15 July 2026, 30 on 15 July 2038. */
const DATE_OF_BIRTH = '2008-07-15';
/** The start of the 30th birthday in New York (EDT, UTC-4), not UTC midnight: the evening before there. */
const THIRTIETH_BIRTHDAY_IN_NEW_YORK = '2038-07-15T04:00:00.000Z';

async function setRules(api: TestApi, adminToken: string, rules: Record<string, number>) {
  const read = await api.graphql<{ organisation: { version: number } }>('{ organisation { version } }', {
    token: adminToken,
  });
  const changed = await api.graphql<{ setRetentionRules: { complete: boolean } }>(SET_RULES, {
    token: adminToken,
    variables: { input: { ...rules, expectedVersion: read.data?.organisation.version } },
  });
  expectNoErrors(changed);
  expect(changed.data?.setRetentionRules.complete).toBe(true);
}

/** An organisation (in `timeZone`, if given) with a person born on {@link DATE_OF_BIRTH}. */
async function world(api: TestApi, timeZone?: string) {
  const w = await serviceWorld(api);
  if (timeZone) {
    expectNoErrors(await api.graphql(SETTINGS, { token: w.org.adminToken, variables: { i: { timeZone } } }));
  }
  const client = await registerServiceUser(api, w.manager, w.serviceId, { dateOfBirth: DATE_OF_BIRTH });
  return { ...w, client };
}

describe('a client’s age at closure is taken on the organisation’s calendar', () => {
  const clock = new MovableClock();
  const api = testApi({ clock });

  it('closed at 00:30 British Summer Time on their 18th birthday (still the 14th in UTC), they are an adult', async () => {
    // Prepare
    clock.set(new Date('2026-07-14T23:30:00Z'));
    const w = await world(api);
    await setRules(api, w.org.adminToken, { clientYearsAfterClosure: 6, childUntilAge: 30 });

    // Act
    const closed = await closeCase(api, w.manager, w.client);

    // Assess: six years after closure, not to the 30th birthday
    expectNoErrors(closed);
    expect(closed.data?.closeCase.retention).toEqual({
      expiresAt: '2032-07-14T23:30:00.000Z',
      basis: 'AFTER_CLOSURE',
      legalHold: false,
    });
  });

  it('closed at 20:30 on the eve of their 18th birthday in New York (already the 15th in UTC), they are a child', async () => {
    // Prepare
    clock.set(new Date('2026-07-15T00:30:00Z'));
    const w = await world(api, 'America/New_York');
    await setRules(api, w.org.adminToken, { clientYearsAfterClosure: 6, childUntilAge: 30 });

    // Act
    const closed = await closeCase(api, w.manager, w.client);

    // Assess: kept to the 30th birthday in New York, not deleted 6 years after closure
    expectNoErrors(closed);
    expect(closed.data?.closeCase.retention).toEqual({
      expiresAt: THIRTIETH_BIRTHDAY_IN_NEW_YORK,
      basis: 'CHILD_AGE',
      legalHold: false,
    });
  });

  it('a change of the rules dates the case again by the same local date', async () => {
    // Prepare: closed at 00:30 on their 18th birthday in London, under the default rules (8 years either way)
    clock.set(new Date('2026-07-14T23:30:00Z'));
    const w = await world(api);
    expectNoErrors(await closeCase(api, w.manager, w.client));

    // Act
    await setRules(api, w.org.adminToken, { clientYearsAfterClosure: 6, childUntilAge: 30 });

    // Assess
    const read = await readClient(api, w.manager.token, w.client);
    expectNoErrors(read);
    expect(read.data?.serviceUser.retention).toEqual({
      expiresAt: '2032-07-14T23:30:00.000Z',
      basis: 'AFTER_CLOSURE',
      legalHold: false,
    });
  });
});
